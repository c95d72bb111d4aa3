"""Tests for gis.crs: China's coordinate systems, round-trip accuracy, UTM working CRS."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from gis import crs
from gis.errors import CrsError

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
DISTRICTS_GCJ02 = DATA / "boundaries" / "shanghai_districts_amap_gcj02.geojson"
DISTRICTS_WGS84 = DATA / "boundaries" / "shanghai_districts_amap_wgs84.geojson"

GEOD = Geod(ellps="WGS84")
MAX_ROUND_TRIP_M = 0.5

# Published test vectors of the standard algorithm (googollee/eviltransform test suite):
# (wgs_lon, wgs_lat, gcj_lon, gcj_lat).
EVILTRANSFORM_VECTORS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]


def distance_m(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.fixture(scope="module")
def china_grid() -> tuple[np.ndarray, np.ndarray]:
    """200k random points plus a regular 0.25-degree grid over China's bounding box."""
    rng = np.random.default_rng(20240501)
    n = 200_000
    glon, glat = np.meshgrid(np.arange(73.0, 135.0001, 0.25), np.arange(18.0, 53.0001, 0.25))
    lon = np.concatenate([rng.uniform(73.0, 135.0, n), glon.ravel()])
    lat = np.concatenate([rng.uniform(18.0, 53.0, n), glat.ravel()])
    return lon, lat


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "expected"),
    [("WGS84", "wgs84"), ("wgs 84", "wgs84"), ("EPSG:4326", "wgs84"), ("epsg:4490", "cgcs2000"),
     ("CGCS2000", "cgcs2000"), ("GCJ-02", "gcj02"), ("gcj02", "gcj02"), ("gcj_02", "gcj02"),
     ("BD-09", "bd09"), ("bd09", "bd09"), ("Baidu", "bd09")],
)
def test_normalise_crs_name_accepts_aliases(name: str, expected: str) -> None:
    assert crs.normalise_crs_name(name) == expected
    assert expected in crs.CRS_NAMES


@pytest.mark.parametrize("name", ["mercator", "EPSG:3857", "", "gcj03"])
def test_unknown_crs_name_raises_with_value_and_accepted_names(name: str) -> None:
    with pytest.raises(CrsError) as info:
        crs.normalise_crs_name(name)
    message = str(info.value)
    assert repr(name) in message
    assert all(known in message for known in crs.CRS_NAMES)


def test_to_and_from_wgs84_reject_unknown_crs() -> None:
    with pytest.raises(CrsError, match="sk42"):
        crs.to_wgs84(121.0, 31.0, "sk42")
    with pytest.raises(CrsError, match="sk42"):
        crs.from_wgs84(121.0, 31.0, "sk42")


# --- reference values ------------------------------------------------------------------------

@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM_VECTORS)
def test_wgs84_to_gcj02_matches_published_vectors(
    wlon: float, wlat: float, glon: float, glat: float
) -> None:
    lon, lat = crs.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)
    back_lon, back_lat = crs.gcj02_to_wgs84(glon, glat)
    assert distance_m(back_lon, back_lat, wlon, wlat) < 0.01


def test_peoples_square_offset_matches_provenance_note() -> None:
    # PROVENANCE.md: near People's Square GCJ-02 is about +0.0045 lon, -0.0019 lat, ~480 m.
    wlon, wlat = 121.4737, 31.2304
    glon, glat = crs.wgs84_to_gcj02(wlon, wlat)
    assert glon - wlon == pytest.approx(0.0045, abs=0.0002)
    assert glat - wlat == pytest.approx(-0.0019, abs=0.0002)
    assert 430.0 < distance_m(wlon, wlat, glon, glat) < 530.0


def test_gcj02_bd09_match_published_values() -> None:
    # wandergis/coordtransform README example (Beijing) and hujiulong/gcoord unit test.
    lon, lat = crs.gcj02_to_bd09(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-9)
    lon, lat = crs.gcj02_to_bd09(123.0, 45.0)
    assert (lon, lat) == pytest.approx((123.00636499, 45.00636899), abs=1e-7)
    # Their BD-09 -> GCJ-02 is the closed-form estimate; ours refines it by a few centimetres.
    lon, lat = crs.bd09_to_gcj02(116.404, 39.915)
    assert distance_m(lon, lat, 116.39762729119315, 39.90865673957631) < 0.3
    lon, lat = crs.wgs84_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)


