"""Rescue routing: which stations reach an elevator first, and nearest-station ETAs in bulk.

networkx is the road model and public API (:attr:`RoutingEngine.graph`,
:func:`travel_time_weight`); the queries run on a compiled sparse view of the same graph
(``scipy.sparse.csr_array`` built straight from the edge arrays, one per congestion level,
cached) with :mod:`scipy.sparse.csgraph` and a ``cKDTree`` for snapping, 20-30 times faster.
Tests check both give the same times.

ETA of station *s* at elevator *e* (seconds)::

    eta_s = turnout_s(s) + access_s(s) + network_time_s(s -> e) + access_s(e)

where an access leg is the straight distance from the point to its nearest road node, crossed
at :attr:`SnapSettings.access_speed_kph`, and network time uses free-flow edge times times the
congestion factor of the hour and road group (:class:`CongestionProfile`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from gis.config import Config
from gis.crs import project, working_epsg_for
from gis.errors import RoutingError
from gis.registry import STATION_KINDS
from gis.roads import MIN_EDGE_TIME_S, ROAD_CLASSES, RoadArrays, arrays_to_graph, graph_to_arrays

if TYPE_CHECKING:
    import networkx as nx

#: Road group of each OSM class, for congestion factors.
ROAD_GROUPS: Mapping[str, str] = MappingProxyType({
    "motorway": "expressway", "motorway_link": "expressway", "trunk": "expressway",
    "trunk_link": "expressway", "primary": "arterial", "primary_link": "arterial",
    "secondary": "collector", "secondary_link": "collector", "tertiary": "collector",
    "tertiary_link": "collector", "unclassified": "local", "residential": "local",
    "living_street": "local", "service": "local", "road": "local",
})


def _hours(night: float, early: float, peak: float, day: float, evening: float) -> tuple:
    # 0-5 night, 6 early, 7-9 morning peak, 10-16 day, 17-19 evening peak, 20-22 evening, 23 night
    return (night,) * 6 + (early,) + (peak,) * 3 + (day,) * 7 + (peak,) * 3 + (evening,) * 3 \
        + (night,)


#: Travel-time multipliers (actual / free-flow time) per road group and hour of day (0-23,
#: local time). Peak values follow the published peak-hour delay indices of large Chinese
#: cities (Amap/Baidu traffic reports put Shanghai at about 1.6-1.9); local streets suffer
#: less than arterials. These are assumptions to calibrate with local data, not measurements.
DEFAULT_CONGESTION: Mapping[str, tuple[float, ...]] = MappingProxyType({
    "expressway": _hours(1.0, 1.3, 1.9, 1.4, 1.2),
    "arterial": _hours(1.0, 1.25, 1.8, 1.35, 1.2),
    "collector": _hours(1.0, 1.2, 1.6, 1.3, 1.15),
    "local": _hours(1.0, 1.1, 1.3, 1.15, 1.05),
})
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_GROW = 2.0  # horizon growth of the k-nearest search: total work stays within 2x the last run


@dataclass(frozen=True)
class CongestionProfile:
    """Hourly travel-time factors per road group (see :data:`DEFAULT_CONGESTION`).

    Naive datetimes are read as local (China) time; aware ones are converted to
    ``Asia/Shanghai`` first. ``at=None`` means free flow (all factors 1).
    """

    factors: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: dict(DEFAULT_CONGESTION))

    def __post_init__(self) -> None:
        for group in set(ROAD_GROUPS.values()):
            values = self.factors.get(group)
            if values is None or len(values) != 24 or min(values) < 1.0:
                raise RoutingError(f"Congestion profile for '{group}' roads needs 24 hourly "
                                   "factors >= 1 (travel time / free-flow time).")

    def class_factors(self, at: dt.datetime | None) -> np.ndarray:
        """Factor per road class code (index of :data:`ROAD_CLASSES`) at time ``at``."""
        if at is None:
            return np.ones(len(ROAD_CLASSES))
        hour = (at.astimezone(LOCAL_TZ) if at.tzinfo else at).hour
        return np.array([self.factors[ROAD_GROUPS[c]][hour] for c in ROAD_CLASSES])


@dataclass(frozen=True)
class SnapSettings:
    """How points join the road network.

    Attributes
    ----------
    access_speed_kph
        Speed over the straight leg between a point and its nearest road node (default 10 km/h:
        driving slowly through a residential compound, or walking fast).
    max_snap_m
        Points farther than this from every road node are off the network and flagged, never
        silently snapped (default 500 m; the nearest node is an upper bound of the distance to
        the road itself).
    """

    access_speed_kph: float = 10.0
    max_snap_m: float = 500.0

    def access_s(self, distance_m: np.ndarray | float) -> np.ndarray | float:
        return np.asarray(distance_m) / (self.access_speed_kph / 3.6)


@dataclass(frozen=True)
class RescueOption:
    """One station that can send a rescuer to an elevator (fields as in the JSON contract)."""

    station_id: str
    station_kind: str
    station_name: str
    unit_id: str
    eta_s: float
    turnout_s: float
    access_s: float
    network_time_s: float
    distance_m: float
    meets_limit: bool
    reason: str
    response_level: int
    route_nodes: list[int]
    route_lonlat: list[tuple[float, float]]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["route_lonlat"] = [list(p) for p in self.route_lonlat]
        return out


def travel_time_weight(profile: CongestionProfile | None, at: dt.datetime | None
                       ) -> Callable[[Any, Any, dict], float]:
    """A networkx weight function for a MultiDiGraph from :mod:`gis.roads` at time ``at``
    (the fastest parallel edge, free-flow time times the congestion factor)."""
    factors = (profile or CongestionProfile()).class_factors(at)
    by_name = dict(zip(ROAD_CLASSES, factors.tolist(), strict=True))

    def weight(_u: Any, _v: Any, edges: dict) -> float:
        return min(d["travel_time_s"] * by_name.get(d.get("road_class"), 1.0)
                   for d in edges.values())

    return weight


def _pair_structure(tail: np.ndarray, head: np.ndarray, n: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CSR structure of the unique (tail, head) pairs: edge order, group starts (with end),
    indptr, indices. Parallel edges share one entry; its weight is their minimum."""
    order = np.lexsort((head, tail))
    t, h = tail[order], head[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    starts = np.flatnonzero(new)
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(t[starts], minlength=n), out=indptr[1:])
    return order, np.append(starts, len(order)), indptr, h[starts].astype(np.int32)


