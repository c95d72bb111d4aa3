"""Road travel-time graph from OpenStreetMap: drivable roads, speeds, edge arrays and a cache.

The road network has two forms that hold the same numbers:

* a :class:`networkx.MultiDiGraph` (the model and public API, osmnx conventions): nodes carry
  ``x``/``y`` (WGS84 lon/lat degrees); every edge carries ``length_m``, ``travel_time_s``
  (free-flow seconds), ``speed_kph`` and ``road_class`` (the OSM ``highway`` value);
* :class:`RoadArrays`, plain numpy arrays of nodes and edges. They are what the routing engine
  compiles into a sparse matrix, what the cache stores (one ``.npz`` file, loaded in
  milliseconds) and what the synthetic network generator produces.

Free-flow speeds per road class come from :class:`RoadSpeeds` (documented defaults for Chinese
urban roads, overridable); OSM ``maxspeed`` is used where tagged. Only the largest strongly
connected component is kept (everything in it can reach everything else), and the graph
attributes say what was dropped.

The cache of built graphs and the database links live in :mod:`gis.road_cache` (re-exported
here: ``default_cache_dir``, ``cache_key``, ``save_road_arrays``, ``load_road_arrays``,
``link_graph_to_db``, ``linked_graph_file``).
"""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from gis.errors import RoadsError
from gis.road_cache import (
    CACHE_FORMAT,
    cache_key,
    default_cache_dir,
    graph_cache_file,
    link_graph_to_db,
    linked_graph_file,
    load_road_arrays,
    save_road_arrays,
)

if TYPE_CHECKING:
    import networkx as nx

#: Public API; the cache functions of :mod:`gis.road_cache` are re-exported here.
__all__ = [
    "CACHE_FORMAT", "DEFAULT_SPEEDS_KPH", "MIN_EDGE_TIME_S", "ROAD_CLASSES", "Progress",
    "RoadArrays", "RoadSpeeds", "arrays_to_graph", "cache_key", "default_cache_dir",
    "graph_to_arrays", "import_roads", "link_graph_to_db", "linked_graph_file",
    "load_road_arrays", "parse_maxspeed_kph", "read_osm", "save_road_arrays", "write_graphml",
]

Progress = Callable[[float], None]

#: OSM ``highway`` values kept as drivable, from the highest class down. The position is the
#: ``road_class`` code stored in :class:`RoadArrays`.
ROAD_CLASSES: tuple[str, ...] = (
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road",
)

#: Free-flow speeds in km/h per class for Chinese urban roads. They sit inside the design-speed
#: bands of CJJ 37-2012 (城市道路工程设计规范): expressway 快速路 60-100, arterial 主干路 40-60,
#: secondary 次干路 30-50, local 支路 20-40 km/h, towards the lower end because signals and
#: junctions cut the running speed; links run at about 60 % of their road. Peak-hour slowing
#: is not in here but in the congestion profile (:mod:`gis.routing`).
DEFAULT_SPEEDS_KPH: Mapping[str, float] = MappingProxyType({
    "motorway": 80.0, "motorway_link": 40.0, "trunk": 60.0, "trunk_link": 40.0,
    "primary": 45.0, "primary_link": 30.0, "secondary": 40.0, "secondary_link": 25.0,
    "tertiary": 30.0, "tertiary_link": 20.0, "unclassified": 25.0, "residential": 20.0,
    "living_street": 10.0, "service": 15.0, "road": 25.0,
})

#: Edges shorter than this in time are clamped to it, so no edge weighs zero (scipy's sparse
#: graphs drop zero weights) and networkx and the compiled view see the same number.
MIN_EDGE_TIME_S = 1e-3
_EXCLUDED_ACCESS = frozenset({"no", "private"})
_MPH = 1.609344


@dataclass(frozen=True)
class RoadSpeeds:
    """How fast traffic runs on each road class when the roads are free.

    Attributes
    ----------
    speed_kph
        Speed per OSM ``highway`` class (km/h); classes missing here are not drivable.
        Defaults: :data:`DEFAULT_SPEEDS_KPH`.
    use_maxspeed
        Use the OSM ``maxspeed`` tag where an edge has one.
    maxspeed_share
        Share of the tagged limit that traffic runs at (1.0 = at the limit).
    """

    speed_kph: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KPH))
    use_maxspeed: bool = True
    maxspeed_share: float = 1.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.speed_kph) - set(ROAD_CLASSES))
        if unknown:
            raise RoadsError(f"Unknown road class(es) in the speed table: {', '.join(unknown)}. "
                             f"Use OSM highway values: {', '.join(ROAD_CLASSES)}.")
        bad = [k for k, v in self.speed_kph.items() if not (0 < float(v) <= 200)]
        if bad or not 0 < self.maxspeed_share <= 1.5:
            raise RoadsError("Road speeds must be in (0, 200] km/h and maxspeed_share in "
                             f"(0, 1.5]; check {', '.join(bad) or 'maxspeed_share'}.")

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, float], **options: Any) -> RoadSpeeds:
        """The default table with some classes changed (e.g. from settings or a JSON file)."""
        return cls(speed_kph={**DEFAULT_SPEEDS_KPH, **overrides}, **options)

    def fingerprint(self) -> str:
        """A stable text of the settings, part of the cache key."""
        return json.dumps({"speed_kph": {k: float(v) for k, v in sorted(self.speed_kph.items())},
                           "use_maxspeed": self.use_maxspeed,
                           "maxspeed_share": self.maxspeed_share}, sort_keys=True)


