"""The main window: the map canvas in the middle, panels in docks, the dataset banner on top.

Docks: legend and layers (left), alarm intake, search, filters, inspector and rescue (right),
the incident board and the joint-response panel beside the district summary, district planning
and the supervisor's view (bottom). Two layouts (View menu): *Command centre* (the default:
intake, board and joint response shown) and *District planning*. The database opens off the UI
thread with a cancellable progress dialog; the map data (projection) and the command centre are
built in the same worker. After the first frame, background workers build the picking/search
indexes and load the road graph linked to the database.

The window is thin: :class:`app.map_controller.MapController` binds the map and its panels
(roads, rescue, planning, find, export), :class:`app.command_centre.CommandCentreController`
the incidents (board, joint response, intake, live updates, supervisor, IoT intake, incident
overlays), and :class:`app.menus.WindowMenus` builds the menus. The command centre acts as the
operator and workstation of the settings (File > Settings, :mod:`app.dialogs.settings`).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.command_centre import CommandCentreController, operator_actor
from app.docks import WindowDocks
from app.errors import show_error
from app.loading import LoadSignals, Opened, open_database_job, start_with_progress
from app.map.canvas import MapCanvas
from app.map.data import MapData
from app.map.renderer import MapRenderer
from app.map_controller import MapController
from app.menus import WindowMenus
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
from gis.errors import LiftGuardError

if TYPE_CHECKING:
    from gis.config import Config
    from gis.incidents.centre import CommandCentre
    from gis.registry import Registry
    from gis.routing import RoutingEngine

#: Set to any value to print a line and quit once the first map frame is painted (startup
#: benchmark, bench/bench_map.py).
BENCH_ENV = "LIFTGUARD_BENCH_STARTUP"


def ui_language(settings: Settings) -> str:
    """``"zh"`` or ``"en"``: the setting, or the system locale when set to "system"."""
    name = QLocale.system().name() if settings.language == "system" else settings.language
    return "zh" if name.startswith("zh") else "en"


def _banner(name: str, style: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


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
        self.banner = _banner("datasetBanner")
        self.live_banner = _banner("liveBanner", "background:#f8d7da;color:#842029;padding:4px;"
                                                 "font-weight:bold")
        self.live_banner.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for widget, stretch in ((self.banner, 0), (self.live_banner, 0), (self.canvas, 1)):
            layout.addWidget(widget, stretch)
        self.setCentralWidget(central)

        #: The map shows a registry whose codes, addresses and units are still being read
        #: (two-step start, :mod:`app.loading`): inspector, search and rescue wait for them.
        self.details_loading = False

        def renderer() -> MapRenderer | None:
            return self.canvas.renderer

        def complete_renderer() -> MapRenderer | None:
            return None if self.details_loading else self.canvas.renderer

        self.legend = LegendPanel(self.map_model, renderer)
        self.layers_panel = LayersPanel(self.layer_model)
        self.filters = FilterPanel(self.map_model)
        self.inspector = InspectorPanel(self.map_model, complete_renderer)
        self.search = SearchPanel(complete_renderer)
        self.planning = PlanningPanel()
        self.rescue = RescuePanel()
        self.intake = AlarmIntakePanel()
        self.summary_model = SummaryTableModel(self.registry_model, chinese=self.language == "zh")
        self.summary_view = QTableView()
        self.summary_view.setModel(self.summary_model)
        self.summary_view.setAlternatingRowColors(True)
        self.summary_view.horizontalHeader().setStretchLastSection(True)
        self.dock_layout = WindowDocks(self, {
            "legend": self.legend, "layers": self.layers_panel, "intake": self.intake,
            "search": self.search, "filters": self.filters, "inspector": self.inspector,
            "rescue": self.rescue, "summary": self.summary_view, "planning": self.planning})
        self.docks = self.dock_layout.docks
        self._layout = str(settings.value("ui/layout", "command_centre") or "command_centre")
        self._docks_sized = False

        self.status, self.cursor_label, self.frame_label = QLabel(), QLabel(), QLabel()
        self.iot_label = QLabel()  # shown while the IoT intake is enabled
        self.iot_label.setObjectName("iotStatus")
        self.iot_label.hide()
        self.statusBar().addWidget(self.cursor_label, 1)
        for label in (self.iot_label, self.frame_label, self.status):
            self.statusBar().addPermanentWidget(label)
        self.map = MapController(
            self, canvas=self.canvas, map_model=self.map_model, layer_model=self.layer_model,
            roads=self.roads, legend=self.legend, filters=self.filters, search=self.search,
            rescue=self.rescue, planning=self.planning, docks=self.docks,
            cursor_label=self.cursor_label, show_message=self.show_message, db_url=db_url,
            language=self.language)
        self.command = CommandCentreController(
            canvas=self.canvas, docks=self.docks, intake=self.intake,
            live_banner=self.live_banner, iot_label=self.iot_label,
            show_message=self.show_message, settings=settings, language=self.language,
            parent=self)
        self._worker: Worker | None = None
        self._load_signals: LoadSignals | None = None
        self._index_worker: Worker | None = None
        self._after_first_frame: list[Any] = []
        self._frame_drawn = False
        self._bench = os.environ.get(BENCH_ENV)
        self.menus = WindowMenus(self)
        self.file_menu = self.menus.file_menu
        self.view_actions = self.menus.view_actions
        self.rescue_action = self.menus.rescue_action
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
        self.dock_layout.apply_layout(name)
        if name != self._layout:
            self._layout = name
            self.settings.set_value("ui/layout", name)

    def _connect(self) -> None:
        self.registry_model.changed.connect(self._update_status)
        self.map_model.view_changed.connect(self._on_view_changed)
        self.canvas.frame_painted.connect(self._on_frame)
        self.map_model.selection_changed.connect(self._on_selected)  # after the inspector's
        self.inspector.plan_rescue.connect(self.map.plan_rescue)
        self.map.engineChanged.connect(self.command.set_engine)
        self.map.roadsLoaded.connect(self.roads_loaded)
        self.command.centreChanged.connect(self.centre_changed)

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # ------------------------------------------------------- command centre
    @property
    def centre(self) -> CommandCentre | None:
        return self.command.centre

    def set_command_centre(self, centre: CommandCentre | None) -> None:
        """Show the incidents of ``centre`` (``None`` removes them); it routes on the loaded
        road graph."""
        self.command.set_centre(centre, self.roads.engine)

    def focus_intake(self) -> None:
        self.docks["intake"].show()
        self.docks["intake"].raise_()
        self.intake.focus_code()

    def closeEvent(self, event: Any) -> None:
        if self._worker is not None:  # a load still reading the registry's details
            self._worker.cancel()
        self.command.stop()
        super().closeEvent(event)

    # --------------------------------------------------------------- loading
    def open_database(self) -> Worker | None:
        """Open the database off the UI thread; create the synthetic demo on first run."""
        try:
            config = self.settings.config(as_of=dt.date.today())
        except LiftGuardError as exc:  # a wrong threshold in the settings
            show_error(self, exc)
            return None
        if self._worker is not None:  # a load still running is superseded
            self._worker.cancel()
        if self._load_signals is not None:
            self._load_signals.drawn.set()
        signals = LoadSignals(self)
        job = open_database_job(self.db_url, config, operator_actor(self.settings),
                                signals=signals)
        worker = start_with_progress(
            self, job, title=self.tr("LiftGuard"), cancel_text=self.tr("Cancel"),
            text=self.tr("Opening the database; on first run a SYNTHETIC demo registry of "
                         "Shanghai (304,634 elevators) is created..."), close_on=signals.first)
        signals.first.connect(lambda data: self._on_first_data(worker, data))
        worker.signals.finished.connect(lambda result: self._on_loaded(worker, result))
        worker.signals.failed.connect(lambda exc, details: self._on_failed(worker, exc, details))
        self._worker, self._load_signals = worker, signals
        return worker

    def _on_first_data(self, worker: Worker, data: MapData) -> None:
        """The map's columns have arrived (step one of :mod:`app.loading`): draw them."""
        if worker is not self._worker:
            return
        self.details_loading = True
        self._frame_drawn = False
        self.search.setEnabled(False)
        self.map.set_data(data, complete=False)
        self._show_registry_status(data.registry)
        signals = self._load_signals
        if signals is not None:
            if self.canvas.isVisible():
                self._after_first_frame.append(signals.drawn.set)
                self.canvas.update()
            else:  # no frame will be painted: let the job go on at once
                signals.drawn.set()

    def _on_loaded(self, worker: Worker, result: Opened | None) -> None:
        if worker is not self._worker:
            return
        self._worker = None
        if result is None:
            if self.details_loading:  # superseded or closing after the first step
                return
            self.banner.setText(self.tr("Cancelled: no registry was created. Generate one with "
                                        "`liftguard generate` or import elevators."))
            return
        registry, data, centre = result
        data.registry = registry  # the same rows with every column (one snapshot)
        shown = self.canvas.renderer is not None and self.canvas.renderer.data is data
        self.details_loading = False
        self.search.setEnabled(True)
        if shown:  # keep the view, filters and selection made meanwhile
            self.registry_model.set_registry(registry, data.config)
            if self.centre is not None:
                self.centre.engine = None
            self.map.complete_data(data)
            self.inspector.show_row(self.map_model.selected)
            self._on_selected(self.map_model.selected)
        else:
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
            self.map.load_linked_roads()

        if shown and self._frame_drawn:
            after_first_frame()
        else:
            self._after_first_frame.append(after_first_frame)
        self.canvas.update()

    def set_map_data(self, data: MapData) -> None:
        """Show an already built registry (used by the loader and by tests)."""
        self.registry_model.set_registry(data.registry, data.config)
        if self.centre is not None:
            self.centre.engine = None  # the road network is loaded again for this registry
        self.map.set_data(data)

    @property
    def config(self) -> Config | None:
        return self.map.config

    def _on_failed(self, worker: Worker, exc: BaseException, details: str) -> None:
        if worker is not self._worker:
            return
        self._worker = None
        if self.details_loading:  # the map is drawn; its details could not be read
            self.details_loading = False
            self.search.setEnabled(True)
            self.canvas.set_data(None)
            self.canvas.set_message(self.tr("No map: the database could not be opened."))
            self.banner.setText(self.tr("The database could not be opened: %s") % exc)
            show_error(self, exc, details)
            return
        if isinstance(exc, LiftGuardError) and "cancel" in str(exc).lower():
            self.banner.setText(self.tr("Cancelled: nothing was written."))
            return
        self.banner.setText(self.tr("The database could not be opened: %s") % exc)
        self.canvas.set_message(self.tr("No map: the database could not be opened."))
        show_error(self, exc, details)

    # ---------------------------------------------------------- map, roads
    @property
    def engine(self) -> RoutingEngine | None:
        return self.roads.engine

    def open_training_replay(self) -> QWidget | None:
        """Open the training replay (app.replay) over this database."""
        try:
            from app.replay.window import open_replay_window
        except ImportError as exc:
            show_error(self, LiftGuardError(f"the training replay is not available: {exc}"))
            return None
        renderer = self.canvas.renderer
        if self.details_loading:
            self.show_message(self.tr("Loading elevator details..."), 5000)
            return None
        return open_replay_window(self, db_url=self.map.database_url(),
                                  map_data=renderer.data if renderer is not None else None)

    # ------------------------------------------------------------- settings
    def open_settings(self) -> Any:
        """File > Settings: language, operator, thresholds and the IoT intake."""
        from app.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.applied.connect(self._on_settings_applied)
        dialog.open()
        return dialog

    def _on_settings_applied(self, groups: set) -> None:
        """Apply what changed: the IoT intake restarts, the operator acts at once, new
        thresholds reload the database (the map classes and the rescue clock follow them)."""
        if "operator" in groups:
            self.command.set_actor(operator_actor(self.settings))
        if "iot" in groups:
            self.command.start_iot()
        if "thresholds" in groups:
            self.open_database()
        if "language" in groups:
            self.show_message(
                self.tr("The language changes when LiftGuard is started again."), 10000)

    def set_language(self, code: str) -> None:
        self.settings.set_value("ui/language", code)
        self.show_message(self.tr("The language changes when LiftGuard is started again."),
                          10000)

    # ------------------------------------------------------------- reactions
    def _on_view_changed(self, view: str) -> None:
        self.view_actions[view].setChecked(True)
        self.map.update_map_message()

    def _on_frame(self, ms: float) -> None:
        self.frame_label.setText(self.tr("frame %s ms") % f"{ms:.0f}")
        self._frame_drawn = True
        pending, self._after_first_frame = self._after_first_frame, []
        for job in pending:
            job()
        if self._bench:
            print(f"LIFTGUARD_FIRST_MAP_FRAME {time.time():.3f} {ms:.1f}", flush=True)
            sys.stdout.flush()
            self._bench = None
            QApplication.quit()

    def _on_selected(self, row: int) -> None:
        self.rescue_action.setEnabled(row >= 0 and not self.details_loading)
        if row >= 0:
            self.docks["inspector"].raise_()
            if self.details_loading:  # the inspector's renderer is None until then
                self.inspector.heading.setText(self.tr("Loading elevator details..."))

    def _update_status(self) -> None:
        self._show_registry_status(self.registry_model.registry)

    def _show_registry_status(self, reg: Registry | None) -> None:
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
