"""Built-in elevator file formats: CSV, XLSX, GeoJSON and GeoPackage readers and writers.

Each function is registered in the :mod:`gis.io` format registry with the same decorators a new
format would use (importing :mod:`gis.io` imports this module, so the built-ins are always
there). Readers return a :class:`gis.io.RawTable` with English column names (Chinese headers
are mapped through :data:`gis.registry.CHINESE_HEADERS`) and the row number a user sees for
every record: CSV/XLSX count the header as row 1; GeoJSON/GeoPackage use the 1-based feature
number, with lon/lat taken from the point geometry. Writers receive the export table of
:func:`gis.io.export_table` and a temporary path; :func:`gis.io.export_elevators` renames it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import LiftGuardError, RowProblem
from gis.io import RawTable, register_reader, register_writer
from gis.registry import CHINESE_HEADERS, ELEVATOR_COLUMNS

if TYPE_CHECKING:
    import geopandas as gpd

_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


# --------------------------------------------------------------------------- readers


def _english_columns(columns: Any, path: Path) -> list[str]:
    """Map Chinese / English headers to column names; a column given twice is an error."""
    names = []
    for col in columns:
        text = str(col).strip().lstrip("\ufeff")
        names.append(CHINESE_HEADERS.get(text, text.lower() if text.lower() in
                                         ELEVATOR_COLUMNS else text))
    dup = sorted({n for n in names if names.count(n) > 1 and n in ELEVATOR_COLUMNS})
    if dup:
        raise LiftGuardError(f"{path}: column {', '.join(dup)} appears twice in the header "
                             "(Chinese and English names count as the same column); keep one.")
    return names


def _decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); refuse binary files."""
    if b"\x00" in data[:4096]:
        raise LiftGuardError(f"{path}: is not a text CSV file (binary or UTF-16 content). "
                             "Save it as 'CSV UTF-8' or GBK CSV and import again.")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LiftGuardError(f"{path}: text is neither UTF-8 nor GBK/GB18030. "
                         "Save it as 'CSV UTF-8' and import again.")


def _drop_blank(frame: pd.DataFrame, rows: np.ndarray, path: Path) -> RawTable:
    """Drop rows whose every cell is blank (Excel leaves ``,,,,`` lines), keeping row numbers."""
    blank = np.arange(len(frame))
    for col in range(frame.shape[1]):  # each pass only looks at rows still blank so far
        text = frame.iloc[blank, col].astype("string").fillna("")
        blank = blank[(text.str.strip().str.len() == 0).to_numpy(bool)]
    keep = np.ones(len(frame), bool)
    keep[blank] = False
    if not keep.any():
        raise LiftGuardError(f"{path}: contains no elevator rows (only a header or nothing).")
    return RawTable(frame.loc[keep].reset_index(drop=True), rows[keep])


@register_reader("csv", ".csv", ".txt")
def read_csv_table(path: Path) -> RawTable:
    """CSV in UTF-8 or GBK with Chinese or English headers; the header is row 1."""
    text = _decode_text(path.read_bytes(), path)
    if not text.strip():
        raise LiftGuardError(f"{path}: the file is empty.")
    frame = None
    if not _BLANK_LINE.search(text):  # pyarrow skips blank lines, which would shift row numbers
        try:
            frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), dtype=str,
                                keep_default_na=False, engine="pyarrow")
        except Exception:  # the C parser below gives the user-facing message
            frame = None
    if frame is None:
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                skip_blank_lines=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise LiftGuardError(f"{path}: not a well-formed CSV file ({exc}). Check quotes "
                                 "and the number of commas on that line.") from exc
    frame.columns = _english_columns(frame.columns, path)
    return _drop_blank(frame, np.arange(2, len(frame) + 2), path)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@register_reader("xlsx", ".xlsx", ".xlsm")
