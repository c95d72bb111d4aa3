"""Targets and ledgers on a hand-built registry whose every figure can be checked by hand."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.config import Config
from gis.planning import LedgerRules, plan_districts
from gis.registry import Registry, coerce_elevator_dtypes, coerce_station_dtypes

AS_OF = dt.date(2026, 11, 21)
CFG = Config(as_of=AS_OF)


def _date(days_ago: float | None) -> pd.Timestamp:
    return pd.NaT if days_ago is None else pd.Timestamp(AS_OF) - pd.Timedelta(days=days_ago)


def _registry(rows: list[dict]) -> Registry:
    base = {"address": "addr", "district_name": "", "lon": 121.47, "lat": 31.23,
            "building_type": "residential", "is_addon": False, "manufacture_year": 2015,
            "maintenance_unit_id": "MU1", "station_id": "S1", "iot_device": "none",
            "risk_scheme": "GB/T 42615-2023", "risk_class": "none", "assessment_date": pd.NaT,
            "retrofit_status": "none", "retrofit_status_date": pd.NaT,
            "has_ascending_overspeed": True, "complaints_12345": 0, "complaints_962121": 0,
            "district_adcode": "310101"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["registration_code"] = [f"3110310101{i:010d}" for i in range(len(frame))]
    frame["rescue_code"] = [f"{200000 + i}" for i in range(len(frame))]
    frame["registration_date"] = [_date(y * 365.25 + 1) for y in frame.pop("years")]
    frame["manufacture_year"] = np.minimum(frame["manufacture_year"],
                                           frame["registration_date"].dt.year)
    districts = gpd.GeoDataFrame(
        {"adcode": ["310101", "310104", "310105"], "name": ["黄浦区", "徐汇区", "长宁区"],
         "name_en": ["Huangpu", "Xuhui", "Changning"]},
        geometry=[shapely.box(121.4, 31.2, 121.5, 31.3)] * 3, crs="EPSG:4326")
    stations = coerce_station_dtypes(pd.DataFrame(
        {"station_id": ["S1"], "kind": ["maintenance"], "name": ["s"], "unit_id": ["MU1"],
         "district_adcode": ["310101"], "lon": [121.47], "lat": [31.23], "turnout_s": [300.0],
         "status": ["available"]}))
    return Registry(elevators=coerce_elevator_dtypes(frame), stations=stations,
                    units=pd.DataFrame({"unit_id": ["MU1"], "name": ["u"]}),
                    districts=districts, meta={"label": "SYNTHETIC test"})


def test_iot_targets_and_age_counts() -> None:
    reg = _registry([
        # Huangpu: 4 residential (2 with IoT), of which 15+: 2 (1 with IoT); one office 21 y
        {"years": 3, "iot_device": "monitoring"}, {"years": 5},
        {"years": 16, "iot_device": "monitoring_ebike"}, {"years": 22},
        {"years": 21, "building_type": "office", "iot_device": "monitoring"},
        # Xuhui: 1 residential 17 y with IoT
        {"years": 17, "iot_device": "monitoring", "district_adcode": "310104"},
    ])
    t = plan_districts(reg, CFG).targets.set_index("adcode")
    hp = t.loc["310101"]
    assert (hp["residential"], hp["residential_iot"]) == (4, 2)
    assert hp["iot_residential_share"] == pytest.approx(0.5)
    assert (hp["residential_15"], hp["residential_15_iot"]) == (2, 1)
    assert (hp["age_15"], hp["age_20"]) == (3, 2)
    assert bool(hp["meets_2025"]) and hp["missing_2025"] == 0  # 50 % reached
    assert not hp["meets_2027"] and hp["missing_2027"] == 2
    assert not hp["meets_15"] and hp["missing_15"] == 1 and hp["target_15_year"] == 2025
    xh = t.loc["310104"]
    assert bool(xh["meets_2027"]) and bool(xh["meets_15"])
    cn = t.loc["310105"]  # a district without elevators still has a row
    assert cn["residential"] == 0 and np.isnan(cn["iot_residential_share"])
    assert t.loc["total", "residential"] == 5 and t.loc["total", "name"] == "合计"


def test_problem_ledger_deadlines_closing_and_overdue() -> None:
    reg = _registry([
        {"years": 20, "risk_class": "class_i", "assessment_date": _date(40),
         "retrofit_status": "works", "retrofit_status_date": _date(20)},      # overdue by 10
        {"years": 20, "risk_class": "class_i", "assessment_date": _date(20),
         "retrofit_status": "plan", "retrofit_status_date": _date(10)},       # 10 days left
        {"years": 18, "risk_class": "class_ii", "assessment_date": _date(200),
         "retrofit_status": "back_in_service", "retrofit_status_date": _date(5)},  # closed
        {"years": 18, "risk_class": "class_ii", "assessment_date": _date(181)},    # overdue 1
        {"years": 18, "risk_class": "none", "assessment_date": _date(100)},        # not listed
    ])
    p = plan_districts(reg, CFG)
    led = p.ledger
    assert led["risk_class"].tolist() == ["class_i", "class_i", "class_ii", "class_ii"]
    assert led["deadline"].dt.date.tolist()[:2] == [AS_OF - dt.timedelta(days=10),
                                                    AS_OF + dt.timedelta(days=10)]
    assert led["overdue"].tolist() == [True, False, False, True]
    assert led["days_overdue"].tolist() == [10, 0, 0, 1]
    assert led["closed"].tolist() == [False, False, True, False]
    assert led.loc[2, "closed_date"].date() == AS_OF - dt.timedelta(days=5)
    assert led["closed_date"].isna().tolist() == [True, True, False, True]
    s = p.ledger_summary.set_index("adcode").loc["310101"]
    assert (s["class_i"], s["class_ii"], s["open"], s["closed"], s["overdue"]) == (2, 2, 3, 1, 2)
    # a stricter rule moves the deadline
    strict = plan_districts(reg, CFG, LedgerRules(class_i_days=15)).ledger
    assert strict["overdue"].tolist()[:2] == [True, True]


def test_overspeed_pipeline_and_queue() -> None:
    reg = _registry([
        {"years": 25, "manufacture_year": 2001, "has_ascending_overspeed": False},   # listed
        {"years": 23, "manufacture_year": 2003, "has_ascending_overspeed": True},    # has it
        {"years": 19, "manufacture_year": 2007, "has_ascending_overspeed": False},   # 2007: no
        {"years": 10, "retrofit_status": "inspection", "retrofit_status_date": _date(8)},  # late
        {"years": 10, "retrofit_status": "works", "retrofit_status_date": _date(100)},    # ok
        {"years": 16, "complaints_12345": 2, "complaints_962121": 1},
        {"years": 18, "complaints_12345": 3, "assessment_date": _date(30)},
        {"years": 30, "complaints_12345": 3},                                       # never assessed
    ])
    p = plan_districts(reg, CFG)
    assert p.overspeed["manufacture_year"].tolist() == [2001]
    by = p.pipeline.set_index("adcode").loc["310101"]
    assert (by["inspection"], by["inspection_overdue"], by["works"], by["works_overdue"]) == \
        (1, 1, 1, 0)
    assert (by["open"], by["overdue"]) == (2, 1)
    od = p.pipeline_overdue
    assert od["stage"].tolist() == ["inspection"] and od["days_over"].tolist() == [1]
    q = p.queue
    assert q["rank"].tolist()[:3] == [1, 2, 3]
    # 3 complaints each: never assessed first, then by complaints; 15+ years only
    assert q["complaints"].tolist()[:3] == [3, 3, 3]
    assert q["age_years"].iloc[0] == pytest.approx(30, abs=0.1)
    assert q["assessment_date"].iloc[0] is pd.NaT or pd.isna(q["assessment_date"].iloc[0])
    assert (q["age_years"] >= 15).all() and len(q) == 6
    k = p.key_figures().set_index("adcode").loc["310101"]
    assert (k["overspeed_missing"], k["retrofit_overdue"], k["queue_with_complaints"]) == (1, 1, 3)


def test_real_scale_consistency(small_registry) -> None:
    """On the 6,000-elevator synthetic registry the ledger agrees with the summary."""
    from gis.summary import district_summary

    p = plan_districts(small_registry, Config(as_of=dt.date(2026, 11, 21)))
    summary = district_summary(small_registry, Config(as_of=dt.date(2026, 11, 21)))
    tot = summary.set_index("adcode").loc["total"]
    ls = p.ledger_summary.set_index("adcode").loc["total"]
    assert (ls["class_i"], ls["class_ii"]) == (tot["class_i"], tot["class_ii"])
    assert p.targets.set_index("adcode").loc["total", "age_20"] == tot["age_replace"]
    assert len(p.ledger) == ls["class_i"] + ls["class_ii"]
    assert (p.ledger["deadline"] > p.ledger["assessment_date"]).all()


# --------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def planning_db(tmp_path_factory, small_registry):
    import os

    from gis.cli import main
    from gis.store import init_store

    tmp = tmp_path_factory.mktemp("planning_cli")
    before = os.environ.get("LIFTGUARD_CACHE_DIR")
    os.environ["LIFTGUARD_CACHE_DIR"] = str(tmp / "cache")
    url = f"sqlite:///{tmp / 'lg.sqlite'}"
    init_store(url).save_registry(small_registry)
    assert main(["roads", "synth", "--nodes", "6000", "--db", url]) == 0
    yield url
    if before is None:
        os.environ.pop("LIFTGUARD_CACHE_DIR", None)
    else:
        os.environ["LIFTGUARD_CACHE_DIR"] = before


def test_cli_coverage_formats(planning_db, tmp_path, capsys) -> None:
    import json

    from gis.cli import main

    assert main(["coverage", "--limit", "10", "--at", "08:00", "--db", planning_db]) == 0
    out = capsys.readouterr().out
    assert "2026-11-21T08:00" in out and "浦东新区" in out and "total" in out
    assert main(["coverage", "--format", "json", "--kinds", "maintenance", "--db",
                 planning_db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"][-1]["group"] == "total" and doc["rows"][-1]["elevators"] == 6000
    xlsx = tmp_path / "cov.xlsx"
    assert main(["coverage", "--format", "xlsx", "--out", str(xlsx), "--db", planning_db]) == 0
    assert xlsx.is_file()


def test_cli_bad_input_exits_2_and_writes_nothing(planning_db, tmp_path, capsys) -> None:
    from gis.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["coverage", "--limit", "0", "--db", planning_db])
    assert stop.value.code == 2 and "more than 0" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["coverage", "--limit", "-5", "--db", planning_db])
    assert stop.value.code == 2

    poly = tmp_path / "areas.geojson"
    poly.write_text('{"type":"FeatureCollection","features":[{"type":"Feature",'
                    '"properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":'
                    '[[[121.4,31.2],[121.5,31.2],[121.5,31.3],[121.4,31.2]]]}}]}')
    assert main(["coverage", "--polygons", str(poly), "--crs", "EPSG:999999", "--db",
                 planning_db]) == 2
    err = capsys.readouterr().err
    assert "areas.geojson" in err and "EPSG:999999" in err

    bad = tmp_path / "cand.csv"
    bad.write_text("site_id,lon,lat\nA,121.5,31.2\nB,121.5,north\n")
    assert main(["siting", "--add", "2", "--candidates", str(bad), "--db", planning_db]) == 2
    assert "cand.csv: row 3, field 'lat'" in capsys.readouterr().err

    missing = tmp_path / "no" / "map.html"
    assert main(["export", "coverage-map", "--out", str(missing), "--db", planning_db]) == 2
    assert "does not exist" in capsys.readouterr().err and not missing.parent.exists()
    assert main(["export", "report", "--out", str(tmp_path / "r.pdf"), "--district",
                 "999999", "--db", planning_db]) == 2
    assert not (tmp_path / "r.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["areas.geojson", "cand.csv"]


def test_cli_siting_ledger_and_exports(planning_db, tmp_path, capsys) -> None:
    import json

    from gis.cli import main

    assert main(["siting", "--add", "3", "--limit", "8", "--kinds", "maintenance", "--json",
                 "--db", planning_db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["picks"]) <= 3 and doc["covered"] <= doc["coverable"] <= doc["demand"]
    assert doc["picks"][0]["gain"] >= doc["picks"][-1]["gain"]
    assert main(["ledger", "--out", str(tmp_path / "l.xlsx"), "--db", planning_db]) == 0
    assert main(["export", "coverage-map", "--out", str(tmp_path / "m.html"), "--limit", "10",
                 "--db", planning_db]) == 0
    assert main(["export", "report", "--out", str(tmp_path / "r.pdf"), "--district", "310101",
                 "--db", planning_db]) == 0
    assert main(["export", "planning-layers", "--out", str(tmp_path / "p.gpkg"), "--db",
                 planning_db]) == 0
    assert main(["service-areas", "--out", str(tmp_path / "sa.geojson"), "--kinds", "fire",
                 "--cell", "500", "--db", planning_db]) == 0
    assert main(["export", "elevators", "--out", str(tmp_path / "e.csv"), "--db",
                 planning_db]) == 0  # io_cmds' export kind still works beside ours
    assert {p.name for p in tmp_path.iterdir()} == {"l.xlsx", "m.html", "r.pdf", "p.gpkg",
                                                   "sa.geojson", "e.csv"}
