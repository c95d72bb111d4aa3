"""Benchmark: save and load 304,634 elevators through gis.store, next to naive baselines.

Rows are built vectorised with numpy (every column filled, plausible values in a Shanghai-sized
box); they are benchmark input, not real elevators. Measured on SQLite (median of ``--repeat``
runs) and, if a PostgreSQL server can be started (``--pg``), on PostgreSQL/PostGIS too.

Baselines, measured in the same run:

* save: SQLAlchemy ORM ``session.add_all`` of mapped objects (one object per row, the way a
  first version would write it) and a per-row Core ``INSERT`` loop; both are timed on a
  30,000-row subset and scaled linearly to the full size (printed as such);
* load: ``pandas.read_sql`` of the table, followed by the same dtype coercion.

Run: ``python bench/bench_store.py [--repeat 3] [--pg]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.loading import MAP_COLUMNS  # the columns the map's first frame reads
from gis.registry import (
    BUILDING_TYPES,
    ELEVATOR_COLUMNS,
    IOT_DEVICES,
    RETROFIT_STAGES,
    RISK_CLASSES,
    Registry,
    coerce_elevator_dtypes,
)
from gis.store import open_store
from gis.store.codec import coerce_unit_dtypes

N_ELEVATORS = 304_634  # Shanghai, end of 2022 (DOMAIN.md)
BASELINE_ROWS = 30_000
DISTRICTS = {"310115": "浦东新区", "310112": "闵行区", "310117": "松江区", "310113": "宝山区",
             "310114": "嘉定区", "310101": "黄浦区", "310104": "徐汇区", "310106": "静安区"}


def make_elevators(n: int, *, seed: int = 7) -> pd.DataFrame:
    """``n`` typed elevator rows with every column filled (benchmark input only)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    adcodes = np.array(list(DISTRICTS))
    district = rng.integers(0, len(adcodes), n)
    reg_days = rng.integers(np.datetime64("1995-01-01", "D").astype(int),
                            np.datetime64("2022-12-31", "D").astype(int), n)
    registration = reg_days.astype("datetime64[D]")
    made = registration.astype("datetime64[Y]").astype(int) + 1970 - rng.integers(0, 2, n)
    assessed = np.where(rng.random(n) < 0.4,
                        reg_days + rng.integers(3650, 10000, n), np.iinfo(np.int64).min)
    assessed = np.minimum(assessed, np.datetime64("2024-06-30", "D").astype(int))
    assessed = np.where(rng.random(n) < 0.4, assessed, np.iinfo(np.int64).min)
    stage = rng.integers(0, len(RETROFIT_STAGES), n)
    stage_date = np.where(stage > 0, reg_days + 5000, np.iinfo(np.int64).min)
    stage_date = np.minimum(stage_date, np.datetime64("2024-06-30", "D").astype(int))
    stage_date = np.where(stage > 0, stage_date, np.iinfo(np.int64).min)
    units = rng.integers(0, 315, n)
    frame = pd.DataFrame({
        # Codes in random order, as in a real registry (the unique indexes feel the difference).
        "registration_code": np.char.add("3101", np.char.zfill(
            rng.permutation(n * 37)[:n].astype(str), 16)),
        "rescue_code": np.char.zfill(rng.permutation(900_000)[:n].astype(str), 6),
        "address": np.char.add("上海市示例路", (idx % 9000 + 1).astype(str)),
        "district_adcode": adcodes[district],
        "district_name": np.array(list(DISTRICTS.values()))[district],
        "lon": rng.uniform(120.86, 122.0, n), "lat": rng.uniform(30.68, 31.88, n),
        "building_type": np.array(BUILDING_TYPES)[rng.integers(0, len(BUILDING_TYPES), n)],
        "is_addon": rng.random(n) < 0.05,
        "manufacture_year": made,
        "registration_date": registration,
        "maintenance_unit_id": np.char.add("MU", np.char.zfill(units.astype(str), 4)),
        "station_id": np.char.add("ST", np.char.zfill((units * 3).astype(str), 5)),
        "iot_device": np.array(IOT_DEVICES)[rng.integers(0, len(IOT_DEVICES), n)],
        "risk_scheme": "GB/T 42615-2023",
        "risk_class": np.array(RISK_CLASSES)[rng.integers(0, len(RISK_CLASSES), n)],
        "assessment_date": assessed.astype("datetime64[D]"),
        "retrofit_status": np.array(RETROFIT_STAGES)[stage],
        "retrofit_status_date": stage_date.astype("datetime64[D]"),
        "has_ascending_overspeed": made >= 2005,
        "complaints_12345": rng.poisson(0.3, n), "complaints_962121": rng.poisson(0.2, n),
    })
    for col in frame.columns:  # text as Python str objects, the registry's documented dtype
        if frame[col].dtype.kind in "OSU" or isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = pd.Series(frame[col].to_numpy(object), dtype=object)
    return coerce_elevator_dtypes(frame[list(ELEVATOR_COLUMNS)])