def read_xlsx_table(path: Path) -> RawTable:
    """First worksheet of an Excel workbook; row 1 is the header."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise LiftGuardError(f"{path}: cannot be read as an Excel .xlsx workbook "
                             f"({type(exc).__name__}: {exc}). Re-save it from Excel as .xlsx."
                             ) from exc
    try:
        cells = [[_cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(
            values_only=True)]
    except Exception as exc:
        raise LiftGuardError(f"{path}: the workbook is damaged ({exc}). Re-save it from Excel."
                             ) from exc
    finally:
        book.close()
    if not cells or not any(cells[0]):
        raise LiftGuardError(f"{path}: the first worksheet is empty (row 1 must be the header).")
    width = len(cells[0])
    body = [(r + [""] * width)[:width] for r in cells[1:]]
    frame = pd.DataFrame(body, columns=_english_columns(cells[0], path), dtype=object)
    return _drop_blank(frame, np.arange(2, len(body) + 2), path)


def _read_geo_table(path: Path) -> RawTable:
    """GeoJSON / GeoPackage (first layer): attributes plus lon/lat of the point geometry."""
    import pyogrio
    import shapely

    try:
        with warnings.catch_warnings():  # GDAL's warnings on a broken file repeat the error
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio/GDAL errors for a file that is not what it claims
        raise LiftGuardError(f"{path}: cannot be read as {path.suffix.lstrip('.')} "
                             f"({exc}). Check that the file is complete and of this format."
                             ) from exc
    if len(gdf) == 0:
        raise LiftGuardError(f"{path}: contains no features.")
    rows = np.arange(1, len(gdf) + 1)
    wgs84 = False
    if getattr(gdf, "crs", None) is not None and gdf.crs.is_projected:
        gdf, wgs84 = gdf.to_crs(4326), True
    geoms = gdf.geometry.to_numpy() if hasattr(gdf, "geometry") else np.full(len(gdf), None)
    is_point = (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)
    lon = np.where(is_point, shapely.get_x(geoms), np.nan)
    lat = np.where(is_point, shapely.get_y(geoms), np.nan)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name, errors="ignore")
                         if hasattr(gdf, "geometry") else gdf)
    frame.columns = _english_columns(frame.columns, path)
    frame = frame.drop(columns=["lon", "lat"], errors="ignore").assign(lon=lon, lat=lat)
    problems = [RowProblem(path.name, int(r), "geometry", "feature has no point geometry")
                for r in rows[~is_point]]
    return RawTable(frame.reset_index(drop=True), rows, problems, wgs84)


register_reader("geojson", ".geojson", ".json")(_read_geo_table)
register_reader("gpkg", ".gpkg")(_read_geo_table)


# --------------------------------------------------------------------------- writers


@register_writer("csv", ".csv")
def write_csv_table(table: pd.DataFrame, path: Path) -> None:
    """CSV in UTF-8 with a BOM, so Excel shows Chinese text correctly."""
    table.to_csv(path, index=False, encoding="utf-8-sig")


@register_writer("xlsx", ".xlsx")
def write_xlsx_table(table: pd.DataFrame, path: Path) -> None:
    """One ``elevators`` worksheet; every cell is text so codes keep their leading zeros."""
    table.to_excel(path, sheet_name="elevators", index=False, engine="openpyxl")


def _geo_frame(table: pd.DataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    lon = table["lon"].astype("float64").to_numpy()
    lat = table["lat"].astype("float64").to_numpy()
    return gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


@register_writer("geojson", ".geojson", ".json")
def write_geojson_table(table: pd.DataFrame, path: Path) -> None:
    """GeoJSON points (WGS84), full coordinate precision."""
    import pyogrio

    pyogrio.write_dataframe(_geo_frame(table), path, driver="GeoJSON")


@register_writer("gpkg", ".gpkg")
def write_gpkg_table(table: pd.DataFrame, path: Path) -> None:
    """GeoPackage layer ``elevators`` (WGS84 points)."""
    import pyogrio

    pyogrio.write_dataframe(_geo_frame(table), path, driver="GPKG", layer="elevators")
