"""Elevator import/export (gis.io): readers, validation report, atomic writers, round trips.

Fixtures are built in code over three real Shanghai districts (WGS84 polygons from the shared
boundary file): Huangpu, Xuhui and Pudong.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gis import io as gio
from gis.crs import from_wgs84
from gis.errors import LiftGuardError, ValidationError
from gis.registry import CHINESE_HEADERS, ELEVATOR_COLUMNS, empty_elevators
from tests.conftest import SHARED_DATA

BOUNDARIES = SHARED_DATA / "boundaries" / "shanghai_districts_amap_wgs84.geojson"
ADCODES = ("310101", "310104", "310115")  # Huangpu, Xuhui, Pudong
AS_OF = dt.date(2024, 6, 30)
ZH_HEADERS = {en: zh for zh, en in reversed(list(CHINESE_HEADERS.items()))}


# --------------------------------------------------------------------------- builders


def load_three_districts() -> gpd.GeoDataFrame:
    """Real WGS84 polygons of three districts, adcode as text (as the store returns them)."""
    gdf = gpd.read_file(BOUNDARIES)
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf[gdf["adcode"].isin(ADCODES)].reset_index(drop=True)


def valid_rows(districts: gpd.GeoDataFrame, n: int = 6, *, start: int = 0) -> pd.DataFrame:
    """``n`` valid elevator records as text, spread over the districts, inside their polygons."""
    inner = districts.geometry.representative_point()
    k = np.arange(n) % len(districts)
    i = np.arange(start, start + n)
    return pd.DataFrame({
        "registration_code": [f"31103101012010{j:06d}" for j in i],
        "rescue_code": [f"{100000 + j}" for j in i],
        "address": [f"测试路{j}号" for j in i],
        "district_adcode": districts["adcode"].to_numpy()[k],
        "district_name": "",
        "lon": (inner.x.to_numpy()[k] + 1e-5 * (i % 7)).round(7).astype(str),
        "lat": inner.y.to_numpy()[k].round(7).astype(str),
        "building_type": np.where(i % 2 == 0, "residential", "office"),
        "is_addon": np.where(i % 3 == 0, "yes", "no"),
        "manufacture_year": (2000 + i % 20).astype(str),
        "registration_date": [f"{2001 + j % 20}-0{1 + j % 9}-1{j % 10}" for j in i],
        "maintenance_unit_id": "U001",
        "station_id": "S001",
        "iot_device": "monitoring",
        "risk_scheme": "",
        "risk_class": np.where(i % 5 == 0, "class_ii", "none"),
        "assessment_date": np.where(i % 5 == 0, "2023-05-01", ""),
        "retrofit_status": "none",
        "retrofit_status_date": "",
        "has_ascending_overspeed": "true",
        "complaints_12345": (i % 4).astype(str),
        "complaints_962121": "0",
    })


def write_csv(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8") -> Path:
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_excel(path, index=False, engine="openpyxl")
    return path


def write_geo(frame: pd.DataFrame, path: Path, *, driver: str = "GeoJSON",
              crs: str | int = 4326) -> Path:
    lon = frame["lon"].astype(float).to_numpy()
    lat = frame["lat"].astype(float).to_numpy()
    gdf = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]),
                           geometry=gpd.points_from_xy(lon, lat), crs=4326)
    gdf.to_crs(crs).to_file(path, driver=driver)
    return path


def set_cell(frame: pd.DataFrame, row: int, column: str, value: str) -> pd.DataFrame:
    """Copy with one value changed; ``row`` is the spreadsheet row (header = row 1)."""
    out = frame.copy()
    out.loc[row - 2, column] = value
    return out


# --------------------------------------------------------------------------- broken files

#: (case id, builder(rows, tmp_path) -> file, file row, field, words in the reason)
BrokenCase = tuple[str, Callable[[pd.DataFrame, Path], Path], int, str, str]


def _pudong_point_as_huangpu(rows: pd.DataFrame, tmp: Path) -> Path:
    pudong = rows.index[rows["district_adcode"] == "310115"][0]
    out = rows.copy()
    out.loc[pudong, "district_adcode"] = "310101"
    return write_csv(out, tmp / "wrong_district.csv")


def _null_geometry(rows: pd.DataFrame, tmp: Path) -> Path:
    path = write_geo(rows, tmp / "no_point.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][1]["geometry"] = None
    doc["features"][3]["geometry"] = {"type": "LineString",
                                      "coordinates": [[121.47, 31.23], [121.48, 31.24]]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


BROKEN: list[BrokenCase] = [
    ("bad registration code",
     lambda r, t: write_csv(set_cell(r, 3, "registration_code", "31-10"), t / "badcode.csv"),
     3, "registration_code", "10-24 letters or digits"),
    ("duplicate code within the file",
     lambda r, t: write_csv(set_cell(r, 5, "registration_code", r.loc[0, "registration_code"]),
                            t / "dup.csv"),
     5, "registration_code", "duplicate registration code in this file"),
    ("duplicate rescue code in xlsx",
     lambda r, t: write_xlsx(set_cell(r, 6, "rescue_code", r.loc[1, "rescue_code"]),
                             t / "dup.xlsx"),
     6, "rescue_code", "duplicate rescue code"),
    ("outside the city",
     lambda r, t: write_csv(set_cell(r, 4, "lon", "120.62"), t / "suzhou.csv"),
     4, "lon/lat", "outside the city"),
    ("unknown district",
     lambda r, t: write_csv(set_cell(r, 2, "district_adcode", "310199"), t / "district.csv"),
     2, "district_adcode", "unknown district 310199"),
    ("point in another district", _pudong_point_as_huangpu,
     4, "district_adcode", "lie in 310115"),
    ("future registration date",
     lambda r, t: write_csv(set_cell(r, 3, "registration_date", "2031-01-01"), t / "fut.csv"),
     3, "registration_date", "after the as-of date"),
    ("30 February",
     lambda r, t: write_csv(set_cell(r, 7, "registration_date", "2015-02-30"), t / "feb.csv"),
     7, "registration_date", "not a date"),
    ("registered before it was made",
     lambda r, t: write_csv(set_cell(r, 2, "registration_date", "1990-05-01"), t / "early.csv"),
     2, "registration_date", "before the manufacture year"),
    ("non-numeric longitude",
     lambda r, t: write_csv(set_cell(r, 5, "lon", "121°28'E"), t / "lon.csv"),
     5, "lon", "not a number"),
    ("swapped lon/lat",
     lambda r, t: write_csv(set_cell(set_cell(r, 3, "lon", "31.2"), 3, "lat", "121.4"),
                            t / "swap.csv"),
     3, "lon", "outside China"),
    ("missing required column",
     lambda r, t: write_csv(r.drop(columns="rescue_code"), t / "nocol.csv"),
     1, "rescue_code", "required column is missing"),
    ("unknown category",
     lambda r, t: write_csv(set_cell(r, 6, "building_type", "火箭发射塔"), t / "cat.csv"),
     6, "building_type", "unknown value"),
    ("GeoJSON feature without point geometry", _null_geometry,
     2, "geometry", "no point geometry"),
    ("bad date in a GeoPackage",
     lambda r, t: write_geo(set_cell(r, 4, "assessment_date", "yesterday"), t / "bad.gpkg",
                            driver="GPKG"),
     3, "assessment_date", "not a date"),
]


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return load_three_districts()


@pytest.fixture
def rows(districts: gpd.GeoDataFrame) -> pd.DataFrame:
    return valid_rows(districts, 8)


def assert_problem(exc: ValidationError, file: Path, row: int, field: str, words: str) -> None:
    text = str(exc)
    line = f"{file.name}: row {row}, field '{field}': "
    hits = [p for p in text.splitlines() if line in p]
    assert hits, f"no problem reported at {line!r} in:\n{text}"
    assert any(words in h for h in hits), f"{words!r} not in {hits}"
    assert "nothing was imported" in text


@pytest.mark.parametrize(("case", "build", "row", "field", "words"), BROKEN,
                         ids=[c[0] for c in BROKEN])
def test_broken_file_reports_file_row_field(
    case: str, build: Callable[[pd.DataFrame, Path], Path], row: int, field: str, words: str,
    rows: pd.DataFrame, districts: gpd.GeoDataFrame, tmp_path: Path,
) -> None:
    path = build(rows, tmp_path)
    with pytest.raises(ValidationError) as info:
        gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    assert_problem(info.value, path, row, field, words)


def test_every_bad_row_is_reported_at_once(rows: pd.DataFrame, districts: gpd.GeoDataFrame,
                                           tmp_path: Path) -> None:
    bad = set_cell(set_cell(set_cell(rows, 2, "rescue_code", "12"), 5, "lat", ""),
                   9, "district_adcode", "310199")
    path = write_csv(bad, tmp_path / "many.csv")
    with pytest.raises(ValidationError) as info:
        gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    reported = {(p.row, p.field) for p in info.value.problems}
    assert reported == {(2, "rescue_code"), (5, "lat"), (9, "district_adcode")}


def test_codes_already_in_the_store_are_rejected(rows: pd.DataFrame, districts, tmp_path):
    existing = pd.DataFrame({"registration_code": [rows.loc[2, "registration_code"]],
                             "rescue_code": [rows.loc[5, "rescue_code"]]})
    path = write_csv(rows, tmp_path / "again.csv")
    with pytest.raises(ValidationError) as info:
        gio.read_elevator_file(path, districts=districts, existing=existing, as_of=AS_OF)
    assert_problem(info.value, path, 4, "registration_code", "already registered")
    assert_problem(info.value, path, 7, "rescue_code", "already registered")
    assert len(info.value.problems) == 2


# --------------------------------------------------------------------------- file-level errors

FILE_ERRORS: list[tuple[str, Callable[[pd.DataFrame, Path], Path], str]] = [
    ("empty file", lambda r, t: _touch(t / "empty.csv", b""), "empty"),
    ("header only", lambda r, t: write_csv(r.iloc[:0], t / "header.csv"), "no elevator rows"),
    ("blank lines only", lambda r, t: _touch(t / "blank.csv", b"\n\n  \n"), "empty"),
    ("truncated xlsx", lambda r, t: _truncate(write_xlsx(r, t / "cut.xlsx")),
     "cannot be read as an Excel"),
    ("csv text named .xlsx", lambda r, t: write_csv(r, t / "fake.xlsx"),
     "cannot be read as an Excel"),
    ("truncated GeoJSON", lambda r, t: _truncate(write_geo(r, t / "cut.geojson")),
     "cannot be read as geojson"),
    ("garbled GeoPackage", lambda r, t: _touch(t / "junk.gpkg", b"SQLite format 3\x00" * 64),
     "cannot be read as gpkg"),
    ("neither UTF-8 nor GBK", lambda r, t: _touch(t / "latin.csv", b"code,\xff\xfe\xff\n1,2\n"),
     "neither UTF-8 nor GBK"),
    ("UTF-16 text", lambda r, t: write_csv(r, t / "utf16.csv", encoding="utf-16"),
     "not a text CSV"),
    ("zip named .csv", lambda r, t: write_xlsx(r, t / "book.xlsx").rename(t / "book.csv"),
     "not a text CSV"),
    ("ragged CSV", lambda r, t: _touch(t / "ragged.csv", b"a,b\n1,2\n3,4,5,6\n"),
     "not a well-formed CSV"),
    ("column given twice", lambda r, t: write_csv(r.assign(**{"注册代码": "X"}), t / "twice.csv"),
     "appears twice"),
    ("unsupported suffix", lambda r, t: _touch(t / "elevators.dbf", b"x"), "unsupported suffix"),
    ("missing file", lambda r, t: t / "nowhere.csv", "file not found"),
]


def _touch(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncate(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(("case", "build", "words"), FILE_ERRORS, ids=[c[0] for c in FILE_ERRORS])
def test_unreadable_file_names_the_file(case: str, build, words: str, rows, districts,
                                        tmp_path: Path) -> None:
    path = build(rows, tmp_path)
    with pytest.raises(LiftGuardError) as info:
        gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    assert not isinstance(info.value, ValidationError) or case == "column given twice"
    assert str(path.name) in str(info.value)
    assert words in str(info.value)


# --------------------------------------------------------------------------- valid inputs


def test_gbk_csv_with_chinese_headers_and_labels(rows, districts, tmp_path: Path) -> None:
    zh = rows.assign(building_type=np.where(rows["building_type"] == "residential", "住宅", "办公"),
                     is_addon=np.where(rows["is_addon"] == "yes", "是", "否"))
    zh = zh.rename(columns=ZH_HEADERS)
    assert "注册代码" in zh.columns and "经度" in zh.columns
    path = write_csv(zh, tmp_path / "台账.csv", encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    got = gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    ref = gio.read_elevator_file(write_csv(rows, tmp_path / "ref.csv"), districts=districts,
                                 as_of=AS_OF)
    pd.testing.assert_frame_equal(got, ref)
    assert set(got["building_type"]) == {"residential", "office"}
    assert got["district_name"].tolist()[:3] == ["黄浦区", "徐汇区", "浦东新区"]


def test_utf8_bom_csv_and_blank_lines_keep_row_numbers(rows, districts, tmp_path: Path) -> None:
    text = rows.to_csv(index=False).splitlines()
    text.insert(3, "")  # a blank line between records 2 and 3 (file row 4)
    bad = text[5].replace(rows.loc[3, "rescue_code"], "ABCDEF")
    text[5] = bad  # file row 6
    path = tmp_path / "bom.csv"
    path.write_bytes("\n".join(text).encode("utf-8-sig"))
    with pytest.raises(ValidationError) as info:
        gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    assert [(p.row, p.field) for p in info.value.problems] == [(6, "rescue_code")]


def test_comma_only_rows_are_skipped_without_shifting_rows(rows, districts, tmp_path: Path):
    lines = rows.to_csv(index=False).splitlines()
    lines.insert(2, "," * (len(rows.columns) - 1))  # file row 3, as Excel leaves them
    lines[6] = lines[6].replace(rows.loc[4, "rescue_code"], "12x")  # file row 7 = record 5
    path = tmp_path / "commas.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    assert [(p.row, p.field) for p in info.value.problems] == [(7, "rescue_code")]


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "cgcs2000"])
def test_coordinates_are_converted_to_wgs84(crs: str, rows, districts, tmp_path: Path) -> None:
    lon, lat = from_wgs84(rows["lon"].astype(float), rows["lat"].astype(float), crs)
    shifted = rows.assign(lon=np.round(lon, 9).astype(str), lat=np.round(lat, 9).astype(str))
    path = write_csv(shifted, tmp_path / f"{crs}.csv")
    got = gio.read_elevator_file(path, crs=crs, districts=districts, as_of=AS_OF)
    np.testing.assert_allclose(got["lon"], rows["lon"].astype(float), atol=1e-7)
    np.testing.assert_allclose(got["lat"], rows["lat"].astype(float), atol=1e-7)


def test_unknown_crs_is_a_clear_error(rows, tmp_path: Path) -> None:
    path = write_csv(rows, tmp_path / "ok.csv")
    with pytest.raises(LiftGuardError, match="Unknown coordinate system 'mercator'"):
        gio.read_elevator_file(path, crs="mercator", as_of=AS_OF)


def test_gpkg_in_a_projected_crs_is_converted(rows, districts, tmp_path: Path) -> None:
    path = write_geo(rows, tmp_path / "utm.gpkg", driver="GPKG", crs=32651)
    got = gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    np.testing.assert_allclose(got["lon"], rows["lon"].astype(float), atol=1e-7)
    with pytest.raises(LiftGuardError, match="projected CRS"):
        gio.read_elevator_file(path, crs="gcj02", districts=districts, as_of=AS_OF)


def test_points_just_outside_their_district_are_tolerated(rows, districts, tmp_path: Path):
    # From a point on Xuhui's western edge: ~200 m further west is within the 500 m tolerance,
    # ~5 km west is outside the (three-district) city.
    import shapely

    xuhui = districts.set_index("adcode").geometry["310104"]
    west, south, _, north = xuhui.bounds
    ys = np.linspace(south, north, 400)
    edge_lat = ys[shapely.contains_xy(xuhui, west + 1e-4, ys)][0]
    row = rows.index[rows["district_adcode"] == "310104"][0]
    near = rows.copy()
    near.loc[row, ["lon", "lat"]] = [str(west - 0.002), str(edge_lat)]
    got = gio.read_elevator_file(write_csv(near, tmp_path / "near.csv"), districts=districts,
                                 as_of=AS_OF)
    assert got.loc[row, "lon"] == pytest.approx(west - 0.002)
    far = rows.copy()
    far.loc[row, ["lon", "lat"]] = [str(west - 0.05), str(edge_lat)]
    with pytest.raises(ValidationError, match="outside the city"):
        gio.read_elevator_file(write_csv(far, tmp_path / "far.csv"), districts=districts,
                               as_of=AS_OF)


# --------------------------------------------------------------------------- export


@pytest.fixture
def typed(rows, districts, tmp_path: Path) -> pd.DataFrame:
    return gio.read_elevator_file(write_csv(rows, tmp_path / "src.csv"), districts=districts,
                                  as_of=AS_OF)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh"])
def test_export_then_import_round_trips(fmt: str, chinese: bool, typed, districts,
                                        tmp_path: Path) -> None:
    path = gio.export_elevators(typed, tmp_path / f"out.{fmt}", label="SYNTHETIC demo",
                                chinese_headers=chinese)
    back = gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    pd.testing.assert_frame_equal(back, typed)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_csv_export_has_bom_label_and_chinese_headers(typed, tmp_path: Path) -> None:
    path = gio.export_elevators(typed, tmp_path / "ledger.csv", label="SYNTHETIC demo",
                                chinese_headers=True)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:2] == ["注册代码", "救援码"] and header[-1] == gio.LABEL_COLUMN
    assert "SYNTHETIC demo" in data.decode("utf-8-sig").splitlines()[1]


def test_xlsx_export_keeps_leading_zeros(typed, districts, tmp_path: Path) -> None:
    zeros = typed.assign(rescue_code=[f"{i:06d}" for i in range(len(typed))])
    path = gio.export_elevators(zeros, tmp_path / "z.xlsx")
    back = gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    assert back["rescue_code"].tolist()[:2] == ["000000", "000001"]


def test_empty_export_writes_a_header(tmp_path: Path) -> None:
    path = gio.export_elevators(empty_elevators(), tmp_path / "none.csv")
    assert path.read_text(encoding="utf-8-sig").strip().split(",") == list(ELEVATOR_COLUMNS)


def test_failed_export_leaves_old_file_and_no_temp(typed, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("old content", encoding="utf-8")

    def half_then_fail(table: pd.DataFrame, path: Path) -> None:
        path.write_text("partial", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(gio.FORMATS.writers, "csv", half_then_fail)
    with pytest.raises(LiftGuardError, match="No space left on device"):
        gio.export_elevators(typed, target)
    assert target.read_text(encoding="utf-8") == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv", "src.csv"]


@pytest.mark.parametrize(("out", "fmt", "words"), [
    ("missing_dir/out.csv", None, "does not exist"),
    ("out.shp", None, "unsupported suffix '.shp'"),
    ("out.csv", "kml", "unsupported format 'kml'"),
    ("src.csv/inner.csv", None, "does not exist"),
])
def test_bad_export_target_is_a_clear_error(out: str, fmt, words: str, typed, tmp_path: Path):
    with pytest.raises(LiftGuardError, match=words):
        gio.export_elevators(typed, tmp_path / out, fmt=fmt)


def test_a_new_format_is_one_function(rows, districts, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(gio, "FORMATS", gio._Formats(dict(gio.FORMATS.readers),
                                                     dict(gio.FORMATS.writers),
                                                     dict(gio.FORMATS.suffixes)))

    @gio.register_reader("tsv", ".tsv")
    def read_tsv(path: Path) -> gio.RawTable:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        return gio.RawTable(frame, np.arange(2, len(frame) + 2))

    path = tmp_path / "x.tsv"
    rows.to_csv(path, sep="\t", index=False)
    got = gio.read_elevator_file(path, districts=districts, as_of=AS_OF)
    assert len(got) == len(rows)


# --------------------------------------------------------------------------- through the store


@pytest.fixture(scope="module")
def seeded_store(districts, tmp_path_factory):
    """A SQLite store with the three districts and the first 8 fixture elevators imported."""
    from gis.store import open_store

    tmp = tmp_path_factory.mktemp("store")
    store = open_store(f"sqlite:///{tmp / 'io.sqlite'}")
    store.replace_districts(districts)
    first = write_csv(valid_rows(districts, 8, start=900), tmp / "first.csv")
    assert gio.import_elevators(store, first, as_of=AS_OF) == 8
    yield store
    store.close()


def test_import_appends_validated_rows(seeded_store, districts, tmp_path: Path) -> None:
    before = seeded_store.count_elevators()
    new = valid_rows(districts, 5, start=500)
    path = write_csv(new.rename(columns=ZH_HEADERS), tmp_path / "new.csv", encoding="gbk")
    assert gio.import_elevators(seeded_store, path, as_of=AS_OF) == 5
    stored = seeded_store.load_elevators()
    assert len(stored) == before + 5
    added = stored[stored["registration_code"].isin(new["registration_code"])]
    assert set(added["district_name"]) == {"黄浦区", "徐汇区", "浦东新区"}
    np.testing.assert_allclose(added["lon"].to_numpy(), new["lon"].astype(float).to_numpy())


@pytest.mark.parametrize(("case", "build", "row", "field", "words"), BROKEN,
                         ids=[c[0] for c in BROKEN])
def test_broken_file_imports_nothing(case: str, build, row: int, field: str, words: str,
                                     seeded_store, districts, tmp_path: Path) -> None:
    rows = valid_rows(districts, 8, start=700)
    before = seeded_store.existing_codes()
    path = build(rows, tmp_path)
    with pytest.raises(ValidationError) as info:
        gio.import_elevators(seeded_store, path, as_of=AS_OF)
    assert_problem(info.value, path, row, field, words)
    pd.testing.assert_frame_equal(seeded_store.existing_codes(), before)


def test_codes_already_stored_import_nothing(seeded_store, districts, tmp_path: Path) -> None:
    rows = valid_rows(districts, 8, start=300)
    rows.loc[6, "registration_code"] = valid_rows(districts, 1, start=903).loc[0,
                                                                               "registration_code"]
    before = seeded_store.count_elevators()
    path = write_xlsx(rows, tmp_path / "again.xlsx")
    with pytest.raises(ValidationError) as info:
        gio.import_elevators(seeded_store, path, as_of=AS_OF)
    assert_problem(info.value, path, 8, "registration_code", "is already registered")
    assert seeded_store.count_elevators() == before


def test_store_without_districts_is_refused(rows, tmp_path: Path) -> None:
    from gis.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'empty.sqlite'}") as store:
        with pytest.raises(LiftGuardError, match="no districts"):
            gio.import_elevators(store, write_csv(rows, tmp_path / "a.csv"), as_of=AS_OF)
        assert store.count_elevators() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_store_export_reimports_into_a_new_store(fmt: str, seeded_store, districts,
                                                 tmp_path: Path) -> None:
    from gis.store import open_store

    stored = seeded_store.load_elevators()
    path = gio.export_elevators(stored, tmp_path / f"all.{fmt}")
    with open_store(f"sqlite:///{tmp_path / 'copy.sqlite'}") as copy:
        copy.replace_districts(districts)
        assert gio.import_elevators(copy, path, as_of=AS_OF) == len(stored)
        pd.testing.assert_frame_equal(copy.load_elevators(), stored)
