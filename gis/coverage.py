"""Coverage gaps and service areas: where no station reaches an elevator within the limit.

Coverage uses the routing engine's ETA (:mod:`gis.routing`)::

    eta_s = turnout_s + access legs + network travel time (at the chosen time of day)

of the fastest *available* station. An elevator is a **gap** when that ETA exceeds the limit,
when no station can reach it by road, or when it lies off the road network (farther than the
snap limit from every road node): none of them can be shown to be covered.

Gaps are counted per district or per user polygon, split by building type and age class.
Service areas are the places a station reaches within 10/20/30 minutes, as polygons built from
a regular grid in the working CRS: a grid cell is reached when the ETA at its centre (snapped to
the network the same way as an elevator) is within the band; reached cells are merged into
row runs and unioned with ``shapely.coverage_union_all``. *Overlap* mode gives each station its
full area; *split* mode gives each place only to its fastest station.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.config import Config
from gis.errors import ConfigError, CrsError, LiftGuardError, RowProblem, ValidationError
from gis.registry import BUILDING_TYPES, STATION_KINDS, Registry, age_class

if TYPE_CHECKING:
    import geopandas as gpd

    from gis.routing import RoutingEngine

Progress = Callable[[float], None]
SERVICE_MINUTES: tuple[int, ...] = (10, 20, 30)


def check_limit_s(limit_s: float) -> float:
    """The limit as float seconds; raises :class:`ConfigError` unless it is positive."""
    value = float(limit_s)
    if not np.isfinite(value) or value <= 0:
        raise ConfigError(f"The rescue time limit must be a positive number of minutes, got "
                          f"{value / 60:g} min; use e.g. --limit 30.")
    return value


def elevator_coverage(engine: RoutingEngine, registry: Registry, *,
                      config: Config | None = None, limit_s: float | None = None,
                      at: dt.datetime | None = None, exclude_busy: bool = True,
                      kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """ETA of the fastest station for every elevator and whether it is a gap.

    ``kinds`` limits the stations to some kinds (e.g. ``["maintenance"]`` for maintenance
    coverage only); ``None`` uses every available station. The ETAs are exactly
    :meth:`RoutingEngine.nearest_stations` (which it calls).

    Returns
    -------
    pandas.DataFrame
        One row per elevator (registry order): ``registration_code``, ``district_adcode``,
        ``building_type``, ``age_class``, ``lon``, ``lat``, ``eta_s`` (NaN off the network, inf
        unreachable), ``station_id``, ``off_network``, ``limit_s`` (the elevator's district
        limit, :meth:`Config.rescue_limits_s`, unless ``limit_s`` is given), ``gap`` (bool).
        ``attrs`` holds ``limit_s`` (the common limit), ``limit_varies`` and ``at``.
    """
    cfg = config or Config()
    el = registry.elevators
    if limit_s is None:  # per district: 30 min in cities, 1 h in counties, overrides
        limit = cfg.rescue_limits_s(el["district_adcode"].astype(str).to_numpy())
    else:
        limit = np.full(len(el), check_limit_s(limit_s))
    if kinds is not None:
        unknown = sorted(set(kinds) - set(STATION_KINDS))
        if unknown:
            raise ConfigError(f"Unknown station kind(s) {', '.join(unknown)}; use "
                              f"{', '.join(STATION_KINDS)}.")
    near = engine.nearest_stations(el, at=at, exclude_busy=exclude_busy, kinds=kinds)
    eta = near["eta_s"].to_numpy("float64")
    off = near["off_network"].to_numpy(bool)
    out = pd.DataFrame({
        "registration_code": el["registration_code"].to_numpy(),
        "district_adcode": el["district_adcode"].astype(str).to_numpy(),
        "building_type": el["building_type"].to_numpy(),
        "age_class": age_class(el, cfg),
        "lon": el["lon"].to_numpy(), "lat": el["lat"].to_numpy(),
        "eta_s": eta, "station_id": near["station_id"].to_numpy(), "off_network": off,
        "limit_s": limit, "gap": off | ~(eta <= limit),
    })
    uniform = len(limit) > 0 and bool((limit == limit[0]).all())
    out.attrs.update(limit_s=float(limit[0]) if uniform else cfg.rescue_limit_city_s,
                     limit_varies=not uniform, at=at.isoformat() if at else None)
    return out


def coverage_by(coverage: pd.DataFrame, groups: pd.Series | np.ndarray | None = None, *,
                names: pd.DataFrame | None = None) -> pd.DataFrame:
    """Gap counts and shares per group, split by building type and age class (+ total row).

    Parameters
    ----------
    coverage
        :func:`elevator_coverage` output, or a subset of its rows (e.g. repeated rows of
        elevators that fall in several polygons).
    groups
        A group label per row; default the district code.
    names
        Optional frame indexed by group with ``name`` (and ``name_en``) columns.

    Returns
    -------
    pandas.DataFrame
        ``group``, (``name``, ``name_en``), ``elevators``, ``gaps``, ``gap_share``,
        ``beyond_limit``, ``off_network``, ``median_eta_min``, then ``gaps_<building type>``
        for every building type and ``gaps_age_<class>`` for every age class.
    """
    key = coverage["district_adcode"] if groups is None else pd.Series(np.asarray(groups))
    key = pd.Series(np.asarray(key, dtype=object), name="group")
    gap = coverage["gap"].to_numpy(bool)
    flags = {"elevators": np.ones(len(gap), dtype=np.int64), "gaps": gap,
             "beyond_limit": gap & ~coverage["off_network"].to_numpy(bool),
             "off_network": coverage["off_network"].to_numpy(bool)}
    btype = coverage["building_type"].astype(str).to_numpy()
    for b in BUILDING_TYPES:
        flags[f"gaps_{b}"] = gap & (btype == b)
    ages = coverage["age_class"]
    age_labels = list(ages.cat.categories) if hasattr(ages, "cat") else sorted(set(ages))
    age_arr = np.asarray(ages, dtype=object)
    for a in age_labels:
        flags[f"gaps_age_{a}"] = gap & (age_arr == a)
    frame = pd.DataFrame(flags)
    frame["group"] = key.to_numpy()
    sums = frame.groupby("group", sort=True).sum().astype("int64")
    sums.loc["total"] = sums.sum()
    eta_min = pd.Series(coverage["eta_s"].to_numpy("float64") / 60.0)
    med = eta_min.groupby(key.to_numpy()).median()
    med.loc["total"] = eta_min.median()
    out = sums.reset_index(names="group")
    with np.errstate(invalid="ignore", divide="ignore"):
        out.insert(3, "gap_share", out["gaps"] / out["elevators"].where(out["elevators"] > 0))
    out.insert(6, "median_eta_min", med.reindex(out["group"]).to_numpy().round(1))
    if names is not None:
        labels = names.reindex(out["group"])
        out.insert(1, "name", labels["name"].fillna(out["group"]).to_numpy())
        if "name_en" in names.columns:
            out.insert(2, "name_en", labels["name_en"].fillna(out["name"]).to_numpy())
        out.loc[out["group"] == "total", ["name"]] = "合计"
        if "name_en" in out.columns:
            out.loc[out["group"] == "total", ["name_en"]] = "Total"
    return out


def district_names(registry: Registry) -> pd.DataFrame:
    """District ``name``/``name_en`` indexed by adcode (for :func:`coverage_by`)."""
    d = registry.districts
    cols = ["name"] + (["name_en"] if "name_en" in d.columns else [])
    return d.set_index(d["adcode"].astype(str))[cols]


# --------------------------------------------------------------------------- user polygons


def read_polygons(path: str | Path, *, crs: str | None = None,
                  name_field: str | None = None) -> gpd.GeoDataFrame:
    """Polygons a user loads (GeoJSON, GeoPackage, Shapefile...) in WGS84 with a ``name``.

    ``crs`` overrides the file's own CRS (Amap exports are tagged WGS84 but hold GCJ-02); a file
    without a CRS needs it. Raises :class:`CrsError` for an unknown or missing CRS or
    coordinates that are not degrees after conversion, :class:`ValidationError` naming the
    feature for empty or non-polygon geometries.
    """
    import geopandas as gpd
    import shapely

    from gis.crs import gdf_to_wgs84

    path = Path(path)
    if not path.is_file():
        raise LiftGuardError(f"Polygon file {path} does not exist; check the path.")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several unrelated types for unreadable files
        raise LiftGuardError(f"Cannot read polygon file {path}: {exc}. Use GeoJSON, "
                             "GeoPackage or a Shapefile.") from exc
    if gdf.empty:
        raise LiftGuardError(f"Polygon file {path} holds no features.")
    if crs is not None:
        try:
            gdf = gdf_to_wgs84(gdf, crs)
        except CrsError as exc:
            raise CrsError(f"{path}: {exc}") from exc
    elif gdf.crs is None:
        raise CrsError(f"Polygon file {path} does not say which coordinate system it is in; "
                       "pass --crs (e.g. wgs84, gcj02, EPSG:4490, EPSG:32651).")
    else:
        try:
            gdf = gdf.to_crs(4326)
        except Exception as exc:
            raise CrsError(f"Polygon file {path} is in a coordinate system PROJ cannot "
                           f"convert ({gdf.crs}); pass --crs with an EPSG code.") from exc
    geom = gdf.geometry.to_numpy()
    kind = shapely.get_type_id(geom)
    bad = shapely.is_missing(geom) | shapely.is_empty(geom) | ~np.isin(kind, (3, 6))
    problems = [RowProblem(str(path), int(i) + 1, "geometry", "not a polygon or empty")
                for i in np.flatnonzero(bad)]
    if problems:
        raise ValidationError(problems)
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise CrsError(f"Coordinates in {path} are not longitude/latitude degrees after "
                       f"conversion (bounds {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}); "
                       "pass --crs with the file's real coordinate system.")
    field = name_field or next((c for c in ("name", "名称", "NAME", "Name") if c in gdf.columns),
                               None)
    if name_field and name_field not in gdf.columns:
        raise ConfigError(f"Polygon file {path} has no field {name_field!r}; fields: "
                          f"{', '.join(map(str, gdf.columns.drop('geometry')))}.")
    names = (gdf[field].astype(str) if field else
             pd.Series([f"polygon {i + 1}" for i in range(len(gdf))], index=gdf.index))
    out = gpd.GeoDataFrame({"name": names.to_numpy()},
                           geometry=shapely.make_valid(geom), crs="EPSG:4326")
    return out


def polygon_membership(lon: np.ndarray, lat: np.ndarray, polygons: gpd.GeoDataFrame
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(point index, polygon index) pairs for points inside polygons (a point may be in
    several overlapping polygons). Uses an STRtree; vectorised."""
    import shapely

    tree = shapely.STRtree(polygons.geometry.to_numpy())
    pts = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
    pairs = tree.query(pts, predicate="intersects")
    return pairs[0], pairs[1]


