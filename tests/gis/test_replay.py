"""Training replay core: log and file sources, per-line validation, state in time, crews
moving along their routes, what-if, and isolation from the live record."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from gis.errors import ValidationError
from gis.replay import (
    STATES,
    build_replay,
    export_log,
    load_replay_db,
    read_replay_file,
    readonly_database,
    what_if,
)
from tests.gis.incident_world import START, make_engine, make_registry


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A simulated two-hour shift (about 40 incidents) in a SQLite file."""
    from gis.clock import SimulatedClock
    from gis.incidents.centre import CommandCentre
    from gis.incidents.log import Actor, IncidentLog
    from gis.incidents.simulator import ShiftSimulator, SimulationSettings
    from gis.store import open_store

    reg = make_registry()
    engine = make_engine(reg)
    path = tmp_path_factory.mktemp("replay") / "centre.sqlite"
    store = open_store(f"sqlite:///{path}")
    store.save_registry(reg)
    log = IncidentLog(store)
    cc = CommandCentre(log, reg.elevators, reg.stations, actor=Actor("op", "WS-1"),
                       engine=engine, clock=SimulatedClock(START))
    ShiftSimulator(cc, SimulationSettings(rate_per_h=20, hours=2, seed=4)).run()
    events = log.events()
    log.close()
    store.close()
    return {"url": f"sqlite:///{path}", "path": path, "reg": reg, "engine": engine,
            "events": events}


@pytest.fixture(scope="module")
def replay(world):
    return load_replay_db(world["url"])[0]


def _fingerprint(path: Path) -> dict[str, tuple[int, str]]:
    out = {}
    for f in path.parent.glob(path.name + "*"):
        out[f.name] = (f.stat().st_mtime_ns, hashlib.md5(f.read_bytes()).hexdigest())
    return out


def test_log_replay_has_every_incident_from_report_to_closure(world, replay) -> None:
    events = world["events"]
    ids = sorted({e.incident_id for e in events})
    assert len(replay.incidents) == len(ids) and len(replay.events) == len(events)
    assert not replay.problems
    for key in ("1", str(ids[-1])):
        mine = [e for e in events if str(e.incident_id) == key]
        row = replay.incidents.loc[replay.incidents["incident"] == key].iloc[0]
        assert row["start_s"] == pytest.approx(mine[0].at_s)
        closed = [e.at_s for e in mine if e.to_state in ("closed", "false_alarm")]
        assert row["end_s"] == pytest.approx(closed[0]) if closed else np.isinf(row["end_s"])


def test_state_at_matches_a_naive_fold_over_the_events(world, replay) -> None:
    events = world["events"]
    for t in np.linspace(replay.start_s, replay.end_s, 23):
        state: dict[str, str] = {}
        for e in events:  # naive: replay every event up to t
            if e.at_s > t:
                break
            state[str(e.incident_id)] = e.to_state
        expected = {k: v for k, v in state.items() if v not in ("closed", "false_alarm")}
        s = replay.state_at(t)
        got = dict(zip(replay.incidents["incident"].iloc[s.rows], s.state, strict=True))
        assert got == expected
        assert set(s.colour) <= set(range(6))
        assert np.all(s.elapsed_s >= 0)


def test_crews_move_along_the_recorded_route_by_the_recorded_times(world, replay) -> None:
    tr = replay.trips
    assert len(tr) > 10 and set(tr.route_source) == {"recorded"}
    i = int(np.argmax(tr.arrive_s - tr.start_s))
    a, b = int(tr.first[i]), int(tr.last[i]) + 1
    route = np.column_stack([tr.v_lon[a:b], tr.v_lat[a:b]])
    start = replay.crews_at(tr.start_s[i] + 1e-6)
    k = int(np.flatnonzero(start["crew_incident"] == tr.incident[i])[0])
    assert start["crew_lon"][k] == pytest.approx(route[0, 0], abs=1e-6)
    mid = replay.crews_at((tr.start_s[i] + tr.arrive_s[i]) / 2)
    k = int(np.flatnonzero(mid["crew_incident"] == tr.incident[i])[0])
    assert mid["crew_progress"][k] == pytest.approx(0.5)
    p = np.array([mid["crew_lon"][k], mid["crew_lat"][k]])
    from shapely import LineString, Point

    line = LineString(route)
    assert line.distance(Point(p)) < 1e-9  # on the road geometry
    assert line.project(Point(p), normalized=True) == pytest.approx(0.5, abs=0.02)
    after = replay.crews_at(tr.arrive_s[i] + 1)
    assert tr.incident[i] not in set(after["crew_incident"]) or len(after["crew_lon"]) == 0 \
        or not np.any((after["crew_incident"] == tr.incident[i])
                      & (after["crew_agency"] == "maintainer")
                      & np.isclose(after["crew_progress"], 1.0))


