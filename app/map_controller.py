"""The map side of the main window: data on the canvas, roads, rescue routes, planning layers,
find and zoom, the map message, and the map image export.

:class:`MapController` is a QObject that binds the map canvas and models to the legend, layers,
filters, inspector, search, rescue and planning panels. After the first frame the window asks
it to load the road graph linked to the database (:func:`gis.roads.linked_graph_file`, from the
graph cache, about a second); the routing engine built from it serves "Plan rescue", the
planning panel and (through ``engineChanged``) the command centre's recommendations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QWidget

from app.errors import show_error
from app.map.overlays import LineStyle, PointStyle
from gis.crs import wgs84_to_gcj02
from gis.errors import LiftGuardError

if TYPE_CHECKING:
    from app.map.canvas import MapCanvas
    from app.map.data import MapData
    from app.models.map_model import LayerModel, MapModel
    from app.models.road_model import RoadNetworkModel
    from app.panels.filters import FilterPanel
    from app.panels.legend import LegendPanel
    from app.panels.planning import PlanningPanel
    from app.panels.rescue import RescuePanel
    from app.panels.search import SearchPanel
    from app.workers import Worker
    from gis.config import Config
    from gis.roads import RoadArrays
    from gis.routing import RoutingEngine

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


class MapController(QObject):
    """Binds the map and its panels (module doc). ``show_message(text, timeout_ms)`` is the
    window's status bar; ``window`` parents the dialogs and error messages."""

    #: The routing engine changed (``None`` while no road graph is loaded).
    engineChanged = Signal(object)
    roadsLoaded = Signal()

    def __init__(self, window: QWidget, *, canvas: MapCanvas, map_model: MapModel,
                 layer_model: LayerModel, roads: RoadNetworkModel, legend: LegendPanel,
                 filters: FilterPanel, search: SearchPanel, rescue: RescuePanel,
                 planning: PlanningPanel, docks: dict[str, QDockWidget], cursor_label: QLabel,
                 show_message: Callable[[str, int], None], db_url: str | None = None,
                 language: str = "en") -> None:
        super().__init__(window)
        self.window = window
        self.canvas, self.map_model, self.layer_model = canvas, map_model, layer_model
        self.roads, self.legend, self.filters, self.search = roads, legend, filters, search
        self.rescue, self.planning, self.docks = rescue, planning, docks
        self.cursor_label, self.show_message, self.language = cursor_label, show_message, language
        self.db_url = db_url
        self.config: Config | None = None
        canvas.cursor_moved.connect(self._show_cursor)
        filters.zoom_to_district.connect(self._zoom_district)
        search.found.connect(self._on_found)
        search.chosen.connect(self.select_and_zoom)
        map_model.filter_changed.connect(lambda _f: self.update_map_message())
        roads.loaded.connect(self._on_roads)
        roads.failed.connect(self._on_roads_failed)
        rescue.routes_changed.connect(self._show_routes)
        rescue.failed.connect(self._on_rescue_failed)
        planning.gap_layer_changed.connect(lambda gaps: self._show_points(GAP_OVERLAY, gaps,
                                                                          GAP_STYLE))
        planning.candidates_changed.connect(
            lambda sites: self._show_points(CANDIDATE_OVERLAY, sites, CANDIDATE_STYLE))
        planning.failed.connect(lambda exc, details: show_error(window, exc, details))

    # ------------------------------------------------------------------ data
    def set_data(self, data: MapData, *, complete: bool = True) -> None:
        """Show a built registry on the map and its panels (roads are loaded again).

        ``complete=False``: ``data.registry.elevators`` holds only the map's columns
        (:data:`app.loading.MAP_COLUMNS`); the road, planning and rescue panels get the
        registry with :meth:`complete_data` once every column is read.
        """
        self.config = data.config
        self.canvas.set_data(data, language=self.language)
        self.filters.set_districts(list(data.districts.adcodes),
                                   list(data.districts.names if self.language == "zh"
                                        else data.districts.names_en))
        self.filters.reset()
        self.map_model.set_selected(-1)
        self.legend.refresh()
        self.update_map_message()
        if complete:
            self.complete_data(data)
        else:
            self.planning.set_context(None, None, data.config)

    def complete_data(self, data: MapData) -> None:
        """Hand the full registry of the shown map data to the panels that need every column
        (road snapping, planning, rescue); the map, filters and selection stay as they are."""
        self.roads.set_context(data.registry, data.config, data.epsg)
        self.planning.set_context(data.registry, None, data.config)
        self.rescue.set_engine(None, today=data.config.today)

    def update_map_message(self) -> None:
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

    # ----------------------------------------------------------------- roads
    @property
    def engine(self) -> RoutingEngine | None:
        return self.roads.engine

    def database_url(self) -> str:
        """The database's URL (the default database when none was given)."""
        from gis.store.url import default_db_url

        return self.db_url or default_db_url()

    def load_linked_roads(self) -> Worker | None:
        """Load the road graph linked to the database (from the graph cache, about a second)
        and build the routing engine; None when no graph is linked."""
        return self.roads.load_linked(self.database_url())

    def load_roads(self, path: str) -> Worker:
        """Import an OSM road file in the background (cached by gis.roads), link the graph to
        the database so the next start loads it from the cache, draw it and route on it."""
        self.show_message(self.tr("Loading road network %s ...") % path, 5000)
        return self.roads.import_osm(path, self.database_url())

    def use_road_arrays(self, arrays: RoadArrays, source: str = "") -> Worker:
        """Draw and route on road arrays already in memory (e.g. a synthetic network)."""
        return self.roads.use_arrays(arrays, source)

    def choose_roads(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Road network"), "",
            self.tr("OpenStreetMap (*.osm *.osm.pbf *.xml)"))
        if path:
            self.load_roads(path)

    def _on_roads_failed(self, exc: BaseException, details: str, asked: bool) -> None:
        if asked or not isinstance(exc, LiftGuardError):
            show_error(self.window, exc, details)
            return
        self.show_message(self.tr("Road network not loaded: %s") % exc, 15000)

    def _on_roads(self) -> None:
        renderer = self.canvas.renderer
        if renderer is None:
            return
        renderer.set_roads(self.roads.segments)
        engine = self.roads.engine
        self.planning.set_context(renderer.data.registry, engine, self.config)
        self.rescue.set_engine(engine, today=self.config.today if self.config else None,
                               label=self.roads.label)
        self.engineChanged.emit(engine)
        self.canvas.update()
        self.show_message(self.tr("Road network loaded: %s") % self.roads.label, 8000)
        self.roadsLoaded.emit()

    # ---------------------------------------------------------------- rescue
    def plan_rescue(self, row: int) -> Worker | None:
        """List the 5 fastest stations for elevator ``row`` and draw their routes."""
        renderer = self.canvas.renderer
        if renderer is None or row < 0 or row >= renderer.data.n:
            self.show_message(self.tr("Select an elevator first"), 5000)
            return None
        if "registration_code" not in renderer.data.registry.elevators:  # step one of loading
            self.show_message(self.tr("Loading elevator details..."), 5000)
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
        show_error(self.window, exc, details)

    def _show_points(self, name: str, frame: Any, style: PointStyle) -> None:
        if frame is None or self.canvas.renderer is None:
            self.canvas.clear_overlay(name)
            return
        self.canvas.set_overlay(name, frame["lon"].to_numpy(float),
                                frame["lat"].to_numpy(float), style)

    # ------------------------------------------------------------ find, zoom
    def _show_cursor(self, lon: float, lat: float) -> None:
        glon, glat = wgs84_to_gcj02(lon, lat)
        self.cursor_label.setText(
            f"WGS84 {lon:.5f}, {lat:.5f}   GCJ-02 {float(glon):.5f}, {float(glat):.5f}")

    def _zoom_district(self, adcode: str) -> None:
        try:
            self.canvas.zoom_to_district(adcode)
        except LiftGuardError as exc:
            show_error(self.window, exc)

    def _on_found(self, rows: object) -> None:
        rows = np.asarray(rows)
        if len(rows):
            self.select_and_zoom(int(rows[0]), fit=rows)

    def select_and_zoom(self, row: int, fit: np.ndarray | None = None) -> None:
        self.canvas.zoom_to_rows(fit if fit is not None and len(fit) > 1 else np.array([row]))
        self.map_model.set_selected(row)
        if not self.canvas.renderer or not self.canvas.renderer.mask[row]:
            self.show_message(self.tr("The elevator found is hidden by the current filter"),
                              8000)

    def focus_search(self) -> None:
        self.docks["search"].show()
        self.docks["search"].raise_()
        self.search.edit.setFocus()

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

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Export map image"), f"liftguard-{self.map_model.view}.png",
            self.tr("PNG image (*.png);;JPEG image (*.jpg)"))
        if not path:
            return
        try:
            self.export_map_image(path)
        except LiftGuardError as exc:
            show_error(self.window, exc)
            return
        self.show_message(self.tr("Map image written to %s") % path, 8000)
