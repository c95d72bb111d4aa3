"""A synthetic, hierarchical road network for demos without OSM data and for scale benchmarks.

The network is a jittered grid laid over the city's districts (or a bounding box):

* every 8th line is an **arterial** (OSM class ``primary``, two-way),
* every 4th line in between is a **secondary** road (``secondary``, two-way),
* the rest are **local streets** (``residential``): a quarter of them one-way eastbound or
  northbound, a quarter the opposite way (as in old city grids), and 8 % of their blocks
  missing, so routes are not straight lines.

Grid spacing follows from the covered area and ``target_nodes``; only the largest strongly
connected part is kept (islands such as Chongming drop out), so the node count ends up a little
below the target. Everything is deterministic for a given seed. The result is always labelled
``SYNTHETIC`` (``meta["label"]``, ``meta["synthetic"] = True``, graph attributes likewise) so
that nobody mistakes it for real roads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from gis.crs import project, unproject, working_epsg_for
from gis.errors import RoadsError
from gis.roads import MIN_EDGE_TIME_S, ROAD_CLASSES, RoadArrays, RoadSpeeds, arrays_to_graph

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx

_LEVEL_CLASS = ("primary", "secondary", "residential")  # arterial, secondary, local
_DROP_LOCAL = 0.08
_JITTER = 0.12  # node jitter as a share of the spacing


def _region(districts: gpd.GeoDataFrame | None,
            bbox: tuple[float, float, float, float] | None) -> tuple[object, int]:
    """The covered area as one projected shapely geometry, and its EPSG code."""
    import shapely

    if districts is not None:
        if districts.empty:
            raise RoadsError("No district polygons were given for the synthetic road network.")
        wgs = districts.to_crs(4326) if districts.crs is not None else districts
        bounds = wgs.total_bounds
        epsg = working_epsg_for([bounds[0], bounds[2]], [bounds[1], bounds[3]])
        return shapely.union_all(wgs.to_crs(epsg).geometry.make_valid().to_numpy()), epsg
    if bbox is None:
        raise RoadsError("Give district polygons or a bbox (min_lon, min_lat, max_lon, max_lat).")
    lon0, lat0, lon1, lat1 = bbox
    if not (lon0 < lon1 and lat0 < lat1):
        raise RoadsError(f"Bounding box {bbox} is empty; use (min_lon, min_lat, max_lon, max_lat).")
    epsg = working_epsg_for([lon0, lon1], [lat0, lat1])
    lon = np.array([lon0, lon1, lon1, lon0])
    lat = np.array([lat0, lat0, lat1, lat1])
    x, y = project(lon, lat, epsg)
    return shapely.Polygon(np.column_stack([x, y])), epsg


def _line_levels(count: int, rng: np.random.Generator) -> np.ndarray:
    """Level per grid line: 0 arterial, 1 secondary, 2 local (random phase)."""
    i = np.arange(count) + int(rng.integers(8))
    return np.where(i % 8 == 0, 0, np.where(i % 4 == 0, 1, 2))


def _direction(count: int) -> np.ndarray:
    """Per line: 0 two-way, 1 one-way forward, -1 one-way backward (local lines only matter)."""
    i = np.arange(count) % 4
    return np.select([i == 1, i == 3], [1, -1], 0)


def synth_road_arrays(*, districts: gpd.GeoDataFrame | None = None,
                      bbox: tuple[float, float, float, float] | None = None,
                      target_nodes: int = 20_000, seed: int = 0,
                      speeds: RoadSpeeds | None = None) -> RoadArrays:
    """Build a synthetic road network as :class:`~gis.roads.RoadArrays` (see module doc)."""
    import shapely

    if target_nodes < 4:
        raise RoadsError(f"target_nodes must be at least 4, got {target_nodes}.")
    speeds = speeds or RoadSpeeds()
    rng = np.random.default_rng(seed)
    region, epsg = _region(districts, bbox)
    minx, miny, maxx, maxy = shapely.bounds(region)
    spacing = float(np.sqrt(shapely.area(region) / target_nodes))
    ncol = int(np.ceil((maxx - minx) / spacing)) + 1
    nrow = int(np.ceil((maxy - miny) / spacing)) + 1
    gx, gy = np.meshgrid(minx + spacing * np.arange(ncol), miny + spacing * np.arange(nrow))
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(region, gx, gy)
    jitter = np.clip(rng.normal(0.0, _JITTER * spacing, (2, gx.size)), -0.3 * spacing,
                     0.3 * spacing)
    x, y = gx + jitter[0], gy + jitter[1]
    row_level, col_level = _line_levels(nrow, rng), _line_levels(ncol, rng)
    row_dir, col_dir = _direction(nrow), _direction(ncol)

    idx = np.arange(nrow * ncol).reshape(nrow, ncol)
    # horizontal segments lie on a row, vertical ones on a column
    h_u, h_v = idx[:, :-1].ravel(), idx[:, 1:].ravel()
    h_level = np.repeat(row_level, ncol - 1)
    h_dir = np.repeat(row_dir, ncol - 1)
    v_u, v_v = idx[:-1, :].ravel(), idx[1:, :].ravel()
    v_level = np.tile(col_level, nrow - 1)
    v_dir = np.tile(col_dir, nrow - 1)
    u = np.concatenate([h_u, v_u])
    v = np.concatenate([h_v, v_v])
    level = np.concatenate([h_level, v_level])
    direction = np.where(level == 2, np.concatenate([h_dir, v_dir]), 0)
    keep = inside[u] & inside[v] & ~((level == 2) & (rng.random(u.size) < _DROP_LOCAL))
    u, v, level, direction = u[keep], v[keep], level[keep], direction[keep]
    fwd, back = direction >= 0, direction <= 0
    tail = np.concatenate([u[fwd], v[back]])
    head = np.concatenate([v[fwd], u[back]])
    level = np.concatenate([level[fwd], level[back]])
    return _finish(tail, head, level, x, y, epsg, speeds,
                   meta={"label": f"SYNTHETIC road network (hierarchical grid, seed {seed})",
                         "synthetic": True, "source": "synthetic", "seed": seed,
                         "spacing_m": round(spacing, 1)})


def _finish(tail: np.ndarray, head: np.ndarray, level: np.ndarray, x: np.ndarray,
            y: np.ndarray, epsg: int, speeds: RoadSpeeds, meta: dict) -> RoadArrays:
    """Keep the largest strongly connected part, renumber nodes and compute times."""
    n = x.size
    graph = coo_array((np.ones(tail.size), (tail, head)), shape=(n, n)).tocsr()
    _count, label = connected_components(graph, directed=True, connection="strong")
    used = np.zeros(n, dtype=bool)
    used[tail] = used[head] = True
    sizes = np.bincount(label[used], minlength=label.max() + 1)
    if sizes.max(initial=0) < 2:
        raise RoadsError("The synthetic road network is empty: the area is too small for "
                         "the requested number of nodes.")
    keep_node = label == int(np.argmax(sizes))
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[keep_node] = np.arange(np.count_nonzero(keep_node))
    keep_edge = keep_node[tail] & keep_node[head]
    tail, head, level = tail[keep_edge], head[keep_edge], level[keep_edge]
    length = np.hypot(x[head] - x[tail], y[head] - y[tail])
    kph = np.array([float(speeds.speed_kph.get(c, 25.0)) for c in _LEVEL_CLASS])[level]
    lon, lat = unproject(x[keep_node], y[keep_node], epsg)
    codes = np.array([ROAD_CLASSES.index(c) for c in _LEVEL_CLASS], dtype=np.int8)[level]
    meta = {**meta, "dropped_nodes": int(np.count_nonzero(used & ~keep_node)),
            "dropped_edges": int(np.count_nonzero(~keep_edge))}
    return RoadArrays(
        node_id=np.arange(np.count_nonzero(keep_node), dtype=np.int64), lon=lon, lat=lat,
        edge_u=new_id[tail].astype(np.int32), edge_v=new_id[head].astype(np.int32),
        length_m=length, travel_time_s=np.maximum(length / (kph / 3.6), MIN_EDGE_TIME_S),
        road_class=codes, geom_offsets=np.zeros(tail.size + 1, dtype=np.int64),
        geom_lon=np.zeros(0), geom_lat=np.zeros(0), meta=meta)


def synth_road_graph(**kwargs: object) -> nx.MultiDiGraph:
    """The same network as :func:`synth_road_arrays` as a networkx graph (labelled SYNTHETIC)."""
    return arrays_to_graph(synth_road_arrays(**kwargs))  # type: ignore[arg-type]