# --- round trips across China ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(crs.wgs84_to_gcj02, crs.gcj02_to_wgs84), (crs.wgs84_to_bd09, crs.bd09_to_wgs84),
     (crs.gcj02_to_bd09, crs.bd09_to_gcj02)],
    ids=["wgs84-gcj02", "wgs84-bd09", "gcj02-bd09"],
)
def test_round_trips_stay_under_half_a_metre_across_china(
    china_grid: tuple[np.ndarray, np.ndarray], forward: object, inverse: object
) -> None:
    lon, lat = china_grid
    there = forward(lon, lat)  # type: ignore[operator]
    # The offsets are real (hundreds of metres), so a no-op implementation cannot pass.
    assert np.median(distance_m(lon, lat, *there)) > 50.0
    back_lon, back_lat = inverse(*there)  # type: ignore[operator]
    assert distance_m(lon, lat, back_lon, back_lat).max() < MAX_ROUND_TRIP_M
    # And the other way round: inverse first, then forward.
    again = forward(*inverse(lon, lat))  # type: ignore[operator]
    assert distance_m(lon, lat, *again).max() < MAX_ROUND_TRIP_M


def test_to_from_wgs84_dispatch_and_cgcs2000_is_wgs84() -> None:
    lon, lat = np.array([121.4737, 87.6168]), np.array([31.2304, 43.8256])
    for name in crs.CRS_NAMES:
        back = crs.to_wgs84(*crs.from_wgs84(lon, lat, name), name)
        assert distance_m(lon, lat, *back).max() < MAX_ROUND_TRIP_M
    np.testing.assert_array_equal(crs.from_wgs84(lon, lat, "EPSG:4490")[0], lon)
    np.testing.assert_array_equal(crs.to_wgs84(lon, lat, "gcj02")[0],
                                  crs.gcj02_to_wgs84(lon, lat)[0])
    np.testing.assert_array_equal(crs.convert(lon, lat, "gcj02", "bd09")[1],
                                  crs.gcj02_to_bd09(lon, lat)[1])


def test_points_outside_china_are_unchanged() -> None:
    lon = np.array([2.35, -74.0, 139.69, 100.5, 121.0, 121.0])
    lat = np.array([48.86, 40.7, 35.69, 0.5, 56.0, -33.9])  # Paris, NYC, Tokyo, south, north
    for func in (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84):
        out_lon, out_lat = func(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)


def test_functions_take_scalars_and_arrays_and_return_float64() -> None:
    lon, lat = crs.wgs84_to_gcj02(121, 31)  # ints
    assert lon.dtype == np.float64 and lon.shape == () and lat.dtype == np.float64
    grid_lon, grid_lat = np.meshgrid([120.0, 121.0, 122.0], [30.0, 31.0])
    out_lon, out_lat = crs.bd09_to_wgs84(grid_lon, grid_lat)
    assert out_lon.shape == (2, 3) and out_lat.dtype == np.float64
    nan_lon, nan_lat = crs.gcj02_to_wgs84(np.array([np.nan, 121.0]), np.array([np.nan, 31.0]))
    assert np.isnan(nan_lon[0]) and np.isfinite(nan_lon[1]) and np.isfinite(nan_lat[1])
    assert crs.gcj02_to_wgs84(np.array([]), np.array([]))[0].shape == (0,)


# --- geometries ------------------------------------------------------------------------------

def test_shanghai_districts_gcj02_to_wgs84_match_shared_file() -> None:
    gcj = gpd.read_file(DISTRICTS_GCJ02)
    ref = gpd.read_file(DISTRICTS_WGS84)
    assert list(gcj["adcode"]) == list(ref["adcode"])
    out = crs.transform_geometries(gcj.geometry, "GCJ-02", "WGS84")
    assert isinstance(out, gpd.GeoSeries) and out.crs.to_epsg() == 4326
    assert out.index.equals(gcj.index)
    got = shapely.get_coordinates(out.values)
    want = shapely.get_coordinates(ref.geometry.values)
    assert got.shape == want.shape
    assert distance_m(got[:, 0], got[:, 1], want[:, 0], want[:, 1]).max() < 1.0
    # The source really moved (~480 m), so a no-op would fail above.
    src = shapely.get_coordinates(gcj.geometry.values)
    assert np.median(distance_m(src[:, 0], src[:, 1], want[:, 0], want[:, 1])) > 300.0


def test_transform_geometries_plain_arrays_and_single_geometry() -> None:
    point = shapely.Point(121.4737, 31.2304)
    moved = crs.transform_geometries(point, "wgs84", "bd09")
    assert moved.x == pytest.approx(float(crs.wgs84_to_bd09(121.4737, 31.2304)[0]))
    arr = crs.transform_geometries(np.array([point, None], dtype=object), "wgs84", "gcj02")
    assert isinstance(arr, np.ndarray) and arr[1] is None
    series = crs.transform_geometries(gpd.GeoSeries([point], crs=4326), "wgs84", "gcj02")
    assert series.crs is None  # GCJ-02 has no EPSG code; do not pretend it is 4326


