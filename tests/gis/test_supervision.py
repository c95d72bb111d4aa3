"""Who did what: actions per operator from the event log, and `liftguard actions`."""

from __future__ import annotations

import json

from gis.cli import main
from gis.clock import SimulatedClock
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import make_alarm
from gis.incidents.log import Actor, IncidentLog
from gis.incidents.supervision import operator_actions, operator_summary
from gis.store import open_store
from tests.gis.incident_world import START, make_registry


def test_actions_per_operator_and_cli(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    reg = make_registry()
    clock = SimulatedClock(START)
    log = IncidentLog(open_store(url))
    a = CommandCentre(log, reg.elevators, reg.stations, actor=Actor("张三", "WS-1"), clock=clock)
    b = CommandCentre(log, reg.elevators, reg.stations, actor=Actor("李四", "WS-2"), clock=clock)
    i1 = a.receive(make_alarm("active", "100100"), recommend=False).intake.incident_id
    i2 = b.receive(make_alarm("active", "100101"), recommend=False).intake.incident_id
    a.claim(i1)
    a.dispatch(i1, {"station_id": "MS0001", "eta_s": 300.0})
    b.advance(i2, "false_alarm")
    a.advance(i1, "accepted", actor=Actor("crew", "WS-1"))

    actions = operator_actions(log)
    assert list(actions["operator"]) == ["张三", "李四", "张三", "张三", "李四"]
    assert "crew" in set(operator_actions(log, include_automatic=True)["operator"])
    summary = operator_summary(actions).set_index("operator")
    assert summary.loc["张三", ["actions", "incidents", "dispatches", "claims"]].tolist() == \
        [3, 1, 1, 1]
    assert summary.loc["李四", "workstations"] == "WS-2"
    assert operator_summary(operator_actions(log, operator="nobody")).empty

    assert main(["actions", "--db", url, "--operator", "李四", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["operator"] for o in out["operators"]] == ["李四"]
    assert [x["to_state"] for x in out["actions"]] == ["received", "false_alarm"]
    assert main(["actions", "--db", url]) == 0
    text = capsys.readouterr().out
    assert "== 张三 (WS-1): 3 action(s) on 1 incident(s), 1 dispatch(es), 1 claim(s)" in text
    log.close()
