"""The command-centre commands end to end on a small synthetic world (in process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gis.cli import main
from tests.gis.incident_world import make_registry, make_roads


@pytest.fixture
def db(tmp_path: Path, monkeypatch) -> str:
    from gis.roads import link_graph_to_db, save_road_arrays
    from gis.store import open_store

    url = f"sqlite:///{tmp_path / 'centre.sqlite'}"
    open_store(url).save_registry(make_registry())
    monkeypatch.setenv("LIFTGUARD_CACHE_DIR", str(tmp_path / "cache"))
    graph = save_road_arrays(make_roads(), tmp_path / "cache" / "roads" / "graph-t.npz")
    link_graph_to_db(url, graph)
    return url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_alarm_incidents_report_and_stats(db, tmp_path, capsys) -> None:
    actor = ("--operator", "李四", "--workstation", "WS-02")
    code, out, _ = run(capsys, "alarm", "--db", db, "--channel", "active", "--code", "100003",
                       *actor, "--json")
    assert code == 0
    got = json.loads(out)
    assert got["accepted"] and got["recommendation"]["options"][0]["reason"] == \
        "contracted maintainer"
    iid = got["incident_id"]

    alarms = tmp_path / "alarms.jsonl"
    alarms.write_text("\n".join([
        json.dumps({"message_id": "g1", "device_id": "D1", "rescue_code": "100003",
                    "alarm_type": "困人", "time": "2026-11-21T09:00:00+08:00",
                    "channel": "automatic"}),
        "{oops",
        json.dumps({"rescue_code": "100004", "alarm_type": "water_ingress", "time":
                    "2026-11-21T09:00:00+08:00", "channel": "passive", "source": "119"}),
    ]), encoding="utf-8")
    code, out, err = run(capsys, "alarm", "--db", db, "--file", str(alarms), *actor)
    assert code == 2  # one line rejected, the others went in
    assert "REJECTED: not valid JSON" in out
    assert f"incident {iid} (merged" in out and "level 3" in out

    assert run(capsys, "incident", "dispatch", str(iid), "--db", db, *actor)[0] == 0
    for state in ("accepted", "en_route", "on_site", "released", "closed"):
        assert run(capsys, "incident", "set", str(iid), state, "--db", db, *actor)[0] == 0
    code, out, err = run(capsys, "incident", "set", str(iid), "on_site", "--db", db, *actor)
    assert code == 2 and "finished" in err

    code, out, _ = run(capsys, "incidents", "--db", db, "--json")
    listed = {i["incident_id"]: i for i in json.loads(out)}
    assert [e["to_state"] for e in listed[iid]["events"]][-1] == "closed"
    assert listed[iid]["events"][0]["operator"] == "李四"
    code, out, _ = run(capsys, "incidents", "--db", db, "--open")
    assert "1 incident(s)" in out

    pdf = tmp_path / "r.pdf"
    assert run(capsys, "incident", "report", str(iid), "--db", db, "--out", str(pdf))[0] == 0
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    assert b"NotoSansCJK" in pdf.read_bytes()

    code, out, _ = run(capsys, "stats", "--db", db, "--json")
    stats = json.loads(out)
    assert sum(r["incidents"] for r in stats["by_day_district"]) == 2
    assert {r["channel"] for r in stats["by_channel"]} == {"active", "automatic", "passive"}


def test_alarm_needs_code_or_file_and_reports_unknown_codes(db, capsys) -> None:
    code, _out, err = run(capsys, "alarm", "--db", db)
    assert code == 2 and "--channel and --code" in err
    code, out, _ = run(capsys, "alarm", "--db", db, "--channel", "passive", "--code",
                       "100001")
    assert code == 2 and "passive alarm needs its referring source" in out
    code, out, _ = run(capsys, "alarm", "--db", db, "--channel", "active", "--code", "999998")
    assert code == 2 and "no elevator has the code 999998" in out


def test_simulate_a_short_shift(db, capsys) -> None:
    code, out, _ = run(capsys, "simulate", "--db", db, "--rate", "30/h", "--hours", "1",
                       "--fast", "--seed", "2", "--start", "2026-11-21T09:00:00+08:00")
    assert code == 0
    assert "incidents" in out.splitlines()[-1]
    code, out, _ = run(capsys, "stats", "--db", db)
    assert "by_day_district" in out and "2026-11-21" in out