@dataclass(frozen=True, eq=False)
class RoadArrays:
    """A road network as arrays (the cache format and the input of the routing engine).

    Node arrays (length ``n_nodes``): ``node_id`` int64 (OSM ids; the ids of the exported
    GraphML), ``lon``/``lat`` float64 WGS84 degrees. Edge arrays (length ``n_edges``):
    ``edge_u``/``edge_v`` int32 positions into the node arrays, ``length_m``,
    ``travel_time_s`` (free flow), ``road_class`` int8 (index into :data:`ROAD_CLASSES`).
    Edge shapes: the interior vertices of edge ``i`` are
    ``geom_lon[geom_offsets[i]:geom_offsets[i + 1]]`` (and ``geom_lat``); straight edges have
    none. ``meta`` holds JSON-able facts: ``label``, ``source``, ``synthetic`` and drop counts.
    """

    node_id: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    length_m: np.ndarray
    travel_time_s: np.ndarray
    road_class: np.ndarray
    geom_offsets: np.ndarray
    geom_lon: np.ndarray
    geom_lat: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, m = len(self.node_id), len(self.edge_u)
        if not (len(self.lon) == len(self.lat) == n and len(self.edge_v) == len(self.length_m)
                == len(self.travel_time_s) == len(self.road_class) == m
                and len(self.geom_offsets) == m + 1):
            raise RoadsError("Road arrays have inconsistent lengths; rebuild the road graph.")

    @property
    def n_nodes(self) -> int:
        return len(self.node_id)

    @property
    def n_edges(self) -> int:
        return len(self.edge_u)

    @property
    def is_synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    def edge_coords(self, edge: int) -> list[tuple[float, float]]:
        """Lon/lat vertices of one edge from its tail to its head."""
        a, b = int(self.geom_offsets[edge]), int(self.geom_offsets[edge + 1])
        u, v = int(self.edge_u[edge]), int(self.edge_v[edge])
        inner = list(zip(self.geom_lon[a:b].tolist(), self.geom_lat[a:b].tolist(), strict=True))
        return [(float(self.lon[u]), float(self.lat[u])), *inner,
                (float(self.lon[v]), float(self.lat[v]))]




# --------------------------------------------------------------------------- reading OSM


def read_osm(path: str | Path, *, speeds: RoadSpeeds | None = None,
             progress: Progress | None = None) -> nx.MultiDiGraph:
    """Read an OSM XML (``.osm``) or PBF (``.osm.pbf``) file into a travel-time graph.

    Keeps drivable roads (classes in ``speeds.speed_kph``, not ``access=no/private``, not
    areas), computes per-edge speed and travel time before osmnx simplification (times are
    summed when edges merge; edges of different classes are not merged) and keeps the largest
    strongly connected component.

    Returns
    -------
    networkx.MultiDiGraph
        Graph attributes: ``source``, ``label``, ``non_drivable_edges`` (raw OSM segments
        dropped as not drivable), ``dropped_nodes`` / ``dropped_edges`` (outside the largest
        strongly connected component) and ``dropped_components``.

    Raises
    ------
    RoadsError
        Missing file, broken XML/PBF, or no drivable road in the file; the message names it.
    """
    import osmnx as ox

    path = Path(path)
    speeds = speeds or RoadSpeeds()
    report = progress or (lambda _f: None)
    if not path.is_file():
        raise RoadsError(f"Road file {path} does not exist. Check the path and try again.")
    report(0.0)
    with tempfile.TemporaryDirectory(prefix="liftguard-osm-") as tmp:
        xml_path = _pbf_to_xml(path, Path(tmp)) if path.name.endswith(".pbf") else path
        try:
            raw = ox.graph_from_xml(xml_path, simplify=False, retain_all=True)
        except ox._errors.InsufficientResponseError as exc:  # no node or way at all
            raise RoadsError(f"Road file {path} holds no drivable roads (it has no OSM ways). "
                             "Export a file with highway ways.") from exc
        except Exception as exc:  # ParseError, UnicodeDecodeError, osmnx value errors
            raise RoadsError(f"Road file {path} is not readable OpenStreetMap XML ({exc}). "
                             "Export it again (e.g. from Overpass or JOSM) and retry.") from exc
    report(0.5)
    non_drivable = _drop_non_drivable(raw, speeds)
    if raw.number_of_edges() == 0:
        raise RoadsError(f"Road file {path} holds no drivable roads (classes: "
                         f"{', '.join(speeds.speed_kph)}). Export a file with highway ways.")
    _set_free_flow_times(raw, speeds)
    simple = ox.simplify_graph(raw, edge_attrs_differ=["highway"],
                               edge_attr_aggs={"length": sum, "travel_time_s": sum})
    report(0.8)
    graph = _keep_largest_scc(simple)
    _finish_edges(graph)
    graph.graph.update({"source": str(path), "label": "OpenStreetMap (© OpenStreetMap "
                        "contributors, ODbL)", "non_drivable_edges": non_drivable,
                        "synthetic": False})
    report(1.0)
    return graph


