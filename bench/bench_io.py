"""Benchmark: validate and import a Shanghai-scale elevator CSV (304,634 rows).

Compares :func:`gis.io.read_elevator_file` (vectorised parse, district and city checks,
uniqueness against 100,000 stored codes) with a naive baseline doing the same checks row by
row (``csv.DictReader``, regexes, ``datetime.strptime``, one shapely point-in-polygon per
row), then times the full :func:`gis.io.import_elevators` into a fresh SQLite store.

The CSV is generated here, vectorised, with points drawn inside the real district polygons
(``/work/shared/data/boundaries/shanghai_districts_amap_wgs84.geojson``); the data is
SYNTHETIC and only used for timing.

Run: ``python bench/bench_io.py [--rows 304634] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gis import io as gio

BOUNDARIES = Path("/work/shared/data/boundaries/shanghai_districts_amap_wgs84.geojson")
AS_OF = dt.date(2024, 6, 30)


def load_districts() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(BOUNDARIES)
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf


def make_csv(path: Path, districts: gpd.GeoDataFrame, n: int, seed: int = 0) -> None:
    """``n`` valid rows, points uniform over the city's land, written as UTF-8 CSV."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = districts.total_bounds
    lon, lat, code = np.empty(0), np.empty(0), np.empty(0, int)
    while lon.size < n:
        bx, by = rng.uniform(x0, x1, 4 * n), rng.uniform(y0, y1, 4 * n)
        k = np.full(bx.size, -1)
        for i, geom in enumerate(districts.geometry):
            k[(k < 0) & shapely.contains_xy(geom, bx, by)] = i
        lon, lat, code = (np.r_[lon, bx[k >= 0]], np.r_[lat, by[k >= 0]],
                          np.r_[code, k[k >= 0]])
    lon, lat, code = lon[:n], lat[:n], code[:n]
    i = np.arange(n)
    year = rng.integers(1995, 2023, n)
    reg = pd.to_datetime(pd.Series(year.astype(str)) + "-01-01") + pd.to_timedelta(
        rng.integers(0, 365, n), unit="D")
    reg = reg.where(reg <= pd.Timestamp(AS_OF), pd.Timestamp(AS_OF))
    frame = pd.DataFrame({
        "registration_code": np.char.add("3110", np.char.zfill(i.astype(str), 16)),
        "rescue_code": np.char.zfill((i + 100_000).astype(str), 6),
        "address": np.char.add("测试路", i.astype(str)),
        "district_adcode": districts["adcode"].to_numpy()[code],
        "district_name": districts["name"].to_numpy()[code],
        "lon": lon.round(7), "lat": lat.round(7),
        "building_type": rng.choice(["住宅", "办公", "商业", "医院"], n),
        "is_addon": rng.choice(["是", "否"], n),
        "manufacture_year": year,
        "registration_date": reg.dt.strftime("%Y-%m-%d"),
        "maintenance_unit_id": np.char.add("U", (i % 315).astype(str)),
        "station_id": np.char.add("S", (i % 500).astype(str)),
        "iot_device": rng.choice(["none", "monitoring"], n),
        "risk_scheme": "", "risk_class": "none", "assessment_date": "",
        "retrofit_status": "none", "retrofit_status_date": "",
        "has_ascending_overspeed": "true",
        "complaints_12345": rng.integers(0, 3, n), "complaints_962121": 0,
    })
    frame.to_csv(path, index=False, encoding="utf-8")


_REG = re.compile(r"^[0-9A-Z]{10,24}$")
_RESCUE = re.compile(r"^\d{6}$")
_CATS = {"住宅", "办公", "商业", "医院", "residential", "office", "commercial", "hospital"}


