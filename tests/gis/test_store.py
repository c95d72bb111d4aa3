"""Storage tests, run on SQLite and on a throwaway PostgreSQL/PostGIS server (``store_url``)."""

from __future__ import annotations

import socket

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import create_engine, text

from gis.errors import Cancelled, StoreError
from gis.registry import (
    BUILDING_TYPES,
    ELEVATOR_COLUMNS,
    IOT_DEVICES,
    RETROFIT_STAGES,
    RISK_CLASSES,
    STATION_KINDS,
    STATION_STATUSES,
    Registry,
    coerce_elevator_dtypes,
    coerce_station_dtypes,
)
from gis.store import bulk, default_db_url, init_store, open_store
from gis.store.codec import coerce_unit_dtypes

DISTRICTS_FILE = "/work/shared/data/boundaries/shanghai_districts_amap_wgs84.geojson"


# --------------------------------------------------------------------------- test data


def make_elevators(n: int, *, seed: int = 1, first: int = 0) -> pd.DataFrame:
    """``n`` elevators with every column filled and varied (awkward text included)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(first, first + n)
    awkward = np.array(["", '楼 "A", 3号', "Room\t5\nback", "a\\b;c", "普通地址 1 号"],
                       dtype=object)
    day0 = np.datetime64("1990-01-01", "D")
    reg = day0 + rng.integers(0, 12_000, n).astype("timedelta64[D]")
    made = reg.astype("datetime64[Y]").astype(int) + 1970 - rng.integers(0, 3, n)
    assessed = reg + rng.integers(100, 4000, n).astype("timedelta64[D]")
    assessed[rng.random(n) < 0.5] = np.datetime64("NaT")
    stage = rng.integers(0, len(RETROFIT_STAGES), n)
    stage_date = (reg + 400).astype("datetime64[D]")
    stage_date[stage == 0] = np.datetime64("NaT")
    frame = pd.DataFrame({
        "registration_code": [f"31{i:018d}" for i in idx],
        "rescue_code": [f"{(i * 7919) % 1_000_000:06d}" for i in idx],
        "address": awkward[idx % len(awkward)],
        "district_adcode": np.where(idx % 2 == 0, "310101", "310104"),
        "district_name": np.where(idx % 2 == 0, "黄浦区", "徐汇区"),
        "lon": rng.uniform(121.3, 121.6, n), "lat": rng.uniform(31.0, 31.3, n),
        "building_type": np.array(BUILDING_TYPES)[idx % len(BUILDING_TYPES)],
        "is_addon": rng.random(n) < 0.3,
        "manufacture_year": made,
        "registration_date": reg,
        "maintenance_unit_id": np.where(idx % 3 == 0, "MU01", "MU02"),
        "station_id": np.where(idx % 3 == 0, "S1", "S2"),
        "iot_device": np.array(IOT_DEVICES)[idx % len(IOT_DEVICES)],
        "risk_scheme": np.where(idx % 5 == 0, "Beijing 1-4", "GB/T 42615-2023"),
        "risk_class": np.array(RISK_CLASSES)[idx % len(RISK_CLASSES)],
        "assessment_date": assessed,
        "retrofit_status": np.array(RETROFIT_STAGES)[stage],
        "retrofit_status_date": stage_date,
        "has_ascending_overspeed": rng.random(n) < 0.6,
        "complaints_12345": rng.integers(0, 40, n),
        "complaints_962121": rng.integers(0, 2_000_000_000, n),
    })
    text = [c for c in frame.columns if frame[c].dtype != object and (
        pd.api.types.is_string_dtype(frame[c]) and not isinstance(frame[c].dtype,
                                                                  pd.CategoricalDtype))]
    for col in text:  # the registry's documented text dtype is object (Python str)
        frame[col] = pd.Series(frame[col].to_numpy(object), dtype=object)
    return coerce_elevator_dtypes(frame[list(ELEVATOR_COLUMNS)])


def make_registry(n: int = 300, *, seed: int = 1) -> Registry:
    stations = coerce_station_dtypes(pd.DataFrame({
        "station_id": ["S1", "S2", "F1"], "kind": list(STATION_KINDS),
        "name": ["黄浦维保站", "徐汇, \"南\"站", "消防一中队"], "unit_id": ["MU01", "MU02", ""],
        "district_adcode": ["310101", "310104", "310101"],
        "lon": [121.48, 121.43, 121.5], "lat": [31.23, 31.18, 31.2],
        "turnout_s": [60.0, 90.5, 30.0], "status": list(STATION_STATUSES),
    }))
    units = coerce_unit_dtypes(pd.DataFrame({"unit_id": ["MU01", "MU02"],
                                             "name": ["上海一号电梯维保", "Lift Care Ltd."]}))
    districts = gpd.read_file(DISTRICTS_FILE).iloc[:2].reset_index(drop=True)
    return Registry(
        elevators=make_elevators(n, seed=seed), stations=stations, units=units,
        districts=districts, meta={"label": "TEST registry built in code", "城市": "上海"},
    )


def assert_registry_equal(got: Registry, want: Registry) -> None:
    # What the store gives back is already in the documented dtypes (coercing changes nothing).
    pd.testing.assert_frame_equal(coerce_elevator_dtypes(got.elevators), got.elevators)
    pd.testing.assert_frame_equal(coerce_station_dtypes(got.stations), got.stations)
    pd.testing.assert_frame_equal(got.elevators, coerce_elevator_dtypes(want.elevators))
    pd.testing.assert_frame_equal(got.stations, coerce_station_dtypes(want.stations))
    pd.testing.assert_frame_equal(got.units, coerce_unit_dtypes(want.units))
    assert list(got.districts.columns) == ["adcode", "name", "name_en", "geometry"]
    assert got.districts.crs.equals("EPSG:4326")
    pd.testing.assert_frame_equal(
        pd.DataFrame(got.districts.drop(columns="geometry")),
        want.districts.drop(columns="geometry").astype(str).astype(object),  # adcode is text
    )
    assert shapely.equals_exact(got.districts.geometry.to_numpy(),
                                want.districts.geometry.to_numpy(), tolerance=0).all()
    assert got.meta == want.meta


# --------------------------------------------------------------------------- round trips


def test_round_trip_is_exact(store_url: str) -> None:
    registry = make_registry()
    with open_store(store_url) as store:
        assert not store.has_registry()
        store.save_registry(registry)
    with open_store(store_url) as store:  # a new connection reads what was committed
        assert store.has_registry()
        assert store.count_elevators() == 300
        assert_registry_equal(store.load_registry(), registry)


def test_empty_database_has_no_registry(store_url: str) -> None:
    with open_store(store_url) as store:
        assert not store.has_registry()
        assert store.count_elevators() == 0
        assert len(store.load_elevators()) == 0
        with pytest.raises(StoreError, match="no registry yet; run `liftguard generate`"):
            store.load_registry()


def test_save_replaces_everything(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save_registry(make_registry(300, seed=1))
        smaller = make_registry(40, seed=2)
        smaller.meta = {"label": "second"}
        store.save_registry(smaller)
        assert_registry_equal(store.load_registry(), smaller)


def test_progress_reports_up_to_one(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 100)
    seen: list[float] = []
    with open_store(store_url) as store:
        store.save_registry(make_registry(300), progress=seen.append)
    assert len(seen) >= 4
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_cancel_rolls_back_to_the_previous_registry(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 50)
    first = make_registry(120, seed=1)
    calls: list[float] = []
    with open_store(store_url) as store:
        store.save_registry(first)
        with pytest.raises(Cancelled):
            store.save_registry(make_registry(300, seed=3), progress=calls.append,
                                cancelled=lambda: len(calls) >= 2)
        assert len(calls) == 2  # two chunks were written before the cancel
        assert_registry_equal(store.load_registry(), first)


def test_failed_save_keeps_the_previous_registry(store_url: str) -> None:
    first = make_registry(50)
    broken = make_registry(60, seed=4)
    broken.stations = pd.concat([broken.stations, broken.stations.iloc[:1]])
    with open_store(store_url) as store:
        store.save_registry(first)
        with pytest.raises(StoreError, match="station id S1 appears twice"):
            store.save_registry(broken)
        assert_registry_equal(store.load_registry(), first)


def test_loosely_typed_frames_are_coerced(store_url: str) -> None:
    registry = make_registry(30)
    typed = registry.elevators
    loose = typed.astype(object)  # categories and dates as plain objects
    loose["registration_date"] = registry.elevators["registration_date"].dt.strftime("%Y-%m-%d")
    loose["district_adcode"] = loose["district_adcode"].astype(int)
    registry.elevators = loose
    with open_store(store_url) as store:
        store.save_registry(registry)
        got = store.load_elevators()
    pd.testing.assert_frame_equal(got, typed)
    assert got["district_adcode"].iloc[0] == "310101"


def test_save_with_a_repeated_elevator_code_keeps_the_previous_registry(store_url: str) -> None:
    first = make_registry(50)
    broken = make_registry(80, seed=5)
    broken.elevators.loc[60, "rescue_code"] = broken.elevators.loc[10, "rescue_code"]
    with open_store(store_url) as store:
        store.save_registry(first)
        code = broken.elevators.loc[10, "rescue_code"]
        with pytest.raises(StoreError, match=f"rescue code {code} appears twice"):
            store.save_registry(broken)
        assert_registry_equal(store.load_registry(), first)
        with store.engine.connect() as conn:  # the rebuilt unique indexes are in place
            names = {row[0] for row in conn.execute(text(
                "SELECT indexname FROM pg_indexes" if store.dialect == "postgresql" else
                "SELECT name FROM sqlite_master WHERE type = 'index'"))}
        assert {"elevators_registration_code_key", "elevators_rescue_code_key"} <= names


# --------------------------------------------------------------------------- partial writes


def test_append_elevators(store_url: str) -> None:
    registry = make_registry(100)
    head, tail = registry.elevators.iloc[:90], registry.elevators.iloc[90:]
    with open_store(store_url) as store:
        assert store.append_elevators(head) == 90  # into an empty database
        assert store.has_registry()
        assert store.append_elevators(tail) == 10
        pd.testing.assert_frame_equal(store.load_elevators(), registry.elevators)
        codes = store.existing_codes()
        assert list(codes.columns) == ["registration_code", "rescue_code"]
        assert codes["registration_code"].tolist() == registry.elevators[
            "registration_code"].tolist()
        assert codes["rescue_code"].dtype == object


@pytest.mark.parametrize("column", ["registration_code", "rescue_code"])
def test_append_with_a_stored_code_changes_nothing(store_url: str, column: str) -> None:
    registry = make_registry(100)
    new = make_elevators(20, seed=9, first=1000)
    new.loc[7, column] = registry.elevators.loc[3, column]
    with open_store(store_url) as store:
        store.save_registry(registry)
        with pytest.raises(StoreError) as info:
            store.append_elevators(new)
        message = str(info.value)
        assert registry.elevators.loc[3, column] in message
        assert "already stored" in message and "nothing was written" in message
        assert store.count_elevators() == 100
        pd.testing.assert_frame_equal(store.load_elevators(), registry.elevators)


def test_append_with_a_repeated_code_changes_nothing(store_url: str) -> None:
    new = make_elevators(20, seed=9)
    new.loc[5, "registration_code"] = new.loc[2, "registration_code"]
    with open_store(store_url) as store:
        with pytest.raises(StoreError, match=f"{new.loc[2, 'registration_code']} appears twice"):
            store.append_elevators(new)
        assert store.count_elevators() == 0
        assert not store.has_registry()


def test_replace_districts_and_set_meta(store_url: str) -> None:
    registry = make_registry(10)
    with open_store(store_url) as store:
        store.save_registry(registry)
        projected = gpd.read_file(DISTRICTS_FILE).iloc[[5]].to_crs("EPSG:32651")
        store.replace_districts(projected)
        got = store.load_districts()
        assert got["adcode"].tolist() == [str(projected["adcode"].iloc[0])]
        assert got.crs.equals("EPSG:4326")
        assert got.geometry.iloc[0].equals_exact(projected.to_crs(4326).geometry.iloc[0], 1e-9)
        store.set_meta(label="renamed", source="unit test", 城市=None)
        assert store.load_meta() == {"label": "renamed", "source": "unit test"}


def test_non_polygon_district_is_refused(store_url: str) -> None:
    points = gpd.GeoDataFrame({"adcode": ["310101"], "name": ["x"], "name_en": ["x"]},
                              geometry=[shapely.Point(121.4, 31.2)], crs="EPSG:4326")
    with open_store(store_url) as store, pytest.raises(
        StoreError, match="district 310101 has a Point geometry"
    ):
        store.replace_districts(points)


# --------------------------------------------------------------------------- opening


@pytest.mark.parametrize("url, message", [
    ("not a url", "is not a database URL"),
    ("mysql://u:p@localhost/db", "database type 'mysql'"),
    ("postgresql+psycopg2://u:p@localhost/db", "driver 'psycopg2' is not supported"),
    ("sqlite:////no/such/folder/x.sqlite", "/no/such/folder .* does not exist"),
])
def test_bad_urls_are_store_errors(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="file is not a database"):
        open_store(f"sqlite:///{path}")


def test_unreachable_server_is_a_store_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there
    with pytest.raises(StoreError) as info:
        open_store(f"postgresql://liftguard:s3cret@127.0.0.1:{port}/registry")
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message and "s3cret" not in message
    assert "server is running" in message


@pytest.mark.postgres
def test_wrong_password_is_a_store_error(pg_server, pg_url: str) -> None:
    database = pg_url.rsplit("/", 1)[1]
    with pytest.raises(StoreError, match="password authentication failed") as info:
        open_store(pg_server.url(database, password="wrong-password"))
    assert "wrong-password" not in str(info.value)


def test_schema_version_mismatch(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save_registry(make_registry(5))
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE store_info SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match=r"schema version 999.*run `liftguard db init"):
        open_store(store_url)
    with init_store(store_url) as store:  # what `liftguard db init` does
        assert not store.has_registry()
    with open_store(store_url) as store:
        assert store.count_elevators() == 0


def test_foreign_tables_are_not_taken_over(store_url: str) -> None:
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE elevators (id integer)"))
    engine.dispose()
    with pytest.raises(StoreError, match="no LiftGuard schema version"):
        open_store(store_url)


def test_default_db_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("LIFTGUARD_DB", "sqlite:///elsewhere.sqlite")
    assert default_db_url() == "sqlite:///elsewhere.sqlite"
    monkeypatch.delenv("LIFTGUARD_DB")
    import platformdirs

    data_dir = tmp_path / "user data" / "liftguard"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(data_dir))
    assert default_db_url() == f"sqlite:///{data_dir / 'liftguard.sqlite'}"
    assert data_dir.is_dir()
    with open_store() as store:
        assert store.dialect == "sqlite"
        assert store.url.database == str(data_dir / "liftguard.sqlite")


# --------------------------------------------------------------------------- PostGIS


@pytest.mark.postgres
def test_postgis_columns_follow_the_rows(pg_url: str) -> None:
    registry = make_registry(200)
    with open_store(pg_url) as store:
        assert store.dialect == "postgresql"
        assert "***" in str(store.url) and "liftguard-test" not in str(store.url)
        assert "liftguard-test" not in repr(store)
        store.save_registry(registry)
        with store.engine.connect() as conn:
            matches = conn.execute(text(
                "SELECT count(*) FROM elevators WHERE ST_SRID(geom) = 4326 "
                "AND ST_X(geom) = lon AND ST_Y(geom) = lat")).scalar_one()
            kinds = conn.execute(text(
                "SELECT DISTINCT GeometryType(geom) FROM districts")).scalars().all()
            indexes = set(conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%geom_gix'"))
                .scalars())
            inside = conn.execute(text(
                "SELECT count(*) FROM elevators e JOIN districts d "
                "ON ST_Contains(d.geom, e.geom) WHERE d.adcode = '310101'")).scalar_one()
    assert matches == 200
    assert kinds == ["MULTIPOLYGON"]
    assert indexes == {"elevators_geom_gix", "stations_geom_gix", "districts_geom_gix"}
    huangpu = registry.districts.geometry.iloc[0]
    expected = shapely.contains_xy(huangpu, registry.elevators["lon"], registry.elevators["lat"])
    assert inside == int(expected.sum())


@pytest.mark.postgres
def test_postgis_extension_is_created(pg_server) -> None:
    url = pg_server.create_database("plain", postgis=False)
    with open_store(url) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text(
                "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")).scalar_one() == 1
        store.save_registry(make_registry(5))
        assert store.count_elevators() == 5


# --------------------------------------------------------------------------- reads in steps


def test_load_registry_with_columns_keeps_contract_order_and_dtypes(store_url: str) -> None:
    registry = make_registry(n=120)
    with open_store(store_url) as store:
        store.save_registry(registry)
        got = store.load_registry(columns=["lat", "risk_class", "lon", "assessment_date"])
        only = store.load_elevators(columns=["district_adcode", "is_addon"])
    want = coerce_elevator_dtypes(registry.elevators)
    pd.testing.assert_frame_equal(got.elevators,
                                  want[["lon", "lat", "risk_class", "assessment_date"]])
    pd.testing.assert_frame_equal(only, want[["district_adcode", "is_addon"]])
    assert got.meta == registry.meta and len(got.stations) == 3


def test_snapshot_reads_the_missing_columns_of_the_same_rows(store_url: str) -> None:
    registry = make_registry(n=200)
    with open_store(store_url) as store:
        store.save_registry(registry)
        with store.snapshot() as snap:
            first = snap.load_registry(columns=("lon", "lat", "district_adcode"))
            full = snap.load_registry()
    assert list(first.elevators.columns) == ["district_adcode", "lon", "lat"]
    assert_registry_equal(full, registry)
    # the first step's columns are reused, not read again
    assert np.shares_memory(first.elevators["lon"].to_numpy(), full.elevators["lon"].to_numpy())


def test_snapshot_is_not_torn_by_a_concurrent_replace(sqlite_url: str) -> None:
    old, new = make_registry(n=150, seed=1), make_registry(n=90, seed=2)
    with open_store(sqlite_url) as store, open_store(sqlite_url) as other:
        store.save_registry(old)
        with store.snapshot() as snap:
            first = snap.load_registry(columns=("lon", "lat"))
            other.save_registry(new)  # another program replaces the registry meanwhile
            full = snap.load_registry()
        assert len(first.elevators) == len(full.elevators) == 150
        assert_registry_equal(full, old)
        assert_registry_equal(store.load_registry(), new)


def test_unknown_elevator_column_is_a_store_error(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        store.save_registry(make_registry(n=5))
        with pytest.raises(StoreError, match=r"unknown elevator column.*height_m"):
            store.load_registry(columns=["lon", "height_m"])
        with pytest.raises(StoreError, match="has no registry"), open_store(
                sqlite_url.replace("liftguard.sqlite", "empty.sqlite")) as empty, \
                empty.snapshot():
            pass


def test_dates_before_1970_and_far_ahead_round_trip(store_url: str) -> None:
    registry = make_registry(n=4)
    el = registry.elevators
    el["registration_date"] = pd.to_datetime(
        ["1965-03-01", "1969-12-31", "2099-12-31", None]).as_unit("s")
    with open_store(store_url) as store:
        store.save_registry(registry)
        got = store.load_registry(columns=["registration_date"]).elevators
    pd.testing.assert_series_equal(got["registration_date"], el["registration_date"])