def _pbf_to_xml(path: Path, tmp: Path) -> Path:
    """Highway ways of a PBF file and their nodes, as OSM XML osmnx can read (needs pyosmium)."""
    try:
        import osmium
    except ImportError as exc:
        raise RoadsError(f"Reading {path} needs the 'osmium' package (pyosmium) for .osm.pbf "
                         "files: pip install osmium, or convert the file to .osm XML.") from exc
    out = tmp / "roads.osm"
    try:
        node_ids: set[int] = set()
        for way in osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(
                osmium.filter.KeyFilter("highway")):
            node_ids.update(n.ref for n in way.nodes)
        with osmium.SimpleWriter(str(out)) as writer:
            for obj in osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY):
                if obj.is_node() and obj.id in node_ids:
                    writer.add_node(obj)
                elif obj.is_way() and "highway" in obj.tags:
                    writer.add_way(obj)
    except RuntimeError as exc:
        raise RoadsError(f"Road file {path} is not a readable OSM PBF file ({exc}).") from exc
    return out


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _drop_non_drivable(graph: nx.MultiDiGraph, speeds: RoadSpeeds) -> int:
    bad = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True)
           if _first(d.get("highway")) not in speeds.speed_kph
           or _first(d.get("access")) in _EXCLUDED_ACCESS or d.get("area") == "yes"]
    graph.remove_edges_from(bad)
    graph.remove_nodes_from([n for n, deg in list(graph.degree()) if deg == 0])
    return len(bad)


def parse_maxspeed_kph(value: Any) -> float | None:
    """The lowest speed in an OSM ``maxspeed`` value in km/h (``"40"``, ``"30 mph"``,
    ``"40;60"``, a list of those); ``None`` for ``"signals"``, ``"none"`` and the like."""
    texts = value if isinstance(value, list) else [value]
    found: list[float] = []
    for text in texts:
        for part in str(text).split(";"):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*", part)
            if match:
                kph = float(match.group(1)) * (_MPH if match.group(2) == "mph" else 1.0)
                if kph > 0:
                    found.append(kph)
    return min(found) if found else None


def _set_free_flow_times(graph: nx.MultiDiGraph, speeds: RoadSpeeds) -> None:
    for _u, _v, d in graph.edges(data=True):
        kph = float(speeds.speed_kph[_first(d["highway"])])
        if speeds.use_maxspeed and d.get("maxspeed") is not None:
            tagged = parse_maxspeed_kph(d["maxspeed"])
            if tagged is not None:
                kph = tagged * speeds.maxspeed_share
        d["travel_time_s"] = float(d["length"]) / (kph / 3.6)


