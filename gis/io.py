"""Elevator import and export: a small format registry plus one validated import path.

Every file format is one reader and/or one writer registered under a format id
(``csv``, ``xlsx``, ``geojson``, ``gpkg``); the built-in formats (:mod:`gis.io_formats`,
imported with this module) use the same decorators, so a new format is one function::

    @register_reader("parquet", ".parquet")
    def read_parquet(path: Path) -> RawTable: ...

A reader turns a file into a :class:`RawTable`: a DataFrame with English column names (Chinese
headers are mapped through :data:`gis.registry.CHINESE_HEADERS`) and the row number a user sees
for every record (CSV/XLSX: the header is row 1; GeoJSON/GeoPackage: the 1-based feature
number, with lon/lat taken from the point geometry). :func:`read_elevator_file` then parses the
columns (:func:`gis.registry.parse_elevators`), converts coordinates to WGS84, checks districts,
the city outline and uniqueness against the store, and raises one
:class:`~gis.errors.ValidationError` listing file, row, field and reason for every bad value.
:func:`import_elevators` appends a clean file in one store transaction, so a file with any
error imports nothing.

Writers receive the export table (strings, dates as ``YYYY-MM-DD``) and a path; the caller
writes into a temporary directory next to the target and renames, so an interrupted export
never leaves a half-written file.
"""


from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import CrsError, LiftGuardError, RowProblem, StoreError, ValidationError
from gis.registry import (
    ELEVATOR_COLUMNS,
    ENGLISH_TO_CHINESE,
    parse_elevators,
    validate_unique_against,
)

if TYPE_CHECKING:
    import geopandas as gpd

#: boundaries are generalised and registry geocodes sit on street centre lines.
DEFAULT_TOLERANCE_M = 500.0
#: Column added to exports when the data carries a label (e.g. ``SYNTHETIC ...``).
LABEL_COLUMN = "data_label"


Reader = Callable[[Path], "RawTable"]
Writer = Callable[[pd.DataFrame, Path], None]


@dataclass(frozen=True)
class RawTable:
    """A file read but not yet validated.

    ``frame`` has English column names and raw values (strings or whatever the format stores);
    ``rows`` the user-visible row number of each record; ``problems`` what the reader itself
    found (e.g. a feature without point geometry); ``wgs84`` is True when the reader already
    converted coordinates from a declared projected CRS, so ``--crs`` must not apply again.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    problems: list[RowProblem] = field(default_factory=list)
    wgs84: bool = False


@dataclass(frozen=True)
class _Formats:
    readers: dict[str, Reader] = field(default_factory=dict)
    writers: dict[str, Writer] = field(default_factory=dict)
    suffixes: dict[str, str] = field(default_factory=dict)


#: The format registry (filled by the decorators below at import time only).
FORMATS = _Formats()


def register_reader(fmt: str, *suffixes: str) -> Callable[[Reader], Reader]:
    """Register ``func(path) -> RawTable`` as the reader of ``fmt`` for the given suffixes."""
    def deco(func: Reader) -> Reader:
        FORMATS.readers[fmt] = func
        for suffix in suffixes:
            FORMATS.suffixes[suffix.lower()] = fmt
        return func
    return deco


def register_writer(fmt: str, *suffixes: str) -> Callable[[Writer], Writer]:
    """Register ``func(table, path)`` as the writer of ``fmt`` (export table, target path)."""
    def deco(func: Writer) -> Writer:
        FORMATS.writers[fmt] = func
        for suffix in suffixes:
            FORMATS.suffixes.setdefault(suffix.lower(), fmt)
        return func
    return deco


def format_of(path: Path, fmt: str | None = None, *, writing: bool = False) -> str:
    """The format id for ``path`` (explicit ``fmt`` wins); LiftGuardError if none fits."""
    table = FORMATS.writers if writing else FORMATS.readers
    key = fmt.lower() if fmt else FORMATS.suffixes.get(path.suffix.lower(), "")
    if key not in table:
        what = f"format {fmt!r}" if fmt else f"suffix {path.suffix or '(none)'!r}"
        known = ", ".join(sorted(table))
        raise LiftGuardError(f"{path}: unsupported {what}. Use one of: {known} "
                             f"(suffixes {', '.join(sorted(FORMATS.suffixes))}).")
    return key


# --------------------------------------------------------------------------- reading


def read_table(path: str | os.PathLike[str], *, fmt: str | None = None) -> RawTable:
    """Read any registered format into a :class:`RawTable` (no validation)."""
    path = Path(path)
    reader = FORMATS.readers[format_of(path, fmt)]
    if not path.is_file():
        raise LiftGuardError(f"{path}: file not found. Check the path and try again.")
    if path.stat().st_size == 0:
        raise LiftGuardError(f"{path}: the file is empty.")
    try:
        return reader(path)
    except OSError as exc:
        raise LiftGuardError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


# --------------------------------------------------------------------------- validation


def _coordinates(table: RawTable, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat per record (NaN where missing or not numeric)."""
    from gis.crs import normalise_crs_name, to_wgs84

    if "lon" not in table.frame or "lat" not in table.frame:
        return np.full(len(table.frame), np.nan), np.full(len(table.frame), np.nan)
    lon = pd.to_numeric(table.frame["lon"], errors="coerce").to_numpy("float64")
    lat = pd.to_numeric(table.frame["lat"], errors="coerce").to_numpy("float64")
    if table.wgs84:
        if normalise_crs_name(crs) in ("gcj02", "bd09"):
            raise CrsError(f"the file declares a projected CRS, so its coordinates cannot be "
                           f"{crs}; import it with --crs wgs84.")
        return lon, lat
    return to_wgs84(lon, lat, crs)


