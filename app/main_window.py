"""The main window: the map canvas in the middle, panels in docks, the dataset banner on top.

Docks: legend and layers (left), search, filters and inspector (right), the district summary
table (bottom). The database opens off the UI thread with a cancellable progress dialog; the
map data (projection, KD-tree) is built in the same worker.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import numpy as np
from PySide6.QtCore import QLocale, Qt, Signal
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
from app.map.renderer import MapRenderer
from app.models.map_model import LayerModel, MapModel
from app.models.registry_model import RegistryModel
from app.models.summary_model import SummaryTableModel
from app.panels.filters import FilterPanel
from app.panels.inspector import InspectorPanel
from app.panels.layers import LayersPanel
from app.panels.legend import LegendPanel
from app.panels.search import SearchPanel
from app.settings import Settings
from app.workers import Worker, start
from gis.crs import wgs84_to_gcj02
from gis.errors import LiftGuardError
from gis.registry import Registry
from gis.thematic import VIEW_TITLES, VIEWS

#: Set to any value to print a line and quit once the first map frame is painted (startup
#: benchmark, bench/bench_map.py).
BENCH_ENV = "LIFTGUARD_BENCH_STARTUP"
ROADS_KEY = "map/roads_file"


def ui_language(settings: Settings) -> str:
    """``"zh"`` or ``"en"``: the setting, or the system locale when set to "system"."""
    name = QLocale.system().name() if settings.language == "system" else settings.language
    return "zh" if name.startswith("zh") else "en"


class MainWindow(QMainWindow):
    """LiftGuard's main window over one database."""

    registry_loaded = Signal()
    roads_loaded = Signal()

    def __init__(self, settings: Settings, db_url: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.db_url = db_url
        self.language = ui_language(settings)
        self.registry_model = RegistryModel(self)
        self.map_model = MapModel(self)
        self.layer_model = LayerModel(settings, self)
        self.setWindowTitle(self.tr("LiftGuard - elevator emergency command"))
        self.resize(1500, 950)

        self.canvas = MapCanvas(self.map_model, self.layer_model)
        self.banner = QLabel()
        self.banner.setObjectName("datasetBanner")
        self.banner.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(central)

        def renderer() -> MapRenderer | None:
            return self.canvas.renderer

        self.legend = LegendPanel(self.map_model, renderer)
        self.layers_panel = LayersPanel(self.layer_model)
        self.filters = FilterPanel(self.map_model)
        self.inspector = InspectorPanel(self.map_model, renderer)
        self.search = SearchPanel(renderer)
        self.summary_model = SummaryTableModel(self.registry_model, chinese=self.language == "zh")
        self.summary_view = QTableView()
        self.summary_view.setModel(self.summary_model)
        self.summary_view.setAlternatingRowColors(True)
        self.summary_view.horizontalHeader().setStretchLastSection(True)
        self.docks: dict[str, QDockWidget] = {}
        left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea,
                               Qt.DockWidgetArea.RightDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        for key, title, widget, area in (
                ("legend", self.tr("Legend"), self.legend, left),
                ("layers", self.tr("Layers"), self.layers_panel, left),
                ("search", self.tr("Find elevator"), self.search, right),
                ("filters", self.tr("Filters"), self.filters, right),
                ("inspector", self.tr("Inspector"), self.inspector, right),
                ("summary", self.tr("Districts"), self.summary_view, bottom)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.tabifyDockWidget(self.docks["filters"], self.docks["inspector"])
        self.docks["filters"].raise_()

        self.status = QLabel()
        self.cursor_label = QLabel()
        self.frame_label = QLabel()
        self.statusBar().addWidget(self.cursor_label, 1)
        self.statusBar().addPermanentWidget(self.frame_label)
        self.statusBar().addPermanentWidget(self.status)
        self._worker: Worker | None = None
        self._road_worker: Worker | None = None
        self._progress: QProgressDialog | None = None
        self._bench = os.environ.get(BENCH_ENV)
        self._build_menus()
        self._connect()
        self._update_status()

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
        view_menu.addSeparator()
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

    # --------------------------------------------------------------- loading
    def open_database(self) -> Worker:
        """Open the database off the UI thread; create the synthetic demo on first run."""
        from gis.boundaries import load_districts
        from gis.store import open_store
        from gis.synth import generate_registry

        url = self.db_url
        config = self.settings.config(as_of=dt.date.today())

        def job(progress, cancelled) -> tuple[Registry, MapData] | None:
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
            return registry, build_map_data(registry, cfg, index=False)

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

    def _on_loaded(self, result: tuple[Registry, MapData] | None) -> None:
        self._close_progress()
        if result is None:
            self.banner.setText(self.tr("Cancelled: no registry was created. Generate one with "
                                        "`liftguard generate` or import elevators."))
            return
        _registry, data = result
        self.set_map_data(data)
        self._index_worker = start(Worker(lambda progress, cancelled: (data.tree(),
                                                                      data.code_index())))
        self.registry_loaded.emit()
        roads = self.settings.value(ROADS_KEY, "")
        if roads:
            self.load_roads(str(roads))

    def set_map_data(self, data: MapData) -> None:
        """Show an already built registry (used by the loader and by tests)."""
        self.registry_model.set_registry(data.registry, data.config)
        self.canvas.set_data(data, language=self.language)
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
    def load_roads(self, path: str) -> Worker:
        """Load an OSM road file in the background (cached by gis.roads) and draw it."""
        epsg = self.canvas.renderer.data.epsg if self.canvas.renderer else 32651

        def job(progress, cancelled):
            from app.map.data import road_segments_from_arrays
            from gis.roads import import_roads

            arrays, _cache = import_roads(path, progress=progress)
            return road_segments_from_arrays(arrays, epsg)

        worker = Worker(job)
        worker.signals.finished.connect(self._on_roads)
        worker.signals.failed.connect(lambda exc, details: show_error(self, exc, details))
        self._road_worker = worker
        self.statusBar().showMessage(self.tr("Loading road network %s ...") % path, 5000)
        return start(worker)

    def _on_roads(self, segments: object) -> None:
        renderer = self.canvas.renderer
        if renderer is None:
            return
        renderer.data.roads = segments  # type: ignore[assignment]
        renderer._static.pop("roads", None)
        self.canvas.update()
        self.roads_loaded.emit()

    def _choose_roads(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Road network"), "", self.tr("OpenStreetMap (*.osm *.osm.pbf *.xml)"))
        if path:
            self.settings.set_value(ROADS_KEY, path)
            self.load_roads(path)

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