class RoutingEngine:
    """A road network compiled for fast rescue queries.

    Parameters
    ----------
    roads
        :class:`~gis.roads.RoadArrays` (e.g. from the cache) or a travel-time graph from
        :func:`gis.roads.read_osm`.
    stations, elevators
        Registry frames (columns of :mod:`gis.registry`); stations are snapped once here, use
        :meth:`set_stations` when they change. Elevators are only needed to look up codes.
    config, congestion, snap
        Rescue limit (``config.rescue_limit_city_s``), congestion profile, snapping settings.
    """

    #: First network-time horizon of the expanding k-nearest search (seconds).
    search_start_s = 300.0

    def __init__(self, roads: RoadArrays | nx.MultiDiGraph, *,
                 stations: pd.DataFrame | None = None, elevators: pd.DataFrame | None = None,
                 config: Config | None = None, congestion: CongestionProfile | None = None,
                 snap: SnapSettings | None = None) -> None:
        self._graph = None if isinstance(roads, RoadArrays) else roads
        self.arrays = roads if isinstance(roads, RoadArrays) else graph_to_arrays(roads)
        if self.arrays.n_nodes == 0:
            raise RoutingError("The road network is empty; import a road file first.")
        self.config = config or Config()
        self.congestion = congestion or CongestionProfile()
        self.snap_settings = snap or SnapSettings()
        a = self.arrays
        self.epsg = working_epsg_for(a.lon, a.lat)
        x, y = project(a.lon, a.lat, self.epsg)
        self._tree = cKDTree(np.column_stack([x, y]))
        self._fwd = _pair_structure(a.edge_u, a.edge_v, a.n_nodes)
        self._rev = _pair_structure(a.edge_v, a.edge_u, a.n_nodes)
        order, starts, _indptr, _indices = self._fwd
        first = order[starts[:-1]]
        self._pair_keys = a.edge_u[first].astype(np.int64) * a.n_nodes + a.edge_v[first]
        self._compiled: dict[tuple[float, ...], tuple[np.ndarray, csr_array, csr_array]] = {}
        self._stations: pd.DataFrame | None = None
        self._st: dict[str, np.ndarray] = {}
        self._elevators = elevators
        if stations is not None:
            self.set_stations(stations)

    # ----------------------------------------------------------------- model and compile

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx graph (built from the arrays on first use when loaded from cache)."""
        if self._graph is None:
            self._graph = arrays_to_graph(self.arrays)
        return self._graph

    def compiled(self, at: dt.datetime | None = None) -> tuple[np.ndarray, csr_array, csr_array]:
        """Best edge per forward pair, forward CSR and transposed CSR at time ``at``; cached
        per congestion level (the structure is shared, only the weights change)."""
        factors = self.congestion.class_factors(at)
        key = tuple(factors.tolist())
        if key not in self._compiled:
            n = self.arrays.n_nodes
            weight = np.maximum(self.arrays.travel_time_s * factors[self.arrays.road_class],
                                MIN_EDGE_TIME_S)
            mats = []
            for order, starts, indptr, indices in (self._fwd, self._rev):
                data = np.minimum.reduceat(weight[order], starts[:-1]) if len(order) else weight
                mats.append(csr_array((data, indices, indptr), shape=(n, n)))
            self._compiled[key] = (_best_edges(self._fwd, weight), mats[0], mats[1])
        return self._compiled[key]

    def snap(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """Nearest road node (position in the arrays) and its distance in metres, per point."""
        x, y = project(lon, lat, self.epsg)
        dist, node = self._tree.query(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]),
                                      workers=-1)
        return node.astype(np.int64), dist

    def node_index(self, node_ids: Any) -> np.ndarray:
        """Positions of graph node ids (the GraphML ids) in the arrays; -1 if unknown."""
        return pd.Index(self.arrays.node_id).get_indexer(np.atleast_1d(node_ids))

    # ----------------------------------------------------------------- stations

    def set_stations(self, stations: pd.DataFrame) -> None:
        """Snap stations to the network; those beyond ``max_snap_m`` are marked off-network."""
        st = stations.reset_index(drop=True).copy()
        node, dist = self.snap(st["lon"].to_numpy(float), st["lat"].to_numpy(float))
        st["node"], st["snap_m"] = node, dist
        st["on_network"] = dist <= self.snap_settings.max_snap_m
        st["access_s"] = self.snap_settings.access_s(dist)
        st["extra_s"] = st["turnout_s"].to_numpy(float) + st["access_s"].to_numpy(float)
        self._stations = st
        text = ("station_id", "kind", "name", "unit_id", "status")
        self._st = {c: (st[c].astype(str).to_numpy() if c in text else st[c].to_numpy())
                    for c in (*text, "lon", "lat", "turnout_s", "node", "snap_m", "on_network",
                              "access_s", "extra_s") if c in st.columns}

    def off_network_stations(self) -> list[str]:
        """Ids of the stations left out because they are off the road network."""
        st = self._require_stations()
        return st.loc[~st["on_network"], "station_id"].astype(str).tolist()

    def station_warnings(self, *, max_listed: int = 10) -> list[str]:
        """A message naming the stations left out as off the road network (empty if none)."""
        off = self.off_network_stations()
        if not off:
            return []
        more = f" and {len(off) - max_listed} more" if len(off) > max_listed else ""
        return [f"{len(off)} station(s) are more than {self.snap_settings.max_snap_m:.0f} m "
                f"from the road network and were left out: {', '.join(off[:max_listed])}{more}. "
                "Check their coordinates or import roads that cover them."]

    def _require_stations(self) -> pd.DataFrame:
        if self._stations is None:
            raise RoutingError("No stations are loaded; import the registry with stations.")
        return self._stations

    def _candidates(self, exclude_busy: bool,
                    kinds: Collection[str] | None = None) -> np.ndarray:
        """Positions of the stations that may be sent (on the network, not offline/busy,
        of one of ``kinds`` when given)."""
        self._require_stations()
        status = self._st["status"]
        ok = (status == "available") if exclude_busy else (status != "offline")
        if kinds is not None:
            unknown = set(kinds) - set(STATION_KINDS)
            if unknown:
                raise RoutingError(f"Unknown station kind(s) {sorted(unknown)}; use "
                                   f"{', '.join(STATION_KINDS)}.")
            ok = ok & np.isin(self._st["kind"].astype(str), list(kinds))
        cand = np.flatnonzero(ok & self._st["on_network"])
        if cand.size == 0:
            what = f" of kind {', '.join(sorted(kinds))}" if kinds is not None else ""
            raise RoutingError(f"No station{what} is available on the road network (all busy, "
                               "offline or off the network); check station status and "
                               "coordinates.")
        return cand

    # ----------------------------------------------------------------- elevators

    def elevator_record(self, elevator: str | Mapping[str, Any] | pd.Series) -> dict[str, Any]:
        """The registry row of an elevator given by registration or rescue code (or the row)."""
        if not isinstance(elevator, str):
            return dict(elevator)
        frame = self._elevators
        if frame is None:
            raise RoutingError(f"Elevator {elevator}: no elevator registry is loaded.")
        hit = frame.loc[(frame["registration_code"] == elevator)
                        | (frame.get("rescue_code", pd.Series(dtype=object)) == elevator)]
        if hit.empty:
            raise RoutingError(f"Elevator {elevator} is not in the registry; check the "
                               "registration code or 6-digit rescue code.")
        return hit.iloc[0].to_dict()

    def _snap_elevator(self, rec: Mapping[str, Any]) -> tuple[int, float]:
        node, dist = self.snap(float(rec["lon"]), float(rec["lat"]))
        if dist[0] > self.snap_settings.max_snap_m:
            raise RoutingError(
                f"Elevator {rec.get('registration_code', '?')} is {dist[0]:.0f} m from the "
                f"nearest road node (more than {self.snap_settings.max_snap_m:.0f} m): it is "
                "off the road network. Check its coordinates (WGS84?) or import roads that "
                "cover it.")
        return int(node[0]), float(dist[0])

    # ----------------------------------------------------------------- queries

    def rescue_options(self, elevator: str | Mapping[str, Any] | pd.Series, *, k: int = 5,
                       at: dt.datetime | None = None, exclude_busy: bool = True,
                       kinds: Collection[str] | None = None) -> list[RescueOption]:
        """The ``k`` stations with the earliest ETA at an elevator, fastest first.

        ``elevator`` is a registration or rescue code (needs ``elevators``) or a row with
        ``lon``, ``lat``, ``registration_code`` and ``maintenance_unit_id``. Offline stations
        are always excluded, busy ones when ``exclude_busy``; ``kinds`` (e.g.
        ``["maintenance"]``) keeps only those station kinds. A reverse Dijkstra from the
        elevator on the transposed CSR runs with a growing ``limit`` until the k best are
        certain (exact, not a heuristic).

        Raises
        ------
        RoutingError
            Elevator unknown or off the network, no station available, or no available
            station can reach it.
        """
        if k < 1:
            raise RoutingError(f"k must be at least 1, got {k}.")
        rec = self.elevator_record(elevator)
        e_node, e_snap = self._snap_elevator(rec)
        cand = self._candidates(exclude_busy, kinds)
        best_edge, _fwd, rev = self.compiled(at)
        nodes, extra = self._st["node"][cand], self._st["extra_s"][cand]
        net, pred = self._k_search(rev, e_node, nodes, extra, min(k, len(cand)))
        eta = extra + net + self.snap_settings.access_s(e_snap)
        best = [i for i in np.argsort(eta, kind="stable")[:k] if np.isfinite(eta[i])]
        if not best:
            raise RoutingError(f"Elevator {rec.get('registration_code', '?')} cannot be "
                               "reached by road from any available station.")
        return [self._option(rec, int(cand[i]), float(eta[i]), float(net[i]), e_node, e_snap,
                             pred, best_edge) for i in best]

    def _k_search(self, rev: csr_array, e_node: int, nodes: np.ndarray, extra: np.ndarray,
                  k: int) -> tuple[np.ndarray, np.ndarray]:
        limit = self.search_start_s
        while True:
            dist, pred = dijkstra(rev, indices=e_node, limit=limit, return_predecessors=True)
            net = dist[nodes]
            reached = np.isfinite(net)
            bound = limit + extra[~reached].min() if (~reached).any() else np.inf
            if np.isinf(limit) or np.count_nonzero(reached & (net + extra <= bound)) >= k:
                return net, pred
            limit = limit * _GROW if limit < 86_400 else np.inf

    def _option(self, rec: Mapping[str, Any], j: int, eta: float, net: float,
                e_node: int, e_snap: float, pred: np.ndarray, best_edge: np.ndarray
                ) -> RescueOption:
        st = {c: v[j] for c, v in self._st.items()}
        path = [int(st["node"])]
        while path[-1] != e_node:
            path.append(int(pred[path[-1]]))
        edges = self._path_edges(path, best_edge)
        a = self.arrays
        lon, lat = _route_coords(a, edges, e_node)
        coords = [(float(st["lon"]), float(st["lat"])),
                  *zip(lon.tolist(), lat.tolist(), strict=True),
                  (float(rec["lon"]), float(rec["lat"]))]
        kind = str(st["kind"])
        reason, level = _reason(kind, str(st.get("unit_id", "")),
                                str(rec.get("maintenance_unit_id", "")))
        access = float(st["access_s"]) + float(self.snap_settings.access_s(e_snap))
        return RescueOption(
            station_id=str(st["station_id"]), station_kind=kind,
            station_name=str(st.get("name", "")), unit_id=str(st.get("unit_id", "")),
            eta_s=eta, turnout_s=float(st["turnout_s"]), access_s=access, network_time_s=net,
            distance_m=float(a.length_m[edges].sum() + st["snap_m"] + e_snap),
            meets_limit=eta <= self.config.rescue_limit_s(str(rec.get("district_adcode", ""))),
            reason=reason,
            response_level=level, route_nodes=a.node_id[path].tolist(), route_lonlat=coords)

    def _path_edges(self, path: list[int], best: np.ndarray) -> np.ndarray:
        """The fastest edge for each consecutive node pair of a path (positions in arrays)."""
        p = np.asarray(path, dtype=np.int64)
        pos = np.searchsorted(self._pair_keys, p[:-1] * self.arrays.n_nodes + p[1:])
        return best[pos]

    def nearest_stations(self, elevators: pd.DataFrame, *, at: dt.datetime | None = None,
                         exclude_busy: bool = True,
                         kinds: Collection[str] | None = None) -> pd.DataFrame:
        """Fastest station ETA for every elevator at once (one multi-source Dijkstra).

        Each candidate station gets a virtual node joined to its road node by an edge
        weighing its turnout + access time; ``dijkstra(min_only=True)`` from those virtual
        nodes then gives every node its best ETA and which station gives it.

        Returns
        -------
        pandas.DataFrame
            Index as ``elevators``; columns ``eta_s`` (NaN when the elevator is off the
            network, inf when unreachable), ``station_id`` ("" when none), ``snap_m``,
            ``off_network`` (bool), ``meets_limit`` (bool).
        """
        cand = self._candidates(exclude_busy, kinds)
        _w, fwd, _rev = self.compiled(at)
        extra, cand_nodes = self._st["extra_s"][cand], self._st["node"][cand]
        n, m = fwd.shape[0], len(cand)
        aug = csr_array((
            np.concatenate([fwd.data, np.maximum(extra, MIN_EDGE_TIME_S)]),
            np.concatenate([fwd.indices, cand_nodes.astype(np.int32)]),
            np.concatenate([fwd.indptr, fwd.indptr[-1] + np.arange(1, m + 1, dtype=np.int32)]),
        ), shape=(n + m, n + m))
        dist, _pred, source = dijkstra(aug, indices=np.arange(n, n + m), min_only=True,
                                       return_predecessors=True)
        node, snap_m = self.snap(elevators["lon"].to_numpy(float),
                                 elevators["lat"].to_numpy(float))
        off = snap_m > self.snap_settings.max_snap_m
        eta = dist[node] + self.snap_settings.access_s(snap_m)
        eta[off] = np.nan
        src = source[node]
        ids = np.append(self._st["station_id"][cand], "")
        station = ids[np.where((src >= n) & ~off, src - n, m)]
        limits = (self.config.rescue_limits_s(elevators["district_adcode"].to_numpy(str))
                  if "district_adcode" in elevators else self.config.rescue_limit_city_s)
        return pd.DataFrame({"eta_s": eta, "station_id": station, "snap_m": snap_m,
                             "off_network": off, "meets_limit": eta <= limits},
                            index=elevators.index)

    def nearest_station_eta(self, elevators: pd.DataFrame, *, at: dt.datetime | None = None,
                            exclude_busy: bool = True) -> np.ndarray:
        """ETA (s) of the fastest available station for every elevator (see
        :meth:`nearest_stations`; NaN off the network, inf unreachable)."""
        return self.nearest_stations(elevators, at=at,
                                     exclude_busy=exclude_busy)["eta_s"].to_numpy()


def _best_edges(structure: tuple[np.ndarray, ...], weight: np.ndarray) -> np.ndarray:
    """Per unique (tail, head) pair, the position of its fastest edge."""
    order, starts, _indptr, _indices = structure
    best = order[starts[:-1]].copy()
    sizes = np.diff(starts)
    for p in np.flatnonzero(sizes > 1).tolist():  # parallel edges are rare
        group = order[starts[p]:starts[p + 1]]
        best[p] = group[np.argmin(weight[group])]
    return best


def _route_coords(a: RoadArrays, edges: np.ndarray, last_node: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat of a chain of edges: each tail node, its interior vertices, then the end node."""
    lo, hi = a.geom_offsets[edges], a.geom_offsets[edges + 1]
    counts = hi - lo
    head_pos = (np.cumsum(counts + 1) - (counts + 1)).astype(np.int64)
    total = int(counts.sum()) + len(edges)
    lon, lat = np.empty(total + 1), np.empty(total + 1)
    lon[head_pos], lat[head_pos] = a.lon[a.edge_u[edges]], a.lat[a.edge_u[edges]]
    inner = np.ones(total, dtype=bool)
    inner[head_pos] = False
    src = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) \
        + np.repeat(lo, counts)
    lon[:-1][inner], lat[:-1][inner] = a.geom_lon[src], a.geom_lat[src]
    lon[-1], lat[-1] = a.lon[last_node], a.lat[last_node]
    return lon, lat


def _reason(kind: str, station_unit: str, contracted_unit: str) -> tuple[str, int]:
    """Plain reason and three-level-response level of a station for an elevator."""
    if kind == "maintenance":
        if station_unit and station_unit == contracted_unit:
            return "contracted maintainer", 1
        return "other maintainer", 2
    if kind == "fire":
        return "fire station (119)", 3
    return "police station (110)", 3
