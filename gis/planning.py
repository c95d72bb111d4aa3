"""District targets and ledgers: IoT coverage, old elevators, the problem-elevator ledger
(问题电梯台账), pre-2005 overspeed retrofits, the retrofit pipeline and the assessment queue.

All functions take a :class:`~gis.registry.Registry` (columns of :mod:`gis.registry`) and a
:class:`~gis.config.Config`; everything is a vectorised groupby, no per-row loops.

The registry holds no separate ledger table, so the ledger is *derived* from the elevator rows
by documented rules (:class:`LedgerRules`):

* an elevator is on the ledger when its ``risk_class`` is ``class_i`` or ``class_ii``;
* its deadline is ``assessment_date`` + ``class_i_days`` (Class I: rectify immediately, the
  elevator is out of service; default 30 days) or + ``class_ii_days`` (Class II: a solution and
  risk controls; default 180 days);
* an item is *closed* (销项) when ``retrofit_status`` is ``back_in_service``; the closing date is
  ``retrofit_status_date``. An open item past its deadline is *overdue*.

Retrofit stages have default durations (:attr:`LedgerRules.stage_days`); an elevator that has sat
in its current stage longer than that is overdue in the pipeline. The supervision inspection is
5 working days (seed 002 (三)4), taken as 7 calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from gis.config import Config
from gis.registry import RETROFIT_STAGES, Registry, age_years

#: Calendar days allowed per retrofit stage before an elevator counts as overdue in it.
DEFAULT_STAGE_DAYS: Mapping[str, int] = MappingProxyType({
    "assessment": 30,   # safety assessment and its interpretation
    "plan": 45,         # rectification plan and price consultation
    "approval": 30,     # application / approval (and price audit above 50,000 yuan)
    "works": 120,       # repair, modernisation or replacement works
    "inspection": 7,    # supervision inspection: 5 working days
})
#: Stages of the open pipeline, in order (``none`` and ``back_in_service`` are not open).
OPEN_STAGES: tuple[str, ...] = tuple(s for s in RETROFIT_STAGES
                                     if s not in ("none", "back_in_service"))


@dataclass(frozen=True)
class LedgerRules:
    """Documented defaults for the derived ledger (see the module docstring).

    Attributes
    ----------
    class_i_days, class_ii_days
        Days from the assessment to the rectification deadline per risk class.
    stage_days
        Days allowed per open retrofit stage (:data:`DEFAULT_STAGE_DAYS`).
    iot_old_residential_target
        (year, share): residential elevators 15+ years in use with remote monitoring (Shanghai
        3-year plan §8: all of them by end 2025).
    """

    class_i_days: int = 30
    class_ii_days: int = 180
    stage_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_STAGE_DAYS))
    iot_old_residential_target: tuple[int, float] = (2025, 1.0)


def _district_names(registry: Registry) -> pd.DataFrame:
    d = registry.districts
    cols = ["adcode", "name"] + (["name_en"] if "name_en" in d.columns else [])
    out = d[cols].copy()
    out["adcode"] = out["adcode"].astype(str)
    if "name_en" not in out.columns:
        out["name_en"] = out["name"]
    return out.set_index("adcode")


def _per_district(registry: Registry, flags: pd.DataFrame) -> pd.DataFrame:
    """Sum boolean/count columns per district (every district, zeros where none)."""
    flags = flags.assign(adcode=registry.elevators["district_adcode"].astype(str).to_numpy())
    sums = flags.groupby("adcode").sum(numeric_only=True)
    table = _district_names(registry).join(sums, how="outer")
    table[sums.columns] = table[sums.columns].fillna(0).astype("int64")
    table["name"] = table["name"].fillna(table.index.to_series())
    table["name_en"] = table["name_en"].fillna(table["name"])
    return table


def _with_total(table: pd.DataFrame) -> pd.DataFrame:
    counts = table.select_dtypes("number")
    total = counts.sum()
    out = pd.concat([table, pd.DataFrame([total], index=["total"])])
    out.loc["total", ["name", "name_en"]] = ["合计", "Total"]
    out[counts.columns] = out[counts.columns].astype("int64")
    return out.reset_index(names="adcode")


def _share(num: pd.Series, den: pd.Series) -> pd.Series:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (num / den.where(den > 0)).astype("float64")


def iot_targets(registry: Registry, config: Config | None = None,
                rules: LedgerRules | None = None) -> pd.DataFrame:
    """IoT coverage of residential elevators (all, and 15+ years) per district against targets.

    Columns: ``adcode``, ``name``, ``name_en``, ``residential``, ``residential_iot``,
    ``iot_residential_share``; ``residential_15``, ``residential_15_iot``,
    ``iot_residential_15_share``; ``age_15`` (all elevators 15+ years), ``age_20`` (20+);
    for each target year *Y* of ``config.iot_targets``: ``target_Y`` (share),
    ``missing_Y`` (devices still to fit to reach it) and ``meets_Y`` (bool); and
    ``target_15_year``/``missing_15``/``meets_15`` for the 15+ residential target. A total row
    (``adcode`` ``"total"``) closes the table.
    """
    cfg, rl = config or Config(), rules or LedgerRules()
    el = registry.elevators
    years = age_years(el, cfg.today)
    res = (el["building_type"] == "residential").to_numpy()
    iot = (el["iot_device"] != "none").to_numpy()
    old, very_old = years >= cfg.age_assess_years, years >= cfg.age_replace_years
    flags = pd.DataFrame({
        "residential": res, "residential_iot": res & iot,
        "residential_15": res & old, "residential_15_iot": res & old & iot,
        "age_15": old, "age_20": very_old,
    })
    out = _with_total(_per_district(registry, flags))
    out["iot_residential_share"] = _share(out["residential_iot"], out["residential"])
    out["iot_residential_15_share"] = _share(out["residential_15_iot"], out["residential_15"])
    for year, target in sorted(cfg.iot_targets.items()):
        need = np.ceil(out["residential"] * target - 1e-9).astype("int64")
        out[f"target_{year}"] = float(target)
        out[f"missing_{year}"] = (need - out["residential_iot"]).clip(lower=0)
        out[f"meets_{year}"] = out[f"missing_{year}"] == 0
    year15, target15 = rl.iot_old_residential_target
    need15 = np.ceil(out["residential_15"] * target15 - 1e-9).astype("int64")
    out["target_15_year"] = int(year15)
    out["missing_15"] = (need15 - out["residential_15_iot"]).clip(lower=0)
    out["meets_15"] = out["missing_15"] == 0
    return out


def problem_ledger(registry: Registry, config: Config | None = None,
                   rules: LedgerRules | None = None) -> pd.DataFrame:
    """The problem-elevator ledger (问题电梯台账): one row per Class I or II elevator.

    Columns: ``district_adcode``, ``district_name``, ``registration_code``, ``address``,
    ``risk_scheme``, ``risk_class``, ``defect`` (what the class requires), ``assessment_date``,
    ``deadline``, ``retrofit_status``, ``closed`` (bool), ``closed_date`` (NaT if open),
    ``overdue`` (open and past the deadline), ``days_overdue`` (0 if not overdue).
    Sorted by district, class (I first), deadline.
    """
    cfg, rl = config or Config(), rules or LedgerRules()
    el = registry.elevators
    on = el.loc[el["risk_class"].isin(["class_i", "class_ii"]).to_numpy()]
    is_i = (on["risk_class"] == "class_i").to_numpy()
    days = np.where(is_i, rl.class_i_days, rl.class_ii_days).astype("timedelta64[D]")
    assessed = on["assessment_date"].to_numpy("datetime64[D]")
    deadline = assessed + days
    closed = (on["retrofit_status"] == "back_in_service").to_numpy()
    today = np.datetime64(cfg.today, "D")
    late = (today - deadline).astype("float64")  # NaN where no assessment date
    overdue = ~closed & (late > 0)
    ledger = pd.DataFrame({
        "district_adcode": on["district_adcode"].astype(str).to_numpy(),
        "district_name": on["district_name"].to_numpy(),
        "registration_code": on["registration_code"].to_numpy(),
        "address": on["address"].to_numpy(),
        "risk_scheme": on["risk_scheme"].to_numpy(),
        "risk_class": on["risk_class"].astype(str).to_numpy(),
        "defect": np.where(is_i, "Class I: rectify immediately, out of service",
                           "Class II: solution and risk controls required"),
        "assessment_date": pd.to_datetime(assessed),
        "deadline": pd.to_datetime(deadline),
        "retrofit_status": on["retrofit_status"].astype(str).to_numpy(),
        "closed": closed,
        "closed_date": pd.to_datetime(np.where(closed, on["retrofit_status_date"].to_numpy(
            "datetime64[D]"), np.datetime64("NaT", "D"))),
        "overdue": overdue,
        "days_overdue": np.where(overdue, late, 0).astype("int64"),
    })
    ledger["_rank"] = np.where(is_i, 0, 1)
    return (ledger.sort_values(["district_adcode", "_rank", "deadline"], kind="stable")
            .drop(columns="_rank").reset_index(drop=True))


def ledger_summary(registry: Registry, ledger: pd.DataFrame) -> pd.DataFrame:
    """Per district: ``class_i``, ``class_ii``, ``open``, ``closed``, ``overdue`` (+ total)."""
    flags = pd.DataFrame({
        "adcode": ledger["district_adcode"].to_numpy(),
        "class_i": (ledger["risk_class"] == "class_i").to_numpy(),
        "class_ii": (ledger["risk_class"] == "class_ii").to_numpy(),
        "open": ~ledger["closed"].to_numpy(bool),
        "closed": ledger["closed"].to_numpy(bool),
        "overdue": ledger["overdue"].to_numpy(bool),
    })
    sums = flags.groupby("adcode").sum(numeric_only=True)
    table = _district_names(registry).join(sums, how="outer")
    cols = ["class_i", "class_ii", "open", "closed", "overdue"]
    table[cols] = table[cols].fillna(0).astype("int64")
    return _with_total(table)


def overspeed_list(registry: Registry, config: Config | None = None) -> pd.DataFrame:
    """Elevators produced before ``config.overspeed_cutoff_year`` without ascending-car
    overspeed protection (上行超速保护), oldest first: registration code, district, address,
    building type, manufacture year, retrofit status."""
    cfg = config or Config()
    el = registry.elevators
    hit = el.loc[((el["manufacture_year"] < cfg.overspeed_cutoff_year)
                  & ~el["has_ascending_overspeed"]).to_numpy()]
    cols = ["district_adcode", "district_name", "registration_code", "address", "building_type",
            "manufacture_year", "retrofit_status"]
    return hit[cols].sort_values(["manufacture_year", "district_adcode"], kind="stable") \
        .reset_index(drop=True)


def retrofit_pipeline(registry: Registry, config: Config | None = None,
                      rules: LedgerRules | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The retrofit pipeline by stage, and the overdue items.

    Returns
    -------
    (by_stage, overdue)
        ``by_stage``: per district (+ total) one column per open stage with the count, then
        ``<stage>_overdue`` counts, ``back_in_service`` and ``open``/``overdue`` totals.
        ``overdue``: one row per elevator that has sat in its stage longer than
        ``rules.stage_days[stage]``: district, registration code, address, stage, stage date,
        ``days_in_stage``, ``allowed_days``, ``days_over``; most overdue first.
    """
    cfg, rl = config or Config(), rules or LedgerRules()
    el = registry.elevators
    stage = el["retrofit_status"].astype(str).to_numpy()
    since = el["retrofit_status_date"].to_numpy("datetime64[D]")
    in_stage = (np.datetime64(cfg.today, "D") - since).astype("float64")
    allowed = pd.Series(stage).map(dict(rl.stage_days)).to_numpy("float64")
    late = np.isfinite(allowed) & (in_stage > allowed)
    flags = {s: stage == s for s in OPEN_STAGES}
    flags |= {f"{s}_overdue": (stage == s) & late for s in OPEN_STAGES}
    flags["back_in_service"] = stage == "back_in_service"
    flags["open"] = np.isin(stage, OPEN_STAGES)
    flags["overdue"] = late
    by_stage = _with_total(_per_district(registry, pd.DataFrame(flags)))
    rows = np.flatnonzero(late)
    overdue = pd.DataFrame({
        "district_adcode": el["district_adcode"].astype(str).to_numpy()[rows],
        "district_name": el["district_name"].to_numpy()[rows],
        "registration_code": el["registration_code"].to_numpy()[rows],
        "address": el["address"].to_numpy()[rows],
        "stage": stage[rows],
        "stage_date": pd.to_datetime(since[rows]),
        "days_in_stage": in_stage[rows].astype("int64"),
        "allowed_days": allowed[rows].astype("int64"),
    })
    overdue["days_over"] = overdue["days_in_stage"] - overdue["allowed_days"]
    overdue = overdue.sort_values("days_over", ascending=False, kind="stable")
    return by_stage, overdue.reset_index(drop=True)


