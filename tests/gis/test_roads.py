"""Road graph: OSM reading, speeds, SCC, arrays, cache, GraphML and the synthetic network."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from gis import roads
from gis.errors import RoadsError
from gis.synth_roads import synth_road_arrays, synth_road_graph

CENTRAL = "roads/shanghai_central_overpass.osm"

# A tiny hand-made OSM file: a two-way primary street A-B-C, a one-way residential loop back
# C-D-A, a footway (not drivable), a private service road, and a one-way stub E->F that
# cannot be reached back (dropped with the strongly connected component).
SMALL_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="31.2300" lon="121.4700"/>
  <node id="2" lat="31.2300" lon="121.4750"/>
  <node id="3" lat="31.2300" lon="121.4800"/>
  <node id="4" lat="31.2350" lon="121.4800"/>
  <node id="5" lat="31.2400" lon="121.4700"/>
  <node id="6" lat="31.2450" lon="121.4700"/>
  <node id="7" lat="31.2250" lon="121.4700"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="primary"/><tag k="maxspeed" v="40"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="12"><nd ref="1"/><nd ref="7"/><tag k="highway" v="footway"/></way>
  <way id="13"><nd ref="2"/><nd ref="7"/><tag k="highway" v="service"/>
    <tag k="access" v="private"/></way>
  <way id="14"><nd ref="4"/><nd ref="5"/><nd ref="6"/>
    <tag k="highway" v="tertiary"/><tag k="oneway" v="yes"/></way>
</osm>
"""


@pytest.fixture(scope="module")
def central(shared_data: Path) -> nx.MultiDiGraph:
    return roads.read_osm(shared_data / CENTRAL)


@pytest.fixture
def small_osm(tmp_path: Path) -> Path:
    path = tmp_path / "small.osm"
    path.write_text(SMALL_OSM, encoding="utf-8")
    return path


def test_central_shanghai_graph_is_drivable_strongly_connected_and_timed(central):
    assert 3_500 < len(central) < 4_000
    assert nx.is_strongly_connected(central)
    assert central.graph["dropped_nodes"] > 0 and central.graph["dropped_edges"] > 0
    for _u, _v, d in central.edges(data=True):
        assert d["road_class"] in roads.ROAD_CLASSES
        assert d["length_m"] > 0 and d["travel_time_s"] >= roads.MIN_EDGE_TIME_S
        assert d["travel_time_s"] == pytest.approx(d["length_m"] / (d["speed_kph"] / 3.6))
    xs = np.array([d["x"] for _n, d in central.nodes(data=True)])
    ys = np.array([d["y"] for _n, d in central.nodes(data=True)])
    assert xs.min() > 121.40 and xs.max() < 121.56 and ys.min() > 31.17 and ys.max() < 31.28


def test_speed_table_and_maxspeed_are_applied(central):
    tagged = [d for *_e, d in central.edges(data=True)
              if isinstance(d.get("maxspeed"), str) and d["maxspeed"] == "40"]
    speeds = np.array([d["speed_kph"] for d in tagged])
    # an edge merged from a tagged and an untagged segment runs between the two speeds
    assert len(speeds) > 20 and np.mean(np.isclose(speeds, 40.0)) > 0.9
    assert speeds.min() >= 20.0 - 1e-9 and speeds.max() <= 40.0 + 1e-9
    plain = [d for *_e, d in central.edges(data=True)
             if d.get("maxspeed") is None and d["road_class"] == "residential"]
    assert plain and all(d["speed_kph"] == pytest.approx(20.0) for d in plain)


def test_small_file_drops_non_drivable_and_unreachable_parts(small_osm):
    graph = roads.read_osm(small_osm)
    assert set(graph.nodes) == {1, 3, 4}  # 2 simplified away, 5/6 dropped, 7 not drivable
    # footway and private service road, both two-way: 2 directed segments each
    assert graph.graph["non_drivable_edges"] == 4
    # 5 is simplified into the edge 4->6; 6 cannot reach back and is dropped
    assert graph.graph["dropped_nodes"] == 1 and graph.graph["dropped_components"] == 1
    primary = [d for u, v, d in graph.edges(data=True) if d["road_class"] == "primary"]
    assert primary and all(d["speed_kph"] == pytest.approx(40.0) for d in primary)


def test_slower_speed_table_gives_longer_times(small_osm):
    fast = roads.read_osm(small_osm)
    slow = roads.read_osm(small_osm, speeds=roads.RoadSpeeds.with_overrides(
        {"residential": 10.0}))
    t_fast = {(u, v): d["travel_time_s"] for u, v, d in fast.edges(data=True)
              if d["road_class"] == "residential"}
    t_slow = {(u, v): d["travel_time_s"] for u, v, d in slow.edges(data=True)
              if d["road_class"] == "residential"}
    assert t_slow and all(t_slow[k] == pytest.approx(2 * t_fast[k]) for k in t_fast)


@pytest.mark.parametrize(("text", "kph"), [("40", 40.0), ("30 mph", 48.28032), ("40;60", 40.0),
                                            (["50", "30"], 30.0), ("signals", None)])
def test_parse_maxspeed(text, kph):
    assert roads.parse_maxspeed_kph(text) == (pytest.approx(kph) if kph else None)


