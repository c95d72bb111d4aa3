"""Intake, lifecycle, escalation and dispatch on a small synthetic world (SQLite file)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gis.clock import SimulatedClock, to_epoch_s
from gis.incidents.centre import CommandCentre
from gis.incidents.escalation import EscalationRules, clock_frame, due_escalation
from gis.incidents.intake import AlarmRejected, make_alarm, parse_alarm_json
from gis.incidents.lifecycle import TransitionError
from gis.incidents.log import Actor, IncidentConflict, IncidentLog
from tests.gis.incident_world import START, make_engine, make_registry

OP = Actor("张三", "WS-01")


@pytest.fixture(scope="module")
def world():
    reg = make_registry()
    return reg, make_engine(reg)


@pytest.fixture
def centre(world, tmp_path):
    from gis.store import open_store

    reg, engine = world
    log = IncidentLog(open_store(f"sqlite:///{tmp_path / 'c.sqlite'}"))
    return CommandCentre(log, reg.elevators, reg.stations, actor=OP, engine=engine,
                         clock=SimulatedClock(START))


def iot(code: str, **kw) -> str:
    msg = {"message_id": "m1", "device_id": "IOT-1", "rescue_code": code,
           "alarm_type": "entrapment", "time": "2026-11-21T09:00:00+08:00"} | kw
    return json.dumps(msg, ensure_ascii=False)


# --------------------------------------------------------------------------- intake


def test_three_channels_merge_into_one_incident_keeping_every_source(centre) -> None:
    a = centre.receive(parse_alarm_json(iot("100005")))
    centre.clock.advance(40)
    b = centre.receive(make_alarm("active", "100005", source="hotline"))
    c = centre.receive(make_alarm("passive", "310100000000000005", source="110"))
    assert a.intake.accepted and not a.intake.merged
    assert b.intake.merged and c.intake.merged
    assert a.intake.incident_id == b.intake.incident_id == c.intake.incident_id
    alarms = centre.log.alarms(incident_id=a.intake.incident_id)
    assert list(alarms["channel"]) == ["automatic", "active", "passive"]
    assert list(alarms["source"]) == ["", "hotline", "110"]
    inc = centre.log.incident(a.intake.incident_id)
    assert inc["alarm_count"] == 3 and inc["first_channel"] == "automatic"
    # the recommendation came with the new incident
    assert a.recommendation is not None and a.recommendation.options


def test_redelivered_iot_message_is_recognised(centre) -> None:
    first = centre.receive(parse_alarm_json(iot("100007")))
    again = centre.receive(parse_alarm_json(iot("100007")))
    assert again.intake.duplicate and again.intake.incident_id == first.intake.incident_id
    assert len(centre.log.alarms()) == 1


@pytest.mark.parametrize(("text", "reason"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    (iot("12345"), "neither a 6-digit rescue code"),
    (iot("100001", alarm_type="meteor"), "unknown alarm type"),
    (iot("100001", time="yesterday"), "field 'time'"),
    (iot("100001", device_id=""), "device id"),
    (iot("100001", trapped_count=-2), "trapped_count"),
    ("{" + '"x": "' + "a" * 70_000 + '"}', "bytes"),
])
def test_malformed_messages_are_rejected_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(AlarmRejected, match=reason):
        parse_alarm_json(text)


def test_rejections_are_stored_and_intake_goes_on(centre) -> None:
    results = []
    for text in ["{broken", iot("999999", message_id="m2"), iot("100009", message_id="m3"),
                 iot("100010", message_id="m4", time="2026-11-21T11:00:00+08:00")]:
        try:
            alarm = parse_alarm_json(text)
        except AlarmRejected as exc:
            alarm = exc
        results.append(centre.receive(alarm).intake)
    assert [r.accepted for r in results] == [False, False, True, False]
    stored = centre.log.alarms(accepted=False)
    assert len(stored) == 3
    assert "not valid JSON" in stored["reject_reason"].iloc[0]
    assert "no elevator has the code 999999" in stored["reject_reason"].iloc[1]
    assert "in the future" in stored["reject_reason"].iloc[2]


# --------------------------------------------------------------------------- lifecycle


def test_full_lifecycle_is_an_append_only_chain(centre) -> None:
    iid = centre.receive(make_alarm("active", "100020")).intake.incident_id
    centre.dispatch(iid, 0)
    for state in ("accepted", "en_route", "on_site", "released", "closed"):
        centre.clock.advance(120)
        centre.advance(iid, state, note=f"to {state}")
    events = centre.log.events(iid)
    assert [e.seq for e in events] == list(range(1, 8))
    assert [e.to_state for e in events][-1] == "closed"
    assert all(e.operator == "张三" and e.workstation == "WS-01" for e in events)
    inc = centre.log.incident(iid)
    assert inc["open_code"] is None and inc["version"] == 7
    assert inc["on_site_at_s"] - inc["reported_at_s"] == 3 * 120
    with pytest.raises(TransitionError, match="finished"):
        centre.advance(iid, "on_site")
    # a new alarm long after closure opens a new incident
    centre.clock.advance(3600)
    assert centre.receive(make_alarm("active", "100020")).intake.incident_id != iid


def test_late_source_after_release_joins_the_closed_incident(centre) -> None:
    iid = centre.receive(make_alarm("automatic", "100021", device_id="d")).intake.incident_id
    centre.dispatch(iid, 0)
    for state in ("accepted", "en_route", "on_site", "released", "closed"):
        centre.advance(iid, state)
    centre.clock.advance(120)
    late = centre.receive(make_alarm("passive", "100021", source="12345")).intake
    assert late.incident_id == iid and late.merged and late.event.data["late_source"]


def test_invalid_transition_and_stale_version_write_nothing(centre) -> None:
    iid = centre.receive(make_alarm("active", "100030")).intake.incident_id
    with pytest.raises(TransitionError, match="can go to"):
        centre.advance(iid, "on_site")
    version = centre.log.incident(iid)["version"]
    centre.dispatch(iid, 0, expected_version=version)
    with pytest.raises(IncidentConflict) as err:  # another workstation acted on version 1
        centre.advance(iid, "cancelled", expected_version=version)
    assert err.value.current["state"] == "dispatched"
    assert len(centre.log.events(iid)) == 2


def test_log_refuses_in_memory_sqlite() -> None:
    from gis.errors import StoreError
    from gis.store import open_store

    with pytest.raises(StoreError, match="database file"):
        IncidentLog(open_store("sqlite:///:memory:"))


# --------------------------------------------------------------------------- escalation


def test_level_two_when_level_one_is_late_then_level_three(centre) -> None:
    iid = centre.receive(make_alarm("active", "100040")).intake.incident_id
    rec = centre.recommend(iid)
    assert rec.options[0].reason == "contracted maintainer"
    centre.dispatch(iid, 0)
    assert centre.check_escalations() == []
    centre.clock.advance(29 * 60)
    assert centre.board()["urgency"].iloc[0] == "at_risk"
    centre.clock.advance(2 * 60)  # the limit passed, crew not on site
    (ev,) = centre.check_escalations()
    assert ev.data["level"] == 2 and ev.operator == "system"
    rec2 = centre.recommend(iid)  # level 2: never the contracted unit again
    unit = centre.log.incident(iid)["maintenance_unit_id"]
    assert all(o.unit_id != unit for o in rec2.options)
    centre.dispatch(iid, 0)
    centre.clock.advance(16 * 60)
    (ev3,) = centre.check_escalations()
    assert ev3.data["level"] == 3 and set(ev3.data["agencies"]) == {"119", "110"}
    assert ev3.data["agency_options"]["119"]["station_id"].startswith("FS")
    agencies = {a["agency"]: a for a in centre.log.agencies(iid)}
    assert agencies["119"]["status"] == "notified" and agencies["119"]["eta_s"] > 0
    assert centre.check_escalations() == []  # recorded once


@pytest.mark.parametrize(("cause", "agencies"), [("water_ingress", {"119"}),
                                                 ("fire_smoke", {"119", "110"})])
def test_special_conditions_go_to_level_three_at_once(centre, cause, agencies) -> None:
    got = centre.receive(make_alarm("active", "100050", alarm_type=cause))
    assert got.escalation is not None and got.escalation.data["level"] == 3
    assert set(got.escalation.data["agencies"]) == agencies
    # the contracted maintainer is still sent first
    assert got.recommendation.options[0].reason == "contracted maintainer"


def test_many_trapped_and_predicted_late_rules() -> None:
    rules = EscalationRules(many_trapped=4)
    base = {"incident_id": 1, "state": "dispatched", "level": 1, "cause": "entrapment",
            "trapped_count": 0, "reported_at_s": 0.0, "dispatched_at_s": 60.0,
            "eta_s": 1900.0, "limit_s": 1800.0, "on_site_at_s": None, "station_id": "MS1",
            "district_adcode": "310101"}
    esc = due_escalation(base, rules, 120.0)
    assert esc.level == 2 and "misses the limit" in esc.reasons[0]
    assert due_escalation(base | {"eta_s": 600.0}, rules, 120.0) is None
    many = due_escalation(base | {"eta_s": 600.0, "trapped_count": 4}, rules, 120.0)
    assert many.level == 3 and set(many.agencies) == {"119", "110"}
    off = EscalationRules(level2_when_predicted_late=False)
    assert due_escalation(base, off, 120.0) is None


def test_clock_can_start_at_dispatch_per_district() -> None:
    import pandas as pd

    rules = EscalationRules(district_clock_start={"310106": "dispatch"})
    f = pd.DataFrame({"reported_at_s": [0.0, 0.0], "dispatched_at_s": [600.0, 600.0],
                      "eta_s": [900.0, 900.0], "limit_s": [1800.0, 1800.0],
                      "on_site_at_s": [None, None], "district_adcode": ["310101", "310106"],
                      "state": ["dispatched", "dispatched"]})
    c = clock_frame(f, rules, now_s=700.0)
    assert list(c["time_left_s"]) == [1100.0, 1700.0]
    assert list(c["elapsed_s"]) == [700.0, 700.0]
    assert list(c["eta_left_s"]) == [800.0, 800.0]


# --------------------------------------------------------------------------- dispatch


def test_busy_station_drops_out_until_released(centre) -> None:
    a = centre.receive(make_alarm("active", "100060")).intake.incident_id
    first = centre.recommend(a).options[0].station_id
    centre.dispatch(a, 0)
    assert first in centre.log.busy_station_ids()
    b = centre.receive(make_alarm("active", "100061")).intake.incident_id
    assert first not in {o.station_id for o in centre.recommend(b).options}
    for state in ("accepted", "en_route", "on_site", "released"):
        centre.advance(a, state)
    assert first not in centre.log.busy_station_ids()
    opts = centre.recommend(b).options
    assert [o.eta_s for o in opts[1:]] == sorted(o.eta_s for o in opts[1:])


def test_move_up_warning_matches_brute_force(world) -> None:
    from gis.config import Config
    from gis.incidents.dispatch import coverage_loss, with_status
    from gis.routing import RoutingEngine
    from tests.gis.incident_world import make_roads

    reg, _ = world
    engine = RoutingEngine(make_roads(), stations=reg.stations, elevators=reg.elevators,
                           config=Config(rescue_limit_city_s=480))
    maint = reg.stations.loc[reg.stations["kind"] == "maintenance"]
    lost_any = False
    for sid in maint["station_id"]:
        lost = coverage_loss(engine, reg.elevators, stations=reg.stations, busy=set(),
                             committed=sid)
        view = RoutingEngine(engine.arrays, stations=with_status(maint, {sid}),
                             config=engine.config)
        brute_before = RoutingEngine(engine.arrays, stations=maint, config=engine.config)
        before = brute_before.nearest_stations(reg.elevators)
        after = view.nearest_stations(reg.elevators)
        expect = set(reg.elevators["registration_code"][
            before["meets_limit"].to_numpy() & ~after["meets_limit"].to_numpy()])
        assert set(lost["registration_code"]) == expect
        lost_any |= bool(expect)
    assert lost_any, "the test world should have coverage gaps at an 8-minute limit"


def test_time_is_injected() -> None:
    clock = SimulatedClock(dt.datetime(2026, 1, 1))
    t0 = to_epoch_s(clock.now())
    clock.sleep(3600)
    assert to_epoch_s(clock.now()) - t0 == 3600