def naive_validate(path: Path, districts: gpd.GeoDataFrame, existing: set[str]) -> int:
    """Row-by-row baseline: the same checks, one Python iteration and one shapely call per row."""
    polygons = dict(zip(districts["adcode"], districts.geometry, strict=True))
    for geom in polygons.values():
        shapely.prepare(geom)
    seen_reg: set[str] = set()
    seen_rescue: set[str] = set()
    problems: list[tuple[int, str, str]] = []
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, rec in enumerate(csv.DictReader(fh), start=2):
            reg = rec["registration_code"].strip().upper()
            if not _REG.match(reg):
                problems.append((n, "registration_code", "bad"))
            if reg in seen_reg or reg in existing:
                problems.append((n, "registration_code", "duplicate"))
            seen_reg.add(reg)
            rescue = rec["rescue_code"].strip()
            if not _RESCUE.match(rescue) or rescue in seen_rescue:
                problems.append((n, "rescue_code", "bad"))
            seen_rescue.add(rescue)
            try:
                lon, lat = float(rec["lon"]), float(rec["lat"])
            except ValueError:
                problems.append((n, "lon", "nan"))
                continue
            geom = polygons.get(rec["district_adcode"].strip())
            if geom is None:
                problems.append((n, "district_adcode", "unknown"))
            elif not geom.contains(shapely.Point(lon, lat)):
                problems.append((n, "lon/lat", "outside"))
            if rec["building_type"].strip() not in _CATS:
                problems.append((n, "building_type", "unknown"))
            year = int(rec["manufacture_year"])
            try:
                when = dt.datetime.strptime(rec["registration_date"], "%Y-%m-%d").date()
                if when > AS_OF or when.year < year:
                    problems.append((n, "registration_date", "impossible"))
            except ValueError:
                problems.append((n, "registration_date", "bad"))
            rows.append({**rec, "lon": lon, "lat": lat, "registration_code": reg})
    if problems:
        raise RuntimeError(f"baseline found {len(problems)} problems, e.g. {problems[:3]}")
    return len(rows)


def timed(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=304_634)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    districts = load_districts()
    existing = pd.DataFrame({"registration_code": [f"3210{j:016d}" for j in range(100_000)],
                             "rescue_code": [f"R{j:05d}" for j in range(100_000)]})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "elevators.csv"
        t0 = time.perf_counter()
        make_csv(path, districts, args.rows)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - t0:.1f} s")
        ours_t, naive_t = [], []
        known = set(existing["registration_code"])
        for _ in range(args.repeat):  # interleaved, so machine load hits both alike
            t_ours, frame = timed(lambda: gio.read_elevator_file(
                path, districts=districts, existing=existing, as_of=AS_OF), 1)
            t_naive, count = timed(lambda: naive_validate(path, districts, known), 1)
            ours_t.append(t_ours)
            naive_t.append(t_naive)
        assert len(frame) == args.rows and count == args.rows  # type: ignore[arg-type]
        ours, naive = statistics.median(ours_t), statistics.median(naive_t)
        print(f"read + validate, gis.io.read_elevator_file: {ours:6.2f} s (median of "
              f"{args.repeat}, interleaved)")
        print(f"read + validate, naive DictReader per row:   {naive:6.2f} s (median of "
              f"{args.repeat})")
        print(f"speed-up: {naive / ours:.1f}x")

        from gis.store import open_store

        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        store.replace_districts(districts)
        t0 = time.perf_counter()
        n = gio.import_elevators(store, path, as_of=AS_OF)
        full = time.perf_counter() - t0
        print(f"full import into SQLite (validate + one transaction): {full:.2f} s, {n:,} rows")
        for fmt in ("csv", "gpkg"):
            out = Path(tmp) / f"export.{fmt}"
            t0 = time.perf_counter()
            gio.export_elevators(frame, out)  # type: ignore[arg-type]
            print(f"export {fmt}: {time.perf_counter() - t0:.2f} s "
                  f"({out.stat().st_size / 1e6:.1f} MB)")
        store.close()


if __name__ == "__main__":
    main()
