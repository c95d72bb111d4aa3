from __future__ import annotations

import numpy as np
import pytest
import shapely

from gis.config import Config
from gis.errors import ConfigError
from gis.registry import age_years, coerce_elevator_dtypes, empty_elevators
from gis.synth import SHANGHAI_PUBLISHED, SHANGHAI_TOTAL, district_targets, generate_registry
from tests.conftest import AS_OF


def test_full_size_targets_match_published_counts(shanghai_districts):
    targets = district_targets(shanghai_districts, SHANGHAI_TOTAL)
    assert targets.sum() == SHANGHAI_TOTAL
    for code, count in SHANGHAI_PUBLISHED.items():
        assert targets[code] == count


def test_scaled_targets_sum_exactly(shanghai_districts):
    targets = district_targets(shanghai_districts, 6000)
    assert targets.sum() == 6000
    assert targets["310115"] == max(targets)


def test_small_registry_shape(small_registry):
    el = small_registry.elevators
    assert len(el) == 6000
    assert small_registry.is_synthetic and "SYNTHETIC" in small_registry.label
    assert el["registration_code"].is_unique and el["rescue_code"].is_unique
    assert el["rescue_code"].str.fullmatch(r"\d{6}").all()
    # dtypes are exactly the registry contract
    assert el.dtypes.equals(coerce_elevator_dtypes(el).dtypes)
    assert el.dtypes.equals(empty_elevators().dtypes)
    assert el["registration_code"].dtype == object
    years = age_years(el, AS_OF)
    res = (el["building_type"] == "residential").to_numpy()
    assert abs((years >= 15).mean() - 0.2584) < 0.001
    assert abs((years[res] >= 15).mean() - 0.3062) < 0.001
    assert abs((years[res] >= 20).mean() - 0.1048) < 0.001


def test_elevators_lie_inside_their_district(small_registry, shanghai_districts):
    el = small_registry.elevators
    by_code = shanghai_districts.set_index("adcode").geometry
    for code, group in el.groupby("district_adcode"):
        inside = shapely.contains_xy(by_code[code], group["lon"], group["lat"])
        assert inside.all(), code


def test_elevators_cluster_in_buildings(small_registry):
    el = small_registry.elevators
    # Many elevators share a building: far fewer distinct ~50 m cells than elevators.
    cells = (np.round(el["lon"] / 0.0005).astype(int).astype(str) + ":"
             + np.round(el["lat"] / 0.0005).astype(int).astype(str))
    assert cells.nunique() < 0.75 * len(el)


def test_risk_and_iot_load_on_old_elevators(small_registry):
    el = small_registry.elevators
    years = age_years(el, AS_OF)
    old = years >= 15
    risky = el["risk_class"].isin(["class_i", "class_ii"]).to_numpy()
    assert risky[old].mean() > 3 * risky[~old].mean()
    res = (el["building_type"] == "residential").to_numpy()
    iot = (el["iot_device"] != "none").to_numpy()
    assert iot[res & old].mean() > iot[res & ~old].mean()
    pre2005 = el["manufacture_year"].to_numpy() < 2005
    assert el["has_ascending_overspeed"].to_numpy()[~pre2005].all()
    assert not el["has_ascending_overspeed"].to_numpy()[pre2005].all()
    staged = el["retrofit_status"] != "none"
    assert el.loc[staged, "retrofit_status_date"].notna().all()


def test_stations_and_units(small_registry):
    st = small_registry.stations
    assert len(small_registry.units) == 315
    kinds = st["kind"].value_counts()
    assert kinds["fire"] == 160 and kinds["police"] == 330 and kinds["maintenance"] >= 315
    assert st["station_id"].is_unique
    ms = st[st["kind"] == "maintenance"]
    el = small_registry.elevators
    # every elevator's station belongs to its contracted unit
    unit_of = ms.set_index("station_id")["unit_id"]
    assert (unit_of.loc[el["station_id"]].to_numpy() == el["maintenance_unit_id"].to_numpy()).all()


def test_deterministic_per_seed(shanghai_districts):
    cfg = Config(as_of=AS_OF)
    a = generate_registry(shanghai_districts, n=800, seed=3, config=cfg)
    b = generate_registry(shanghai_districts, n=800, seed=3, config=cfg)
    c = generate_registry(shanghai_districts, n=800, seed=4, config=cfg)
    assert a.elevators.equals(b.elevators) and a.stations.equals(b.stations)
    assert not a.elevators["lon"].equals(c.elevators["lon"])


def test_too_many_elevators_is_a_clear_error(shanghai_districts):
    with pytest.raises(ConfigError, match="rescue codes"):
        generate_registry(shanghai_districts, n=1_000_000, config=Config(as_of=AS_OF))


def test_cancel_stops_generation(shanghai_districts):
    from gis.errors import LiftGuardError

    with pytest.raises(LiftGuardError, match="cancelled"):
        generate_registry(shanghai_districts, n=500, config=Config(as_of=AS_OF),
                          cancelled=lambda: True)
