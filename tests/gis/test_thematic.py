"""Thematic classification, filters, overdue rule and district figures (no Qt)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from gis.config import Config
from gis.errors import ConfigError
from gis.registry import age_class
from gis.thematic import (
    POINT_VIEWS,
    MapFilter,
    StageDurations,
    check_view,
    class_counts,
    classify,
    classify_choropleth,
    district_figures,
    filter_mask,
    marked_counts,
    prepare_table,
)
from tests.conftest import AS_OF

CFG = Config(as_of=AS_OF)


@pytest.fixture(scope="module")
def table(small_registry):
    return prepare_table(small_registry.elevators, tuple(small_registry.districts["adcode"]), CFG)


def test_age_view_matches_registry_age_class(small_registry, table):
    th = classify(table, "age")
    expected = np.asarray(age_class(small_registry.elevators, CFG).codes)
    np.testing.assert_array_equal(th.codes, expected)
    assert th.labels("zh")[2] == "20年及以上"
    assert class_counts(th).sum() == len(small_registry.elevators)


def test_age_thresholds_follow_config(small_registry):
    other = Config(as_of=AS_OF, age_assess_years=10, age_replace_years=12)
    t2 = prepare_table(small_registry.elevators, tuple(small_registry.districts["adcode"]), other)
    th = classify(t2, "age")
    years = t2.age_years
    assert (th.codes[years >= 12] == 2).all()
    assert (th.codes[(years >= 10) & (years < 12)] == 1).all()
    assert th.labels_en[1] == "10–12 years"


def test_every_point_view_has_consistent_parts(table):
    for view in POINT_VIEWS:
        th = classify(table, view)
        k = len(th.keys)
        assert len(th.labels_en) == len(th.labels_zh) == len(th.colours) == k
        assert sorted(th.order) == list(range(k))
        assert th.codes.max() < k
    assert classify(table, "risk").order[-1] == 2  # Class I drawn last, on top
    assert classify(table, "risk").emphasis == (2,)


def test_unknown_view_is_a_clear_error(table):
    with pytest.raises(ConfigError, match=r"unknown map view 'heat'.*age, risk"):
        check_view("heat")
    with pytest.raises(ConfigError, match="district view"):
        classify(table, "district_old")


def test_filters_combine_and_counts_follow(small_registry, table):
    el = small_registry.elevators
    code = "310115"
    flt = MapFilter(districts=frozenset({code}), risk_classes=frozenset({"class_ii", "class_i"}))
    mask = filter_mask(table, flt)
    expected = (el["district_adcode"] == code) & el["risk_class"].isin(["class_i", "class_ii"])
    np.testing.assert_array_equal(mask, expected.to_numpy())
    counts = class_counts(classify(table, "risk"), mask)
    assert counts[0] == 0 and counts.sum() == expected.sum() > 0
    m2 = filter_mask(table, MapFilter(addon=True, age_min_years=15, min_complaints=1,
                                      building_types=frozenset({"residential"})))
    exp2 = (el["is_addon"] & (table.age_years >= 15)
            & (el["complaints_12345"] + el["complaints_962121"] >= 1)
            & (el["building_type"] == "residential"))
    np.testing.assert_array_equal(m2, exp2.to_numpy())
    assert MapFilter().is_active is False and flt.is_active


def test_bad_filter_values_are_rejected(table):
    with pytest.raises(ConfigError, match=r"unknown district code.*999999"):
        filter_mask(table, MapFilter(districts=frozenset({"999999"})))
    with pytest.raises(ConfigError, match=r"unknown value.*castle"):
        MapFilter(building_types=frozenset({"castle"}))


def _frame(stages, entered):
    base = {"registration_code": "X", "rescue_code": "1", "address": "",
            "district_adcode": "310101", "district_name": "", "lon": 121.5, "lat": 31.2,
            "building_type": "residential",
            "is_addon": False, "manufacture_year": 2000,
            "registration_date": pd.Timestamp("2001-01-01"), "maintenance_unit_id": "",
            "station_id": "", "iot_device": "none", "risk_scheme": "", "risk_class": "none",
            "assessment_date": pd.NaT, "has_ascending_overspeed": True,
            "complaints_12345": 0, "complaints_962121": 0}
    rows = [dict(base, retrofit_status=s, retrofit_status_date=e) for s, e in
            zip(stages, entered, strict=True)]
    from gis.registry import coerce_elevator_dtypes
    return coerce_elevator_dtypes(pd.DataFrame(rows))


def test_overdue_rule_uses_stage_durations():
    today = dt.date(2026, 1, 31)
    cfg = Config(as_of=today)
    days = lambda n: pd.Timestamp(today - dt.timedelta(days=n))  # noqa: E731
    el = _frame(["inspection", "inspection", "works", "works", "none", "back_in_service"],
                [days(8), days(6), days(121), days(100), pd.NaT, days(999)])
    t = prepare_table(el, ("310101",), cfg)
    np.testing.assert_array_equal(t.overdue, [True, False, True, False, False, False])
    longer = prepare_table(el, ("310101",), cfg, durations=StageDurations(inspection=30))
    assert not longer.overdue[0]
    th = classify(t, "retrofit")
    assert marked_counts(th).tolist() == [0, 0, 0, 0, 1, 1, 0]


def test_district_figures_and_choropleths(small_registry, table):
    fig = district_figures(table)
    el = small_registry.elevators
    assert fig["elevators"].sum() == len(el)
    res = el["building_type"] == "residential"
    pd_code = "310115"
    in_pd = el["district_adcode"] == pd_code
    share = ((el["iot_device"] != "none") & res & in_pd).sum() / (res & in_pd).sum()
    assert fig.loc[pd_code, "iot_residential_share"] == pytest.approx(share)
    assert fig.loc[pd_code, "class_i"] == ((el["risk_class"] == "class_i") & in_pd).sum()
    fake = fig.copy()
    fake["iot_residential_share"] = np.linspace(0.0, 1.0, len(fake))
    fake.loc[fake.index[0], "residential"] = 0
    fake.loc[fake.index[0], "iot_residential_share"] = np.nan
    ch = classify_choropleth(fake, "district_iot", CFG)
    v = fake["iot_residential_share"].to_numpy()
    assert (ch.codes[v < 0.5] == 0).all() and (ch.codes[v >= 1.0] == 3).all()
    assert ch.codes[0] == 4 and ch.labels_en[-1] == "No elevators"
    assert "2027" in ch.labels_en[3] and "2025" in ch.labels_en[0]
    old = classify_choropleth(fig, "district_old", CFG)
    assert old.counts.sum() == len(fig)
    with pytest.raises(ConfigError):
        classify_choropleth(fig, "age", CFG)