def assessment_queue(registry: Registry, config: Config | None = None) -> pd.DataFrame:
    """Safety-assessment priority queue: elevators 15+ years in use, most complained-about on
    the 12345 and 962121 hotlines first (seed 002 (一)1); ties go to the never-assessed, then to
    the oldest. Columns: ``rank`` (1-based), district, registration code, address, building
    type, ``age_years``, ``complaints_12345``, ``complaints_962121``, ``complaints``,
    ``assessment_date``."""
    cfg = config or Config()
    el = registry.elevators
    years = age_years(el, cfg.today)
    rows = np.flatnonzero(years >= cfg.age_assess_years)
    sub = el.iloc[rows]
    c1 = sub["complaints_12345"].to_numpy("int64")
    c2 = sub["complaints_962121"].to_numpy("int64")
    queue = pd.DataFrame({
        "district_adcode": sub["district_adcode"].astype(str).to_numpy(),
        "district_name": sub["district_name"].to_numpy(),
        "registration_code": sub["registration_code"].to_numpy(),
        "address": sub["address"].to_numpy(),
        "building_type": sub["building_type"].astype(str).to_numpy(),
        "age_years": np.round(years[rows], 1),
        "complaints_12345": c1, "complaints_962121": c2, "complaints": c1 + c2,
        "assessment_date": sub["assessment_date"].to_numpy(),
    })
    never = queue["assessment_date"].isna().to_numpy()
    order = np.lexsort((-queue["age_years"].to_numpy(), ~never, -queue["complaints"].to_numpy()))
    queue = queue.iloc[order].reset_index(drop=True)
    queue.insert(0, "rank", np.arange(1, len(queue) + 1))
    return queue