def coverage_by_polygons(coverage: pd.DataFrame, polygons: gpd.GeoDataFrame) -> pd.DataFrame:
    """:func:`coverage_by` for user polygons; every polygon gets a row (zeros if empty)."""
    pt, poly = polygon_membership(coverage["lon"].to_numpy(), coverage["lat"].to_numpy(),
                                  polygons)
    labels = polygons["name"].astype(str).to_numpy()
    # Same names would merge rows; make them unique by their feature number.
    dup = pd.Series(labels).duplicated(keep=False).to_numpy()
    labels = np.where(dup, [f"{n} #{i + 1}" for i, n in enumerate(labels)], labels)
    table = coverage_by(coverage.iloc[pt].reset_index(drop=True), labels[poly])
    body = table[table["group"] != "total"].set_index("group").reindex(labels)
    ints = [c for c in body.columns if c not in ("gap_share", "median_eta_min")]
    body[ints] = body[ints].fillna(0).astype("int64")
    body = body.reset_index(names="group")
    return pd.concat([body, table[table["group"] == "total"]], ignore_index=True)


# --------------------------------------------------------------------------- service areas


def _station_sources(engine: RoutingEngine, stations: pd.DataFrame, *, exclude_busy: bool
                     ) -> pd.DataFrame:
    """Available stations on the network with their road node and turnout + access time."""
    allowed = ["available"] if exclude_busy else ["available", "busy"]
    st = stations.loc[stations["status"].astype(str).isin(allowed)].reset_index(drop=True)
    node, snap_m = engine.snap(st["lon"].to_numpy(float), st["lat"].to_numpy(float))
    st = st.assign(node=node, snap_m=snap_m)
    st = st.loc[snap_m <= engine.snap_settings.max_snap_m].reset_index(drop=True)
    st["extra_s"] = st["turnout_s"].to_numpy(float) + np.asarray(
        engine.snap_settings.access_s(st["snap_m"].to_numpy(float)))
    if st.empty:
        raise LiftGuardError("No available station lies on the road network; service areas "
                             "need at least one. Check station status and coordinates.")
    return st