def check_locations(
    adcodes: pd.Series, lon: np.ndarray, lat: np.ndarray, districts: gpd.GeoDataFrame, *,
    file: str, rows: np.ndarray, tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> list[RowProblem]:
    """Unknown districts, points outside the city, and points in another district.

    ``districts`` has ``adcode``, ``name`` and WGS84 polygons. A point may lie up to
    ``tolerance_m`` outside its district; the tolerance is applied (buffers in the city's UTM
    zone) only to points not strictly inside their own district, so the common case is one
    vectorised point-in-polygon test per district. A point inside the city but more than
    ``tolerance_m`` from its own district is reported on ``district_adcode``, naming the
    district it lies in.
    """
    import shapely

    known = districts["adcode"].astype(str).to_numpy()
    geoms = districts.geometry.to_numpy()
    code = pd.Index(known).get_indexer(adcodes.astype(str).str.strip())
    has_xy = np.isfinite(lon) & np.isfinite(lat)
    six_digits = adcodes.str.fullmatch(r"\d{6}").to_numpy(bool)
    problems = [RowProblem(file, int(rows[i]), "district_adcode",
                           f"unknown district {adcodes.iloc[i]} (not one of the "
                           f"{len(known)} districts in the store)")
                for i in np.flatnonzero((code < 0) & six_digits)]
    inside = np.zeros(len(lon), bool)
    for k, geom in enumerate(geoms):
        sel = np.flatnonzero((code == k) & has_xy)
        inside[sel] = shapely.contains_xy(geom, lon[sel], lat[sel])
    suspect = np.flatnonzero(has_xy & ~inside)
    if suspect.size:
        problems += _check_suspects(suspect, code, lon, lat, districts, file=file, rows=rows,
                                    tolerance_m=tolerance_m)
    return problems


def _check_suspects(
    suspect: np.ndarray, code: np.ndarray, lon: np.ndarray, lat: np.ndarray,
    districts: gpd.GeoDataFrame, *, file: str, rows: np.ndarray, tolerance_m: float,
) -> list[RowProblem]:
    """Apply the tolerance to points not strictly inside their district (metric buffers)."""
    import shapely

    from gis.crs import project, utm_epsg

    known = districts["adcode"].astype(str).to_numpy()
    names = districts["name"].astype(str).to_numpy()
    geoms = districts.geometry.to_numpy()
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    epsg = utm_epsg((x0 + x1) / 2, (y0 + y1) / 2)
    metric = shapely.transform(geoms, lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1],
                                                                         epsg)))
    # Simplifying by a tenth of the tolerance first keeps the buffers cheap and exact enough.
    grown = shapely.buffer(shapely.simplify(metric, tolerance_m / 10), tolerance_m)
    x, y = project(lon[suspect], lat[suspect], epsg)
    own = code[suspect]
    own_ok = np.zeros(suspect.size, bool)
    for k in np.unique(own[own >= 0]):
        sel = np.flatnonzero(own == k)
        own_ok[sel] = shapely.contains_xy(grown[k], x[sel], y[sel])
    in_city = own_ok | shapely.contains_xy(shapely.union_all(grown), x, y)
    problems = [RowProblem(file, int(rows[i]), "lon/lat",
                           f"coordinates ({lon[i]:.6f}, {lat[i]:.6f}) are outside the city "
                           f"(more than {tolerance_m:.0f} m from every district); check the "
                           "values and --crs")
                for i in suspect[~in_city]]
    wrong = suspect[in_city & ~own_ok & (own >= 0)]
    where = np.full(wrong.size, -1)
    for k, geom in enumerate(geoms):
        where[(where < 0) & shapely.contains_xy(geom, lon[wrong], lat[wrong])] = k
    for i, k in zip(wrong, where, strict=True):
        lies = f"{known[k]} {names[k]}" if k >= 0 else "another district"
        problems.append(RowProblem(file, int(rows[i]), "district_adcode",
                                   f"coordinates lie in {lies}, more than {tolerance_m:.0f} m "
                                   f"from district {known[code[i]]} {names[code[i]]}"))
    return problems