def test_gdf_to_wgs84_formulas_pyproj_and_errors() -> None:
    gcj = gpd.read_file(DISTRICTS_GCJ02)
    ref = gpd.read_file(DISTRICTS_WGS84)
    out = crs.gdf_to_wgs84(gcj, "gcj02")
    assert out.crs.to_epsg() == 4326 and list(out.columns) == list(gcj.columns)
    untouched = gpd.read_file(DISTRICTS_GCJ02).geometry.iloc[0]
    assert out is not gcj and gcj.geometry.iloc[0].equals(untouched)
    metric_out, metric_ref = out.to_crs(32651), ref.to_crs(32651)
    iou = metric_out.intersection(metric_ref).area / metric_out.union(metric_ref).area
    assert iou.min() > 0.999

    lon, lat = np.array([121.4737, 121.5]), np.array([31.2304, 31.1])
    x, y = crs.project(lon, lat, 32651)
    utm = gpd.GeoDataFrame({"id": [1, 2]}, geometry=gpd.points_from_xy(x, y))
    back = crs.gdf_to_wgs84(utm, "EPSG:32651")
    assert back.crs.to_epsg() == 4326
    np.testing.assert_allclose(back.geometry.x, lon, atol=1e-9)
    with pytest.raises(CrsError, match="EPSG:999999"):
        crs.gdf_to_wgs84(utm, "EPSG:999999")


# --- working CRS -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [(121.4737, 31.2304, 32651), (87.6168, 43.8256, 32645), (126.535, 45.8038, 32652),
     (-70.65, -33.45, 32719), (180.0, 10.0, 32660), (-180.0, 10.0, 32601)],
    ids=["shanghai", "urumqi", "harbin", "santiago", "antimeridian-east", "antimeridian-west"],
)
def test_utm_epsg(lon: float, lat: float, epsg: int) -> None:
    assert crs.utm_epsg(lon, lat) == epsg


@pytest.mark.parametrize(("lon", "lat"), [(31.2, 121.4), (float("nan"), 31.0), (200.0, 0.0)])
def test_utm_epsg_rejects_bad_coordinates(lon: float, lat: float) -> None:
    with pytest.raises(CrsError, match="swapped"):
        crs.utm_epsg(lon, lat)


def test_working_epsg_uses_median_and_ignores_nan() -> None:
    lon = np.array([121.3, 121.5, 121.6, np.nan, 87.6])  # one Urumqi outlier, one missing
    lat = np.array([31.1, 31.2, 31.3, 31.0, 43.8])
    assert crs.working_epsg_for(lon, lat) == 32651
    with pytest.raises(CrsError, match="no point"):
        crs.working_epsg_for(np.array([np.nan]), np.array([np.nan]))


def test_project_unproject_round_trip_and_cache() -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(120.85, 122.25, 10_000), rng.uniform(30.67, 31.88, 10_000)
    x, y = crs.project(lon, lat, 32651)
    assert x.dtype == np.float64 and x.min() > 200_000 and x.max() < 800_000
    # Metric check: UTM distance equals geodesic distance to well within 0.1 % here.
    geodesic = distance_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    planar = np.hypot(np.diff(x), np.diff(y))
    assert np.abs(planar - geodesic).max() < 1e-3 * geodesic.max()
    back_lon, back_lat = crs.unproject(x, y, 32651)
    assert distance_m(lon, lat, back_lon, back_lat).max() < 1e-3
    assert crs._transformer(32651, inverse=False) is crs._transformer(32651, inverse=False)
    with pytest.raises(CrsError, match="999999"):
        crs.project(121.0, 31.0, 999999)


def test_transformers_are_per_thread():
    """pyproj Transformers are not thread-safe; each thread gets its own (a shared one crashed
    QThreadPool workers)."""
    import threading

    from gis import crs

    main = crs._transformer(32651, inverse=False)
    seen = []
    t = threading.Thread(target=lambda: seen.append(crs._transformer(32651, inverse=False)))
    t.start()
    t.join()
    assert seen and seen[0] is not main
    x, y = crs.project([121.47], [31.23], 32651)
    results = []

    def work():
        for _ in range(20):
            results.append(crs.project([121.47], [31.23], 32651))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(abs(r[0][0] - x[0]) < 1e-6 and abs(r[1][0] - y[0]) < 1e-6 for r in results)
