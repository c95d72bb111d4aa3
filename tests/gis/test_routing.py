"""Rescue routing: scipy engine against networkx Dijkstra, options, reasons, bulk ETAs, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from gis import roads
from gis.errors import RoutingError
from gis.routing import CongestionProfile, RoutingEngine, SnapSettings, travel_time_weight

MORNING = dt.datetime(2026, 11, 21, 8, 0)
NIGHT = dt.datetime(2026, 11, 21, 3, 0)


@pytest.fixture(scope="module")
def central_arrays(shared_data: Path) -> roads.RoadArrays:
    return roads.graph_to_arrays(
        roads.read_osm(shared_data / "roads/shanghai_central_overpass.osm"))


def _stations(arrays: roads.RoadArrays, m: int = 40, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    node = rng.choice(arrays.n_nodes, m, replace=False)
    kinds = np.array(["maintenance"] * (m - 10) + ["fire"] * 5 + ["police"] * 5)
    status = np.where(np.arange(m) % 10 == 3, "busy", np.where(np.arange(m) % 10 == 7,
                                                              "offline", "available"))
    return pd.DataFrame({
        "station_id": [f"ST{i:03d}" for i in range(m)], "kind": kinds,
        "name": [f"station {i}" for i in range(m)],
        "unit_id": np.where(kinds == "maintenance", [f"MU{i % 3}" for i in range(m)], ""),
        "district_adcode": "310101",
        "lon": arrays.lon[node] + rng.normal(0, 0.0004, m),
        "lat": arrays.lat[node] + rng.normal(0, 0.0004, m),
        "turnout_s": rng.uniform(60, 300, m), "status": status,
    })


def _elevators(arrays: roads.RoadArrays, n: int = 300, seed: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    node = rng.integers(0, arrays.n_nodes, n)
    return pd.DataFrame({
        "registration_code": [f"3110310101{i:010d}" for i in range(n)],
        "rescue_code": [f"{100000 + i}" for i in range(n)],
        "lon": arrays.lon[node] + rng.normal(0, 0.0008, n),
        "lat": arrays.lat[node] + rng.normal(0, 0.0008, n),
        "maintenance_unit_id": [f"MU{i % 3}" for i in range(n)],
    })


@pytest.fixture(scope="module")
def engine(central_arrays) -> RoutingEngine:
    return RoutingEngine(central_arrays, stations=_stations(central_arrays),
                         elevators=_elevators(central_arrays))


def _brute_force(engine: RoutingEngine, elevator: pd.Series, at, exclude_busy=True):
    """ETA of every allowed station by networkx Dijkstra on the graph (reverse search)."""
    graph = engine.graph
    weight = travel_time_weight(engine.congestion, at)
    node, snap = engine.snap(elevator["lon"], elevator["lat"])
    target = int(engine.arrays.node_id[node[0]])
    rev = graph.reverse(copy=False)
    dist = nx.single_source_dijkstra_path_length(
        rev, target, weight=lambda u, v, _d: weight(v, u, graph[v][u]))
    st = engine._stations
    allowed = ["available"] if exclude_busy else ["available", "busy"]
    st = st[st["status"].isin(allowed) & st["on_network"]]
    access_e = snap[0] / (engine.snap_settings.access_speed_kph / 3.6)
    eta = [(t + a + dist[int(engine.arrays.node_id[n])] + access_e, sid)
           for t, a, n, sid in zip(st["turnout_s"], st["access_s"], st["node"],
                                   st["station_id"], strict=True)]
    return sorted(eta)


def test_csr_dijkstra_equals_networkx_on_random_pairs(engine):
    from scipy.sparse.csgraph import dijkstra

    rng = np.random.default_rng(0)
    graph, ids = engine.graph, engine.arrays.node_id
    for at in (None, MORNING):
        _best, fwd, _rev = engine.compiled(at)
        weight = travel_time_weight(engine.congestion, at)
        sources = rng.choice(len(ids), 10, replace=False)
        targets = rng.choice(len(ids), 10, replace=False)
        dist = dijkstra(fwd, indices=sources)
        for i, s in enumerate(sources):
            for t in targets:
                expect = nx.dijkstra_path_length(graph, int(ids[s]), int(ids[t]), weight=weight)
                assert dist[i, t] == pytest.approx(expect, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("at", [None, MORNING, NIGHT])
def test_rescue_options_equal_brute_force_networkx(engine, at):
    elevators = engine._elevators
    for i in (0, 17, 123, 250):
        row = elevators.iloc[i]
        options = engine.rescue_options(row["registration_code"], k=5, at=at)
        expect = _brute_force(engine, row, at)[:5]
        assert [o.station_id for o in options] == [sid for _eta, sid in expect]
        assert [o.eta_s for o in options] == pytest.approx([eta for eta, _sid in expect])


def test_option_fields_route_and_eta_parts(engine):
    row = engine._elevators.iloc[42]
    options = engine.rescue_options(row.to_dict(), k=5, at=MORNING)
    assert len(options) == 5
    assert [o.eta_s for o in options] == sorted(o.eta_s for o in options)
    best, _fwd, _rev = engine.compiled(MORNING)
    pos = engine.node_index(np.array(options[0].route_nodes))
    for o in options:
        assert o.eta_s == pytest.approx(o.turnout_s + o.access_s + o.network_time_s)
        assert o.meets_limit == (o.eta_s <= 1800)
        station = engine._stations.set_index("station_id").loc[o.station_id]
        assert o.route_nodes[0] == engine.arrays.node_id[station["node"]]
        assert o.route_lonlat[0] == pytest.approx((station["lon"], station["lat"]))
        assert o.route_lonlat[-1] == pytest.approx((row["lon"], row["lat"]))
    # network time equals the sum of the fastest edge times along route_nodes
    edges = engine._path_edges(pos.tolist(), best)
    factors = engine.congestion.class_factors(MORNING)
    times = engine.arrays.travel_time_s[edges] * factors[engine.arrays.road_class[edges]]
    assert times.sum() == pytest.approx(options[0].network_time_s)
    node, _snap = engine.snap(row["lon"], row["lat"])
    assert options[0].route_nodes[-1] == engine.arrays.node_id[node[0]]


def test_morning_peak_is_slower_than_night(engine):
    code = engine._elevators["registration_code"].iloc[7]
    morning = engine.rescue_options(code, k=1, at=MORNING)[0]
    night = engine.rescue_options(code, k=1, at=NIGHT)[0]
    assert morning.eta_s > night.eta_s
    assert night.eta_s == pytest.approx(engine.rescue_options(code, k=1, at=None)[0].eta_s)
    aware = dt.datetime(2026, 11, 21, 0, 0, tzinfo=dt.UTC)  # = 08:00 in Shanghai
    assert engine.rescue_options(code, k=1, at=aware)[0].eta_s == pytest.approx(morning.eta_s)


def test_busy_and_offline_stations_are_excluded(engine):
    code = engine._elevators["registration_code"].iloc[3]
    status = engine._stations.set_index("station_id")["status"]
    listed = {o.station_id for o in engine.rescue_options(code, k=40)}
    assert all(status[s] == "available" for s in listed)
    with_busy = {o.station_id for o in engine.rescue_options(code, k=40, exclude_busy=False)}
    assert any(status[s] == "busy" for s in with_busy)
    assert not any(status[s] == "offline" for s in with_busy)


def test_reasons_follow_three_level_response(engine):
    row = engine._elevators.iloc[5]
    kinds = engine._stations.set_index("station_id")[["kind", "unit_id"]]
    for o in engine.rescue_options(row["registration_code"], k=30):
        kind, unit = kinds.loc[o.station_id]
        if kind == "maintenance" and unit == row["maintenance_unit_id"]:
            assert (o.reason, o.response_level) == ("contracted maintainer", 1)
        elif kind == "maintenance":
            assert (o.reason, o.response_level) == ("other maintainer", 2)
        else:
            assert o.response_level == 3 and kind in o.reason


def test_nearest_station_eta_equals_best_rescue_option(engine):
    elevators = engine._elevators
    table = engine.nearest_stations(elevators, at=MORNING)
    eta = engine.nearest_station_eta(elevators, at=MORNING)
    np.testing.assert_array_equal(eta, table["eta_s"].to_numpy())
    for i in (0, 9, 99, 199):
        best = engine.rescue_options(elevators.iloc[i].to_dict(), k=1, at=MORNING)[0]
        assert table["eta_s"].iloc[i] == pytest.approx(best.eta_s)
        assert table["station_id"].iloc[i] == best.station_id


def test_far_points_are_flagged_not_snapped(engine, central_arrays):
    far = pd.DataFrame({"registration_code": ["FAR0000000001"], "lon": [121.30],
                        "lat": [31.10], "maintenance_unit_id": ["MU0"]})
    table = engine.nearest_stations(far)
    assert table["off_network"].iloc[0] and np.isnan(table["eta_s"].iloc[0])
    with pytest.raises(RoutingError, match=r"FAR0000000001.*off the road network"):
        engine.rescue_options(far.iloc[0])
    stations = _stations(central_arrays)
    stations.loc[0, ["lon", "lat"]] = (121.30, 31.10)
    moved = RoutingEngine(central_arrays, stations=stations)
    assert "ST000" in moved.off_network_stations()
    assert "ST000" in moved.station_warnings()[0]
    options = moved.rescue_options(engine._elevators.iloc[0], k=40)
    assert "ST000" not in {o.station_id for o in options}


def test_unknown_and_unreachable_elevators_are_named():
    # two separate one-way-free islands: stations only on the first
    arrays = roads.RoadArrays(
        node_id=np.array([10, 11, 20, 21]), lon=np.array([121.47, 121.475, 121.50, 121.505]),
        lat=np.full(4, 31.23), edge_u=np.array([0, 1, 2, 3], dtype=np.int32),
        edge_v=np.array([1, 0, 3, 2], dtype=np.int32), length_m=np.full(4, 475.0),
        travel_time_s=np.full(4, 40.0), road_class=np.full(4, 4, dtype=np.int8),
        geom_offsets=np.zeros(5, dtype=np.int64), geom_lon=np.zeros(0), geom_lat=np.zeros(0))
    stations = pd.DataFrame({"station_id": ["S1"], "kind": ["maintenance"], "name": ["s"],
                             "unit_id": ["MU1"], "lon": [121.47], "lat": [31.23],
                             "turnout_s": [120.0], "status": ["available"]})
    elevators = pd.DataFrame({"registration_code": ["ISLAND000001"], "rescue_code": ["123456"],
                              "lon": [121.505], "lat": [31.23], "maintenance_unit_id": ["MU1"]})
    engine = RoutingEngine(arrays, stations=stations, elevators=elevators)
    with pytest.raises(RoutingError, match="ISLAND000001 cannot be reached"):
        engine.rescue_options("123456")  # rescue code works too
    with pytest.raises(RoutingError, match="NOSUCHCODE1 is not in the registry"):
        engine.rescue_options("NOSUCHCODE1")
    assert np.isinf(engine.nearest_station_eta(elevators)[0])
    stations["status"] = "offline"
    engine.set_stations(stations)
    with pytest.raises(RoutingError, match="No station is available"):
        engine.rescue_options("123456")


def test_settings_are_validated_and_used(central_arrays):
    with pytest.raises(RoutingError, match="24 hourly"):
        CongestionProfile(factors={"local": (1.0,) * 24})
    slow = RoutingEngine(central_arrays, stations=_stations(central_arrays),
                         snap=SnapSettings(access_speed_kph=5.0))
    fast = RoutingEngine(central_arrays, stations=_stations(central_arrays),
                         snap=SnapSettings(access_speed_kph=20.0))
    row = _elevators(central_arrays).iloc[1]
    assert slow.rescue_options(row, k=1)[0].access_s > fast.rescue_options(row, k=1)[0].access_s


def test_engine_from_networkx_graph_equals_engine_from_arrays(central_arrays, engine):
    graph = roads.arrays_to_graph(central_arrays)
    other = RoutingEngine(graph, stations=_stations(central_arrays))
    row = engine._elevators.iloc[11]
    a = [o.eta_s for o in other.rescue_options(row, k=3, at=MORNING)]
    b = [o.eta_s for o in engine.rescue_options(row, k=3, at=MORNING)]
    assert a == pytest.approx(b)
    assert other.graph is graph
