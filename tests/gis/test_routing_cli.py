"""``liftguard roads import/synth/export-graph`` and ``liftguard route`` end to end."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import pytest

from gis.cli import main


@pytest.fixture
def db(tmp_path: Path, monkeypatch, small_registry) -> str:
    monkeypatch.setenv("LIFTGUARD_CACHE_DIR", str(tmp_path / "cache"))
    from gis.store import init_store

    url = f"sqlite:///{tmp_path / 'lg.sqlite'}"
    init_store(url).save_registry(small_registry)
    return url


def _central_elevator(url: str) -> str:
    from gis.store import open_store

    e = open_store(url).load_elevators()
    inside = e[e["lon"].between(121.46, 121.50) & e["lat"].between(31.22, 31.25)]
    return str(inside["registration_code"].iloc[0])


def test_import_route_json_and_export(db, shared_data, tmp_path, capsys):
    osm = shared_data / "roads/shanghai_central_overpass.osm"
    assert main(["roads", "import", str(osm), "--db", db]) == 0
    assert "nodes" in capsys.readouterr().out
    code = _central_elevator(db)
    assert main(["route", "--elevator", code, "--k", "3", "--at", "2026-11-21T08:00",
                 "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["elevator"]["registration_code"] == code and doc["limit_s"] == 1800
    assert doc["at"] == "2026-11-21T08:00:00" and doc["graph"]["synthetic"] is False
    etas = [o["eta_s"] for o in doc["options"]]
    assert len(etas) == 3 and etas == sorted(etas)
    for o in doc["options"]:
        assert {"station_id", "station_kind", "eta_s", "turnout_s", "access_s",
                "network_time_s", "distance_m", "meets_limit", "reason",
                "route_nodes"} <= set(o)
    assert doc["warnings"] and doc["off_network_station_ids"]  # stations outside the extract
    night = [o["eta_s"] for o in _route_json(db, code, "2026-11-21T03:00", capsys)]
    assert night[0] < etas[0]

    out = tmp_path / "roads.graphml"
    assert main(["roads", "export-graph", "--out", str(out), "--db", db]) == 0
    graph = nx.read_graphml(out)
    route = doc["options"][0]["route_nodes"]
    assert all(str(n) in graph for n in route)
    for a, b in itertools.pairwise(route):
        assert graph.has_edge(str(a), str(b))
    assert all("travel_time_s" in d and "length_m" in d for *_e, d in graph.edges(data=True))
    assert all("x" in d and "y" in d for _n, d in graph.nodes(data=True))


def _route_json(db: str, code: str, at: str, capsys) -> list[dict]:
    assert main(["route", "--elevator", code, "--at", at, "--json", "--db", db]) == 0
    return json.loads(capsys.readouterr().out)["options"]


def test_synthetic_roads_over_districts_and_text_output(db, capsys):
    assert main(["roads", "synth", "--nodes", "20000", "--db", db]) == 0
    assert "SYNTHETIC" in capsys.readouterr().out
    from gis.store import open_store

    code = str(open_store(db).load_elevators()["registration_code"].iloc[0])
    assert main(["route", "--elevator", code, "--free-flow", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "1." in out


def test_user_errors_give_a_message_and_exit_2(db, tmp_path, capsys):
    assert main(["route", "--elevator", "31100000000000000000", "--db", db]) == 2
    assert "roads import" in capsys.readouterr().err  # no graph linked yet
    assert main(["roads", "import", str(tmp_path / "missing.osm"), "--db", db]) == 2
    assert "missing.osm" in capsys.readouterr().err
    bad = tmp_path / "empty.osm"
    bad.write_text('<?xml version="1.0"?><osm version="0.6"></osm>')
    assert main(["roads", "import", str(bad), "--db", db]) == 2
    assert "no drivable roads" in capsys.readouterr().err
    assert not list((tmp_path / "cache" / "roads").glob("graph-*"))
    assert main(["roads", "synth", "--bbox", "121.44,31.21,121.50,31.25", "--nodes", "2000",
                 "--db", db]) == 0
    capsys.readouterr()
    assert main(["route", "--elevator", "NOSUCHELEVATOR01", "--db", db]) == 2
    assert "NOSUCHELEVATOR01" in capsys.readouterr().err