def test_bad_files_raise_roads_error_naming_the_file(tmp_path):
    broken = tmp_path / "broken.osm"
    broken.write_text('<?xml version="1.0"?><osm version="0.6"><node id="1" lat="31"')
    with pytest.raises(RoadsError, match=r"broken\.osm"):
        roads.read_osm(broken)
    footpaths = tmp_path / "footpaths.osm"
    footpaths.write_text(SMALL_OSM.replace('v="primary"', 'v="footway"')
                         .replace('v="residential"', 'v="footway"')
                         .replace('v="tertiary"', 'v="footway"'))
    with pytest.raises(RoadsError, match=r"footpaths\.osm.*no drivable"):
        roads.read_osm(footpaths)
    with pytest.raises(RoadsError, match=r"missing\.osm"):
        roads.read_osm(tmp_path / "missing.osm")


def test_pbf_gives_the_same_graph_as_xml(small_osm, tmp_path):
    osmium = pytest.importorskip("osmium")
    pbf = tmp_path / "small.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(small_osm)):
            writer.add(obj)
    a, b = roads.read_osm(small_osm), roads.read_osm(pbf)
    assert set(a.nodes) == set(b.nodes)
    assert sorted(d["travel_time_s"] for *_e, d in a.edges(data=True)) == pytest.approx(
        sorted(d["travel_time_s"] for *_e, d in b.edges(data=True)))


def test_arrays_round_trip_through_cache_and_graph(central, tmp_path):
    arrays = roads.graph_to_arrays(central)
    loaded = roads.load_road_arrays(roads.save_road_arrays(arrays, tmp_path / "g.npz"))
    for name in ("node_id", "edge_u", "edge_v", "travel_time_s", "geom_lon"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(arrays, name))
    assert loaded.meta["label"].startswith("OpenStreetMap")
    back = roads.arrays_to_graph(loaded)
    assert len(back) == len(central) and back.number_of_edges() == central.number_of_edges()
    u, v, d = next(iter(central.edges(data=True)))
    assert min(e["travel_time_s"] for e in back[u][v].values()) <= d["travel_time_s"]
    assert [f for f in tmp_path.iterdir()] == [tmp_path / "g.npz"]  # no temp file left


def test_import_roads_uses_the_cache_and_keys_it_by_settings(small_osm, tmp_path, monkeypatch):
    first, path = roads.import_roads(small_osm, cache_dir=tmp_path)
    monkeypatch.setattr(roads, "read_osm", lambda *a, **k: pytest.fail("rebuilt"))
    again, same = roads.import_roads(small_osm, cache_dir=tmp_path)
    assert same == path and again.n_edges == first.n_edges
    other = roads.cache_key(small_osm, roads.RoadSpeeds.with_overrides({"primary": 30}))
    assert other != roads.cache_key(small_osm, roads.RoadSpeeds())


def test_failed_import_caches_nothing(tmp_path):
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><way")
    with pytest.raises(RoadsError):
        roads.import_roads(bad, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*")) if (tmp_path / "cache").exists() else True


def test_corrupt_cache_and_missing_link_are_user_errors(tmp_path):
    junk = tmp_path / "graph-x.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(RoadsError, match=r"graph-x\.npz"):
        roads.load_road_arrays(junk)
    with pytest.raises(RoadsError, match="roads import"):
        roads.linked_graph_file("sqlite:///nowhere.sqlite", cache_dir=tmp_path)
    link = roads.link_graph_to_db("sqlite:///a.sqlite", junk, cache_dir=tmp_path)
    assert roads.linked_graph_file("sqlite:///a.sqlite", cache_dir=tmp_path) == junk.resolve()
    assert link.parent == tmp_path


def test_graphml_has_times_lengths_and_wgs84_coordinates(small_osm, tmp_path):
    arrays = roads.graph_to_arrays(roads.read_osm(small_osm))
    out = roads.write_graphml(arrays, tmp_path / "g.graphml")
    graph = nx.read_graphml(out)
    assert set(graph.nodes) == {"1", "3", "4"}
    for _n, d in graph.nodes(data=True):
        assert 121.4 < float(d["x"]) < 121.5 and 31.2 < float(d["y"]) < 31.3
    for *_e, d in graph.edges(data=True):
        assert float(d["travel_time_s"]) > 0 and float(d["length_m"]) > 0


def test_synthetic_network_is_labelled_deterministic_and_connected():
    bbox = (121.40, 31.15, 121.55, 31.28)
    a = synth_road_arrays(bbox=bbox, target_nodes=3_000, seed=3)
    b = synth_road_arrays(bbox=bbox, target_nodes=3_000, seed=3)
    c = synth_road_arrays(bbox=bbox, target_nodes=3_000, seed=4)
    assert a.meta["label"].startswith("SYNTHETIC") and a.is_synthetic
    np.testing.assert_array_equal(a.lon, b.lon)
    assert a.n_edges != c.n_edges or not np.array_equal(a.lon, c.lon)
    assert 2_400 < a.n_nodes <= 3_200
    classes = {roads.ROAD_CLASSES[i] for i in np.unique(a.road_class)}
    assert classes == {"primary", "secondary", "residential"}
    graph = roads.arrays_to_graph(a)
    assert nx.is_strongly_connected(graph) and graph.graph["synthetic"] is True
    assert bbox[0] - 0.01 < a.lon.min() and a.lon.max() < bbox[2] + 0.01


def test_synthetic_network_over_district_polygons(shanghai_districts):
    huangpu = shanghai_districts[shanghai_districts["adcode"] == "310101"]
    graph = synth_road_graph(districts=huangpu, target_nodes=800, seed=1)
    assert 500 < len(graph) <= 900 and graph.graph["label"].startswith("SYNTHETIC")
    with pytest.raises(RoadsError, match="bbox"):
        synth_road_arrays(target_nodes=10)
