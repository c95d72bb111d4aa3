"""The incident log on both back ends (SQLite file and a throwaway PostgreSQL server):
intake and merging, the lifecycle with optimistic versions, one open incident per elevator
across two workstations, and ordered events for catch-up and replay."""

from __future__ import annotations

import pytest

from gis.clock import SimulatedClock
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import make_alarm
from gis.incidents.log import Actor, IncidentConflict, IncidentLog
from tests.gis.incident_world import START, make_engine, make_registry
from tests.pg_fixture import pg_server, pg_url, store_url  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def world():
    reg = make_registry()
    return reg, make_engine(reg)


def _centre(world, url: str, workstation: str, clock: SimulatedClock) -> CommandCentre:
    from gis.store import open_store

    reg, engine = world
    return CommandCentre(IncidentLog(open_store(url)), reg.elevators, reg.stations,
                         actor=Actor("op", workstation), engine=engine, clock=clock)


def test_two_workstations_share_one_log(world, store_url) -> None:  # noqa: F811
    clock = SimulatedClock(START)
    ws1 = _centre(world, store_url, "WS-1", clock)
    ws2 = _centre(world, store_url, "WS-2", clock)
    assert ws1.log.dialect in ("sqlite", "postgresql")

    a = ws1.receive(make_alarm("active", "100100")).intake
    b = ws2.receive(make_alarm("passive", "100100", source="110")).intake
    assert b.merged and b.incident_id == a.incident_id  # one open incident per elevator
    iid = a.incident_id

    seen = ws2.log.incident(iid)["version"]
    ws1.dispatch(iid, 0, expected_version=ws1.log.incident(iid)["version"])
    with pytest.raises(IncidentConflict) as lost:  # ws2 acted on what it saw before
        ws2.dispatch(iid, 1, expected_version=seen)
    assert lost.value.current["state"] == "dispatched"
    station = ws1.log.incident(iid)["station_id"]
    assert ws2.log.busy_station_ids() == {station}

    for state in ("accepted", "en_route", "on_site", "released", "closed"):
        ws2.advance(iid, state)
    events = ws1.log.events(iid)
    assert [e.seq for e in events] == list(range(1, 9))
    assert [e.workstation for e in events][:2] == ["WS-1", "WS-2"]
    assert ws1.log.events(after_event_id=events[3].event_id)[0].event_id > events[3].event_id
    assert ws1.log.incident(iid)["open_code"] is None
    assert ws1.log.busy_station_ids() == set()

    # the message id dedupe and the rejected-alarm record behave the same on both
    from gis.incidents.intake import parse_alarm_json

    msg = ('{"message_id": "x-1", "device_id": "D", "rescue_code": "100101", '
           '"alarm_type": "entrapment", "time": "2026-11-21T09:00:00+08:00"}')
    first = ws1.receive(parse_alarm_json(msg)).intake
    assert ws2.receive(parse_alarm_json(msg)).intake.duplicate
    assert ws2.receive(make_alarm("active", "999999")).intake.accepted is False
    alarms = ws1.log.alarms()
    assert len(alarms) == 4 and int(alarms["accepted"].sum()) == 3
    assert first.incident_id != iid