def _order(problem: RowProblem) -> tuple[int, int]:
    col = problem.field.split("/")[0]
    return problem.row, ELEVATOR_COLUMNS.index(col) if col in ELEVATOR_COLUMNS else 99


def read_elevator_file(
    path: str | os.PathLike[str], *, crs: str = "wgs84",
    districts: gpd.GeoDataFrame | None = None, existing: pd.DataFrame | None = None,
    as_of: dt.date | None = None, tolerance_m: float = DEFAULT_TOLERANCE_M,
    fmt: str | None = None,
) -> pd.DataFrame:
    """Read and validate an elevator file; the typed frame (WGS84) or ValidationError.

    Parameters
    ----------
    crs
        Coordinate system of the file's lon/lat: ``wgs84``, ``cgcs2000``, ``gcj02`` or ``bd09``
        (GeoJSON/GeoPackage with a declared projected CRS are converted with ``to_crs``).
    districts
        District polygons (``adcode``, ``name``, WGS84); when given, unknown districts and
        points outside the city or in another district are errors, and an empty
        ``district_name`` is filled in.
    existing
        ``registration_code`` / ``rescue_code`` already in the store; reusing one is an error.
    """
    from gis.crs import normalise_crs_name

    path = Path(path)
    crs = normalise_crs_name(crs)
    table = read_table(path, fmt=fmt)
    name = path.name
    typed, problems = parse_elevators(table.frame, file=name, row_numbers=table.rows,
                                      as_of=as_of)
    no_geometry = {p.row for p in table.problems if p.field == "geometry"}
    problems = [p for p in problems if not (p.row in no_geometry and p.field in ("lon", "lat"))]
    problems += table.problems
    lon, lat = _coordinates(table, crs)
    frame = table.frame
    adcodes = (frame["district_adcode"].astype("string").fillna("").str.strip()
               if "district_adcode" in frame else pd.Series([""] * len(frame)))
    if districts is not None:
        problems += check_locations(adcodes, lon, lat, districts, file=name, rows=table.rows,
                                    tolerance_m=tolerance_m)
    if existing is not None and len(existing):
        # object dtype: pandas' isin on Arrow strings is ~7x slower than the hash table path
        codes = pd.DataFrame({c: frame[c].astype("string").fillna("").str.strip().astype(object)
                              if c in frame else pd.Series([""] * len(frame), dtype=object)
                              for c in ("registration_code", "rescue_code")})
        codes["registration_code"] = codes["registration_code"].str.upper()
        problems += validate_unique_against(codes, existing, file=name, row_numbers=table.rows)
    if problems:
        raise ValidationError(sorted(set(problems), key=_order))
    typed["lon"], typed["lat"] = lon, lat
    if districts is not None:
        lookup = dict(zip(districts["adcode"].astype(str), districts["name"].astype(str),
                          strict=True))
        empty = typed["district_name"] == ""
        typed.loc[empty, "district_name"] = typed.loc[empty, "district_adcode"].map(lookup)
    return typed