class _Grid:
    """A regular grid over the road network in the working CRS, snapped like elevators."""

    def __init__(self, engine: RoutingEngine, cell_m: float) -> None:
        from gis.crs import project, unproject

        a = engine.arrays
        x, y = project(a.lon, a.lat, engine.epsg)
        pad = engine.snap_settings.max_snap_m
        self.x0, self.y0 = float(x.min() - pad), float(y.min() - pad)
        self.nx = int(np.ceil((x.max() + pad - self.x0) / cell_m))
        self.ny = int(np.ceil((y.max() + pad - self.y0) / cell_m))
        self.cell_m, self.epsg = cell_m, engine.epsg
        cx = self.x0 + (np.arange(self.nx) + 0.5) * cell_m
        cy = self.y0 + (np.arange(self.ny) + 0.5) * cell_m
        gx, gy = np.meshgrid(cx, cy)
        lon, lat = unproject(gx.ravel(), gy.ravel(), self.epsg)
        node, snap_m = engine.snap(lon, lat)
        keep = snap_m <= engine.snap_settings.max_snap_m
        self.cells = np.flatnonzero(keep)
        self.node = node[keep]
        self.access_s = np.asarray(engine.snap_settings.access_s(snap_m[keep]))

    def polygon(self, cells: np.ndarray) -> Any:
        """Union of the given (sorted) flat cell indices, in WGS84."""
        import shapely

        from gis.crs import unproject

        if cells.size == 0:
            return shapely.Polygon()
        brk = np.ones(cells.size, dtype=bool)
        brk[1:] = (cells[1:] != cells[:-1] + 1) | (cells[1:] % self.nx == 0)
        first = np.flatnonzero(brk)
        starts, ends = cells[first], cells[np.append(first[1:] - 1, cells.size - 1)]
        row, c0, c1 = starts // self.nx, starts % self.nx, ends % self.nx + 1
        s = self.cell_m
        boxes = shapely.box(self.x0 + c0 * s, self.y0 + row * s, self.x0 + c1 * s,
                            self.y0 + (row + 1) * s)
        # coverage_union_all is fast for edge-sharing boxes but boxes touching at a corner can
        # leave self-touching rings: repair, simplify the staircase, repair again.
        merged = shapely.make_valid(shapely.coverage_union_all(boxes))
        merged = shapely.make_valid(shapely.simplify(merged, s * 0.25))
        if merged.geom_type == "GeometryCollection":
            merged = shapely.union_all([g for g in merged.geoms
                                        if g.geom_type in ("Polygon", "MultiPolygon")])

        def to_lonlat(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(unproject(xy[:, 0], xy[:, 1], self.epsg))

        return shapely.transform(merged, to_lonlat)


def service_areas(engine: RoutingEngine, stations: pd.DataFrame, *,
                  minutes: Sequence[float] = SERVICE_MINUTES, mode: str = "overlap",
                  at: dt.datetime | None = None, cell_m: float = 250.0,
                  exclude_busy: bool = True, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> gpd.GeoDataFrame:
    """Service-area polygons per station and band (WGS84).

    Parameters
    ----------
    stations
        Registry station frame; busy/offline and off-network stations are left out.
    minutes
        Bands in minutes of ETA (default 10, 20, 30). Areas are cumulative: the 30-minute area
        contains the 20-minute one.
    mode
        ``"overlap"``: every station its own full area (areas of neighbours overlap);
        ``"split"``: each grid cell only to its fastest station (areas tile the city).
    cell_m
        Grid resolution in metres (default 250).

    Returns
    -------
    geopandas.GeoDataFrame
        ``station_id``, ``kind``, ``name``, ``minutes``, ``area_km2``, ``geometry``; empty areas
        are dropped; larger bands first so that drawing in order shows every band.
    """
    import geopandas as gpd
    from scipy.sparse.csgraph import dijkstra

    if mode not in ("overlap", "split"):
        raise ConfigError(f"Service-area mode must be 'overlap' or 'split', got {mode!r}.")
    bands = sorted(float(m) for m in minutes)
    if not bands or bands[0] <= 0:
        raise ConfigError("Service-area bands must be positive minutes, e.g. 10 20 30.")
    if cell_m <= 0:
        raise ConfigError(f"cell_m must be positive, got {cell_m}.")
    report, stop = progress or (lambda f: None), cancelled or (lambda: False)
    st = _station_sources(engine, stations, exclude_busy=exclude_busy)
    grid = _Grid(engine, float(cell_m))
    _w, fwd, _rev = engine.compiled(at)
    limit_s = bands[-1] * 60.0
    rows: list[dict[str, Any]] = []
    if mode == "split":
        eta, owner = _fastest_station(fwd, st, limit_s)
        cell_eta = eta[grid.node] + grid.access_s
        cell_owner = owner[grid.node]
        for b in bands:
            ok = cell_eta <= b * 60.0
            order = np.lexsort((grid.cells[ok], cell_owner[ok]))
            cells, own = grid.cells[ok][order], cell_owner[ok][order]
            cuts = np.flatnonzero(np.diff(own)) + 1
            for grp in np.split(np.arange(cells.size), cuts):
                if grp.size:
                    rows.append(_row(st.iloc[int(own[grp[0]])], b, grid.polygon(cells[grp])))
            if stop():
                from gis.errors import Cancelled
                raise Cancelled("Service areas cancelled; nothing was kept.")
        report(1.0)
    else:
        chunk = 32
        for lo in range(0, len(st), chunk):
            part = st.iloc[lo:lo + chunk]
            dist = dijkstra(fwd, indices=part["node"].to_numpy(),
                            limit=max(0.0, limit_s - part["extra_s"].min()))
            for j in range(len(part)):
                cell_eta = part["extra_s"].iloc[j] + dist[j, grid.node] + grid.access_s
                for b in bands:
                    cells = grid.cells[cell_eta <= b * 60.0]
                    rows.append(_row(part.iloc[j], b, grid.polygon(cells)))
            if stop():
                from gis.errors import Cancelled
                raise Cancelled("Service areas cancelled; nothing was kept.")
            report(min(1.0, (lo + chunk) / len(st)))
    out = gpd.GeoDataFrame(rows, columns=["station_id", "kind", "name", "minutes", "geometry"],
                           geometry="geometry", crs="EPSG:4326")
    out = out.loc[~out.geometry.is_empty].sort_values(
        ["minutes", "station_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.insert(4, "area_km2", (out.to_crs(grid.epsg).area / 1e6).round(2).to_numpy())
    out.attrs.update(mode=mode, cell_m=cell_m, at=at.isoformat() if at else None)
    return out


def _row(station: pd.Series, minutes: float, geometry: Any) -> dict[str, Any]:
    return {"station_id": str(station["station_id"]), "kind": str(station["kind"]),
            "name": str(station.get("name", "")), "minutes": minutes, "geometry": geometry}


def _fastest_station(fwd: Any, st: pd.DataFrame, limit_s: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """ETA of the fastest station at every node and its position in ``st`` (-1 if none),
    by one multi-source Dijkstra from virtual nodes carrying each station's turnout+access."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    from gis.roads import MIN_EDGE_TIME_S

    n, m = fwd.shape[0], len(st)
    aug = csr_array((
        np.concatenate([fwd.data, np.maximum(st["extra_s"].to_numpy(float), MIN_EDGE_TIME_S)]),
        np.concatenate([fwd.indices, st["node"].to_numpy().astype(fwd.indices.dtype)]),
        np.concatenate([fwd.indptr, fwd.indptr[-1] + np.arange(1, m + 1,
                                                                 dtype=fwd.indptr.dtype)]),
    ), shape=(n + m, n + m))
    dist, _pred, source = dijkstra(aug, indices=np.arange(n, n + m), min_only=True,
                                   return_predecessors=True, limit=limit_s)
    owner = np.where(source[:n] >= n, source[:n] - n, -1)
    return dist[:n], owner