@dataclass(frozen=True)
class DistrictPlanning:
    """Everything :mod:`gis.planning` computes for a registry, ready for tables and exports."""

    targets: pd.DataFrame
    ledger: pd.DataFrame
    ledger_summary: pd.DataFrame
    overspeed: pd.DataFrame
    pipeline: pd.DataFrame
    pipeline_overdue: pd.DataFrame
    queue: pd.DataFrame
    as_of: dt.date

    def key_figures(self) -> pd.DataFrame:
        """One row per district (+ total) with the figures a planner reads first."""
        t = self.targets.set_index("adcode")
        s = self.ledger_summary.set_index("adcode")
        p = self.pipeline.set_index("adcode")
        over = self.overspeed.groupby("district_adcode").size()
        queue = self.queue.loc[self.queue["complaints"] > 0].groupby("district_adcode").size()
        out = t[["name", "name_en", "residential", "iot_residential_share",
                 "residential_15", "iot_residential_15_share", "age_15", "age_20"]].copy()
        out = out.join(s[["class_i", "class_ii", "open", "closed", "overdue"]]
                       .add_prefix("ledger_"))
        out = out.join(p[["open", "overdue"]].add_prefix("retrofit_"))
        out["overspeed_missing"] = over.reindex(out.index).fillna(0).astype("int64")
        out["queue_with_complaints"] = queue.reindex(out.index).fillna(0).astype("int64")
        out.loc["total", "overspeed_missing"] = int(over.sum())
        out.loc["total", "queue_with_complaints"] = int(queue.sum())
        return out.reset_index()


def plan_districts(registry: Registry, config: Config | None = None,
                   rules: LedgerRules | None = None) -> DistrictPlanning:
    """Compute targets, ledger, overspeed list, retrofit pipeline and assessment queue."""
    cfg, rl = config or Config(), rules or LedgerRules()
    ledger = problem_ledger(registry, cfg, rl)
    by_stage, overdue = retrofit_pipeline(registry, cfg, rl)
    return DistrictPlanning(
        targets=iot_targets(registry, cfg, rl), ledger=ledger,
        ledger_summary=ledger_summary(registry, ledger), overspeed=overspeed_list(registry, cfg),
        pipeline=by_stage, pipeline_overdue=overdue, queue=assessment_queue(registry, cfg),
        as_of=cfg.today,
    )
