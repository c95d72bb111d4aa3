"""Per-district summary figures shared by ``liftguard info`` and the app's district table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.config import Config
from gis.registry import Registry, age_years

#: Summary columns, in display order, with their English and Chinese headers.
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "adcode": ("Code", "区划代码"),
    "name": ("District", "区"),
    "elevators": ("Elevators", "电梯数"),
    "age_assess": ("15-20 y", "15-20年"),
    "age_replace": ("20+ y", "20年以上"),
    "share_old": ("15+ share", "15年以上占比"),
    "residential": ("Residential", "住宅电梯"),
    "iot_share": ("IoT (all)", "物联网覆盖"),
    "iot_residential_share": ("IoT (residential)", "住宅物联网覆盖"),
    "class_i": ("Class I", "一类风险"),
    "class_ii": ("Class II", "二类风险"),
    "retrofit_open": ("Retrofit open", "改造进行中"),
}


def district_summary(registry: Registry, config: Config | None = None) -> pd.DataFrame:
    """One row per district plus a total row (``adcode`` ``"total"``).

    Age classes use ``config.age_assess_years``/``age_replace_years`` at ``config.today``; shares
    are fractions in 0..1. Vectorised: a groupby over boolean columns.
    """
    cfg = config or Config()
    el = registry.elevators
    years = age_years(el, cfg.today)
    res = (el["building_type"] == "residential").to_numpy()
    iot = (el["iot_device"] != "none").to_numpy()
    flags = pd.DataFrame({
        "adcode": el["district_adcode"].to_numpy(),
        "elevators": 1,
        "age_assess": (years >= cfg.age_assess_years) & (years < cfg.age_replace_years),
        "age_replace": years >= cfg.age_replace_years,
        "residential": res,
        "iot": iot,
        "iot_res": iot & res,
        "class_i": (el["risk_class"] == "class_i").to_numpy(),
        "class_ii": (el["risk_class"] == "class_ii").to_numpy(),
        "retrofit_open": ~el["retrofit_status"].isin(["none", "back_in_service"]).to_numpy(),
    })
    sums = flags.groupby("adcode").sum(numeric_only=True)
    names = registry.districts.set_index("adcode")[["name", "name_en"]]
    table = names.join(sums, how="outer").fillna(0)
    table.loc["total"] = table.sum(numeric_only=True)
    table.loc["total", ["name", "name_en"]] = ["合计", "Total"]
    out = table.reset_index(names="adcode")
    counts = ["elevators", "age_assess", "age_replace", "residential", "iot", "iot_res",
              "class_i", "class_ii", "retrofit_open"]
    out[counts] = out[counts].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_old"] = (out["age_assess"] + out["age_replace"]) / out["elevators"]
        out["iot_share"] = out["iot"] / out["elevators"]
        out["iot_residential_share"] = out["iot_res"] / out["residential"]
    return out[["adcode", "name", "name_en", *[c for c in SUMMARY_COLUMNS if c not in
                                                ("adcode", "name")]]].fillna(0.0)


def format_summary(table: pd.DataFrame, *, chinese: bool = False) -> str:
    """The summary as a fixed-width text table for the terminal."""
    shown = table.copy()
    for col in ("share_old", "iot_share", "iot_residential_share"):
        shown[col] = (shown[col] * 100).map("{:.1f}%".format)
    if not chinese:
        shown["name"] = shown["name_en"]
    shown = shown.drop(columns=["name_en"])
    shown.columns = [SUMMARY_COLUMNS[c][1 if chinese else 0] for c in shown.columns]
    return shown.to_string(index=False)
