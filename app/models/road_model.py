"""The road network of the open database as a QObject: loading, the drawable segments and
the routing engine.

Three ways in, all through :mod:`app.workers` (the UI never waits):

* :meth:`RoadNetworkModel.load_linked` at start: the graph linked to the database
  (:func:`gis.roads.linked_graph_file`) from the graph cache, about a second;
* :meth:`RoadNetworkModel.import_osm` (File > Load road network): import an OSM file (cached
  by :func:`gis.roads.import_roads`) and link it to the database, so the next start loads it;
* :meth:`RoadNetworkModel.use_arrays`: arrays already in memory (tests, synthetic networks).

``loaded`` carries nothing: read :attr:`segments`, :attr:`engine` and :attr:`label`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.workers import Worker, start

if TYPE_CHECKING:
    from app.map.data import RoadSegments
    from gis.config import Config
    from gis.registry import Registry
    from gis.roads import RoadArrays
    from gis.routing import RoutingEngine

Reader = Callable[[Callable[[float], None]], "tuple[RoadArrays, str]"]


class RoadNetworkModel(QObject):
    """Road segments (map CRS) and routing engine of one registry."""

    loaded = Signal()
    #: An exception, its traceback and whether the user asked for this load (False: the
    #: automatic load at start, reported quietly).
    failed = Signal(object, str, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.segments: RoadSegments | None = None
        self.engine: RoutingEngine | None = None
        self.label = ""
        self._context: tuple[Registry | None, Config | None, int] = (None, None, 32651)
        self._worker: Worker | None = None

    def set_context(self, registry: Registry | None, config: Config | None, epsg: int) -> None:
        """The registry (stations to route from), config and map CRS; clears the network."""
        self._context = (registry, config, epsg)
        self.segments, self.engine, self.label = None, None, ""

    def load_linked(self, db_url: str) -> Worker | None:
        """Load the graph linked to ``db_url``; None when no graph is linked."""
        from gis.errors import RoadsError
        from gis.roads import linked_graph_file

        try:
            graph_file = linked_graph_file(db_url)
        except RoadsError:
            return None  # no roads for this database: the rescue panel says how to add them

        def read(progress: Callable[[float], None]) -> tuple[RoadArrays, str]:
            from gis.roads import load_road_arrays

            return load_road_arrays(graph_file), str(graph_file)

        return self._start(read, asked=False)

    def import_osm(self, path: str, db_url: str) -> Worker:
        """Import an OSM road file and link its cached graph to ``db_url``."""

        def read(progress: Callable[[float], None]) -> tuple[RoadArrays, str]:
            from gis.roads import import_roads, link_graph_to_db

            arrays, cache = import_roads(path, progress=progress)
            link_graph_to_db(db_url, cache)
            return arrays, path

        return self._start(read, asked=True)

    def use_arrays(self, arrays: RoadArrays, source: str = "") -> Worker:
        return self._start(lambda progress: (arrays, source), asked=True)

    def _start(self, read: Reader, *, asked: bool) -> Worker:
        registry, config, epsg = self._context

        def job(progress: Any, cancelled: Any) -> tuple[RoadSegments, RoutingEngine | None, str]:
            from app.map.data import road_segments_from_arrays
            from gis.routing import RoutingEngine

            arrays, source = read(progress)
            segments = road_segments_from_arrays(arrays, epsg)
            engine = None
            if registry is not None and registry.stations is not None and len(
                    registry.stations):
                engine = RoutingEngine(arrays, stations=registry.stations,
                                       elevators=registry.elevators, config=config)
            return segments, engine, segments.label or source

        worker = Worker(job)
        context = self._context
        worker.signals.finished.connect(lambda result: self._on_done(context, result))
        worker.signals.failed.connect(lambda exc, details: self.failed.emit(exc, details, asked))
        self._worker = worker
        return start(worker)

    def _on_done(self, context: tuple[Any, ...], result: tuple[Any, Any, str]) -> None:
        if context is not self._context:
            return  # the registry changed while loading: this network belongs to the old one
        self.segments, self.engine, self.label = result
        self.loaded.emit()
