"""Thematic classification of the elevator layer: views, classes, colours, counts and filters.

Qt-free: the map (``app/map``) and ``liftguard snapshot`` draw what this module computes.

* :func:`prepare_table` turns the elevator frame into flat numpy columns once (category codes,
  age in years, overdue flags) so that every later step is a vectorised mask.
* :func:`classify` gives, for one *point view* (``age``, ``risk``, ``iot``, ``retrofit``), a class
  code per elevator, the class keys, English and Chinese labels, RGB colours and the draw order
  (the class drawn last stands out; Class I always last in the risk view).
* :class:`MapFilter` is a frozen filter applied with :func:`filter_mask`; :func:`class_counts`
  gives the legend counts under a filter.
* :func:`district_figures` and :func:`classify_choropleth` give the *district views*
  (``district_old``, ``district_iot``, ``district_risk``).

Retrofit "overdue" rule
-----------------------
An elevator is *overdue* when it has been in its current open retrofit stage longer than the
stage's expected duration (:class:`StageDurations`, calendar days). The defaults are planning
assumptions, not regulation, except the supervision inspection, which the Shanghai 2025
residential plan sets at 5 working days (about 7 calendar days; before: 15 calendar days):

==================  =====  =============================================================
stage               days   reason
==================  =====  =============================================================
assessment          60     safety assessment and its interpretation by the owner
plan                90     retrofit plan and price consultation (works > 50,000 yuan audited)
approval            60     application and funding approval
works               120    repair / modernisation / replacement works on site
inspection          7      supervision inspection: 5 working days (seed 002 (三)4)
==================  =====  =============================================================

``none`` and ``back_in_service`` are never overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from gis.config import Config
from gis.errors import ConfigError
from gis.registry import (
    BUILDING_TYPES,
    IOT_DEVICES,
    RETROFIT_STAGES,
    RISK_CLASSES,
    age_years,
)

RGB = tuple[int, int, int]

POINT_VIEWS: tuple[str, ...] = ("age", "risk", "iot", "retrofit")
CHOROPLETH_VIEWS: tuple[str, ...] = ("district_old", "district_iot", "district_risk")
VIEWS: tuple[str, ...] = POINT_VIEWS + CHOROPLETH_VIEWS

#: View titles (English, Chinese) for menus, legends and snapshot titles.
VIEW_TITLES: dict[str, tuple[str, str]] = {
    "age": ("Elevator age", "电梯使用年限"),
    "risk": ("Risk class", "风险等级"),
    "iot": ("IoT coverage", "物联网覆盖"),
    "retrofit": ("Retrofit status", "改造进度"),
    "district_old": ("Share 15+ years by district", "各区15年以上电梯占比"),
    "district_iot": ("Residential IoT coverage vs target", "住宅电梯物联网覆盖率与目标"),
    "district_risk": ("Class I / II elevators by district", "各区一类/二类风险电梯"),
}

_RISK_LABELS = {"none": ("No risk class", "无风险等级"), "class_ii": ("Class II", "二类风险"),
                "class_i": ("Class I (out of service)", "一类风险(停用)")}
_IOT_LABELS = {"none": ("No monitoring device", "无远程监测"),
               "monitoring": ("Remote monitoring", "远程监测"),
               "monitoring_ebike": ("Monitoring + e-bike blocking", "远程监测+电动自行车阻止")}
_RETROFIT_LABELS = {
    "none": ("No retrofit", "无改造"), "assessment": ("Safety assessment", "安全评估"),
    "plan": ("Plan", "方案"), "approval": ("Approval", "审批"), "works": ("Works", "施工"),
    "inspection": ("Supervision inspection", "监督检验"),
    "back_in_service": ("Back in service", "恢复使用"),
}
_COLOURS: dict[str, tuple[RGB, ...]] = {
    "age": ((69, 117, 180), (253, 174, 97), (215, 48, 39)),
    "risk": ((170, 170, 170), (245, 130, 32), (200, 0, 30)),
    "iot": ((215, 48, 39), (69, 117, 180), (26, 152, 80)),
    "retrofit": ((190, 190, 190), (158, 202, 225), (66, 146, 198), (106, 81, 163),
                 (253, 141, 60), (161, 217, 155), (35, 139, 69)),
}
#: Colour of the overdue mark drawn around elevators whose retrofit stage is overdue.
OVERDUE_RGB: RGB = (197, 27, 125)
#: Draw order per view: class codes from first (bottom) to last (top).
_ORDER: dict[str, tuple[int, ...]] = {
    "age": (0, 1, 2), "risk": (0, 1, 2), "iot": (2, 1, 0), "retrofit": (0, 6, 1, 2, 3, 5, 4),
}
#: Classes drawn larger than the rest so they stand out above everything else.
_EMPHASIS: dict[str, tuple[int, ...]] = {"age": (), "risk": (2,), "iot": (), "retrofit": ()}


@dataclass(frozen=True)
class StageDurations:
    """Expected calendar days per open retrofit stage; longer means overdue (module docs)."""

    assessment: int = 60
    plan: int = 90
    approval: int = 60
    works: int = 120
    inspection: int = 7

    def as_array(self) -> np.ndarray:
        """Days per ``RETROFIT_STAGES`` code; ``inf`` for stages that cannot be overdue."""
        days = {f.name: float(getattr(self, f.name)) for f in fields(self)}
        return np.array([days.get(s, np.inf) for s in RETROFIT_STAGES], dtype=np.float64)


@dataclass(frozen=True)
class ElevatorTable:
    """Flat numpy columns of an elevator frame, aligned with its rows.

    ``district`` indexes ``district_codes`` (-1: code not among the districts); category columns
    hold codes into ``BUILDING_TYPES``/``RISK_CLASSES``/``IOT_DEVICES``/``RETROFIT_STAGES``
    (-1 if missing); ``age_years`` is float years in use; ``overdue`` follows the module rule.
    """

    district_codes: tuple[str, ...]
    district: np.ndarray
    building_type: np.ndarray
    is_addon: np.ndarray
    age_years: np.ndarray
    risk: np.ndarray
    iot: np.ndarray
    retrofit: np.ndarray
    overdue: np.ndarray
    complaints: np.ndarray
    age_assess_years: float
    age_replace_years: float

    def __len__(self) -> int:
        return len(self.district)


def prepare_table(elevators: pd.DataFrame, district_codes: tuple[str, ...] | list[str],
                  config: Config, *, durations: StageDurations | None = None) -> ElevatorTable:
    """Flatten ``elevators`` (``gis.registry`` columns) into an :class:`ElevatorTable`."""
    codes = tuple(str(c) for c in district_codes)
    dist = pd.Categorical(elevators["district_adcode"].astype(str), categories=list(codes))
    years = age_years(elevators, config.today)
    stage = _codes(elevators["retrofit_status"], RETROFIT_STAGES)
    since = elevators["retrofit_status_date"].to_numpy("datetime64[D]")
    days_in_stage = (np.datetime64(config.today, "D") - since).astype("float64")
    limit = (durations or StageDurations()).as_array()
    with np.errstate(invalid="ignore"):
        overdue = (stage >= 0) & (days_in_stage > limit[np.clip(stage, 0, None)])
    return ElevatorTable(
        district_codes=codes,
        district=np.asarray(dist.codes, dtype=np.int16),
        building_type=_codes(elevators["building_type"], BUILDING_TYPES),
        is_addon=elevators["is_addon"].to_numpy(bool),
        age_years=years,
        risk=_codes(elevators["risk_class"], RISK_CLASSES),
        iot=_codes(elevators["iot_device"], IOT_DEVICES),
        retrofit=stage,
        overdue=np.asarray(overdue, dtype=bool),
        complaints=(elevators["complaints_12345"].to_numpy("int64")
                    + elevators["complaints_962121"].to_numpy("int64")),
        age_assess_years=float(config.age_assess_years),
        age_replace_years=float(config.age_replace_years),
    )


def _codes(column: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    return np.asarray(pd.Categorical(column.astype(object), categories=list(categories)).codes,
                      dtype=np.int8)


# --------------------------------------------------------------------------- point views


@dataclass(frozen=True)
class Thematic:
    """One point view: a class code per elevator and how each class is shown.

    ``codes`` is int8 per elevator (-1: unclassifiable, not drawn); ``order`` lists class codes
    from the bottom to the top of the drawing; ``emphasis`` lists classes drawn larger;
    ``marked`` (retrofit view) flags elevators drawn with the overdue mark.
    """

    view: str
    codes: np.ndarray
    keys: tuple[str, ...]
    labels_en: tuple[str, ...]
    labels_zh: tuple[str, ...]
    colours: tuple[RGB, ...]
    order: tuple[int, ...]
    emphasis: tuple[int, ...] = ()
    marked: np.ndarray | None = None

    def labels(self, language: str) -> tuple[str, ...]:
        return self.labels_zh if language.startswith("zh") else self.labels_en


def check_view(view: str) -> str:
    """Return ``view`` if it is known, else raise :class:`ConfigError` listing the views."""
    if view not in VIEWS:
        raise ConfigError(f"unknown map view {view!r}; use one of: {', '.join(VIEWS)}")
    return view


def classify(table: ElevatorTable, view: str) -> Thematic:
    """Class codes, labels and colours of ``table`` for a point view."""
    check_view(view)
    if view not in POINT_VIEWS:
        raise ConfigError(f"{view!r} is a district view; point views are {', '.join(POINT_VIEWS)}")
    marked = None
    if view == "age":
        lo, hi = int(table.age_assess_years), int(table.age_replace_years)
        y = table.age_years
        codes = np.where(y >= hi, 2, np.where(y >= lo, 1, 0)).astype(np.int8)
        codes[~np.isfinite(y)] = -1
        keys = ("young", "assess", "replace")
        en = (f"Under {lo} years", f"{lo}–{hi} years", f"{hi} years and more")
        zh = (f"{lo}年以下", f"{lo}–{hi}年", f"{hi}年及以上")
    elif view == "risk":
        codes, keys = table.risk, RISK_CLASSES
        en, zh = zip(*(_RISK_LABELS[k] for k in keys), strict=True)
    elif view == "iot":
        codes, keys = table.iot, IOT_DEVICES
        en, zh = zip(*(_IOT_LABELS[k] for k in keys), strict=True)
    else:
        codes, keys = table.retrofit, RETROFIT_STAGES
        en, zh = zip(*(_RETROFIT_LABELS[k] for k in keys), strict=True)
        marked = table.overdue
    return Thematic(view=view, codes=codes, keys=tuple(keys), labels_en=tuple(en),
                    labels_zh=tuple(zh), colours=_COLOURS[view], order=_ORDER[view],
                    emphasis=_EMPHASIS[view], marked=marked)


def class_counts(thematic: Thematic, mask: np.ndarray | None = None) -> np.ndarray:
    """Elevators per class (int64, one per key), optionally only where ``mask`` is True."""
    codes = thematic.codes if mask is None else thematic.codes[mask]
    return np.bincount(codes[codes >= 0].astype(np.intp), minlength=len(thematic.keys))


def marked_counts(thematic: Thematic, mask: np.ndarray | None = None) -> np.ndarray:
    """Marked (overdue) elevators per class; zeros when the view marks nothing."""
    if thematic.marked is None:
        return np.zeros(len(thematic.keys), dtype=np.int64)
    sel = thematic.marked if mask is None else thematic.marked & mask
    codes = thematic.codes[sel]
    return np.bincount(codes[codes >= 0].astype(np.intp), minlength=len(thematic.keys))


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class MapFilter:
    """Which elevators are shown. ``None`` (or an empty range) means "no restriction".

    Sets hold category keys from :mod:`gis.registry` (districts: adcodes); ``addon`` True keeps
    only add-on elevators, False only the others; ``min_complaints`` counts 12345 + 962121
    complaints of the last quarter.
    """

    districts: frozenset[str] | None = None
    building_types: frozenset[str] | None = None
    addon: bool | None = None
    age_min_years: float | None = None
    age_max_years: float | None = None
    risk_classes: frozenset[str] | None = None
    iot_devices: frozenset[str] | None = None
    retrofit_stages: frozenset[str] | None = None
    overdue_only: bool = False
    min_complaints: int = 0

    def __post_init__(self) -> None:
        allowed = {"building_types": BUILDING_TYPES, "risk_classes": RISK_CLASSES,
                   "iot_devices": IOT_DEVICES, "retrofit_stages": RETROFIT_STAGES}
        for name, values in allowed.items():
            chosen = getattr(self, name)
            if chosen is not None and not set(chosen) <= set(values):
                bad = ", ".join(sorted(set(chosen) - set(values)))
                raise ConfigError(f"filter {name}: unknown value(s) {bad}; "
                                  f"use {', '.join(values)}")
        if self.min_complaints < 0:
            raise ConfigError("filter min_complaints must be 0 or more")

    @property
    def is_active(self) -> bool:
        return self != MapFilter()


def filter_mask(table: ElevatorTable, flt: MapFilter) -> np.ndarray:
    """Boolean mask of elevators that pass ``flt`` (vectorised, a few ms at 1M rows)."""
    mask = np.ones(len(table), dtype=bool)
    if flt.districts is not None:
        unknown = set(flt.districts) - set(table.district_codes)
        if unknown:
            raise ConfigError(f"unknown district code(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(table.district_codes)}")
        wanted = [table.district_codes.index(c) for c in flt.districts]
        mask &= np.isin(table.district, wanted)
    for name, column, keys in (("building_types", table.building_type, BUILDING_TYPES),
                               ("risk_classes", table.risk, RISK_CLASSES),
                               ("iot_devices", table.iot, IOT_DEVICES),
                               ("retrofit_stages", table.retrofit, RETROFIT_STAGES)):
        chosen = getattr(flt, name)
        if chosen is not None:
            lut = np.zeros(len(keys) + 1, dtype=bool)  # last slot: code -1
            lut[[keys.index(k) for k in chosen]] = True
            mask &= lut[column]
    if flt.addon is not None:
        mask &= table.is_addon == flt.addon
    if flt.age_min_years is not None:
        mask &= table.age_years >= flt.age_min_years
    if flt.age_max_years is not None:
        mask &= table.age_years < flt.age_max_years
    if flt.overdue_only:
        mask &= table.overdue
    if flt.min_complaints > 0:
        mask &= table.complaints >= flt.min_complaints
    return mask


# --------------------------------------------------------------------------- district views


def district_figures(table: ElevatorTable, mask: np.ndarray | None = None,
                     *, residential_code: int = BUILDING_TYPES.index("residential")
                     ) -> pd.DataFrame:
    """Per-district figures for the choropleth views, indexed by adcode.

    Columns: ``elevators``, ``old`` (15+ years), ``share_old``, ``residential``,
    ``iot_residential``, ``iot_residential_share`` (NaN without residential elevators),
    ``class_i``, ``class_ii``.
    """
    sel = np.ones(len(table), dtype=bool) if mask is None else mask
    sel = sel & (table.district >= 0)
    d = table.district[sel].astype(np.intp)
    k = len(table.district_codes)

    def count(flag: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(d if flag is None else d[flag[sel]], minlength=k)

    res = table.building_type == residential_code
    out = pd.DataFrame({
        "elevators": count(),
        "old": count(table.age_years >= table.age_assess_years),
        "residential": count(res),
        "iot_residential": count(res & (table.iot > 0)),
        "class_i": count(table.risk == RISK_CLASSES.index("class_i")),
        "class_ii": count(table.risk == RISK_CLASSES.index("class_ii")),
    }, index=pd.Index(table.district_codes, name="adcode"))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_old"] = np.where(out["elevators"] > 0, out["old"] / out["elevators"], np.nan)
        out["iot_residential_share"] = np.where(
            out["residential"] > 0, out["iot_residential"] / out["residential"], np.nan)
    return out


@dataclass(frozen=True)
class Choropleth:
    """A district view: a class per district, labels, colours and the value shown per district."""

    view: str
    adcodes: tuple[str, ...]
    codes: np.ndarray
    values: np.ndarray
    value_text: tuple[str, ...]
    labels_en: tuple[str, ...]
    labels_zh: tuple[str, ...]
    colours: tuple[RGB, ...]
    counts: np.ndarray

    def labels(self, language: str) -> tuple[str, ...]:
        return self.labels_zh if language.startswith("zh") else self.labels_en


_NO_DATA_RGB: RGB = (225, 225, 225)


def classify_choropleth(figures: pd.DataFrame, view: str, config: Config) -> Choropleth:
    """Classes of each district for a district view (``figures`` from :func:`district_figures`).

    * ``district_old``: share of elevators 15+ years in use, breaks 15/20/25/30 %;
    * ``district_iot``: residential IoT coverage against ``config.iot_targets`` (by year,
      default 50 % by 2025, 100 % by 2027): below the first target, between targets, all met;
    * ``district_risk``: Class I + II elevators, breaks 0/10/50/200.
    The last class of every view is "no elevators" (grey).
    """
    check_view(view)
    if view not in CHOROPLETH_VIEWS:
        raise ConfigError(f"{view!r} is a point view; district views are "
                          f"{', '.join(CHOROPLETH_VIEWS)}")
    none_en, none_zh = "No elevators", "无电梯"
    if view == "district_old":
        values = figures["share_old"].to_numpy(float)
        breaks = np.array([0.15, 0.20, 0.25, 0.30])
        en = ("under 15 %", "15–20 %", "20–25 %", "25–30 %", "30 % and more")
        zh = ("15%以下", "15–20%", "20–25%", "25–30%", "30%及以上")
        colours: tuple[RGB, ...] = ((254, 240, 217), (253, 204, 138), (252, 141, 89),
                                    (227, 74, 51), (179, 0, 0))
        text = tuple("–" if not np.isfinite(v) else f"{v * 100:.1f}%" for v in values)
    elif view == "district_iot":
        values = figures["iot_residential_share"].to_numpy(float)
        targets = sorted(config.iot_targets.items())
        (y0, s0), (y1, s1) = targets[0], targets[-1]
        if len(targets) == 1 or s0 >= s1:
            breaks = np.array([s0])
            en = (f"below {s0:.0%} ({y0} target)", f"{s0:.0%} or more ({y0} target met)")
            zh = (f"低于{s0:.0%}({y0}年目标)", f"{s0:.0%}及以上(达到{y0}年目标)")
            colours = ((215, 48, 39), (26, 152, 80))
        else:
            mid = (s0 + s1) / 2
            breaks = np.array([s0, mid, s1])
            en = (f"below {s0:.0%} ({y0} target missed)", f"{s0:.0%}–{mid:.0%} ({y1} target ahead)",
                  f"{mid:.0%}–{s1:.0%} ({y1} target ahead)", f"{s1:.0%} ({y1} target met)")
            zh = (f"低于{s0:.0%}(未达{y0}年目标)", f"{s0:.0%}–{mid:.0%}(距{y1}年目标尚远)",
                  f"{mid:.0%}–{s1:.0%}(接近{y1}年目标)", f"{s1:.0%}(达到{y1}年目标)")
            colours = ((215, 48, 39), (253, 174, 97), (254, 224, 139), (26, 152, 80))
        text = tuple("–" if not np.isfinite(v) else f"{v * 100:.1f}%" for v in values)
    else:
        values = (figures["class_i"] + figures["class_ii"]).to_numpy(float)
        values[figures["elevators"].to_numpy() == 0] = np.nan
        breaks = np.array([1, 10, 50, 200])
        en = ("none", "1–9", "10–49", "50–199", "200 and more")
        zh = ("无", "1–9", "10–49", "50–199", "200及以上")
        colours = ((247, 247, 247), (252, 187, 161), (251, 106, 74), (222, 45, 38), (165, 15, 21))
        text = tuple("–" if not np.isfinite(v) else
                     f"{int(a)} / {int(b)}" for v, a, b in
                     zip(values, figures["class_i"], figures["class_ii"], strict=True))
    finite = np.isfinite(values)
    codes = np.where(finite, np.searchsorted(breaks, np.where(finite, values, 0), side="right"),
                     len(breaks) + 1).astype(np.int8)
    counts = np.bincount(codes, minlength=len(breaks) + 2)
    return Choropleth(view=view, adcodes=tuple(figures.index.astype(str)), codes=codes,
                      values=values, value_text=text, labels_en=(*en, none_en),
                      labels_zh=(*zh, none_zh), colours=(*colours, _NO_DATA_RGB), counts=counts)


def as_of_text(config: Config) -> str:
    """The as-of date as ISO text (for titles)."""
    return dt.date.isoformat(config.today)
