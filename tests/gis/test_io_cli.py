"""``liftguard import elevators`` / ``liftguard export elevators``: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gis.cli import main
from tests.gis.test_io import (
    ZH_HEADERS,
    load_three_districts,
    set_cell,
    valid_rows,
    write_csv,
    write_geo,
)


@pytest.fixture(scope="module")
def districts():
    return load_three_districts()


@pytest.fixture
def db(districts, tmp_path: Path) -> str:
    from gis.store import open_store

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    with open_store(url) as store:
        store.replace_districts(districts)
    return url


def count(url: str) -> int:
    from gis.store import open_store

    with open_store(url) as store:
        return store.count_elevators()


def test_import_prints_the_count(db: str, districts, tmp_path: Path, capsys) -> None:
    path = write_csv(valid_rows(districts, 7).rename(columns=ZH_HEADERS), tmp_path / "a.csv",
                     encoding="gbk")
    assert main(["import", "elevators", str(path), "--db", db]) == 0
    assert "imported 7 elevators" in capsys.readouterr().out
    assert count(db) == 7


def test_import_gcj02_geojson(db: str, districts, tmp_path: Path, capsys) -> None:
    from gis.crs import from_wgs84

    rows = valid_rows(districts, 4)
    lon, lat = from_wgs84(rows["lon"].astype(float), rows["lat"].astype(float), "gcj02")
    path = write_geo(rows.assign(lon=lon, lat=lat), tmp_path / "amap.geojson")
    assert main(["import", "elevators", str(path), "--crs", "GCJ-02", "--db", db]) == 0
    assert "as gcj02" in capsys.readouterr().out


def test_bad_rows_exit_2_with_the_report(db: str, districts, tmp_path: Path, capsys) -> None:
    rows = set_cell(valid_rows(districts, 6), 4, "registration_date", "2015-02-30")
    path = write_csv(set_cell(rows, 6, "district_adcode", "310199"), tmp_path / "bad.csv")
    assert main(["import", "elevators", str(path), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: row 4, field 'registration_date'" in err
    assert "bad.csv: row 6, field 'district_adcode': unknown district 310199" in err
    assert "nothing was imported" in err and "Traceback" not in err
    assert count(db) == 0


@pytest.mark.parametrize(("argv", "words"), [
    (["import", "elevators", "{tmp}/missing.csv"], "file not found"),
    (["import", "elevators", "{tmp}/a.csv", "--crs", "utm"], "Unknown coordinate system"),
    (["import", "elevators"], "required: FILE"),
    (["import", "stations", "{tmp}/a.csv"], "invalid choice"),
    (["export", "elevators", "--out", "{tmp}/x.kml"], "unsupported suffix '.kml'"),
    (["export", "elevators", "--format", "shp", "--out", "{tmp}/x.shp"], "invalid choice"),
    (["export", "elevators", "--format", "csv"], "--out"),
    (["export", "elevators", "--out", "{tmp}/no/dir/x.csv"], "does not exist"),
])
def test_bad_arguments_exit_2(argv: list[str], words: str, db: str, districts,
                              tmp_path: Path, capsys) -> None:
    write_csv(valid_rows(districts, 3), tmp_path / "a.csv")
    if argv[0] == "export":
        assert run(["import", "elevators", str(tmp_path / "a.csv"), "--db", db]) == 0
        capsys.readouterr()
    assert run([a.format(tmp=tmp_path) for a in argv] + ["--db", db]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def run(argv: list[str]) -> int:
    """``main`` as the shell sees it: argparse errors exit through SystemExit."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_export_every_format_and_a_district(db: str, districts, tmp_path: Path, capsys) -> None:
    from gis.io import read_elevator_file

    rows = valid_rows(districts, 9)
    assert main(["import", "elevators", str(write_csv(rows, tmp_path / "a.csv")), "--db", db]) == 0
    for fmt in ("csv", "xlsx", "geojson", "gpkg"):
        out = tmp_path / f"all.{fmt}"
        assert main(["export", "elevators", "--format", fmt, "--out", str(out), "--db", db]) == 0
        assert len(read_elevator_file(out, districts=districts)) == 9
    out = tmp_path / "pudong.data"
    assert main(["export", "elevators", "--format", "csv", "--out", str(out),
                 "--district", "310115", "--chinese-headers", "--db", db]) == 0
    back = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert set(back["区划代码"]) == {"310115"} and len(back) == 3
    assert "exported 3 elevators" in capsys.readouterr().out


def test_export_from_an_empty_store_writes_nothing(db: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.csv"
    assert main(["export", "elevators", "--out", str(out), "--db", db]) == 2
    assert "no registry yet" in capsys.readouterr().err
    assert not out.exists()


def test_export_unknown_district(db: str, districts, tmp_path: Path, capsys) -> None:
    assert main(["import", "elevators", str(write_csv(valid_rows(districts, 3),
                                                      tmp_path / "a.csv")), "--db", db]) == 0
    out = tmp_path / "x.csv"
    assert main(["export", "elevators", "--out", str(out), "--district", "310199",
                 "--db", db]) == 2
    assert "--district 310199: not a district" in capsys.readouterr().err
    assert not out.exists()
