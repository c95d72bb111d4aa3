"""A small, fully synthetic command-centre world built in code for the incident tests.

A 6 x 5 km box of central Shanghai with a synthetic road grid, 400 elevators, 4 maintenance
units with 2 stations each, 2 fire and 2 police stations. Everything is seeded.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gis.registry import coerce_elevator_dtypes, coerce_station_dtypes

BBOX = (121.44, 31.20, 121.50, 31.245)
START = dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC)  # 09:00 China time


def make_roads():
    from gis.synth_roads import synth_road_arrays

    return synth_road_arrays(bbox=BBOX, target_nodes=1500, seed=3)


def make_stations() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for u in range(4):
        for s in range(3):
            rows.append(("maintenance", f"MU{u + 1:03d}", f"MS{3 * u + s + 1:04d}"))
    rows += [("fire", "", "FS0001"), ("fire", "", "FS0002"),
             ("police", "", "PS0001"), ("police", "", "PS0002")]
    n = len(rows)
    lon = rng.uniform(BBOX[0] + 0.005, BBOX[2] - 0.005, n)
    lat = rng.uniform(BBOX[1] + 0.005, BBOX[3] - 0.005, n)
    return coerce_station_dtypes(pd.DataFrame({
        "station_id": [r[2] for r in rows], "kind": [r[0] for r in rows],
        "name": [f"合成站{r[2]}" for r in rows], "unit_id": [r[1] for r in rows],
        "district_adcode": "310101", "lon": lon, "lat": lat,
        "turnout_s": [300.0 if r[0] == "maintenance" else 60.0 for r in rows],
        "status": "available"}))


def make_elevators(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    units = rng.integers(1, 5, n)
    years = rng.integers(1995, 2024, n)
    df = pd.DataFrame({
        "registration_code": [f"3101{i:014d}" for i in range(n)],
        "rescue_code": [f"{100000 + i:06d}" for i in range(n)],
        "address": [f"合成路{i % 50 + 1}号 {i}" for i in range(n)],
        "district_adcode": np.where(np.arange(n) % 2 == 0, "310101", "310106"),
        "district_name": np.where(np.arange(n) % 2 == 0, "黄浦区", "静安区"),
        "lon": rng.uniform(BBOX[0] + 0.003, BBOX[2] - 0.003, n),
        "lat": rng.uniform(BBOX[1] + 0.003, BBOX[3] - 0.003, n),
        "building_type": "residential", "is_addon": False, "manufacture_year": years - 1,
        "registration_date": pd.to_datetime([f"{y}-06-01" for y in years]),
        "maintenance_unit_id": [f"MU{u:03d}" for u in units],
        "station_id": [f"MS{3 * (u - 1) + 1:04d}" for u in units],
        "iot_device": rng.choice(["none", "monitoring"], n), "risk_scheme": "",
        "risk_class": "none", "assessment_date": pd.NaT, "retrofit_status": "none",
        "retrofit_status_date": pd.NaT, "has_ascending_overspeed": True,
        "complaints_12345": 0, "complaints_962121": 0,
    })
    return coerce_elevator_dtypes(df)


def make_registry():
    import geopandas as gpd
    from shapely.geometry import box

    from gis.registry import Registry

    districts = gpd.GeoDataFrame(
        {"adcode": ["310101", "310106"], "name": ["黄浦区", "静安区"],
         "name_en": ["Huangpu", "Jing'an"]},
        geometry=[box(BBOX[0], BBOX[1], (BBOX[0] + BBOX[2]) / 2, BBOX[3]),
                  box((BBOX[0] + BBOX[2]) / 2, BBOX[1], BBOX[2], BBOX[3])], crs="EPSG:4326")
    units = pd.DataFrame({"unit_id": [f"MU{u:03d}" for u in range(1, 5)],
                          "name": [f"合成维保{u}" for u in range(1, 5)]})
    return Registry(elevators=make_elevators(), stations=make_stations(), units=units,
                    districts=districts, meta={"label": "SYNTHETIC incident test world"})


def make_engine(registry=None):
    from gis.routing import RoutingEngine

    reg = registry or make_registry()
    return RoutingEngine(make_roads(), stations=reg.stations, elevators=reg.elevators)
