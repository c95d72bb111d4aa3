"""The elevator registry: one documented column set, parsed and validated in one place.

A registry is held as pandas DataFrames (plain lon/lat columns, WGS84) so that bulk work stays
vectorised; :func:`to_geodataframe` gives a GeoDataFrame where geometry operations need one.

Elevator columns (``ELEVATOR_COLUMNS``; units in names where they have one):

================================  =========  ============================================
column                            dtype      meaning
================================  =========  ============================================
registration_code                 str        equipment registration code (注册代码), unique
rescue_code                       str        6-digit smart-elevator rescue code, unique
address                           str        street address
district_adcode                   str        6-digit administrative code of the district
district_name                     str        district name (Chinese)
lon, lat                          float64    WGS84 degrees
building_type                     category   see ``BUILDING_TYPES``
is_addon                          bool       add-on elevator in existing housing (加装电梯)
manufacture_year                  int16      year produced
registration_date                 datetime   date registered for use; age derives from it
maintenance_unit_id               str        contracted maintenance unit (维保单位)
station_id                        str        the unit's station that serves this elevator
iot_device                        category   see ``IOT_DEVICES``
risk_scheme                       str        assessment scheme of ``risk_class``
risk_class                        category   see ``RISK_CLASSES`` (GB/T 42615 numbering)
assessment_date                   datetime   last safety assessment (NaT if none)
retrofit_status                   category   see ``RETROFIT_STAGES``
retrofit_status_date              datetime   date the current retrofit stage was entered
has_ascending_overspeed           bool       ascending-car overspeed protection present
complaints_12345                  int32      12345 hotline complaints, last quarter
complaints_962121                 int32      962121 hotline complaints, last quarter
================================  =========  ============================================

Station columns (``STATION_COLUMNS``): station_id, kind (``STATION_KINDS``), name, unit_id
(maintenance unit, empty for 110/119), district_adcode, lon, lat, turnout_s (seconds from
order to departure), status (``STATION_STATUSES``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gis.config import Config
from gis.errors import RowProblem

if TYPE_CHECKING:
    import geopandas as gpd

BUILDING_TYPES = (
    "residential", "office", "commercial", "hospital", "school",
    "rail_transit", "tourist_site", "industrial", "other",
)
IOT_DEVICES = ("none", "monitoring", "monitoring_ebike")
RISK_CLASSES = ("none", "class_ii", "class_i")
RETROFIT_STAGES = (
    "none", "assessment", "plan", "approval", "works", "inspection", "back_in_service",
)
STATION_KINDS = ("maintenance", "fire", "police")
STATION_STATUSES = ("available", "busy", "offline")
DEFAULT_RISK_SCHEME = "GB/T 42615-2023"

#: Chinese (and common alternative) labels accepted on import for each category value.
CATEGORY_ALIASES: dict[str, dict[str, str]] = {
    "building_type": {
        "住宅": "residential", "办公": "office", "商业": "commercial", "医院": "hospital",
        "学校": "school", "轨道交通": "rail_transit", "旅游景点": "tourist_site",
        "工业": "industrial", "其他": "other",
    },
    "iot_device": {
        "无": "none", "远程监测": "monitoring", "远程监测+电动自行车阻止": "monitoring_ebike",
        "远程监测(电动自行车阻止)": "monitoring_ebike",
    },
    "risk_class": {
        "无": "none", "一类": "class_i", "二类": "class_ii", "i": "class_i", "ii": "class_ii",
        "class i": "class_i", "class ii": "class_ii",
    },
    "retrofit_status": {
        "无": "none", "安全评估": "assessment", "方案": "plan", "审批": "approval",
        "施工": "works", "监督检验": "inspection", "恢复使用": "back_in_service",
    },
}

CATEGORIES: dict[str, tuple[str, ...]] = {
    "building_type": BUILDING_TYPES,
    "iot_device": IOT_DEVICES,
    "risk_class": RISK_CLASSES,
    "retrofit_status": RETROFIT_STAGES,
}

ELEVATOR_COLUMNS: tuple[str, ...] = (
    "registration_code", "rescue_code", "address", "district_adcode", "district_name",
    "lon", "lat", "building_type", "is_addon", "manufacture_year", "registration_date",
    "maintenance_unit_id", "station_id", "iot_device", "risk_scheme", "risk_class",
    "assessment_date", "retrofit_status", "retrofit_status_date", "has_ascending_overspeed",
    "complaints_12345", "complaints_962121",
)
STATION_COLUMNS: tuple[str, ...] = (
    "station_id", "kind", "name", "unit_id", "district_adcode", "lon", "lat",
    "turnout_s", "status",
)
UNIT_COLUMNS: tuple[str, ...] = ("unit_id", "name")

#: Columns an import file must carry; the rest default (False, 0, "none", empty).
REQUIRED_ELEVATOR_COLUMNS = (
    "registration_code", "rescue_code", "district_adcode", "lon", "lat",
    "building_type", "manufacture_year", "registration_date",
)

#: Chinese header names accepted on import (and written by the XLSX ledger exports).
CHINESE_HEADERS: dict[str, str] = {
    "注册代码": "registration_code", "设备注册代码": "registration_code",
    "救援码": "rescue_code", "救援识别码": "rescue_code", "地址": "address",
    "区划代码": "district_adcode", "行政区划代码": "district_adcode", "区": "district_name",
    "所在区": "district_name", "经度": "lon", "纬度": "lat", "建筑类型": "building_type",
    "加装电梯": "is_addon", "制造年份": "manufacture_year", "使用登记日期": "registration_date",
    "维保单位": "maintenance_unit_id", "维保站点": "station_id", "远程监测": "iot_device",
    "评估标准": "risk_scheme", "风险等级": "risk_class", "评估日期": "assessment_date",
    "改造状态": "retrofit_status", "改造状态日期": "retrofit_status_date",
    "上行超速保护": "has_ascending_overspeed", "12345投诉": "complaints_12345",
    "962121投诉": "complaints_962121",
}
ENGLISH_TO_CHINESE: dict[str, str] = {}
for _zh, _en in CHINESE_HEADERS.items():
    ENGLISH_TO_CHINESE.setdefault(_en, _zh)

_REG_CODE = re.compile(r"^[0-9A-Z]{10,24}$")
_RESCUE_CODE = re.compile(r"^\d{6}$")
_ADCODE = re.compile(r"^\d{6}$")
_TRUE = {"1", "true", "yes", "y", "是", "有", "t"}
_FALSE = {"0", "false", "no", "n", "否", "无", "f", ""}
# Rough bounding box of China; anything outside is certainly a swapped or broken coordinate.
_CHINA_LON = (73.0, 136.0)
_CHINA_LAT = (3.0, 54.0)


@dataclass
class Registry:
    """A city's registry: elevators, stations, maintenance units, districts and metadata.

    ``meta["label"]`` says where the data came from; synthetic registries carry a label
    starting with ``SYNTHETIC`` that the app and every export show.
    """

    elevators: pd.DataFrame
    stations: pd.DataFrame
    units: pd.DataFrame
    districts: gpd.GeoDataFrame
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.meta.get("label", "")

    @property
    def is_synthetic(self) -> bool:
        return self.label.upper().startswith("SYNTHETIC")


def empty_elevators() -> pd.DataFrame:
    """An elevator frame with every column and no rows, correctly typed."""
    return coerce_elevator_dtypes(pd.DataFrame({c: [] for c in ELEVATOR_COLUMNS}))


def coerce_elevator_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Give an elevator frame its documented dtypes (values must already be valid)."""
    out = df.loc[:, list(ELEVATOR_COLUMNS)].copy()
    for col in ("registration_code", "rescue_code", "address", "district_adcode",
                "district_name", "maintenance_unit_id", "station_id", "risk_scheme"):
        if out[col].dtype == object and not out[col].isna().any():
            continue
        # Explicit object dtype: pandas 3 would otherwise infer its string dtype again.
        out[col] = pd.Series(out[col].astype("string").fillna("").to_numpy(dtype=object),
                             index=out.index, dtype=object)
    for col in ("lon", "lat"):
        out[col] = out[col].astype("float64")
    for col, values in CATEGORIES.items():
        out[col] = pd.Categorical(out[col], categories=values)
    for col in ("is_addon", "has_ascending_overspeed"):
        out[col] = out[col].astype(bool)
    out["manufacture_year"] = out["manufacture_year"].astype("int16")
    for col in ("complaints_12345", "complaints_962121"):
        out[col] = out[col].astype("int32")
    for col in ("registration_date", "assessment_date", "retrofit_status_date"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[s]")
    return out.reset_index(drop=True)


def coerce_station_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Give a station frame its documented dtypes."""
    out = df.loc[:, list(STATION_COLUMNS)].copy()
    for col in ("station_id", "name", "unit_id", "district_adcode"):
        out[col] = pd.Series(out[col].astype("string").fillna("").to_numpy(dtype=object),
                             index=out.index, dtype=object)
    out["kind"] = pd.Categorical(out["kind"], categories=STATION_KINDS)
    out["status"] = pd.Categorical(out["status"], categories=STATION_STATUSES)
    for col in ("lon", "lat", "turnout_s"):
        out[col] = out[col].astype("float64")
    return out.reset_index(drop=True)


def age_years(elevators: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Years in use at ``as_of`` (float), from the registration date."""
    days = (np.datetime64(as_of, "D") - elevators["registration_date"].to_numpy("datetime64[D]"))
    return days.astype("float64") / 365.25


def age_class(elevators: pd.DataFrame, config: Config) -> pd.Categorical:
    """Age class per elevator: ``"<15"``, ``"15-20"`` or ``"20+"`` (thresholds from config)."""
    years = age_years(elevators, config.today)
    lo, hi = config.age_assess_years, config.age_replace_years
    labels = (f"<{lo}", f"{lo}-{hi}", f"{hi}+")
    codes = np.where(years >= hi, 2, np.where(years >= lo, 1, 0))
    return pd.Categorical.from_codes(codes, categories=labels)


# --------------------------------------------------------------------------- parsing


def parse_elevators(
    raw: pd.DataFrame,
    *,
    file: str,
    row_numbers: np.ndarray | None = None,
    as_of: dt.date | None = None,
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Parse an imported table (any dtypes, English column names) into a typed elevator frame.

    Returns the typed frame and every problem found; the frame is only meaningful when the
    problem list is empty. ``row_numbers`` are the row numbers shown to the user (default:
    spreadsheet numbering, header = row 1).
    """
    today = as_of or dt.date.today()
    rows = np.arange(2, len(raw) + 2) if row_numbers is None else np.asarray(row_numbers)
    problems: list[RowProblem] = []

    def flag(mask: np.ndarray, column: str, reason: str | pd.Series) -> None:
        idx = np.flatnonzero(mask)
        for i in idx:
            text = reason if isinstance(reason, str) else str(reason.iloc[i])
            problems.append(RowProblem(file, int(rows[i]), column, text))

    missing = [c for c in REQUIRED_ELEVATOR_COLUMNS if c not in raw.columns]
    if missing:
        return empty_elevators(), [RowProblem(file, 1, c, "required column is missing")
                                   for c in missing]
    n = len(raw)
    text = {c: _as_text(raw[c]) if c in raw.columns else pd.Series([""] * n, dtype="string")
            for c in ELEVATOR_COLUMNS}
    out: dict[str, object] = {}

    reg = text["registration_code"].str.upper()
    flag(~reg.str.match(_REG_CODE).to_numpy(bool), "registration_code",
         "must be 10-24 letters or digits")
    flag((reg.duplicated(keep="first") & (reg != "")).to_numpy(), "registration_code",
         "duplicate registration code in this file")
    out["registration_code"] = reg
    rescue = text["rescue_code"]
    flag(~rescue.str.match(_RESCUE_CODE).to_numpy(bool), "rescue_code", "must be 6 digits")
    flag((rescue.duplicated(keep="first") & (rescue != "")).to_numpy(), "rescue_code",
         "duplicate rescue code in this file")
    out["rescue_code"] = rescue
    adcode = text["district_adcode"]
    flag(~adcode.str.match(_ADCODE).to_numpy(bool), "district_adcode", "must be a 6-digit code")
    out["district_adcode"] = adcode
    for col in ("address", "district_name", "maintenance_unit_id", "station_id"):
        out[col] = text[col]
    out["risk_scheme"] = text["risk_scheme"].where(text["risk_scheme"] != "", DEFAULT_RISK_SCHEME)

    for col, (lo, hi) in (("lon", _CHINA_LON), ("lat", _CHINA_LAT)):
        val = pd.to_numeric(text[col], errors="coerce").to_numpy("float64")
        bad = ~np.isfinite(val)
        flag(bad, col, "missing or not a number")
        flag(~bad & ((val < lo) | (val > hi)), col, f"outside China ({lo}..{hi} degrees)")
        out[col] = val

    for col, values in CATEGORIES.items():
        default = "none" if col != "building_type" else ""
        val = _map_category(text[col], col, default)
        flag(~val.isin(values).to_numpy(), col,
             "unknown value; expected one of " + ", ".join(values))
        out[col] = val

    for col in ("is_addon", "has_ascending_overspeed"):
        low = text[col].str.lower()
        flag(~(low.isin(_TRUE) | low.isin(_FALSE)).to_numpy(), col, "expected yes/no (是/否)")
        out[col] = low.isin(_TRUE).to_numpy()

    year = pd.to_numeric(text["manufacture_year"], errors="coerce").to_numpy("float64")
    bad_year = ~np.isfinite(year) | (year < 1900) | (year > today.year) | (year % 1 != 0)
    flag(bad_year, "manufacture_year", f"must be a whole year between 1900 and {today.year}")
    out["manufacture_year"] = np.where(bad_year, 0, year).astype("int16")

    for col in ("complaints_12345", "complaints_962121"):
        val = pd.to_numeric(text[col].replace("", "0"), errors="coerce").to_numpy("float64")
        bad = ~np.isfinite(val) | (val < 0) | (val % 1 != 0)
        flag(bad, col, "must be a whole number >= 0")
        out[col] = np.where(bad, 0, val).astype("int32")

    reg_date = _parse_dates(text["registration_date"])
    flag(reg_date.isna().to_numpy(), "registration_date", "missing or not a date (YYYY-MM-DD)")
    future = (reg_date > pd.Timestamp(today)).to_numpy(bool)
    flag(future, "registration_date", f"is after the as-of date {today}")
    before_made = (reg_date.dt.year < year).to_numpy(bool) & ~bad_year
    flag(before_made, "registration_date", "is before the manufacture year")
    out["registration_date"] = reg_date
    for col in ("assessment_date", "retrofit_status_date"):
        parsed = _parse_dates(text[col])
        flag(((text[col] != "") & parsed.isna()).to_numpy(), col, "not a date (YYYY-MM-DD)")
        flag((parsed > pd.Timestamp(today)).to_numpy(bool), col,
             f"is after the as-of date {today}")
        out[col] = parsed
    stage = out["retrofit_status"]
    flag(((stage != "none") & out["retrofit_status_date"].isna()).to_numpy(bool),  # type: ignore[union-attr]
         "retrofit_status_date", "required when a retrofit stage is given")

    problems.sort(key=lambda p: (p.row, ELEVATOR_COLUMNS.index(p.field)
                                 if p.field in ELEVATOR_COLUMNS else 99))
    if problems:
        return empty_elevators(), problems
    return coerce_elevator_dtypes(pd.DataFrame(out)), problems


def _as_text(col: pd.Series) -> pd.Series:
    """Column as stripped strings (pandas string dtype), missing values as ''.

    Whole floats (a spreadsheet's 2009.0) lose their '.0'. Stays in Arrow-backed strings: a
    round trip through Python objects costs seconds at city scale.
    """
    if pd.api.types.is_float_dtype(col):
        whole = col.notna() & (col % 1 == 0)
        text = col.astype("string")
        text[whole] = col[whole].astype("int64").astype("string")
        col = text
    return col.astype("string").fillna("").str.strip()


def _map_category(values: pd.Series, column: str, default: str) -> pd.Series:
    """Map labels (English codes, Chinese labels, any case) to category codes.

    Works on the few distinct values only, then broadcasts: categories have a handful of
    labels however many rows there are.
    """
    aliases = CATEGORY_ALIASES.get(column, {})
    uniques = pd.unique(values.to_numpy(dtype=object))
    lookup = {}
    for value in uniques:
        text = str(value)
        low = text.lower()
        lookup[value] = default if text == "" else aliases.get(
            text, aliases.get(low, low.replace(" ", "_")))
    return values.map(lookup).astype(object)


def _parse_dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values.where(values != "", None), errors="coerce", format="mixed")
    return parsed.dt.normalize()


def validate_unique_against(
    elevators: pd.DataFrame, existing: pd.DataFrame, *, file: str,
    row_numbers: np.ndarray | None = None,
) -> list[RowProblem]:
    """Problems for codes in ``elevators`` that already exist in ``existing``."""
    rows = np.arange(2, len(elevators) + 2) if row_numbers is None else np.asarray(row_numbers)
    problems: list[RowProblem] = []
    for col, what in (("registration_code", "registration code"), ("rescue_code", "rescue code")):
        taken = elevators[col].isin(set(existing[col])).to_numpy()
        for i in np.flatnonzero(taken):
            problems.append(RowProblem(file, int(rows[i]), col,
                                       f"{what} {elevators[col].iloc[i]} is already registered"))
    return problems


def to_geodataframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Elevators or stations as a GeoDataFrame of WGS84 points (EPSG:4326)."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