def test_replay_never_writes_to_the_live_database(world, tmp_path) -> None:
    before = _fingerprint(world["path"])
    load_replay_db(world["url"])
    export_log(world["url"], tmp_path / "shift.jsonl")
    assert _fingerprint(world["path"]) == before
    with readonly_database(world["url"]) as (engine, copy_url):
        assert copy_url != world["url"]
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError

        with pytest.raises(OperationalError, match="readonly"), engine.begin() as conn:
            conn.execute(text("DELETE FROM incident_events"))
    assert _fingerprint(world["path"]) == before


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_exported_log_replays_the_same(world, replay, tmp_path, suffix) -> None:
    out = tmp_path / f"shift{suffix}"
    n = export_log(world["url"], out)
    assert n == len(replay.events)
    again = read_replay_file(out, elevators=world["reg"].elevators,
                             stations=world["reg"].stations)
    assert not again.problems and len(again.incidents) == len(replay.incidents)
    for t in np.linspace(replay.start_s, replay.end_s, 7)[1:-1]:
        a, b = replay.state_at(t), again.state_at(t)
        assert list(a.state) == list(b.state)
        np.testing.assert_allclose(a.crew_lon, b.crew_lon, atol=1e-5)


def _line(**kw) -> str:
    return json.dumps(kw, ensure_ascii=False)


def test_bad_lines_are_reported_one_by_one_and_the_good_ones_play(world, tmp_path) -> None:
    reg = world["reg"]
    code = str(reg.elevators["registration_code"].iloc[3])
    st = reg.stations.loc[reg.stations["kind"] == "maintenance"].iloc[0]
    lines = [
        _line(incident="A", time="2026-11-21T09:00:00", event="alarm", registration_code=code),
        _line(incident="A", time="2026-11-21T09:01:00", event="dispatched",
              station_id=str(st["station_id"]), eta_s=600),
        _line(incident="A", time="2026-11-21T09:00:30", event="accepted"),  # 3: out of order
        _line(incident="A", time="2026-11-21T09:03:00", event="teleported"),  # 4: unknown
        "{not json",  # 5
        _line(incident="A", time="2026-11-21T09:04:00", event="en_route"),
        _line(incident="B", time="2026-11-21T09:05:00", event="alarm",
              registration_code="99999999999999999999"),  # 7: unknown elevator
        _line(incident="B", time="2026-11-21T09:06:00", event="dispatched",
              station_id="MS0001"),  # 8: incident left out
        _line(incident="A", time="2026-11-21T09:10:00", event="on_site"),
        _line(incident="C", time="yesterday", event="alarm", registration_code=code),  # 10
        _line(incident="A", time="2026-11-21T09:20:00", event="agency", agency="119",
              agency_status="maybe"),  # 11
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    replay = read_replay_file(path, elevators=reg.elevators, stations=reg.stations)
    found = {(p.row, p.field) for p in replay.problems}
    assert found == {(3, "time"), (4, "event"), (5, "line"), (7, "registration_code"),
                     (8, "incident"), (10, "time"), (11, "agency_status")}
    text = "\n".join(str(p) for p in replay.problems)
    assert "out of order" in text and "unknown elevator 99999999999999999999" in text
    assert "teleported" in text and "bad.jsonl: row 7" in text
    assert list(replay.incidents["incident"]) == ["A"]
    assert list(replay.events["event"]) == ["alarm", "dispatched", "en_route", "on_site"]
    assert len(replay.trips) == 1 and replay.trips.route_source[0] == "straight"
    with pytest.raises(ValidationError, match="row 2"):
        build_replay(replay.events.iloc[:0].assign(line=[]), file="x.jsonl",
                     problems=[replay.problems[0].__class__("x.jsonl", 2, "event", "bad")])


def test_missing_routes_are_recomputed_with_the_routing_engine(world, tmp_path) -> None:
    reg = world["reg"]
    code = str(reg.elevators["registration_code"].iloc[8])
    sid = str(reg.stations["station_id"].iloc[0])
    path = tmp_path / "noroute.csv"
    path.write_text("incident,time,event,registration_code,station_id,eta_s\n"
                    f"7,2026-11-21 09:00:00,received,{code},,\n"
                    f"7,2026-11-21 09:01:00,dispatched,,{sid},700\n"
                    f"7,2026-11-21 09:03:00,en_route,,,\n"
                    f"7,2026-11-21 09:12:00,on_site,,,\n", encoding="utf-8")
    replay = read_replay_file(path, elevators=reg.elevators, stations=reg.stations,
                              engine=world["engine"])
    assert not replay.problems
    assert list(replay.trips.route_source) == ["recomputed"]
    assert replay.trips.last[0] - replay.trips.first[0] > 2


def test_what_if_compares_the_engine_now_with_the_dispatch(world, replay) -> None:
    busy = [t for t in np.linspace(replay.start_s, replay.end_s, 40)
            if np.isin(replay.state_at(t).state, ("received", "dispatched", "en_route")).any()]
    t = busy[len(busy) // 2]
    frame = what_if(replay, t, world["engine"], world["reg"].stations)
    assert len(frame) >= 1
    row = frame.iloc[0]
    assert row["recommended_station"] and np.isfinite(row["recommended_eta_s"])
    if np.isfinite(row["dispatched_eta_s"]):
        assert row["eta_diff_s"] == pytest.approx(row["recommended_eta_s"]
                                                  - row["dispatched_eta_s"])
    assert set(frame["state"]) <= set(STATES)


def test_state_at_is_cheap(replay) -> None:
    import time

    t0 = time.perf_counter()
    for t in np.linspace(replay.start_s, replay.end_s, 200):
        replay.state_at(t)
    assert (time.perf_counter() - t0) / 200 < 0.01
