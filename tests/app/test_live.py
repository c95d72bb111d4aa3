"""The workstation's live updates and supervisor panel: events from another workstation
arrive as a Qt signal on the UI thread, the offline state is signalled and refuses actions."""

from __future__ import annotations

from functools import partial

import pytest
from PySide6.QtCore import QThread

from app.live import LiveUpdates
from app.panels.supervisor import SupervisorPanel
from gis.clock import SimulatedClock
from gis.errors import StoreError
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import make_alarm
from gis.incidents.log import Actor, IncidentLog
from gis.incidents.supervision import operator_actions
from gis.store import open_store
from tests.gis.incident_world import START, make_registry


@pytest.fixture
def shared(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    reg = make_registry()
    other = CommandCentre(IncidentLog(open_store(url)), reg.elevators, reg.stations,
                          actor=Actor("李四", "WS-2"), clock=SimulatedClock(START))
    yield url, other
    other.log.close()


def test_events_from_another_workstation_arrive_on_the_ui_thread(qtbot, shared) -> None:
    url, other = shared
    live = LiveUpdates(url, poll_interval_s=0.05)
    seen_threads = []
    live.eventsArrived.connect(lambda _evs: seen_threads.append(QThread.currentThread()))
    with qtbot.waitSignal(live.onlineChanged, timeout=5000) as online:
        live.start()
    assert online.args == [True] and live.online
    live.require_online("dispatch")  # online: no error
    with qtbot.waitSignal(live.eventsArrived, timeout=5000) as got:
        iid = other.receive(make_alarm("active", "100100"), recommend=False).intake.incident_id
    (event,) = got.args[0]
    assert (event.incident_id, event.operator, event.workstation) == (iid, "李四", "WS-2")
    assert seen_threads == [live.thread()]
    live.stop()


def test_offline_is_signalled_and_refuses_actions(qtbot) -> None:
    live = LiveUpdates("postgresql+psycopg://u:p@127.0.0.1:9/nowhere", backoff_s=(0.1, 0.2))
    with qtbot.waitSignal(live.onlineChanged, timeout=15000) as changed:
        live.start()
    assert changed.args == [False] and not live.online
    with pytest.raises(StoreError, match=r"offline.*what you typed is kept"):
        live.require_online("dispatch a crew")
    live.stop()


def test_supervisor_panel_lists_actions_per_operator(qtbot, shared) -> None:
    _url, other = shared
    iid = other.receive(make_alarm("active", "100101"), recommend=False).intake.incident_id
    other.claim(iid)
    other.dispatch(iid, {"station_id": "MS0001", "eta_s": 300.0})
    panel = SupervisorPanel(partial(operator_actions, other.log))
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.refresh()
    assert panel.summary.rowCount() == 1 and panel.selected_operator() == "李四"
    assert [panel.summary.item(0, c).text() for c in (1, 3, 4, 5)] == ["3", "1", "1", "WS-2"]
    assert panel.actions.rowCount() == 3
    assert panel.actions.item(0, 3).text() == "state"  # newest first
    assert panel.actions.item(0, 4).text() == "received → dispatched"


def _quiet_thread_end(thread, errors, caplog) -> None:
    thread.join(10)
    assert not thread.is_alive(), "the live thread kept running after its object was deleted"
    assert errors == []
    assert [r for r in caplog.records if r.name == "liftguard.app.live"] == []


@pytest.fixture
def thread_errors(monkeypatch):
    import threading

    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    return errors


def test_deleting_the_parent_without_stop_ends_the_thread_quietly(
        qtbot, shared, thread_errors, caplog) -> None:
    import shiboken6
    from PySide6.QtCore import QObject

    url, other = shared
    parent = QObject()
    live = LiveUpdates(url, poll_interval_s=0.05, parent=parent)
    with qtbot.waitSignal(live.onlineChanged, timeout=5000):
        live.start()
    thread = live._thread
    shiboken6.delete(parent)  # the window goes away; nobody called live.stop()
    assert not shiboken6.isValid(live)
    other.receive(make_alarm("active", "100102"), recommend=False)  # an event to deliver
    _quiet_thread_end(thread, thread_errors, caplog)


def test_dropping_the_last_reference_without_stop_ends_the_thread_quietly(
        qtbot, shared, thread_errors, caplog) -> None:
    import gc

    url, other = shared
    live = LiveUpdates(url, poll_interval_s=0.05)
    with qtbot.waitSignal(live.onlineChanged, timeout=5000):
        live.start()
    thread = live._thread
    del live
    gc.collect()
    other.receive(make_alarm("active", "100103"), recommend=False)
    _quiet_thread_end(thread, thread_errors, caplog)