def import_elevators(store: Any, path: str | os.PathLike[str], *, crs: str = "wgs84",
                     as_of: dt.date | None = None) -> int:
    """Validate ``path`` against the store and append it in one transaction; rows imported.

    Raises ValidationError (nothing imported) when any row is bad.
    """
    districts = store.load_districts()
    if districts is None or len(districts) == 0:
        raise StoreError("the store has no districts, so elevator locations cannot be checked; "
                         "load the city's district boundaries first.")
    frame = read_elevator_file(path, crs=crs, districts=districts,
                               existing=store.existing_codes(), as_of=as_of)
    return int(store.append_elevators(frame))


# --------------------------------------------------------------------------- export


def export_table(elevators: pd.DataFrame, *, label: str = "") -> pd.DataFrame:
    """The elevators as text columns in ``ELEVATOR_COLUMNS`` order, ready for any writer.

    Dates are ``YYYY-MM-DD`` (empty when missing), booleans ``true``/``false``, lon/lat the
    shortest text that reads back to the same float. ``label`` adds a ``data_label`` column.
    """
    out = pd.DataFrame(index=range(len(elevators)))
    for col in ELEVATOR_COLUMNS:
        values = elevators[col].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(values):
            out[col] = values.dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_bool_dtype(values):
            out[col] = np.where(values.to_numpy(bool), "true", "false")
        elif pd.api.types.is_float_dtype(values):
            out[col] = values.to_numpy("float64").astype(str)
        elif values.dtype == object or isinstance(values.dtype, pd.CategoricalDtype):
            out[col] = values.astype(object).where(values.notna(), "").astype(str)
        else:
            out[col] = values.astype("string").fillna("").astype(object)
    if label:
        out[LABEL_COLUMN] = label
    return out


def export_elevators(
    elevators: pd.DataFrame, path: str | os.PathLike[str], *, fmt: str | None = None,
    label: str = "", chinese_headers: bool = False,
) -> Path:
    """Write elevators to ``path`` atomically; the format comes from ``fmt`` or the suffix.

    ``chinese_headers`` writes the Chinese column names in CSV/XLSX ledgers (they read back);
    GeoJSON/GeoPackage always use the English names.
    Written into a temporary directory beside the target, then renamed over it.
    """
    path = Path(path)
    key = format_of(path, fmt, writing=True)
    if not path.parent.is_dir():
        raise LiftGuardError(f"{path}: the folder {path.parent} does not exist; create it or "
                             "choose another output path.")
    table = export_table(elevators, label=label)
    if chinese_headers and key in ("csv", "xlsx"):
        table = table.rename(columns=ENGLISH_TO_CHINESE)
    try:
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    except OSError as exc:
        raise LiftGuardError(f"{path}: cannot write in {path.parent} ({exc.strerror}); choose "
                             "a folder you can write to.") from exc
    try:
        tmp = tmp_dir / f"export{path.suffix}"
        FORMATS.writers[key](table, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise LiftGuardError(f"{path}: cannot be written ({exc.strerror or exc}); nothing "
                             "was changed.") from exc
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return path


# The built-in formats register themselves through the decorators above when gis.io_formats
# is imported; it imports RawTable and the decorators from here, hence the import at the end.
from gis import io_formats as _builtin_formats  # noqa: E402, F401
