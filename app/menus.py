"""The main window's menus and map-view toolbar.

:class:`WindowMenus` builds File (reload, road network, export, training replay, settings,
quit) and View (map views Ctrl+1..7, zoom to full extent, find, plan rescue, new alarm F2 /
Ctrl+N, incident board F3, layouts, panels, language) on the window and keeps the actions the
window enables or checks later. The shortcuts of actions added to the window work with the
menus closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from gis.thematic import VIEW_TITLES, VIEWS

if TYPE_CHECKING:
    from app.main_window import MainWindow


def replay_available() -> bool:
    """Whether the training replay (app.replay, another part of the app) is installed."""
    import importlib.util

    return importlib.util.find_spec("app.replay") is not None


class WindowMenus(QObject):
    """Menus, toolbar and shortcuts of ``window`` (module doc)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._file_menu()
        self._view_menu()

    def _action(self, text: str, slot: object, *keys: str | QKeySequence.StandardKey,
                global_shortcut: bool = False) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(slot)  # type: ignore[arg-type]
        if global_shortcut:
            self.window.addAction(action)
        return action

    def _file_menu(self) -> None:
        w = self.window
        menu = w.menuBar().addMenu(self.tr("&File"))
        menu.addAction(self._action(self.tr("&Reload database"), w.open_database,
                                    QKeySequence.StandardKey.Refresh))
        menu.addAction(self._action(self.tr("Load &road network (OSM)..."),
                                    w.map.choose_roads))
        self.export_action = self._action(self.tr("&Export map image..."),
                                          w.map.export_dialog, "Ctrl+E")
        menu.addAction(self.export_action)
        if replay_available():
            menu.addAction(self._action(self.tr("&Training replay..."), w.open_training_replay))
        menu.addSeparator()
        self.settings_action = self._action(self.tr("&Settings..."), w.open_settings, "Ctrl+,")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self._action(self.tr("&Quit"), w.close, QKeySequence.StandardKey.Quit))
        self.file_menu = menu

    def _view_menu(self) -> None:
        w = self.window
        menu = w.menuBar().addMenu(self.tr("&View"))
        toolbar = w.addToolBar(self.tr("Map views"))
        toolbar.setObjectName("viewToolbar")
        self.view_group = QActionGroup(self)
        self.view_group.setExclusive(True)
        self.view_actions: dict[str, QAction] = {}
        names = {"age": self.tr("Age"), "risk": self.tr("Risk class"), "iot": self.tr("IoT"),
                 "retrofit": self.tr("Retrofit"), "district_old": self.tr("Districts: 15+ share"),
                 "district_iot": self.tr("Districts: IoT vs target"),
                 "district_risk": self.tr("Districts: Class I/II")}
        for i, view in enumerate(VIEWS):
            action = self._action(names[view], lambda _c=False, v=view: w.map_model.set_view(v),
                                  f"Ctrl+{i + 1}")
            action.setCheckable(True)
            action.setToolTip(VIEW_TITLES[view][1 if w.language == "zh" else 0])
            action.setChecked(view == w.map_model.view)
            self.view_group.addAction(action)
            menu.addAction(action)
            toolbar.addAction(action)
            self.view_actions[view] = action
        menu.addSeparator()
        full = self._action(self.tr("Zoom to &full extent"), w.canvas.zoom_full)
        menu.addAction(full)
        toolbar.addSeparator()
        toolbar.addAction(full)
        toolbar.addAction(self.export_action)
        menu.addAction(self._action(self.tr("&Find elevator"), w.map.focus_search,
                                    QKeySequence.StandardKey.Find))
        self.rescue_action = self._action(self.tr("Plan &rescue for the selected elevator"),
                                          lambda: w.map.plan_rescue(w.map_model.selected), "R",
                                          global_shortcut=True)
        self.rescue_action.setIconText(self.tr("Plan rescue"))
        self.rescue_action.setEnabled(False)
        menu.addAction(self.rescue_action)
        toolbar.addAction(self.rescue_action)
        menu.addSeparator()
        self.intake_action = self._action(self.tr("New &alarm (focus the intake)"),
                                          w.focus_intake, "F2", "Ctrl+N", global_shortcut=True)
        menu.addAction(self.intake_action)
        menu.addAction(self._action(self.tr("Incident &board"), w.command.focus_board, "F3",
                                    global_shortcut=True))
        layouts = menu.addMenu(self.tr("La&yout"))
        for name, label, key in (("command_centre", self.tr("&Command centre"), "Ctrl+Shift+C"),
                                 ("planning", self.tr("District &planning"), "Ctrl+Shift+P")):
            layouts.addAction(self._action(label, lambda _c=False, n=name: w.apply_layout(n),
                                           key))
        planning_toggle = w.docks["planning"].toggleViewAction()
        planning_toggle.setText(self.tr("District &planning panel"))
        menu.addAction(planning_toggle)
        panels = menu.addMenu(self.tr("&Panels"))
        for dock in w.docks.values():
            panels.addAction(dock.toggleViewAction())
        lang_menu = menu.addMenu(self.tr("&Language (after restart)"))
        group = QActionGroup(self)
        for code, label in (("system", self.tr("System")), ("en", "English"),
                            ("zh_CN", "中文")):
            action = self._action(label, lambda _c=False, c=code: w.set_language(c))
            action.setCheckable(True)
            action.setChecked(w.settings.language == code)
            group.addAction(action)
            lang_menu.addAction(action)
