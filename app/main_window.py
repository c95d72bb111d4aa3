"""The main window: the map canvas in the middle, panels in docks, the dataset banner on top.

Docks: legend and layers (left), alarm intake, search, filters, inspector and rescue (right),
the incident board and the joint-response panel beside the district summary and district
planning (bottom). Two layouts (View menu): *Command centre* (the default: intake, board and
joint response shown) and *District planning*. The database opens off the UI thread with a
cancellable progress dialog; the map data (projection) is built in the same worker. After the
first frame, background workers build the picking/search indexes and, when the database has a
linked road graph (:func:`gis.roads.linked_graph_file`), load it from the cache and build the
routing engine used by "Plan rescue", the planning panel and the command centre's
recommendations.

The command centre (:class:`gis.incidents.centre.CommandCentre`) is built in the same worker
from the open store and the loaded registry, acting as the operator and workstation of the
settings (``centre/operator``, default the login name; ``centre/workstation``, default the host
name) on the system clock; it gets the routing engine when the road graph is ready. Open
incidents are drawn on the map as a layer coloured by urgency; the selected incident is marked,
with its crew's route and the recommended options' routes.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.map.canvas import MapCanvas
from app.map.data import MapData
from app.map.overlays import LineStyle, PointStyle
from app.map.renderer import MapRenderer
from app.models.map_model import LayerModel, MapModel
from app.models.registry_model import RegistryModel
from app.models.road_model import RoadNetworkModel
from app.models.summary_model import SummaryTableModel
from app.panels.alarm_intake import AlarmIntakePanel
from app.panels.filters import FilterPanel
from app.panels.inspector import InspectorPanel
from app.panels.layers import LayersPanel
from app.panels.legend import LegendPanel
from app.panels.planning import PlanningPanel
from app.panels.rescue import RescuePanel
from app.panels.search import SearchPanel
from app.settings import Settings
from app.workers import Worker, start
from gis.crs import wgs84_to_gcj02
from gis.errors import LiftGuardError
from gis.registry import Registry
from gis.thematic import VIEW_TITLES, VIEWS

if TYPE_CHECKING:
    from app.models.incident_model import IncidentBoardModel, JointResponseModel
    from app.panels.incident_board import IncidentBoard
    from app.panels.joint_response import JointResponsePanel
    from gis.config import Config
    from gis.incidents.centre import CommandCentre, Received
    from gis.incidents.log import Actor
    from gis.roads import RoadArrays
    from gis.routing import RoutingEngine

#: Set to any value to print a line and quit once the first map frame is painted (startup
#: benchmark, bench/bench_map.py).
BENCH_ENV = "LIFTGUARD_BENCH_STARTUP"
#: Map overlay names and styles.
GAP_OVERLAY = "planning_gaps"
CANDIDATE_OVERLAY = "planning_candidates"
ROUTE_OVERLAY = "rescue_routes"
RESCUE_STATIONS_OVERLAY = "rescue_stations"
GAP_STYLE = PointStyle(rgb=(230, 0, 126), shape="disc", size_px=2, outline_rgb=None)
CANDIDATE_STYLE = PointStyle(rgb=(0, 150, 70), shape="diamond", size_px=7)
ROUTE_STYLE = LineStyle(rgb=(70, 90, 200), width_px=3.0, highlight=0,
                        highlight_rgb=(220, 20, 60), highlight_width_px=5.0)
RESCUE_STATION_STYLE = PointStyle(rgb=(255, 200, 0), shape="square", size_px=5,
                                  outline_rgb=(40, 40, 40))

#: Command centre overlays: open incidents by urgency, the selected one, its routes, and the
#: elevators left without a station within the limit after a crew is committed.
INCIDENT_OVERLAYS = {
    "late": PointStyle(rgb=(200, 0, 0), shape="triangle", size_px=9, outline_rgb=(255, 255, 255)),
    "predicted_late": PointStyle(rgb=(245, 120, 0), shape="triangle", size_px=8,
                                 outline_rgb=(255, 255, 255)),
    "at_risk": PointStyle(rgb=(235, 200, 0), shape="triangle", size_px=7,
                          outline_rgb=(60, 60, 60)),
    "ok": PointStyle(rgb=(30, 110, 200), shape="triangle", size_px=7,
                     outline_rgb=(255, 255, 255)),
}
SELECTED_INCIDENT_OVERLAY = "incident_selected"
SELECTED_INCIDENT_STYLE = PointStyle(rgb=(255, 230, 0), shape="diamond", size_px=12,
                                     outline_rgb=(0, 0, 0))
CREW_ROUTE_OVERLAY = "incident_crew_route"
CREW_ROUTE_STYLE = LineStyle(rgb=(140, 0, 210), width_px=5.0)
OPTION_ROUTES_OVERLAY = "incident_option_routes"
OPTION_ROUTE_STYLE = LineStyle(rgb=(70, 90, 200), width_px=3.0, highlight=0,
                               highlight_rgb=(0, 150, 80), highlight_width_px=5.0)
#: Remote events within this many milliseconds are shown with one reload of the board.
REMOTE_REFRESH_MS = 100
#: Option routes fitted into the view when an incident is selected (the rest may run off it).
ZOOM_OPTIONS = 3
COVERAGE_LOST_OVERLAY = "coverage_lost"
COVERAGE_LOST_STYLE = PointStyle(rgb=(255, 0, 255), shape="square", size_px=3,
                                 outline_rgb=(0, 0, 0))


def operator_actor(settings: Settings) -> Actor:
    """Who acts at this workstation: ``centre/operator`` (default: the login name) and
    ``centre/workstation`` (default: the host name) from the settings."""
    from gis.incidents.log import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without passwd entry)
        user = "operator"
    operator = str(settings.value("centre/operator", "") or user)
    workstation = str(settings.value("centre/workstation", "") or socket.gethostname()
                      or "workstation")
    return Actor(operator, workstation)


def build_command_centre(store: Any, registry: Registry, actor: Actor, config: Config,
                         engine: RoutingEngine | None = None) -> CommandCentre:
    """A command centre over ``store``'s incident log and ``registry`` (system clock,
    escalation rules with the city limit of ``config``)."""
    from gis.clock import SystemClock
    from gis.incidents.centre import CommandCentre
    from gis.incidents.escalation import EscalationRules
    from gis.incidents.log import IncidentLog

    return CommandCentre(IncidentLog(store), registry.elevators, registry.stations,
                         actor=actor, engine=engine, clock=SystemClock(),
                         rules=EscalationRules.from_config(config))


def _replay_available() -> bool:
    """Whether the training replay (app.replay, another part of the app) is installed."""
    import importlib.util

    return importlib.util.find_spec("app.replay") is not None


def ui_language(settings: Settings) -> str:
    """``"zh"`` or ``"en"``: the setting, or the system locale when set to "system"."""
    name = QLocale.system().name() if settings.language == "system" else settings.language
    return "zh" if name.startswith("zh") else "en"


class MainWindow(QMainWindow):
    """LiftGuard's main window over one database."""

    registry_loaded = Signal()
    roads_loaded = Signal()
    #: The command centre was installed (or removed: check :attr:`centre`).
    centre_changed = Signal()

    def __init__(self, settings: Settings, db_url: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.db_url = db_url
        self.language = ui_language(settings)
        self.registry_model = RegistryModel(self)
        self.roads = RoadNetworkModel(self)
        self.map_model = MapModel(self)
        self.layer_model = LayerModel(settings, self)
        self.setWindowTitle(self.tr("LiftGuard - elevator emergency command"))
        self.resize(1500, 950)

        self.canvas = MapCanvas(self.map_model, self.layer_model)
        self.banner = QLabel()
        self.banner.setObjectName("datasetBanner")
        self.banner.setWordWrap(True)
        self.live_banner = QLabel()
        self.live_banner.setObjectName("liveBanner")
        self.live_banner.setWordWrap(True)
        self.live_banner.setStyleSheet("background:#f8d7da;color:#842029;padding:4px;"
                                       "font-weight:bold")
        self.live_banner.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.live_banner)
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(central)

        def renderer() -> MapRenderer | None:
            return self.canvas.renderer

        self.legend = LegendPanel(self.map_model, renderer)
        self.layers_panel = LayersPanel(self.layer_model)
        self.filters = FilterPanel(self.map_model)
        self.inspector = InspectorPanel(self.map_model, renderer)
        self.search = SearchPanel(renderer)
        self.planning = PlanningPanel()
        self.rescue = RescuePanel()
        self.intake = AlarmIntakePanel()
        # the board and joint-response panel need a command centre: built when one is set
        self.centre: CommandCentre | None = None
        self.board_model: IncidentBoardModel | None = None
        self.joint_model: JointResponseModel | None = None
        self.board: IncidentBoard | None = None
        self.joint: JointResponsePanel | None = None
        self.live: Any = None  # app.live.LiveUpdates over the centre's database
        self._offline = False
        self._refresh_soon = QTimer(self)  # remote events arrive in bursts: one reload
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(REMOTE_REFRESH_MS)
        self._refresh_soon.timeout.connect(self.refresh_incidents)
        self._shown_incident: int | None = None
        self._incident_layer_key: tuple = ()
        self.summary_model = SummaryTableModel(self.registry_model, chinese=self.language == "zh")
        self.summary_view = QTableView()
        self.summary_view.setModel(self.summary_model)
        self.summary_view.setAlternatingRowColors(True)
        self.summary_view.horizontalHeader().setStretchLastSection(True)
        self.docks: dict[str, QDockWidget] = {}
        left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea,
                               Qt.DockWidgetArea.RightDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        no_centre = self.tr("Incidents appear here once a database is open.")
        for key, title, widget, area in (
                ("legend", self.tr("Legend"), self.legend, left),
                ("layers", self.tr("Layers"), self.layers_panel, left),
                ("intake", self.tr("Alarm intake"), self.intake, right),
                ("search", self.tr("Find elevator"), self.search, right),
                ("filters", self.tr("Filters"), self.filters, right),
                ("inspector", self.tr("Inspector"), self.inspector, right),
                ("rescue", self.tr("Rescue"), self.rescue, right),
                ("incidents", self.tr("Incidents"), QLabel(no_centre), bottom),
                ("joint", self.tr("Joint response"), QLabel(no_centre), bottom),
                ("summary", self.tr("Districts"), self.summary_view, bottom),
                ("planning", self.tr("District planning"), self.planning, bottom)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.tabifyDockWidget(self.docks["filters"], self.docks["inspector"])
        self.tabifyDockWidget(self.docks["inspector"], self.docks["rescue"])
        self.splitDockWidget(self.docks["incidents"], self.docks["joint"],
                             Qt.Orientation.Horizontal)
        self.tabifyDockWidget(self.docks["incidents"], self.docks["summary"])
        self.tabifyDockWidget(self.docks["summary"], self.docks["planning"])
        self.docks["filters"].raise_()
        self._layout = str(settings.value("ui/layout", "command_centre") or "command_centre")
        self._docks_sized = False

        self.status = QLabel()
        self.cursor_label = QLabel()
        self.frame_label = QLabel()
        self.statusBar().addWidget(self.cursor_label, 1)
        self.statusBar().addPermanentWidget(self.frame_label)
        self.statusBar().addPermanentWidget(self.status)
        self._worker: Worker | None = None
        self._index_worker: Worker | None = None
        self._after_first_frame: list[Any] = []
        self.config: Config | None = None
        self._progress: QProgressDialog | None = None
        self._bench = os.environ.get(BENCH_ENV)
        self._build_menus()
        self._connect()
        self._update_status()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            self.apply_layout(self._layout)

    def apply_layout(self, name: str) -> None:
        """``"command_centre"``: intake, incident board and joint response in front, the
        bottom docks tall enough for the board; ``"planning"``: the district summary in
        front, incident docks hidden, the map keeps most of the height."""
        centre = name == "command_centre"
        for key in ("intake", "incidents", "joint"):
            self.docks[key].setVisible(centre)
        self.docks["planning"].hide()  # its form would take ~350 px from the map
        # the intake finds elevators by code or address too: the search waits behind it
        self.docks["search"].setVisible(not centre)
        self.docks["incidents" if centre else "summary"].raise_()
        if centre:
            self.docks["rescue"].raise_()
            self.resizeDocks([self.docks["incidents"], self.docks["joint"]], [900, 480],
                             Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["summary"]], [330 if centre else 170],
                         Qt.Orientation.Vertical)
        if name != self._layout:
            self._layout = name
            self.settings.set_value("ui/layout", name)

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        reload_action = QAction(self.tr("&Reload database"), self)
        reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        reload_action.triggered.connect(self.open_database)
        file_menu.addAction(reload_action)
        roads_action = QAction(self.tr("Load &road network (OSM)..."), self)
        roads_action.triggered.connect(self._choose_roads)
        file_menu.addAction(roads_action)
        self.export_action = QAction(self.tr("&Export map image..."), self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self._export_dialog)
        file_menu.addAction(self.export_action)
        if _replay_available():
            replay_action = QAction(self.tr("&Training replay..."), self)
            replay_action.triggered.connect(self.open_training_replay)
            file_menu.addAction(replay_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        toolbar = self.addToolBar(self.tr("Map views"))
        toolbar.setObjectName("viewToolbar")
        self.view_group = QActionGroup(self)
        self.view_group.setExclusive(True)
        self.view_actions: dict[str, QAction] = {}
        names = {"age": self.tr("Age"), "risk": self.tr("Risk class"), "iot": self.tr("IoT"),
                 "retrofit": self.tr("Retrofit"), "district_old": self.tr("Districts: 15+ share"),
                 "district_iot": self.tr("Districts: IoT vs target"),
                 "district_risk": self.tr("Districts: Class I/II")}
        for i, view in enumerate(VIEWS):
            action = QAction(names[view], self)
            action.setCheckable(True)
            action.setToolTip(VIEW_TITLES[view][1 if self.language == "zh" else 0])
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.setChecked(view == self.map_model.view)
            action.triggered.connect(lambda _c=False, v=view: self.map_model.set_view(v))
            self.view_group.addAction(action)
            view_menu.addAction(action)
            toolbar.addAction(action)
            self.view_actions[view] = action
        view_menu.addSeparator()
        full = QAction(self.tr("Zoom to &full extent"), self)
        full.triggered.connect(self.canvas.zoom_full)
        view_menu.addAction(full)
        toolbar.addSeparator()
        toolbar.addAction(full)
        toolbar.addAction(self.export_action)
        find = QAction(self.tr("&Find elevator"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)
        view_menu.addAction(find)
        self.rescue_action = QAction(self.tr("Plan &rescue for the selected elevator"), self)
        self.rescue_action.setIconText(self.tr("Plan rescue"))
        self.rescue_action.setShortcut(QKeySequence("R"))
        self.rescue_action.setEnabled(False)
        self.rescue_action.triggered.connect(lambda: self.plan_rescue(self.map_model.selected))
        view_menu.addAction(self.rescue_action)
        self.addAction(self.rescue_action)  # the shortcut works with the menu closed
        toolbar.addAction(self.rescue_action)
        view_menu.addSeparator()
        self.intake_action = QAction(self.tr("New &alarm (focus the intake)"), self)
        self.intake_action.setShortcuts([QKeySequence("F2"), QKeySequence("Ctrl+N")])
        self.intake_action.triggered.connect(self.focus_intake)
        view_menu.addAction(self.intake_action)
        self.addAction(self.intake_action)
        board_action = QAction(self.tr("Incident &board"), self)
        board_action.setShortcut(QKeySequence("F3"))
        board_action.triggered.connect(self.focus_board)
        view_menu.addAction(board_action)
        self.addAction(board_action)
        layouts = view_menu.addMenu(self.tr("La&yout"))
        for name, label, key in (("command_centre", self.tr("&Command centre"), "Ctrl+Shift+C"),
                                 ("planning", self.tr("District &planning"), "Ctrl+Shift+P")):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _c=False, n=name: self.apply_layout(n))
            layouts.addAction(action)
        planning_toggle = self.docks["planning"].toggleViewAction()
        planning_toggle.setText(self.tr("District &planning panel"))
        view_menu.addAction(planning_toggle)
        panels = view_menu.addMenu(self.tr("&Panels"))
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())
        lang_menu = view_menu.addMenu(self.tr("&Language (after restart)"))
        group = QActionGroup(self)
        for code, label in (("system", self.tr("System")), ("en", "English"),
                            ("zh_CN", "中文")):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(self.settings.language == code)
            action.triggered.connect(lambda _c=False, c=code: self._set_language(c))
            group.addAction(action)
            lang_menu.addAction(action)

    def _connect(self) -> None:
        self.registry_model.changed.connect(self._update_status)
        self.map_model.view_changed.connect(self._on_view_changed)
        self.canvas.cursor_moved.connect(self._show_cursor)
        self.canvas.frame_painted.connect(self._on_frame)
        self.filters.zoom_to_district.connect(self._zoom_district)
        self.search.found.connect(self._on_found)
        self.search.chosen.connect(self._select_and_zoom)
        self.map_model.filter_changed.connect(lambda _f: self._update_map_message())
        self.map_model.selection_changed.connect(self._on_selected)
        self.inspector.plan_rescue.connect(self.plan_rescue)
        self.roads.loaded.connect(self._on_roads)
        self.roads.failed.connect(self._on_roads_failed)
        self.rescue.routes_changed.connect(self._show_routes)
        self.rescue.failed.connect(self._on_rescue_failed)
        self.planning.gap_layer_changed.connect(self._show_gaps)
        self.planning.candidates_changed.connect(self._show_candidates)
        self.planning.failed.connect(lambda exc, details: show_error(self, exc, details))
        self.intake.alarmReceived.connect(self._on_alarm_received)

    # --------------------------------------------------------------- loading
    def open_database(self) -> Worker:
        """Open the database off the UI thread; create the synthetic demo on first run."""
        from gis.boundaries import load_districts
        from gis.store import open_store
        from gis.synth import generate_registry

        url = self.db_url
        config = self.settings.config(as_of=dt.date.today())
        actor = operator_actor(self.settings)

        def job(progress, cancelled) -> tuple[Registry, MapData, Any] | None:
            from app.map.data import build_map_data

            store = open_store(url)
            if not store.has_registry():
                progress(0.0)
                districts = load_districts(config.adcode)
                registry = generate_registry(
                    districts, seed=0, config=config,
                    progress=lambda f: progress(0.8 * f), cancelled=cancelled)
                if cancelled():
                    return None
                store.save_registry(registry, progress=lambda f: progress(0.8 + 0.2 * f),
                                    cancelled=cancelled)
            registry = store.load_registry()
            as_of = registry.meta.get("as_of")
            cfg = self.settings.config(
                adcode=registry.meta.get("adcode"),
                as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.today())
            data = build_map_data(registry, cfg, index=False)
            try:  # the map opens even if the incident tables cannot be made
                centre: Any = build_command_centre(store, registry, actor, cfg)
            except LiftGuardError as exc:
                centre = exc
            return registry, data, centre

        self._progress = QProgressDialog(
            self.tr("Opening the database; on first run a SYNTHETIC demo registry of Shanghai "
                    "(304,634 elevators) is created..."),
            self.tr("Cancel"), 0, 100, self)
        self._progress.setWindowTitle(self.tr("LiftGuard"))
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(300)
        worker = Worker(job)
        self._progress.canceled.connect(worker.cancel)
        worker.signals.progress.connect(lambda f: self._progress and
                                        self._progress.setValue(int(f * 100)))
        worker.signals.finished.connect(self._on_loaded)
        worker.signals.failed.connect(self._on_failed)
        self._worker = worker
        return start(worker)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_loaded(self, result: tuple[Registry, MapData, Any] | None) -> None:
        self._close_progress()
        if result is None:
            self.banner.setText(self.tr("Cancelled: no registry was created. Generate one with "
                                        "`liftguard generate` or import elevators."))
            return
        _registry, data, centre = result
        self.set_map_data(data)
        if isinstance(centre, LiftGuardError):
            self.set_command_centre(None)
            self.intake.status.setText(self.tr("No command centre: %s") % centre)
        else:
            self.set_command_centre(centre)
        self.registry_loaded.emit()

        def after_first_frame() -> None:  # heavy imports (scipy) and road loading wait
            self._index_worker = start(Worker(lambda progress, cancelled: (data.tree(),
                                                                          data.code_index())))
            self.load_linked_roads()

        self._after_first_frame.append(after_first_frame)
        self.canvas.update()

    def set_map_data(self, data: MapData) -> None:
        """Show an already built registry (used by the loader and by tests)."""
        self.registry_model.set_registry(data.registry, data.config)
        self.config = data.config
        if self.centre is not None:
            self.centre.engine = None  # the road network is loaded again for this registry
        self.roads.set_context(data.registry, data.config, data.epsg)
        self.canvas.set_data(data, language=self.language)
        self.planning.set_context(data.registry, None, data.config)
        self.rescue.set_engine(None, today=data.config.today)
        self.filters.set_districts(list(data.districts.adcodes),
                                   list(data.districts.names if self.language == "zh"
                                        else data.districts.names_en))
        self.filters.reset()
        self.map_model.set_selected(-1)
        self.legend.refresh()
        self._update_map_message()

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._close_progress()
        if isinstance(exc, LiftGuardError) and "cancel" in str(exc).lower():
            self.banner.setText(self.tr("Cancelled: nothing was written."))
            return
        self.banner.setText(self.tr("The database could not be opened: %s") % exc)
        self.canvas.set_message(self.tr("No map: the database could not be opened."))
        show_error(self, exc, details)

    # ----------------------------------------------------------------- roads
    def _database_url(self) -> str:
        from gis.store.url import default_db_url

        return self.db_url or default_db_url()

    def load_linked_roads(self) -> Worker | None:
        """Load the road graph linked to this database (from the graph cache, about a second)
        and build the routing engine; None when no graph is linked."""
        return self.roads.load_linked(self._database_url())

    def load_roads(self, path: str) -> Worker:
        """Import an OSM road file in the background (cached by gis.roads), link the graph to
        this database so the next start loads it from the cache, draw it and route on it."""
        self.statusBar().showMessage(self.tr("Loading road network %s ...") % path, 5000)
        return self.roads.import_osm(path, self._database_url())

    def use_road_arrays(self, arrays: RoadArrays, source: str = "") -> Worker:
        """Draw and route on road arrays already in memory (e.g. a synthetic network)."""
        return self.roads.use_arrays(arrays, source)

    @property
    def engine(self) -> RoutingEngine | None:
        return self.roads.engine

    def _on_roads_failed(self, exc: BaseException, details: str, asked: bool) -> None:
        if asked or not isinstance(exc, LiftGuardError):
            show_error(self, exc, details)
            return
        self.statusBar().showMessage(self.tr("Road network not loaded: %s") % exc, 15000)

    def _on_roads(self) -> None:
        renderer = self.canvas.renderer
        if renderer is None:
            return
        renderer.set_roads(self.roads.segments)
        engine = self.roads.engine
        self.planning.set_context(renderer.data.registry, engine, self.config)
        self.rescue.set_engine(engine, today=self.config.today if self.config else None,
                               label=self.roads.label)
        self._set_centre_engine(engine)
        self.canvas.update()
        self.statusBar().showMessage(self.tr("Road network loaded: %s") % self.roads.label,
                                     8000)
        self.roads_loaded.emit()

    def _choose_roads(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Road network"), "", self.tr("OpenStreetMap (*.osm *.osm.pbf *.xml)"))
        if path:
            self.load_roads(path)

    # ---------------------------------------------------------------- rescue
    def plan_rescue(self, row: int) -> Worker | None:
        """List the 5 fastest stations for elevator ``row`` and draw their routes."""
        renderer = self.canvas.renderer
        if renderer is None or row < 0 or row >= renderer.data.n:
            self.statusBar().showMessage(self.tr("Select an elevator first"), 5000)
            return None
        self.docks["rescue"].show()
        self.docks["rescue"].raise_()
        return self.rescue.plan(renderer.data.registry.elevators.iloc[row])

    def _show_routes(self, routes: list) -> None:
        if not routes:
            self.canvas.clear_overlay(ROUTE_OVERLAY)
            self.canvas.clear_overlay(RESCUE_STATIONS_OVERLAY)
            return
        if self.canvas.renderer is None:
            return
        self.canvas.set_lines(ROUTE_OVERLAY, routes, ROUTE_STYLE)
        starts = np.array([r[0] for r in routes], dtype=float)
        self.canvas.set_overlay(RESCUE_STATIONS_OVERLAY, starts[:, 0], starts[:, 1],
                                RESCUE_STATION_STYLE)
        points = np.array([p for r in routes for p in r], dtype=float)
        self.canvas.zoom_to_lonlat(points[:, 0], points[:, 1])

    def _on_rescue_failed(self, exc: BaseException, details: str) -> None:
        if isinstance(exc, LiftGuardError):
            return  # the rescue panel shows the plain message (off network, unreachable...)
        show_error(self, exc, details)

    # -------------------------------------------------------------- planning
    def _show_gaps(self, gaps: object) -> None:
        self._show_points(GAP_OVERLAY, gaps, GAP_STYLE)

    def _show_candidates(self, sites: object) -> None:
        self._show_points(CANDIDATE_OVERLAY, sites, CANDIDATE_STYLE)

    def _show_points(self, name: str, frame: object, style: PointStyle) -> None:
        if frame is None or self.canvas.renderer is None:
            self.canvas.clear_overlay(name)
            return
        self.canvas.set_overlay(name, frame["lon"].to_numpy(float),  # type: ignore[index]
                                frame["lat"].to_numpy(float), style)  # type: ignore[index]

    # --------------------------------------------------------- command centre
    def set_command_centre(self, centre: CommandCentre | None) -> None:
        """Show the incidents of ``centre`` (board, joint response, intake, map layer);
        ``None`` removes them. The centre gets the routing engine when roads are loaded."""
        if self.board is not None:
            self.board.stop_timers()
        self._stop_live()
        self.centre = centre
        self._shown_incident, self._incident_layer_key = None, ()
        for name in (SELECTED_INCIDENT_OVERLAY, CREW_ROUTE_OVERLAY, OPTION_ROUTES_OVERLAY,
                     COVERAGE_LOST_OVERLAY, *self._urgency_overlays()):
            self.canvas.clear_overlay(name)
        if centre is None:
            self.board_model = self.joint_model = None
            self.board = self.joint = None
            self.intake.set_model(None)
            self.centre_changed.emit()
            return
        # imported here: the incident modules bring SQLAlchemy, which the first frame skips
        from app.models.incident_model import IncidentBoardModel, JointResponseModel
        from app.panels.incident_board import IncidentBoard
        from app.panels.joint_response import JointResponsePanel

        if self.roads.engine is not None:
            centre.engine = self.roads.engine
        self.board_model = IncidentBoardModel(centre, language=self.language, parent=self)
        self.joint_model = JointResponseModel(centre, language=self.language, parent=self)
        self.board = IncidentBoard(self.board_model)
        self.joint = JointResponsePanel(self.joint_model)
        for dock, widget in ((self.docks["incidents"], self.board),
                             (self.docks["joint"], self.joint)):
            old = dock.widget()
            dock.setWidget(widget)
            if old is not None:
                old.deleteLater()
        self.board.incidentSelected.connect(self._show_incident)
        self.board.coverageLost.connect(self._show_coverage_lost)
        self.board_model.incidentsChanged.connect(self._on_incidents_changed)
        self.board_model.dataChanged.connect(lambda *_: self._draw_incidents())
        for model in (self.board_model, self.joint_model):
            model.actionFailed.connect(self._on_incident_action_failed)
        self.joint_model.eventCommitted.connect(lambda _ev: self._on_incidents_changed())
        self.joint.reportWritten.connect(
            lambda path: self.statusBar().showMessage(self.tr("Report written to %s") % path,
                                                      8000))
        self.intake.set_model(self.board_model)
        self._draw_incidents()
        self._start_live()
        self.centre_changed.emit()

    # ------------------------------------------------------------------ live
    def _start_live(self) -> None:
        """Follow the centre's database for events written elsewhere (other workstations,
        the simulator, an IoT gateway) with :mod:`app.live` when it is installed."""
        try:
            from app.live import LiveUpdates
        except ImportError:
            return
        assert self.centre is not None
        log = self.centre.log
        url = log.engine.url.render_as_string(hide_password=False)
        try:
            self.live = LiveUpdates(url, after_event_id=log.last_event_id(), parent=self)
        except LiftGuardError as exc:
            self.set_online(False, str(exc))
            return
        self.live.eventsArrived.connect(self._on_remote_events)
        self.live.onlineChanged.connect(self.set_online)
        self.live.start()
        for model in (self.board_model, self.joint_model):
            if model is not None:
                model.guard = self._require_online

    def _require_online(self, action: str) -> None:
        """Refuse writes once the listener has reported the database offline (not while it
        is still connecting at start)."""
        if self._offline:
            from gis.errors import StoreError

            reason = self.live.reason if self.live is not None else "no connection"
            raise StoreError(f"cannot {action}: this workstation is offline ({reason}). "
                             "Nothing was changed and what you typed is kept; try again when "
                             "the connection is back")

    def _stop_live(self) -> None:
        self._offline = False
        if self.live is not None:
            self.live.stop()
            self.live.deleteLater()
            self.live = None
        self.live_banner.hide()

    def _on_remote_events(self, events: list) -> None:
        if events:
            self._refresh_soon.start()

    def set_online(self, online: bool, reason: str = "") -> None:
        """Show or hide the offline banner (the board keeps the last known state)."""
        self._offline = not online
        if online:
            self.live_banner.hide()
            self._refresh_soon.start()
            return
        why = reason or (self.live.reason if self.live is not None else "")
        self.live_banner.setText(self.tr(
            "OFFLINE: the shared database cannot be reached (%s). The board shows the last "
            "known state; actions are refused until the connection is back.") % why)
        self.live_banner.show()

    def closeEvent(self, event: Any) -> None:
        if self.board is not None:
            self.board.stop_timers()
        self._stop_live()
        super().closeEvent(event)

    def _set_centre_engine(self, engine: RoutingEngine | None) -> None:
        if self.centre is None or self.board_model is None:
            return
        self.centre.engine = engine
        self.centre.recommendations.clear()  # computed again on the new graph when shown
        self.board_model.refresh()

    def refresh_incidents(self) -> None:
        """Reload the board and the joint response from the database (remote events)."""
        if self.board_model is not None and self.joint_model is not None:
            self.board_model.refresh()
            self.joint_model.refresh()

    def focus_intake(self) -> None:
        self.docks["intake"].show()
        self.docks["intake"].raise_()
        self.intake.focus_code()

    def focus_board(self) -> None:
        self.docks["incidents"].show()
        self.docks["incidents"].raise_()
        if self.board is not None:
            self.board.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_alarm_received(self, got: Received) -> None:
        """Select the new (or merged) incident and put the focus on the board: the next
        Enter confirms the recommended dispatch."""
        if self.board is None or got.intake.incident_id is None:
            return
        self.board.select_incident(int(got.intake.incident_id))
        self.focus_board()

    def _on_incidents_changed(self) -> None:
        if self.joint_model is not None:
            self.joint_model.refresh()
        self._incident_layer_key = ()
        self._draw_incidents()
        if self.board is not None and self._shown_incident is not None:
            iid = self.board.selected_incident()
            if iid is None or iid != self._shown_incident:
                self._clear_incident_marks()

    def _on_incident_action_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        if self.board is not None:
            self.board.hint.setText(message)

    def _urgency_overlays(self) -> list[str]:
        return [f"incidents_{u}" for u in INCIDENT_OVERLAYS]

    def _draw_incidents(self) -> None:
        """The open incidents as one overlay per urgency; redrawn only when an incident
        or its urgency changed (the board's clock ticks every second)."""
        if self.board_model is None or self.canvas.renderer is None:
            return
        points = self.board_model.map_points()
        key = tuple(zip(points["incident_id"].tolist(), points["urgency"].tolist(),
                        strict=True))
        if key == self._incident_layer_key:
            return
        self._incident_layer_key = key
        for urgency, style in INCIDENT_OVERLAYS.items():
            hit = points.loc[points["urgency"] == urgency]
            name = f"incidents_{urgency}"
            if hit.empty:
                self.canvas.clear_overlay(name)
            else:
                self.canvas.set_overlay(name, hit["lon"].to_numpy(float),
                                        hit["lat"].to_numpy(float), style)

    def _show_incident(self, incident_id: int, lon: float, lat: float, _route: object) -> None:
        """Mark the selected incident, draw its crew's and options' routes, and zoom to it
        when the selection moved to another incident."""
        if self.joint_model is not None:
            self.joint_model.set_incident(incident_id)
        if self.board_model is None or self.canvas.renderer is None:
            return
        routes = self.board_model.routes(incident_id)
        self.canvas.set_overlay(SELECTED_INCIDENT_OVERLAY, [lon], [lat],
                                SELECTED_INCIDENT_STYLE)
        if routes.crew:
            self.canvas.set_lines(CREW_ROUTE_OVERLAY, [routes.crew], CREW_ROUTE_STYLE)
        else:
            self.canvas.clear_overlay(CREW_ROUTE_OVERLAY)
        if routes.options:
            self.canvas.set_lines(OPTION_ROUTES_OVERLAY, routes.options, OPTION_ROUTE_STYLE)
        else:
            self.canvas.clear_overlay(OPTION_ROUTES_OVERLAY)
        if incident_id != self._shown_incident:  # zoom once per incident, not per refresh
            self._shown_incident = incident_id
            pts = np.array([(lon, lat), *routes.crew,
                            *(p for r in routes.options[:ZOOM_OPTIONS] for p in r)], dtype=float)
            self.canvas.zoom_to_lonlat(pts[:, 0], pts[:, 1], min_span_m=1500.0)

    def _clear_incident_marks(self) -> None:
        self._shown_incident = None
        for name in (SELECTED_INCIDENT_OVERLAY, CREW_ROUTE_OVERLAY, OPTION_ROUTES_OVERLAY):
            self.canvas.clear_overlay(name)

    def _show_coverage_lost(self, station_id: str, lost: object) -> None:
        """Move-up warning: elevators with no station within the limit while
        ``station_id``'s crew is committed."""
        if self.canvas.renderer is None:
            return
        frame = lost  # DataFrame: registration_code, lon, lat, eta_before_s, eta_after_s
        if frame is None or len(frame) == 0:  # type: ignore[arg-type]
            self.canvas.clear_overlay(COVERAGE_LOST_OVERLAY)
            return
        self._show_points(COVERAGE_LOST_OVERLAY, frame, COVERAGE_LOST_STYLE)
        self.statusBar().showMessage(
            self.tr("Move-up warning: with %s committed, %s elevators have no station within "
                    "the limit (magenta squares)") % (station_id, f"{len(frame):,}"),  # type: ignore[arg-type]
            20000)

    # ---------------------------------------------------------------- replay
    def open_training_replay(self) -> QWidget | None:
        """Open the training replay (app.replay) over this database."""
        try:
            from app.replay.window import open_replay_window
        except ImportError as exc:
            show_error(self, LiftGuardError(f"the training replay is not available: {exc}"))
            return None
        renderer = self.canvas.renderer
        return open_replay_window(self, db_url=self._database_url(),
                                  map_data=renderer.data if renderer is not None else None)

    # ---------------------------------------------------------------- export
    def export_map_image(self, path: str) -> None:
        """Write the current map (size of the canvas) with legend, title, scale bar."""
        from app.map.snapshot import render_snapshot, save_image

        renderer = self.canvas.renderer
        if renderer is None:
            raise LiftGuardError("there is no map to export yet; open a registry first")
        districts = renderer.filter.districts
        district = next(iter(districts)) if districts and len(districts) == 1 else None
        img = render_snapshot(renderer, self.canvas.transform, layers=self.layer_model.layers,
                              district=district, selected=self.map_model.selected)
        save_image(img, path)

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export map image"), f"liftguard-{self.map_model.view}.png",
            self.tr("PNG image (*.png);;JPEG image (*.jpg)"))
        if not path:
            return
        try:
            self.export_map_image(path)
        except LiftGuardError as exc:
            show_error(self, exc)
            return
        self.statusBar().showMessage(self.tr("Map image written to %s") % path, 8000)

    # ------------------------------------------------------------- reactions
    def _on_view_changed(self, view: str) -> None:
        self.view_actions[view].setChecked(True)
        self._update_map_message()

    def _show_cursor(self, lon: float, lat: float) -> None:
        glon, glat = wgs84_to_gcj02(lon, lat)
        self.cursor_label.setText(
            f"WGS84 {lon:.5f}, {lat:.5f}   GCJ-02 {float(glon):.5f}, {float(glat):.5f}")

    def _on_frame(self, ms: float) -> None:
        self.frame_label.setText(self.tr("frame %s ms") % f"{ms:.0f}")
        pending, self._after_first_frame = self._after_first_frame, []
        for job in pending:
            job()
        if self._bench:
            print(f"LIFTGUARD_FIRST_MAP_FRAME {time.time():.3f} {ms:.1f}", flush=True)
            sys.stdout.flush()
            self._bench = None
            QApplication.quit()

    def _zoom_district(self, adcode: str) -> None:
        try:
            self.canvas.zoom_to_district(adcode)
        except LiftGuardError as exc:
            show_error(self, exc)

    def _on_found(self, rows: object) -> None:
        rows = np.asarray(rows)
        if len(rows):
            self._select_and_zoom(int(rows[0]), fit=rows)

    def _select_and_zoom(self, row: int, fit: np.ndarray | None = None) -> None:
        self.canvas.zoom_to_rows(fit if fit is not None and len(fit) > 1 else np.array([row]))
        self.map_model.set_selected(row)
        if not self.canvas.renderer or not self.canvas.renderer.mask[row]:
            self.statusBar().showMessage(
                self.tr("The elevator found is hidden by the current filter"), 8000)

    def _on_selected(self, row: int) -> None:
        self.rescue_action.setEnabled(row >= 0)
        if row >= 0:
            self.docks["inspector"].raise_()

    def _focus_search(self) -> None:
        self.docks["search"].show()
        self.docks["search"].raise_()
        self.search.edit.setFocus()

    def _set_language(self, code: str) -> None:
        self.settings.set_value("ui/language", code)
        self.statusBar().showMessage(
            self.tr("The language changes when LiftGuard is started again."), 10000)

    def _update_map_message(self) -> None:
        """Explain an empty or partial map on the map itself (never a silent blank map)."""
        renderer = self.canvas.renderer
        if renderer is None:
            self.canvas.set_message("")
            return
        data = renderer.data
        notes = []
        if data.n == 0:
            notes.append(self.tr("This registry holds no elevators. Import elevators "
                                 "(liftguard import) or generate the demo (liftguard generate)."))
        elif renderer.n_shown == 0 and not renderer.is_choropleth:
            notes.append(self.tr("No elevator matches the filter. Reset the filters to see "
                                 "all %s elevators.") % f"{data.n:,}")
        if data.n_missing_coords:
            notes.append(self.tr("%s elevators have no coordinates and are not drawn.")
                         % f"{data.n_missing_coords:,}")
        if data.n_outside:
            notes.append(self.tr("%s elevators lie outside every district boundary.")
                         % f"{data.n_outside:,}")
        self.canvas.set_message(" ".join(notes))

    def _update_status(self) -> None:
        reg = self.registry_model.registry
        if reg is None:
            self.banner.setText(self.tr("No registry loaded."))
            self.status.setText("")
            return
        synthetic = reg.is_synthetic
        self.banner.setText(reg.label or self.tr("Registry"))
        self.banner.setStyleSheet(
            "background:#fff3cd;color:#664d03;padding:4px;font-weight:bold" if synthetic else "")
        self.status.setText(self.tr("%n elevator(s)", "", len(reg.elevators))
                            + f" · {self.db_url or 'default database'}")
