"""Coordinate systems used for Chinese maps, and the projected working CRS for distances.

Four geographic systems meet in a Chinese command centre:

* **WGS84** (EPSG:4326): GPS, OpenStreetMap.
* **CGCS2000** (EPSG:4490): official surveying and Tianditu. Treated here as *equal* to WGS84:
  the two differ by centimetres, far below anything an emergency dispatcher can see.
* **GCJ-02** (Amap, Tencent): WGS84 with an obfuscating offset of several hundred metres that
  PROJ does not know. Implemented from the published standard algorithm (Krasovsky ellipsoid,
  ``a = 6378245.0``, ``ee = 0.00669342162296594323``); it applies only inside the standard
  "China rectangle" (lon 72.004-137.8347, lat 0.8293-55.8271), points outside pass unchanged.
* **BD-09** (Baidu): a further rotation-and-scale offset on top of GCJ-02.

The inverses (GCJ-02 -> WGS84, BD-09 -> GCJ-02) have no closed form; they are solved by a
vectorised fixed-point iteration that converges to millimetres in a few steps.

Distances are never computed in degrees: :func:`working_epsg_for` picks the UTM zone of a city
and :func:`project` / :func:`unproject` convert to and from metres with cached pyproj
transformers.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from gis.errors import CrsError

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import Transformer

CRS_NAMES = ("wgs84", "cgcs2000", "gcj02", "bd09")

_ALIASES = {
    "wgs84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
    "cgcs2000": "cgcs2000", "epsg:4490": "cgcs2000", "4490": "cgcs2000",
    "gcj02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02", "mars": "gcj02",
    "bd09": "bd09", "bd09ll": "bd09", "baidu": "bd09",
}
# EPSG code a GeoSeries/GeoDataFrame gets after conversion; GCJ-02 and BD-09 have none.
_EPSG_OF = {"wgs84": 4326, "cgcs2000": 4490, "gcj02": None, "bd09": None}

_A_KRASOVSKY = 6378245.0
_EE_KRASOVSKY = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_INVERSE_TOL_DEG = 1e-9  # ~0.1 mm; iterations stop once no point moved more than this
_INVERSE_MAX_ITER = 20

FloatArray = np.ndarray


def normalise_crs_name(name: str) -> str:
    """Return the canonical name in :data:`CRS_NAMES` for ``name``.

    Case, spaces, ``-`` and ``_`` are ignored, so ``"GCJ-02"``, ``"gcj_02"`` and ``"gcj02"`` are
    the same; ``"EPSG:4326"`` means WGS84 and ``"EPSG:4490"`` CGCS2000.

    Raises
    ------
    CrsError
        If the name is not one of the four systems, listing the accepted names.
    """
    key = "".join(str(name).lower().split()).replace("-", "").replace("_", "")
    if key in _ALIASES:
        return _ALIASES[key]
    raise CrsError(
        f"Unknown coordinate system {name!r}. Use one of: {', '.join(CRS_NAMES)} "
        "(also accepted: EPSG:4326, EPSG:4490, GCJ-02, BD-09)."
    )


def _as_float_arrays(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, dtype=np.float64),
                                       np.asarray(lat, dtype=np.float64))
    return lon_a, lat_a


def _outside_china(lon: FloatArray, lat: FloatArray) -> FloatArray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _sin_pair(t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``sin(t)`` and ``sin(3 t)`` with one transcendental call (triple-angle identity)."""
    s = np.sin(t)
    return s, s * (3.0 - 4.0 * s * s)


