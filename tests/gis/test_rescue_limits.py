"""Rescue limits per district: 30 min in cities, 1 h in counties (TSG T5002), overrides."""

from __future__ import annotations

import numpy as np
import pytest

from gis.config import Config
from gis.coverage import elevator_coverage
from gis.errors import ConfigError
from gis.incidents.escalation import EscalationRules
from gis.routing import RoutingEngine
from tests.gis.test_coverage import AS_OF, line_arrays, line_registry, make_elevators, make_stations


def test_default_rule_by_code():
    cfg = Config()
    limits = cfg.rescue_limits_s(["310101", "310151", "500229", "370102", "370124", "370181"])
    # municipalities are cities throughout; 01-20 urban districts; 21-80 counties; 81-99
    # county-level cities
    assert limits.tolist() == [1800, 1800, 1800, 1800, 3600, 3600]


def test_overrides_and_validation():
    cfg = Config(rescue_limits_by_district={"310101": 1500.0},
                 rescue_clock_start={"310101": "dispatch"})
    assert cfg.rescue_limit_s("310101") == 1500.0
    assert cfg.rescue_limit_s("310104") == 1800.0
    with pytest.raises(ConfigError, match="positive"):
        Config(rescue_limits_by_district={"310101": 0})
    with pytest.raises(ConfigError, match="report"):
        Config(rescue_clock_start={"310101": "whenever"})


def test_escalation_rules_follow_the_district():
    cfg = Config(rescue_limits_by_district={"310101": 1500.0},
                 rescue_clock_start={"310104": "dispatch"})
    rules = EscalationRules.from_config(cfg, districts=["310101", "310104", "370124"])
    assert rules.limit_for("310101") == 1500.0
    assert rules.limit_for("370124") == 3600.0
    assert rules.limit_for("310115") == 1800.0
    assert rules.starts_at_dispatch("310104") and not rules.starts_at_dispatch("310101")


def test_coverage_uses_each_elevators_district_limit():
    line = line_arrays()
    stations = make_stations([0.0], turnout_s=0.0)
    # km 29: 29 edges of 60 s = 1,740 s, beyond a 25-min override, within a county's hour
    el = make_elevators([29, 29], adcodes=["310101", "370124"])
    reg = line_registry(el, stations)
    cfg = Config(as_of=AS_OF, rescue_limits_by_district={"310101": 1500.0})
    engine = RoutingEngine(line, stations=stations, config=cfg)
    cov = elevator_coverage(engine, reg, config=cfg)
    np.testing.assert_allclose(cov["eta_s"], [1740, 1740], atol=1)
    assert cov["limit_s"].tolist() == [1500.0, 3600.0]
    assert cov["gap"].tolist() == [True, False]
    assert cov.attrs["limit_varies"]
    near = engine.nearest_stations(el)
    assert near["meets_limit"].tolist() == [False, True]
    # an explicit --limit applies to every elevator
    assert elevator_coverage(engine, reg, config=cfg, limit_s=1800.0)["gap"].tolist() == \
        [False, False]
