from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis.boundaries import area_name, english_name, load_districts, read_boundaries
from gis.errors import BoundaryError


def test_shanghai_has_16_districts_matching_the_shared_wgs84_copy(shanghai_districts, shared_data):
    ref = gpd.read_file(shared_data / "boundaries" / "shanghai_districts_amap_wgs84.geojson")
    ref["adcode"] = ref["adcode"].astype(str)
    assert list(shanghai_districts["adcode"]) == sorted(ref["adcode"])
    assert shanghai_districts.crs.to_epsg() == 4326
    merged = shanghai_districts.merge(ref, on="adcode", suffixes=("", "_ref"))
    for ours, theirs in zip(merged.geometry, merged["geometry_ref"], strict=True):
        iou = ours.intersection(theirs).area / ours.union(theirs).area
        assert iou > 0.999
    assert set(merged["name"]) == set(ref["name"])
    english = dict(zip(merged["adcode"], merged["name_en"], strict=True))
    assert english["310115"] == "Pudong New Area"


def test_boundaries_are_wgs84_not_gcj02(shanghai_districts, shared_data):
    gcj = gpd.read_file(shared_data / "boundaries" / "shanghai_districts_amap_gcj02.geojson")
    ours = shanghai_districts.set_index("adcode").loc["310101"].geometry.centroid
    raw = gcj[gcj["adcode"].astype(str) == "310101"].geometry.iloc[0].centroid
    # GCJ-02 sits ~480 m east-south-east of WGS84 in central Shanghai.
    assert 0.003 < raw.x - ours.x < 0.006
    assert 0.001 < ours.y - raw.y < 0.003


def test_province_and_city_codes():
    shandong = load_districts("370000")
    assert len(shandong) == 136
    assert shandong["adcode"].str.startswith("37").all()
    jinan = load_districts("370100")
    assert len(jinan) > 5 and jinan["adcode"].str.startswith("3701").all()
    assert area_name("370000") == "山东省"
    one = load_districts("310101")
    assert list(one["adcode"]) == ["310101"]


@pytest.mark.parametrize("bad", ["99", "abcdef", "999999"])
def test_bad_codes_raise_clear_errors(bad):
    with pytest.raises(BoundaryError, match="code"):
        load_districts(bad)


def test_english_names_fall_back_to_pinyin():
    assert english_name("370102", "历下区") == "Lixia"
    assert english_name("310105", "长宁区") == "Changning"


def test_read_user_file_with_declared_gcj02(tmp_path, shared_data):
    src = shared_data / "boundaries" / "shanghai_districts_amap_gcj02.geojson"
    gdf = read_boundaries(src, crs="gcj02")
    wgs = read_boundaries(shared_data / "boundaries" / "shanghai_districts_amap_wgs84.geojson")
    a = shapely.centroid(gdf.set_index("adcode").geometry.to_numpy())
    b = shapely.centroid(wgs.set_index("adcode").geometry.to_numpy())
    assert np.allclose(shapely.get_coordinates(a), shapely.get_coordinates(b), atol=2e-5)


def test_read_user_file_errors(tmp_path):
    with pytest.raises(BoundaryError, match="not found"):
        read_boundaries(tmp_path / "missing.geojson")
    points = gpd.GeoDataFrame({"adcode": ["1"]}, geometry=[shapely.Point(121, 31)],
                              crs="EPSG:4326")
    path = tmp_path / "points.geojson"
    points.to_file(path)
    with pytest.raises(BoundaryError, match=r"feature 1 is a Point"):
        read_boundaries(path)
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    with pytest.raises(BoundaryError, match=r"broken\.geojson"):
        read_boundaries(broken)