def make_registry(elevators: pd.DataFrame) -> Registry:
    import geopandas as gpd

    stations = pd.DataFrame({
        "station_id": ["ST00001"], "kind": ["maintenance"], "name": ["示例站"],
        "unit_id": ["MU0001"], "district_adcode": ["310115"], "lon": [121.5], "lat": [31.2],
        "turnout_s": [120.0], "status": ["available"],
    })
    units = coerce_unit_dtypes(pd.DataFrame({"unit_id": ["MU0001"], "name": ["示例维保"]}))
    districts = gpd.GeoDataFrame({"adcode": [], "name": [], "name_en": []},
                                 geometry=[], crs="EPSG:4326")
    return Registry(elevators, stations, units, districts, {"label": "BENCHMARK rows"})


def median_s(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def orm_add_all_s(url: str, rows: pd.DataFrame) -> float:
    """Naive save: one mapped object per row, ``session.add_all``, one commit."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session, registry

    from gis.store import schema

    mapper = registry()

    class Elevator:
        pass

    mapper.map_imperatively(Elevator, schema.elevators)
    engine = create_engine(url)
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    for r in records:
        for col in ("registration_date", "assessment_date", "retrofit_status_date"):
            r[col] = r[col].date() if r[col] is not None else None
    t0 = time.perf_counter()
    with Session(engine) as session:
        session.execute(schema.elevators.delete())
        objs = []
        for r in records:
            obj = Elevator()
            for k, v in r.items():
                setattr(obj, k, v)
            objs.append(obj)
        session.add_all(objs)
        session.commit()
    elapsed = time.perf_counter() - t0
    mapper.dispose()
    engine.dispose()
    return elapsed


def per_row_insert_s(url: str, rows: pd.DataFrame) -> float:
    """Naive save: a Core ``INSERT`` executed once per row (one transaction)."""
    from sqlalchemy import create_engine

    from gis.store import schema

    engine = create_engine(url)
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    for r in records:
        for col in ("registration_date", "assessment_date", "retrofit_status_date"):
            r[col] = r[col].date() if r[col] is not None else None
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(schema.elevators.delete())
        statement = schema.elevators.insert()
        for r in records:
            conn.execute(statement, r)  # one statement (compiled once, cached) per row
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


def read_sql_s(url: str) -> float:
    """Naive load: ``pandas.read_sql`` of the table, then the documented dtypes."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    t0 = time.perf_counter()
    with engine.connect() as conn:
        frame = pd.read_sql("SELECT * FROM elevators ORDER BY row_id", conn)
    coerce_elevator_dtypes(frame)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


def bench_backend(name: str, url: str, registry: Registry, repeat: int) -> list[tuple]:
    n = len(registry.elevators)
    subset = registry.elevators.iloc[:BASELINE_ROWS]
    scale = n / len(subset)
    store = open_store(url)
    save_s = median_s(lambda: store.save_registry(registry), repeat)
    loaded: list[pd.DataFrame] = []
    load_s = median_s(lambda: loaded.append(store.load_elevators()), repeat)
    pd.testing.assert_frame_equal(loaded[-1], registry.elevators)
    map_cols: list[pd.DataFrame] = []
    first_s = median_s(lambda: map_cols.append(store.load_elevators(columns=MAP_COLUMNS)),
                       repeat)
    pd.testing.assert_frame_equal(map_cols[-1], registry.elevators[list(MAP_COLUMNS)])
    rows = [(name, "save", "store.save_registry (bulk path)", save_s, "")]
    naive_load = median_s(lambda: read_sql_s(url), 1)
    orm = orm_add_all_s(url, subset) * scale
    per_row = per_row_insert_s(url, subset) * scale
    rows += [
        (name, "save", "ORM session.add_all", orm, f"{len(subset):,} rows x{scale:.1f}"),
        (name, "save", "per-row Core INSERT", per_row, f"{len(subset):,} rows x{scale:.1f}"),
        (name, "load", "store.load_elevators (bulk path)", load_s, ""),
        (name, "load", "  columns=MAP_COLUMNS (first frame)", first_s,
         f"{len(MAP_COLUMNS)} of {len(registry.elevators.columns)} columns"),
        (name, "load", "pd.read_sql + coerce dtypes", naive_load, "1 run"),
    ]
    store.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=N_ELEVATORS)
    parser.add_argument("--pg", action="store_true", help="also PostgreSQL (throwaway server)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    registry = make_registry(make_elevators(args.rows))
    print(f"built {args.rows:,} elevator rows in {time.perf_counter() - t0:.2f} s")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += bench_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite", registry, args.repeat)
        if args.pg:
            from tests.pg_fixture import running_server

            with running_server() as server:
                url = server.create_database("bench")
                results += bench_backend("postgresql", url, registry, args.repeat)
    print(f"\n{'backend':<11}{'op':<6}{'method':<34}{'seconds':>9}  {'vs bulk':>8}  note")
    best = {(r[0], r[1]): r[3] for r in results if "bulk" in r[2]}
    for backend, op, method, seconds, note in results:
        ratio = seconds / best[(backend, op)]
        print(f"{backend:<11}{op:<6}{method:<34}{seconds:>9.2f}  {ratio:>7.1f}x  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
