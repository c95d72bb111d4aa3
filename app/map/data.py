"""Everything the map draws, projected ONCE into the working CRS (metres) as numpy arrays.

:func:`build_map_data` runs off the UI thread (it is Qt-free): it projects elevators, stations,
district rings and roads to the city's UTM zone, builds the KD-tree used for picking and the
code indexes used by search, and notes elevators without coordinates or outside every district
so the window can say why they are not on the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.config import Config
from gis.crs import project, unproject, utm_epsg
from gis.errors import ConfigError
from gis.registry import STATION_KINDS, Registry
from gis.thematic import ElevatorTable, StageDurations, prepare_table

if TYPE_CHECKING:
    import networkx as nx
    from scipy.spatial import cKDTree

#: OSM road classes drawn as major roads (thicker line).
MAJOR_ROAD_CLASSES = frozenset({"motorway", "motorway_link", "trunk", "trunk_link", "primary",
                                "primary_link"})


@dataclass
class DistrictShapes:
    """District rings in metres: ``ring_xy[i]`` is an (n, 2) array of ring ``i`` which belongs
    to district ``ring_district[i]`` (index into ``adcodes``)."""

    adcodes: tuple[str, ...]
    names: tuple[str, ...]
    names_en: tuple[str, ...]
    ring_xy: list[np.ndarray]
    ring_district: np.ndarray
    label_xy: np.ndarray
    bboxes: np.ndarray  # (k, 4) xmin, ymin, xmax, ymax


@dataclass
class RoadSegments:
    """Road network as straight segments in metres: columns x0, y0, x1, y1."""

    segments: np.ndarray
    major: np.ndarray
    label: str = ""


@dataclass
class MapData:
    """The registry ready to draw, pick and search (see module docstring)."""

    registry: Registry
    config: Config
    epsg: int
    x: np.ndarray
    y: np.ndarray
    valid: np.ndarray
    outside: np.ndarray
    table: ElevatorTable
    districts: DistrictShapes
    station_xy: np.ndarray
    station_kind: np.ndarray
    extent: tuple[float, float, float, float]
    roads: RoadSegments | None = None
    _tree: cKDTree | None = field(default=None, repr=False)
    _tree_index: np.ndarray | None = field(default=None, repr=False)
    _code_index: dict[str, int] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def n_missing_coords(self) -> int:
        return int((~np.isfinite(self.x) | ~np.isfinite(self.y)).sum())

    @property
    def n_outside(self) -> int:
        return int(self.outside.sum())

    def district_index(self, adcode: str) -> int:
        """Position of ``adcode`` among the districts; :class:`ConfigError` if unknown."""
        try:
            return self.districts.adcodes.index(str(adcode))
        except ValueError:
            raise ConfigError(
                f"unknown district code {adcode!r}; known codes: "
                + ", ".join(f"{c} {n}" for c, n in zip(self.districts.adcodes,
                                                      self.districts.names, strict=True))
            ) from None

    def tree(self) -> tuple[cKDTree, np.ndarray]:
        """KD-tree over drawable elevators (metres) and the elevator index of each tree point."""
        if self._tree is None:
            from scipy.spatial import cKDTree

            idx = np.flatnonzero(self.valid)
            self._tree = cKDTree(np.column_stack([self.x[idx], self.y[idx]]))
            self._tree_index = idx
        assert self._tree_index is not None
        return self._tree, self._tree_index

    def code_index(self) -> dict[str, int]:
        """Registration code and rescue code -> elevator row (built on first use)."""
        if self._code_index is None:
            el = self.registry.elevators
            rows = range(len(el))
            index = dict(zip(el["rescue_code"].astype(str).tolist(), rows, strict=True))
            index.update(zip(el["registration_code"].astype(str).str.upper().tolist(), rows,
                             strict=True))
            self._code_index = index
        return self._code_index

    def lonlat(self, sx_m: float, sy_m: float) -> tuple[float, float]:
        lon, lat = unproject(np.array([sx_m]), np.array([sy_m]), self.epsg)
        return float(lon[0]), float(lat[0])


def build_map_data(registry: Registry, config: Config, *, roads: nx.MultiDiGraph | None = None,
                   durations: StageDurations | None = None, index: bool = True) -> MapData:
    """Project and index ``registry`` for the map (about 0.5 s for 304,634 elevators).

    ``index`` builds the picking KD-tree and the code index now (off the UI thread) rather
    than on the first click or search.
    """
    import shapely

    el = registry.elevators
    districts = registry.districts
    if districts is None or len(districts) == 0:
        raise ConfigError("the registry has no district boundaries; import or generate a "
                          "registry for a city first (liftguard generate)")
    c = districts.geometry.union_all().centroid
    epsg = utm_epsg(c.x, c.y)
    lon = el["lon"].to_numpy(np.float64)
    lat = el["lat"].to_numpy(np.float64)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x = np.full(len(el), np.nan)
    y = np.full(len(el), np.nan)
    if ok.any():
        x[ok], y[ok] = project(lon[ok], lat[ok], epsg)
    shapes = _district_shapes(districts, epsg)
    union = shapely.union_all(np.asarray(districts.geometry.values))
    shapely.prepare(union)
    inside = np.zeros(len(el), dtype=bool)
    inside[ok] = shapely.contains_xy(union, lon[ok], lat[ok])
    outside = ok & ~inside
    bx = shapes.bboxes
    extent = (float(bx[:, 0].min()), float(bx[:, 1].min()), float(bx[:, 2].max()),
              float(bx[:, 3].max()))
    st = registry.stations
    sxy = np.empty((0, 2))
    kind = np.empty(0, dtype=np.int8)
    if st is not None and len(st):
        sx, sy = project(st["lon"].to_numpy(float), st["lat"].to_numpy(float), epsg)
        sxy = np.column_stack([sx, sy])
        kind = np.asarray(pd.Categorical(st["kind"].astype(object),
                                         categories=list(STATION_KINDS)).codes, dtype=np.int8)
    table = prepare_table(el, shapes.adcodes, config, durations=durations)
    data = MapData(registry=registry, config=config, epsg=epsg, x=x, y=y, valid=ok,
                   outside=outside, table=table, districts=shapes, station_xy=sxy,
                   station_kind=kind, extent=extent)
    if roads is not None:
        data.roads = road_segments(roads, epsg)
    if index:
        data.tree()
        data.code_index()
    return data


def _district_shapes(districts: Any, epsg: int) -> DistrictShapes:
    import shapely

    geoms = np.asarray(districts.geometry.values)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    ring_geoms, ring_of_part = shapely.get_rings(parts, return_index=True)
    coords, ring_id = shapely.get_coordinates(ring_geoms, return_index=True)
    px, py = project(coords[:, 0], coords[:, 1], epsg)
    xy = np.column_stack([px, py])
    splits = np.flatnonzero(np.diff(ring_id)) + 1
    ring_xy = np.split(xy, splits)
    coord_district = part_of[ring_of_part[ring_id]]
    label = shapely.get_coordinates(shapely.point_on_surface(geoms))
    lx, ly = project(label[:, 0], label[:, 1], epsg)
    bounds = np.empty((len(geoms), 4))
    for k in range(len(geoms)):  # k is the number of districts (16 for Shanghai)
        sel = coord_district == k
        bounds[k] = (px[sel].min(), py[sel].min(), px[sel].max(), py[sel].max())
    name_en = districts["name_en"] if "name_en" in districts else districts["name"]
    return DistrictShapes(
        adcodes=tuple(districts["adcode"].astype(str)), names=tuple(districts["name"].astype(str)),
        names_en=tuple(name_en.astype(str)), ring_xy=ring_xy,
        ring_district=part_of[ring_of_part].astype(np.int32),
        label_xy=np.column_stack([lx, ly]), bboxes=bounds)


def road_segments(graph: nx.MultiDiGraph, epsg: int) -> RoadSegments:
    """Straight segments of every edge of a road graph (nodes with ``x``/``y`` WGS84 degrees;
    an edge ``geometry`` LineString is followed where present)."""
    import shapely

    node_xy = {n: (d["x"], d["y"]) for n, d in graph.nodes(data=True)}
    edges = list(graph.edges(data=True))
    if not edges:
        return RoadSegments(np.empty((0, 4)), np.empty(0, bool), str(graph.graph.get("label", "")))
    geoms = np.array([d.get("geometry") or shapely.LineString([node_xy[u], node_xy[v]])
                      for u, v, d in edges], dtype=object)
    classes = [d.get("road_class", d.get("highway", "")) for _, _, d in edges]
    major_edge = np.array([(c[0] if isinstance(c, list) else c) in MAJOR_ROAD_CLASSES
                           for c in classes], dtype=bool)
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    px, py = project(coords[:, 0], coords[:, 1], epsg)
    same = idx[1:] == idx[:-1]
    seg = np.column_stack([px[:-1], py[:-1], px[1:], py[1:]])[same]
    return RoadSegments(seg, major_edge[idx[:-1][same]], str(graph.graph.get("label", "")))


def road_segments_from_arrays(arrays: Any, epsg: int) -> RoadSegments:
    """Segments from :class:`gis.roads.RoadArrays` (the road cache), fully vectorised."""
    from gis.roads import ROAD_CLASSES

    off = np.asarray(arrays.geom_offsets, dtype=np.int64)
    u, v = np.asarray(arrays.edge_u), np.asarray(arrays.edge_v)
    m = len(u)
    if m == 0:
        return RoadSegments(np.empty((0, 4)), np.empty(0, bool), "")
    inner = np.diff(off)
    cnt = inner + 2
    start = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    lon = np.empty(int(cnt.sum()))
    lat = np.empty_like(lon)
    lon[start], lat[start] = arrays.lon[u], arrays.lat[u]
    lon[start + cnt - 1], lat[start + cnt - 1] = arrays.lon[v], arrays.lat[v]
    edge_of_inner = np.repeat(np.arange(m), inner)
    pos = start[edge_of_inner] + 1 + (np.arange(len(arrays.geom_lon)) - off[edge_of_inner])
    lon[pos], lat[pos] = arrays.geom_lon, arrays.geom_lat
    px, py = project(lon, lat, epsg)
    edge = np.repeat(np.arange(m), cnt)
    same = edge[1:] == edge[:-1]
    seg = np.column_stack([px[:-1], py[:-1], px[1:], py[1:]])[same]
    major_codes = [i for i, c in enumerate(ROAD_CLASSES) if c in MAJOR_ROAD_CLASSES]
    major = np.isin(np.asarray(arrays.road_class), major_codes)[edge[:-1][same]]
    return RoadSegments(seg, major, str(arrays.meta.get("label", "")))
