"""Incident board and joint-response panel: keyboard dispatch, clock colours, agencies."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.models.incident_model import (
    COLUMNS,
    URGENCY_COLOURS,
    IncidentBoardModel,
    JointResponseModel,
    format_clock,
)
from app.panels.incident_board import IncidentBoard
from app.panels.joint_response import JointResponsePanel
from gis.clock import SimulatedClock
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import make_alarm
from gis.incidents.log import Actor, IncidentLog
from tests.gis.incident_world import START, make_engine, make_registry


@pytest.fixture(scope="module")
def world():
    reg = make_registry()
    return reg, make_engine(reg)


@pytest.fixture
def centre(world, tmp_path):
    from gis.store import open_store

    reg, engine = world
    return CommandCentre(IncidentLog(open_store(f"sqlite:///{tmp_path / 'b.sqlite'}")),
                         reg.elevators, reg.stations, actor=Actor("王五", "WS-03"),
                         engine=engine, clock=SimulatedClock(START))


@pytest.fixture
def board(qtbot, centre):
    model = IncidentBoardModel(centre, language="en")
    widget = IncidentBoard(model)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    yield widget
    widget.stop_timers()


def test_keyboard_dispatch_and_next_steps(qtbot, board, centre) -> None:
    got = board.model.receive(make_alarm("active", "100011"))
    iid = got.intake.incident_id
    assert board.model.rowCount() == 1
    board.select_incident(iid)
    assert board.options.count() >= 2 and "contracted maintainer" in board.options.item(0).text()
    board.table.setFocus()
    with qtbot.waitSignal(board.coverageLost, timeout=10_000) as lost, \
            qtbot.waitSignal(board.model.eventCommitted) as sig:
        qtbot.keyClick(board.table, Qt.Key.Key_Return)
    assert sig.args[0].to_state == "dispatched"
    assert lost.args[0] == sig.args[0].data["station"]["station_id"]
    assert {"registration_code", "eta_after_s"} <= set(lost.args[1].columns)
    recommended = got.recommendation.options[0].station_id
    assert centre.log.incident(iid)["station_id"] == recommended
    qtbot.keyClick(board.table, Qt.Key.Key_N)
    qtbot.keyClick(board.table, Qt.Key.Key_Return)
    assert centre.log.incident(iid)["state"] == "en_route"
    assert [e.operator for e in centre.log.events(iid)][-1] == "王五"


def test_digit_picks_an_alternative_and_f_marks_false_alarm(qtbot, board, centre) -> None:
    a = board.model.receive(make_alarm("active", "100012")).intake.incident_id
    b = board.model.receive(make_alarm("passive", "100013", source="12345")).intake.incident_id
    board.select_incident(a)
    second = board.model.recommendation(a).options[1].station_id
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_2)
    assert centre.log.incident(a)["station_id"] == second
    board.select_incident(b)
    qtbot.keyClick(board.table, Qt.Key.Key_F)
    assert centre.log.incident(b)["state"] == "false_alarm"
    assert board.model.row_of(b) == -1  # finished incidents leave the board


def test_clock_colours_and_sorting(qtbot, board, centre) -> None:
    m = board.model
    m.receive(make_alarm("active", "100014"))
    centre.clock.advance(10 * 60)
    m.receive(make_alarm("active", "100015"))
    first = board.proxy.index(0, COLUMNS.index("incident_id")).data()
    assert first == "1"  # least time left first
    centre.clock.advance(16 * 60)
    m.tick()
    colour = m.data(m.index(m.row_of(1), 0), Qt.ItemDataRole.BackgroundRole)
    assert colour == QColor(URGENCY_COLOURS["at_risk"])
    centre.clock.advance(5 * 60)
    m.tick()
    assert m.data(m.index(m.row_of(1), 0), Qt.ItemDataRole.BackgroundRole) == \
        QColor(URGENCY_COLOURS["late"])
    assert m.data(m.index(m.row_of(1), COLUMNS.index("time_left_s"))).startswith("-")
    assert format_clock(75) == "01:15" and format_clock(3725) == "1:02:05"


def test_joint_response_panel(qtbot, centre, tmp_path) -> None:
    got = centre.receive(make_alarm("active", "100016", alarm_type="fire_smoke"))
    model = JointResponseModel(centre, language="zh")
    panel = JointResponsePanel(model)
    qtbot.addWidget(panel)
    model.set_incident(got.intake.incident_id)
    labels = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert labels == ["维保单位", "119 消防", "110 公安", "物业"]
    assert model.data(model.index(1, 1)) == "已通知"  # notified, in the model's language
    panel.table.selectRow(1)
    with qtbot.waitSignal(model.eventCommitted):
        panel.buttons["acknowledged"].click()
    assert {a["agency"]: a["status"] for a in centre.log.agencies(got.intake.incident_id)}[
        "119"] == "acknowledged"
    out = panel.export_report(tmp_path / "r.pdf")
    assert out is not None and out.read_bytes()[:5] == b"%PDF-"


def test_built_in_label_tables_cover_both_languages() -> None:
    """The incident models label headers, states and agencies from tables per language (the
    widgets use tr()); each table must have every entry in both, and Chinese must be Chinese."""
    import re

    from app.models.incident_model import LABEL_TABLES

    cjk = re.compile(r"[\u4e00-\u9fff]")
    for name, table in LABEL_TABLES.items():
        assert set(table) == {"en", "zh"}, name
        en, zh = table["en"], table["zh"]
        keys_en = list(en) if isinstance(en, dict) else list(range(len(en)))
        keys_zh = list(zh) if isinstance(zh, dict) else list(range(len(zh)))
        assert keys_en == keys_zh, name
        for key in keys_en:
            assert str(en[key]).strip() and cjk.search(str(zh[key])), (name, key)


def test_cause_and_reason_tables_cover_what_gis_produces() -> None:
    from app.models.incident_model import CAUSE_LABELS, REASON_LABELS
    from gis.incidents.intake import ALARM_TYPES
    from gis.routing import _reason

    assert set(CAUSE_LABELS["en"]) == set(ALARM_TYPES)
    produced = {_reason(kind, unit, contracted)[0] for kind, unit, contracted in (
        ("maintenance", "MU1", "MU1"), ("maintenance", "MU2", "MU1"), ("fire", "", "MU1"),
        ("police", "", "MU1"))}
    assert produced == set(REASON_LABELS["en"]) == set(REASON_LABELS["zh"])