def _gcj02_offset_deg(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS84 in degrees at a WGS84 point (zero outside China).

    The standard formula, with sin(6 pi x) and sin(pi x) derived from sin(2 pi x) and
    sin(pi x / 3) and the cosine from the sine: 8 trig calls instead of 12 (the hot path).
    """
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    s2x, s6x = _sin_pair(2.0 * np.pi * x)
    sx3, sx = _sin_pair(np.pi / 3.0 * x)
    sy3, sy = _sin_pair(np.pi / 3.0 * y)
    common = 20.0 * s6x + 20.0 * s2x
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
            + (common + 20.0 * sy + 40.0 * sy3
               + 160.0 * np.sin(np.pi / 12.0 * y) + 320.0 * np.sin(np.pi / 30.0 * y)) * (2.0 / 3.0))
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
            + (common + 20.0 * sx + 40.0 * sx3
               + 150.0 * np.sin(np.pi / 12.0 * x) + 300.0 * np.sin(np.pi / 30.0 * x)) * (2.0 / 3.0))
    sin2_lat = np.sin(np.radians(lat)) ** 2
    magic = 1.0 - _EE_KRASOVSKY * sin2_lat
    sqrt_magic = np.sqrt(magic)
    cos_lat = np.sqrt(1.0 - sin2_lat)  # latitude is within +-90 degrees, so cos >= 0
    dlat = dlat * 180.0 / ((_A_KRASOVSKY * (1.0 - _EE_KRASOVSKY)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A_KRASOVSKY / sqrt_magic * cos_lat * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _invert(forward: Any, lon: FloatArray, lat: FloatArray,
            lon0: FloatArray, lat0: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(p) == (lon, lat)`` for p by fixed-point iteration from ``(lon0, lat0)``.

    Both offsets vary by far less than 1 per degree, so each step shrinks the error by orders
    of magnitude; all points are iterated together as arrays.
    """
    p_lon, p_lat = lon0.copy(), lat0.copy()
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = forward(p_lon, p_lat)
        step_lon, step_lat = lon - f_lon, lat - f_lat
        p_lon += step_lon
        p_lat += step_lat
        if not (np.any(np.abs(step_lon) > _INVERSE_TOL_DEG)  # NaN compares False: ignored
                or np.any(np.abs(step_lat) > _INVERSE_TOL_DEG)):
            break
    return p_lon, p_lat


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """WGS84 -> GCJ-02 in degrees; points outside China are returned unchanged."""
    lon_a, lat_a = _as_float_arrays(lon, lat)
    dlon, dlat = _gcj02_offset_deg(lon_a, lat_a)
    return lon_a + dlon, lat_a + dlat


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 -> WGS84 in degrees by iterative inversion (residual well under a millimetre)."""
    lon_a, lat_a = _as_float_arrays(lon, lat)
    dlon, dlat = _gcj02_offset_deg(lon_a, lat_a)
    return _invert(wgs84_to_gcj02, lon_a, lat_a, lon_a - dlon, lat_a - dlat)


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 -> BD-09 in degrees (Baidu's published rotation-and-scale formula)."""
    x, y = _as_float_arrays(lon, lat)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """BD-09 -> GCJ-02 in degrees: the usual closed-form estimate, refined by iteration.

    The closed form alone is off by up to about 0.2 m across China; the refinement makes
    ``gcj02_to_bd09(bd09_to_gcj02(p)) == p`` to well under a millimetre.
    """
    lon_a, lat_a = _as_float_arrays(lon, lat)
    x, y = lon_a - 0.0065, lat_a - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lon_a, lat_a, z * np.cos(theta), z * np.sin(theta))


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """WGS84 -> BD-09 in degrees (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """BD-09 -> WGS84 in degrees (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _identity(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = _as_float_arrays(lon, lat)
    return lon_a.copy(), lat_a.copy()


_TO_WGS84 = {"wgs84": _identity, "cgcs2000": _identity, "gcj02": gcj02_to_wgs84,
             "bd09": bd09_to_wgs84}
_FROM_WGS84 = {"wgs84": _identity, "cgcs2000": _identity, "gcj02": wgs84_to_gcj02,
               "bd09": wgs84_to_bd09}


def to_wgs84(lon: Any, lat: Any, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert lon/lat in degrees from ``crs`` (any name :func:`normalise_crs_name` accepts)."""
    return _TO_WGS84[normalise_crs_name(crs)](lon, lat)


def from_wgs84(lon: Any, lat: Any, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 lon/lat in degrees to ``crs``."""
    return _FROM_WGS84[normalise_crs_name(crs)](lon, lat)


def convert(lon: Any, lat: Any, src: str, dst: str) -> tuple[FloatArray, FloatArray]:
    """Convert lon/lat in degrees between any two of :data:`CRS_NAMES` (via WGS84)."""
    src_n, dst_n = normalise_crs_name(src), normalise_crs_name(dst)
    if src_n == dst_n:
        return _identity(lon, lat)
    if {src_n, dst_n} == {"gcj02", "bd09"}:  # direct, skips a needless WGS84 round trip
        return (gcj02_to_bd09 if src_n == "gcj02" else bd09_to_gcj02)(lon, lat)
    return from_wgs84(*to_wgs84(lon, lat, src_n), dst_n)


def transform_geometries(geoms: Any, src: str, dst: str) -> Any:
    """Convert the vertices of shapely geometries between two of :data:`CRS_NAMES`.

    Parameters
    ----------
    geoms
        A shapely geometry, an array of them, or a GeoSeries (z values are dropped).
    src, dst
        Source and destination system names.

    Returns
    -------
    Same kind as the input. A GeoSeries keeps its index and gets ``crs`` EPSG:4326 (wgs84),
    EPSG:4490 (cgcs2000) or None (gcj02/bd09, which have no EPSG code).
    """
    import shapely

    src_n, dst_n = normalise_crs_name(src), normalise_crs_name(dst)

    def convert_xy(xy: FloatArray) -> FloatArray:
        lon, lat = convert(xy[:, 0], xy[:, 1], src_n, dst_n)
        return np.column_stack([lon, lat])

    if hasattr(geoms, "geometry") and hasattr(geoms, "index"):  # GeoSeries
        import geopandas as gpd

        out = shapely.transform(np.asarray(geoms.values, dtype=object), convert_xy)
        return gpd.GeoSeries(out, index=geoms.index, crs=_EPSG_OF[dst_n])
    return shapely.transform(geoms, convert_xy)


def gdf_to_wgs84(gdf: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in WGS84 (crs EPSG:4326), given the CRS its coordinates are in.

    ``crs`` overrides whatever ``gdf.crs`` says, because Amap/Baidu exports are routinely
    *tagged* EPSG:4326 while holding GCJ-02/BD-09 coordinates. ``"gcj02"``/``"bd09"`` use the
    formulas above; anything else pyproj knows (``"EPSG:3857"``, ``"EPSG:32651"``...) uses
    ``to_crs``; CGCS2000 is relabelled without moving (centimetre-level difference).

    Raises
    ------
    CrsError
        If ``crs`` is neither one of the four names nor a CRS pyproj knows.
    """
    try:
        name: str | None = normalise_crs_name(crs)
    except CrsError:
        name = None
    if name is not None:
        out = gdf.copy()
        out = out.set_geometry(transform_geometries(gdf.geometry, name, "wgs84"))
        return out.set_crs(4326, allow_override=True)
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCrsError

    try:
        src = CRS.from_user_input(crs)
    except ProjCrsError as exc:
        raise CrsError(
            f"Unknown coordinate system {crs!r}: not one of {', '.join(CRS_NAMES)} and not "
            "known to PROJ. Give an EPSG code such as 'EPSG:4326' or one of those names."
        ) from exc
    return gdf.set_crs(src, allow_override=True).to_crs(4326)


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone containing ``(lon, lat)``: 326zz north, 327zz south.

    The Norway/Svalbard zone exceptions are ignored (no Chinese city is affected).
    """
    if not (np.isfinite(lon) and np.isfinite(lat) and -180.0 <= lon <= 180.0
            and -90.0 <= lat <= 90.0):
        raise CrsError(
            f"Cannot choose a UTM zone for lon={lon!r}, lat={lat!r}: longitude must be in "
            "[-180, 180] and latitude in [-90, 90] degrees. Check that lon/lat are not swapped."
        )
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return (32600 if lat >= 0.0 else 32700) + zone


def working_epsg_for(lon: Any, lat: Any) -> int:
    """The UTM working CRS for a set of points, from their median longitude and latitude.

    NaNs are ignored; raises :class:`CrsError` if no point has coordinates.
    """
    lon_a, lat_a = _as_float_arrays(lon, lat)
    ok = np.isfinite(lon_a) & np.isfinite(lat_a)
    if not ok.any():
        raise CrsError("Cannot choose a working CRS: no point has valid coordinates. "
                       "Import data with lon/lat first.")
    return utm_epsg(float(np.median(lon_a[ok])), float(np.median(lat_a[ok])))


_PER_THREAD = threading.local()


def _transformer(epsg: int, *, inverse: bool) -> Transformer:
    """A cached Transformer for this thread.

    pyproj Transformers are bound to the PROJ context of the thread that made them and are not
    thread-safe: sharing one across QThreadPool workers crashed the process. So the cache is
    per thread (a worker thread builds its own once, ~1 ms).
    """
    cache: dict[tuple[int, bool], Transformer] = _PER_THREAD.__dict__.setdefault("cache", {})
    key = (epsg, inverse)
    if key not in cache:
        cache[key] = _make_transformer(epsg, inverse=inverse)
    return cache[key]


def _make_transformer(epsg: int, *, inverse: bool) -> Transformer:
    from pyproj import Transformer
    from pyproj.exceptions import CRSError as ProjCrsError

    try:
        if inverse:
            return Transformer.from_crs(epsg, 4326, always_xy=True)
        return Transformer.from_crs(4326, epsg, always_xy=True)
    except ProjCrsError as exc:
        raise CrsError(f"EPSG:{epsg} is not known to PROJ; use a projected EPSG code such as "
                       "32651 (UTM 51N, Shanghai).") from exc


def project(lon: Any, lat: Any, epsg: int) -> tuple[FloatArray, FloatArray]:
    """WGS84 lon/lat in degrees -> x/y in the units of ``epsg`` (metres for UTM)."""
    lon_a, lat_a = _as_float_arrays(lon, lat)
    x, y = _transformer(int(epsg), inverse=False).transform(lon_a, lat_a)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def unproject(x: Any, y: Any, epsg: int) -> tuple[FloatArray, FloatArray]:
    """x/y in ``epsg`` -> WGS84 lon/lat in degrees (inverse of :func:`project`)."""
    x_a, y_a = _as_float_arrays(x, y)
    lon, lat = _transformer(int(epsg), inverse=True).transform(x_a, y_a)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
