"""Coverage gaps, per-polygon counts and service areas on hand-checkable networks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.config import Config
from gis.coverage import (
    coverage_by,
    coverage_by_polygons,
    district_names,
    elevator_coverage,
    read_polygons,
    service_areas,
)
from gis.crs import project, unproject
from gis.errors import ConfigError, CrsError, ValidationError
from gis.registry import Registry, coerce_elevator_dtypes, coerce_station_dtypes
from gis.roads import RoadArrays
from gis.routing import RoutingEngine

AS_OF = dt.date(2026, 11, 21)
EPSG = 32651
X0, Y0 = 350_000.0, 3_450_000.0  # UTM 51N, near Shanghai
STEP_M = 1000.0
EDGE_S = 60.0


def line_arrays(n: int = 31) -> RoadArrays:
    """A two-way straight road of ``n`` nodes 1 km apart, 60 s per edge in each direction."""
    x = X0 + STEP_M * np.arange(n)
    lon, lat = unproject(x, np.full(n, Y0), EPSG)
    u = np.concatenate([np.arange(n - 1), np.arange(1, n)]).astype(np.int32)
    v = np.concatenate([np.arange(1, n), np.arange(n - 1)]).astype(np.int32)
    m = u.size
    return RoadArrays(
        node_id=np.arange(n, dtype=np.int64) + 1000, lon=lon, lat=lat, edge_u=u, edge_v=v,
        length_m=np.full(m, STEP_M), travel_time_s=np.full(m, EDGE_S),
        road_class=np.full(m, 11, dtype=np.int8),  # residential
        geom_offsets=np.zeros(m + 1, dtype=np.int64), geom_lon=np.zeros(0),
        geom_lat=np.zeros(0), meta={"label": "test line", "synthetic": True})


def point_at(km: float, off_m: float = 0.0) -> tuple[float, float]:
    lon, lat = unproject(np.array([X0 + km * STEP_M]), np.array([Y0 + off_m]), EPSG)
    return float(lon[0]), float(lat[0])


def make_stations(kms: list[float], *, kinds: list[str] | None = None,
                  turnout_s: float = 0.0, status: list[str] | None = None) -> pd.DataFrame:
    pts = [point_at(k) for k in kms]
    return coerce_station_dtypes(pd.DataFrame({
        "station_id": [f"S{i}" for i in range(len(kms))],
        "kind": kinds or ["maintenance"] * len(kms), "name": [f"st {i}" for i in range(len(kms))],
        "unit_id": "MU1", "district_adcode": "310101",
        "lon": [p[0] for p in pts], "lat": [p[1] for p in pts], "turnout_s": turnout_s,
        "status": status or ["available"] * len(kms)}))


def make_elevators(kms: list[float], *, off_m: list[float] | None = None,
                   btypes: list[str] | None = None, adcodes: list[str] | None = None,
                   years_in_use: list[float] | None = None) -> pd.DataFrame:
    n = len(kms)
    off = off_m or [0.0] * n
    pts = [point_at(k, o) for k, o in zip(kms, off, strict=True)]
    years = years_in_use or [5.0] * n
    reg = [pd.Timestamp(AS_OF) - pd.Timedelta(days=int(y * 365.25) + 1) for y in years]
    return coerce_elevator_dtypes(pd.DataFrame({
        "registration_code": [f"31103101012020{i:06d}" for i in range(n)],
        "rescue_code": [f"{100000 + i}" for i in range(n)], "address": "test",
        "district_adcode": adcodes or ["310101"] * n, "district_name": "黄浦区",
        "lon": [p[0] for p in pts], "lat": [p[1] for p in pts],
        "building_type": btypes or ["residential"] * n, "is_addon": False,
        "manufacture_year": [r.year for r in reg], "registration_date": reg,
        "maintenance_unit_id": "MU1", "station_id": "S0", "iot_device": "none",
        "risk_scheme": "", "risk_class": "none", "assessment_date": pd.NaT,
        "retrofit_status": "none", "retrofit_status_date": pd.NaT,
        "has_ascending_overspeed": True, "complaints_12345": 0, "complaints_962121": 0}))


def line_districts() -> gpd.GeoDataFrame:
    """Two districts splitting the line at 15 km."""
    a = shapely.box(*point_at(-2, -3000), *point_at(15, 3000))
    b = shapely.box(*point_at(15, -3000), *point_at(32, 3000))
    return gpd.GeoDataFrame({"adcode": ["310101", "310104"], "name": ["黄浦区", "徐汇区"],
                             "name_en": ["Huangpu", "Xuhui"]}, geometry=[a, b], crs="EPSG:4326")


def line_registry(elevators: pd.DataFrame, stations: pd.DataFrame) -> Registry:
    return Registry(elevators=elevators, stations=stations,
                    units=pd.DataFrame({"unit_id": ["MU1"], "name": ["unit"]}),
                    districts=line_districts(), meta={"label": "SYNTHETIC test"})


@pytest.fixture(scope="module")
def line() -> RoadArrays:
    return line_arrays()


def test_eta_and_gaps_follow_the_definition(line: RoadArrays) -> None:
    # station at km 0, turnout 120 s; elevators on nodes at km 0..10 and one 200 m off-road
    stations = make_stations([0.0], turnout_s=120.0)
    el = make_elevators([0, 2, 3, 4, 10, 3], off_m=[0, 0, 0, 0, 0, 200])
    reg = line_registry(el, stations)
    engine = RoutingEngine(line, stations=stations, config=Config(as_of=AS_OF))
    cov = elevator_coverage(engine, reg, config=Config(as_of=AS_OF), limit_s=300.0)
    access_200 = 200.0 / (10.0 / 3.6)  # 10 km/h access speed
    expected = np.array([120, 240, 300, 360, 720, 300 + access_200])
    np.testing.assert_allclose(cov["eta_s"].to_numpy(), expected, atol=0.5)
    # 300 s exactly meets the limit; the off-road elevator at km 3 does not
    assert cov["gap"].tolist() == [False, False, False, True, True, True]
    assert (cov["station_id"] == "S0").all()


def test_elevator_off_network_is_a_gap_and_counted_apart(line: RoadArrays) -> None:
    stations = make_stations([0.0])
    el = make_elevators([1, 1], off_m=[0, 5000])  # 5 km from the road: off the network
    engine = RoutingEngine(line, stations=stations)
    cov = elevator_coverage(engine, line_registry(el, stations), config=Config(as_of=AS_OF))
    assert cov["off_network"].tolist() == [False, True]
    assert cov["gap"].tolist() == [False, True]
    table = coverage_by(cov)
    total = table.set_index("group").loc["total"]
    assert (total["gaps"], total["beyond_limit"], total["off_network"]) == (1, 0, 1)


def test_kinds_filter_matches_engine_and_restricts(line: RoadArrays) -> None:
    stations = make_stations([0.0, 20.0], kinds=["maintenance", "fire"], turnout_s=60.0)
    el = make_elevators([1, 5, 18, 25])
    reg = line_registry(el, stations)
    engine = RoutingEngine(line, stations=stations)
    both = elevator_coverage(engine, reg, config=Config(as_of=AS_OF))
    mine = elevator_coverage(engine, reg, config=Config(as_of=AS_OF),
                             kinds=["maintenance", "fire"])
    np.testing.assert_allclose(both["eta_s"], mine["eta_s"])
    assert both["station_id"].tolist() == mine["station_id"].tolist() == ["S0", "S0", "S1", "S1"]
    only = elevator_coverage(engine, reg, config=Config(as_of=AS_OF), kinds=["maintenance"])
    np.testing.assert_allclose(only["eta_s"], [120, 360, 1140, 1560])
    with pytest.raises(ConfigError, match="ambulance"):
        elevator_coverage(engine, reg, kinds=["ambulance"])


@pytest.mark.parametrize("limit", [0.0, -60.0, float("nan")])
def test_limit_must_be_positive(line: RoadArrays, limit: float) -> None:
    stations = make_stations([0.0])
    engine = RoutingEngine(line, stations=stations)
    with pytest.raises(ConfigError, match="positive"):
        elevator_coverage(engine, line_registry(make_elevators([1]), stations), limit_s=limit)


def test_coverage_by_district_splits_by_building_type_and_age(line: RoadArrays) -> None:
    stations = make_stations([0.0])
    el = make_elevators([1, 12, 13, 20, 25, 26],
                        btypes=["residential", "residential", "office", "residential",
                                "hospital", "residential"],
                        adcodes=["310101", "310101", "310101", "310104", "310104", "310104"],
                        years_in_use=[3, 16, 22, 30, 2, 17])
    reg = line_registry(el, stations)
    engine = RoutingEngine(line, stations=stations)
    cov = elevator_coverage(engine, reg, config=Config(as_of=AS_OF), limit_s=11 * 60.0)
    table = coverage_by(cov, names=district_names(reg)).set_index("group")
    hp, xh, tot = table.loc["310101"], table.loc["310104"], table.loc["total"]
    assert (hp["elevators"], hp["gaps"]) == (3, 2)
    assert hp["gap_share"] == pytest.approx(2 / 3)
    assert (hp["gaps_residential"], hp["gaps_office"]) == (1, 1)
    assert (hp["gaps_age_15-20"], hp["gaps_age_20+"], hp["gaps_age_<15"]) == (1, 1, 0)
    assert (xh["gaps"], xh["gaps_hospital"], xh["gaps_residential"]) == (3, 1, 2)
    assert hp["name"] == "黄浦区" and tot["name"] == "合计"
    assert tot["gaps"] == 5 and tot["elevators"] == 6


def test_polygons_in_projected_crs_and_errors(line: RoadArrays, tmp_path: Path) -> None:
    stations = make_stations([0.0])
    el = make_elevators([1, 2, 12, 13, 14])
    engine = RoutingEngine(line, stations=stations)
    cov = elevator_coverage(engine, line_registry(el, stations), config=Config(as_of=AS_OF),
                            limit_s=600.0)
    # Two areas written in UTM 51N metres: [0.5, 2.5] km and [11.5, 13.5] km along the road.
    areas = gpd.GeoDataFrame(
        {"name": ["west", "east"]},
        geometry=[shapely.box(X0 + 500, Y0 - 500, X0 + 2500, Y0 + 500),
                  shapely.box(X0 + 11_500, Y0 - 500, X0 + 13_500, Y0 + 500)], crs=EPSG)
    path = tmp_path / "areas.gpkg"
    areas.to_file(path)
    polys = read_polygons(path)
    table = coverage_by_polygons(cov, polys).set_index("group")
    assert (table.loc["west", "elevators"], table.loc["west", "gaps"]) == (2, 0)
    assert (table.loc["east", "elevators"], table.loc["east", "gaps"]) == (2, 2)

    bare = tmp_path / "bare.geojson"
    bare.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "a"},
         "geometry": json.loads(shapely.to_geojson(shapely.box(X0, Y0, X0 + 10, Y0 + 10)))}]}))
    with pytest.raises(CrsError, match="not longitude/latitude"):
        read_polygons(bare)  # GeoJSON says WGS84 but holds metres
    with pytest.raises(CrsError, match=r"bare\.geojson"):
        read_polygons(bare, crs="EPSG:999999")  # unknown CRS names the file
    assert len(read_polygons(bare, crs="EPSG:32651")) == 1

    lines = tmp_path / "lines.geojson"
    gpd.GeoDataFrame({"name": ["ok", "road"]}, geometry=[
        shapely.box(121, 31, 121.1, 31.1), shapely.LineString([(121, 31), (121.1, 31.1)])],
        crs=4326).to_file(lines)
    with pytest.raises(ValidationError, match=r"lines.geojson: row 2, field 'geometry'"):
        read_polygons(lines)


def test_service_areas_overlap_and_split(line: RoadArrays) -> None:
    stations = make_stations([0.0, 20.0], turnout_s=0.0)
    engine = RoutingEngine(line, stations=stations)
    over = service_areas(engine, stations, minutes=(5, 10), mode="overlap", cell_m=250)
    split = service_areas(engine, stations, minutes=(5, 10), mode="split", cell_m=250)

    def extent_km(frame: gpd.GeoDataFrame, sid: str, minutes: float) -> tuple[float, float]:
        geom = frame.loc[(frame["station_id"] == sid) & (frame["minutes"] == minutes),
                         "geometry"].iloc[0]
        xs, _ = project(*shapely.get_coordinates(geom).T, EPSG)
        return (xs.min() - X0) / STEP_M, (xs.max() - X0) / STEP_M

    # 10 min = 10 km of road, but a cell centre is >= 177 m from its node (64 s at 10 km/h):
    # the last cell reached is the one whose centre is 125 m past node 8 (480 + 64 s <= 600),
    # so the area ends at 8.25 km; behind the station the -0.375 km cell is 395 m away (142 s).
    lo, hi = extent_km(over, "S0", 10)
    assert (lo, hi) == (pytest.approx(-0.5, abs=1e-3), pytest.approx(8.25, abs=1e-3))
    lo, hi = extent_km(over, "S1", 10)
    assert (lo, hi) == (pytest.approx(11.75, abs=1e-3), pytest.approx(28.25, abs=1e-3))
    assert over.geometry.is_valid.all() and split.geometry.is_valid.all()
    # bands nest
    g5 = over.loc[(over.station_id == "S0") & (over.minutes == 5)].geometry.iloc[0]
    g10 = over.loc[(over.station_id == "S0") & (over.minutes == 10)].geometry.iloc[0]
    assert g5.area < g10.area and g5.difference(g10).area < 0.02 * g5.area  # up to simplify
    # split: no overlap between the two stations' areas
    a = split.loc[(split.station_id == "S0") & (split.minutes == 10)].geometry.iloc[0]
    b = split.loc[(split.station_id == "S1") & (split.minutes == 10)].geometry.iloc[0]
    assert a.intersection(b).area < 0.02 * min(a.area, b.area)
    assert set(over.columns) >= {"station_id", "kind", "minutes", "area_km2", "geometry"}
    with pytest.raises(ConfigError):
        service_areas(engine, stations, mode="union")
