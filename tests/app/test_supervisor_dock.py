"""View > Panels > Supervisor: actions per operator, docked in the main window and refreshed
when another workstation writes to the shared incident log (live events)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.main_window import MainWindow
from app.panels.supervisor import SupervisorPanel
from app.settings import Settings
from gis.clock import SimulatedClock
from tests.gis.incident_world import START, make_registry


def test_supervisor_dock_follows_live_events(qtbot, tmp_path) -> None:
    from gis.incidents.centre import CommandCentre
    from gis.incidents.intake import make_alarm
    from gis.incidents.log import Actor, IncidentLog
    from gis.store import open_store

    world = make_registry()
    url = f"sqlite:///{tmp_path / 'sup.sqlite'}"
    open_store(url).save_registry(world)
    q = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    q.setValue("ui/language", "en")
    win = MainWindow(Settings(q), url)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    dock = win.docks["supervisor"]
    panel = win.command.supervisor
    assert isinstance(panel, SupervisorPanel) and dock.widget() is panel
    assert not dock.isVisible()  # opened from View > Panels
    panels_menu = next(a.menu() for a in win.menuBar().actions()[1].menu().actions()
                       if a.menu() is not None and a.menu().title() == "&Panels")
    toggle = next(a for a in panels_menu.actions() if a.text().startswith("Supervisor"))
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        toggle.trigger()
    assert dock.isVisible() and panel.summary.rowCount() == 0
    qtbot.waitUntil(lambda: win.command.live is not None and win.command.live.online,
                    timeout=10_000)
    other = CommandCentre(IncidentLog(win.centre.log.engine), world.elevators, world.stations,
                          actor=Actor("李四", "WS-09"), clock=SimulatedClock(START))
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        other.receive(make_alarm("passive", "100040", source="12345"), recommend=False)
    assert panel.selected_operator() == "李四"
    assert panel.summary.item(0, 5).text() == "WS-09" and panel.actions.rowCount() >= 1
    win.close()
