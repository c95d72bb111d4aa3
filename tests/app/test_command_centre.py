"""The command centre in the main window (issue 5 item 8), end to end from the keyboard.

A small synthetic world (400 elevators, 16 stations, a synthetic road grid) is saved to a
SQLite database and the road graph is linked to it, so the window loads everything the way it
does at a real start: registry and command centre in the opening worker, roads after the first
frame. pytest-qt, offscreen, no sleeps.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from app.incident_overlays import (
    CREW_ROUTE_OVERLAY,
    CREW_ROUTE_STYLE,
    OPTION_ROUTE_STYLE,
    OPTION_ROUTES_OVERLAY,
)
from app.main_window import MainWindow
from app.settings import Settings
from gis.clock import SimulatedClock
from tests.gis.incident_world import START, make_registry, make_roads


@pytest.fixture(scope="module")
def world():
    return make_registry()


def _save(tmp_path, registry, *, roads=None) -> str:
    from gis.roads import link_graph_to_db, save_road_arrays
    from gis.store import open_store

    url = f"sqlite:///{tmp_path / 'centre.sqlite'}"
    open_store(url).save_registry(registry)
    if roads is not None:
        link_graph_to_db(url, save_road_arrays(roads, tmp_path / "roads.npz"))
    return url


def _window(qtbot, tmp_path, url) -> MainWindow:
    q = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for k, v in {"ui/language": "en", "centre/operator": "测试员",
                 "centre/workstation": "WS-T"}.items():
        q.setValue(k, v)
    win = MainWindow(Settings(q), url)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path, world):
    win = _window(qtbot, tmp_path, _save(tmp_path, world, roads=make_roads()))
    with qtbot.waitSignal(win.roads_loaded, timeout=60_000):
        win.open_database()  # registry + centre in the worker, linked roads after 1st frame
    assert win.centre is not None and win.centre.engine is win.engine is not None
    win.centre.clock = SimulatedClock(START)  # the board's clock, under the test's control
    yield win
    if win.command.board is not None:
        win.command.board.stop_timers()


def _pixels(win, rgb) -> int:
    img = win.canvas.grab().toImage()
    ptr = img.convertToFormat(img.Format.Format_RGB32).constBits()
    arr = np.frombuffer(ptr, dtype=np.uint32).reshape(img.height(), -1)[:, :img.width()]
    r, g, b = rgb
    return int(np.count_nonzero((arr & 0xFFFFFF) == (r << 16 | g << 8 | b)))


def _type_alarm(qtbot, win, code: str) -> None:
    qtbot.keyClick(win, Qt.Key.Key_F2)  # the global shortcut focuses the intake
    assert win.intake.code.hasFocus()
    qtbot.keyClicks(win.intake.code, code)
    assert win.intake.hits.count() == 1  # the elevator shows at once
    qtbot.keyClick(win.intake.code, Qt.Key.Key_Return)


def test_rescue_code_to_dispatch_with_routes_on_the_map(qtbot, window) -> None:
    win = window
    assert win.centre.actor.operator == "测试员" and win.centre.actor.workstation == "WS-T"
    before = _pixels(win, OPTION_ROUTE_STYLE.highlight_rgb)
    _type_alarm(qtbot, win, "100011")
    assert win.command.board_model.rowCount() == 1
    iid = win.command.board.selected_incident()
    rec = win.centre.recommendations[iid]
    assert len(rec.options) >= 2 and rec.options[0].reason.startswith("contracted maintainer")
    assert "contracted maintainer" in win.command.board.options.item(0).text()
    assert win.command.board.table.hasFocus()  # the next Enter confirms the dispatch
    # the incident is marked, the options' routes drawn (recommended one in green)
    names = set(win.canvas.overlay_names())
    assert {"incident_selected", OPTION_ROUTES_OVERLAY} <= names
    assert names & {"incidents_ok", "incidents_at_risk", "incidents_predicted_late"}
    assert _pixels(win, OPTION_ROUTE_STYLE.highlight_rgb) > before + 50
    assert _pixels(win, CREW_ROUTE_STYLE.rgb) == 0

    with qtbot.waitSignal(win.command.board.coverageLost, timeout=30_000) as lost:
        qtbot.keyClick(win.command.board.table, Qt.Key.Key_Return)
    inc = win.centre.log.incident(iid)
    assert inc["state"] == "dispatched" and inc["station_id"] == rec.options[0].station_id
    assert win.centre.log.events(iid)[-1].operator == "测试员"
    # the crew's route replaces the options' routes on the map
    assert CREW_ROUTE_OVERLAY in win.canvas.overlay_names()
    assert OPTION_ROUTES_OVERLAY not in win.canvas.overlay_names()
    assert _pixels(win, CREW_ROUTE_STYLE.rgb) > 50
    assert lost.args[0] == inc["station_id"]
    assert ("coverage_lost" in win.canvas.overlay_names()) == (len(lost.args[1]) > 0)

    labels = [win.command.joint_model.data(win.command.joint_model.index(r, 0))
              for r in range(win.command.joint_model.rowCount())]
    assert labels == ["Maintainer", "119 Fire", "110 Police", "Property"]
    assert win.command.joint_model.incident_id == iid


def test_119_fire_referral_escalates_to_level_3_with_the_nearest_fire_station(
        qtbot, window) -> None:
    win = window
    win.focus_intake()
    win.intake.channel.setCurrentIndex(win.intake.channel.findData("passive"))
    win.intake.source.setCurrentIndex(win.intake.source.findData("119"))
    win.intake.alarm_type.setCurrentIndex(win.intake.alarm_type.findData("fire_smoke"))
    _type_alarm(qtbot, win, "100020")
    iid = win.command.board.selected_incident()
    inc = win.centre.log.incident(iid)
    assert int(inc["level"]) == 3 and inc["cause"] == "fire_smoke"
    assert "level 3" in win.intake.status.text() and "119" in win.intake.status.text()
    m = win.command.joint_model
    rows = {m.data(m.index(r, 0)): [m.data(m.index(r, c)) for c in range(m.columnCount())]
            for r in range(m.rowCount())}
    fire = rows["119 Fire"]
    assert fire[1] == "notified" and fire[2].startswith("FS")  # nearest fire station
    assert fire[3].endswith(" min") and float(fire[3].split()[0]) > 0  # its ETA
    expected = win.centre.log.agencies(iid)
    assert {a["agency"] for a in expected} == {"119", "110"}
    # 1-5 on the panel set an agency's status, as a committed event
    win.command.joint.table.selectRow(1)
    win.command.joint.table.setFocus()
    qtbot.keyClick(win.command.joint, Qt.Key.Key_2)
    assert {a["agency"]: a["status"] for a in win.centre.log.agencies(iid)}["119"] == \
        "acknowledged"


def test_open_incidents_layer_follows_the_clock(qtbot, window) -> None:
    win = window
    _type_alarm(qtbot, win, "100030")
    names = set(win.canvas.overlay_names())
    assert names & {"incidents_ok", "incidents_predicted_late"}
    assert "incidents_late" not in names
    win.centre.clock.advance(31 * 60)
    win.command.board_model.tick()  # what the board's one-second timer does
    names = set(win.canvas.overlay_names())
    assert "incidents_late" in names and "incidents_ok" not in names


def test_address_search_and_unknown_code(qtbot, window) -> None:
    win = window
    intake = win.intake
    intake.code.setText("999999")
    assert intake.submit() is None and "No elevator found" in intake.status.text()
    assert win.command.board_model.rowCount() == 0  # a typo is not an alarm: nothing written
    intake.code.setText("合成路7号")
    found = intake.lookup()  # what the typing pause triggers
    assert 0 < len(found) <= 20 and found["address"].str.contains("合成路7号").all()
    qtbot.keyClick(intake.code, Qt.Key.Key_Down)
    chosen = intake.hits.currentItem().data(Qt.ItemDataRole.UserRole)
    got = intake.submit()
    assert got is not None and got.intake.elevator["registration_code"] == chosen


def test_board_without_roads_says_recommendations_need_a_road_graph(qtbot, tmp_path,
                                                                     world) -> None:
    win = _window(qtbot, tmp_path, _save(tmp_path, world))
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    assert win.centre is not None and win.centre.engine is None
    _type_alarm(qtbot, win, "100011")
    assert win.command.board_model.rowCount() == 1
    assert "need a road graph" in win.command.board.options.item(0).text()
    win.command.board.stop_timers()


def test_layouts_and_training_replay_menu(qtbot, window) -> None:
    win = window
    win.apply_layout("planning")
    assert not win.docks["incidents"].isVisible() and not win.docks["intake"].isVisible()
    win.apply_layout("command_centre")
    assert win.docks["incidents"].isVisible() and win.docks["joint"].isVisible()
    texts = [a.text() for a in win.file_menu.actions()]
    assert "&Training replay..." in texts
    replay = win.open_training_replay()
    assert replay is not None and replay.isVisible()
    replay.close()


def test_events_from_another_workstation_reach_the_board_and_offline_shows_a_banner(
        qtbot, window, world) -> None:
    from gis.incidents.centre import CommandCentre
    from gis.incidents.intake import make_alarm
    from gis.incidents.log import Actor, IncidentLog

    win = window
    assert win.command.live is not None
    qtbot.waitUntil(lambda: win.command.live.online, timeout=10_000)  # connected
    other = CommandCentre(IncidentLog(win.centre.log.engine), world.elevators, world.stations,
                          actor=Actor("李四", "WS-09"), clock=SimulatedClock(START))
    with qtbot.waitSignal(win.command.board_model.incidentsChanged, timeout=10_000):
        other.receive(make_alarm("passive", "100040", source="12345"))
    assert win.command.board_model.rowCount() == 1
    assert win.command.board_model.incident_at(0)["registration_code"] == \
        world.elevators.loc[world.elevators["rescue_code"] == "100040",
                            "registration_code"].item()
    assert win.live_banner.isHidden()
    win.command.live.reason = "connection refused"
    win.command.live.onlineChanged.emit(False)
    assert win.live_banner.isVisible() and "connection refused" in win.live_banner.text()
    # offline: the intake refuses and keeps what the operator typed; nothing is written
    win.intake.code.setText("100041")
    assert win.intake.submit() is None
    assert "offline" in win.intake.status.text() and win.intake.code.text() == "100041"
    assert win.command.board_model.rowCount() == 1 and len(win.centre.log.incident_rows()) == 1
    win.command.live.onlineChanged.emit(True)
    assert win.live_banner.isHidden()


def test_move_up_warning_draws_the_uncovered_elevators(qtbot, window, world) -> None:
    from app.incident_overlays import COVERAGE_LOST_OVERLAY, COVERAGE_LOST_STYLE

    win = window
    lost = world.elevators.head(3)[["registration_code", "district_name", "lon", "lat"]]
    win.canvas.zoom_to_lonlat(lost["lon"].to_numpy(), lost["lat"].to_numpy())
    before = _pixels(win, COVERAGE_LOST_STYLE.rgb)
    win.command.board.coverageLost.emit("MS0001", lost)
    assert COVERAGE_LOST_OVERLAY in win.canvas.overlay_names()
    assert _pixels(win, COVERAGE_LOST_STYLE.rgb) > before
    assert "MS0001" in win.statusBar().currentMessage()
    win.command.board.coverageLost.emit("MS0001", lost.iloc[:0])
    assert COVERAGE_LOST_OVERLAY not in win.canvas.overlay_names()