def _keep_largest_scc(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    import networkx as nx

    components = list(nx.strongly_connected_components(graph))
    largest = max(components, key=len)
    kept = graph.subgraph(largest).copy()
    kept.graph.update({"dropped_nodes": len(graph) - len(kept),
                       "dropped_edges": graph.number_of_edges() - kept.number_of_edges(),
                       "dropped_components": len(components) - 1})
    return kept


def _finish_edges(graph: nx.MultiDiGraph) -> None:
    for _u, _v, d in graph.edges(data=True):
        d["length_m"] = float(d.pop("length"))
        d["travel_time_s"] = max(float(d["travel_time_s"]), MIN_EDGE_TIME_S)
        d["speed_kph"] = d["length_m"] / d["travel_time_s"] * 3.6
        d["road_class"] = str(_first(d["highway"]))


# --------------------------------------------------------------------------- graph <-> arrays


def graph_to_arrays(graph: nx.MultiDiGraph) -> RoadArrays:
    """Edge and node arrays of a travel-time graph (node order: ``graph.nodes``)."""
    import pandas as pd

    nodes = list(graph.nodes)
    try:
        node_id = np.asarray(nodes, dtype=np.int64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise RoadsError("Road graph node ids must be integers (OSM ids).") from exc
    index = pd.Index(node_id)
    xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in nodes], dtype=np.float64)
    rows = list(graph.edges(data=True))
    codes = {name: i for i, name in enumerate(ROAD_CLASSES)}
    offsets, glon, glat = [0], [], []
    for _u, _v, d in rows:
        geom = d.get("geometry")
        coords = list(geom.coords)[1:-1] if geom is not None else []
        glon.extend(c[0] for c in coords)
        glat.extend(c[1] for c in coords)
        offsets.append(offsets[-1] + len(coords))
    return RoadArrays(
        node_id=node_id, lon=xy[:, 0].copy(), lat=xy[:, 1].copy(),
        edge_u=index.get_indexer([r[0] for r in rows]).astype(np.int32),
        edge_v=index.get_indexer([r[1] for r in rows]).astype(np.int32),
        length_m=np.array([r[2]["length_m"] for r in rows], dtype=np.float64),
        travel_time_s=np.array([r[2]["travel_time_s"] for r in rows], dtype=np.float64),
        road_class=np.array([codes.get(str(r[2].get("road_class")), codes["road"])
                             for r in rows], dtype=np.int8),
        geom_offsets=np.asarray(offsets, dtype=np.int64),
        geom_lon=np.asarray(glon, dtype=np.float64), geom_lat=np.asarray(glat, dtype=np.float64),
        meta={k: v for k, v in graph.graph.items() if isinstance(v, str | int | float | bool)},
    )


def arrays_to_graph(arrays: RoadArrays, *, geometry: bool = False) -> nx.MultiDiGraph:
    """The networkx graph of road arrays (osmnx conventions; ``crs`` is EPSG:4326).

    With ``geometry=True`` curved edges get a shapely ``geometry`` (as osmnx writes them).
    Large graphs are frozen out of the cyclic garbage collector after building (it otherwise
    slows every later allocation-heavy step, see notes/feasibility.md).
    """
    import networkx as nx

    graph = nx.MultiDiGraph(**{**arrays.meta, "crs": "epsg:4326"})
    ids = arrays.node_id.tolist()
    graph.add_nodes_from((n, {"x": x, "y": y}) for n, x, y in
                         zip(ids, arrays.lon.tolist(), arrays.lat.tolist(), strict=True))
    speed = arrays.length_m / arrays.travel_time_s * 3.6
    names = np.asarray(ROAD_CLASSES, dtype=object)[arrays.road_class]
    edges = [(ids[u], ids[v], {"length_m": ln, "travel_time_s": t, "speed_kph": s,
                               "road_class": c})
             for u, v, ln, t, s, c in zip(arrays.edge_u.tolist(), arrays.edge_v.tolist(),
                                          arrays.length_m.tolist(),
                                          arrays.travel_time_s.tolist(), speed.tolist(),
                                          names.tolist(), strict=True)]
    if geometry:
        from shapely import LineString

        curved = np.flatnonzero(np.diff(arrays.geom_offsets) > 0)
        for i in curved.tolist():
            edges[i][2]["geometry"] = LineString(arrays.edge_coords(i))
    enabled = gc.isenabled()
    gc.disable()  # millions of new dicts would trigger useless full collections
    try:
        graph.add_edges_from(edges)
    finally:
        if enabled:
            gc.enable()
    if arrays.n_edges > 100_000:
        gc.collect()
        gc.freeze()
    return graph


# --------------------------------------------------------------------------- import and export


def import_roads(path: str | Path, *, speeds: RoadSpeeds | None = None,
                 cache_dir: str | Path | None = None,
                 progress: Progress | None = None) -> tuple[RoadArrays, Path]:
    """Road arrays for an OSM file, from the cache when it holds this file with these settings.

    Returns the arrays and the cache file. A failed build writes nothing.
    """
    speeds = speeds or RoadSpeeds()
    path = Path(path)
    if not path.is_file():
        raise RoadsError(f"Road file {path} does not exist. Check the path and try again.")
    target = graph_cache_file(path, speeds, cache_dir=cache_dir)
    if target.is_file():
        return load_road_arrays(target), target
    arrays = graph_to_arrays(read_osm(path, speeds=speeds, progress=progress))
    return arrays, save_road_arrays(arrays, target)


def write_graphml(arrays: RoadArrays, path: str | Path) -> Path:
    """Write the graph as GraphML (osmnx format): ``x``/``y`` WGS84 on every node,
    ``length_m``/``travel_time_s``/``speed_kph``/``road_class`` on every edge, curved edges
    with a WKT ``geometry``. Node ids are the ids used in routes (``route_nodes``)."""
    import osmnx as ox

    path = Path(path)
    if not path.parent.is_dir():
        raise RoadsError(f"Cannot write {path}: folder {path.parent} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        ox.save_graphml(arrays_to_graph(arrays, geometry=True), tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
