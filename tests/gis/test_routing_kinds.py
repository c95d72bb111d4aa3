"""Choosing station kinds: maintenance only (levels 1-2) or 119/110 only."""

from __future__ import annotations

import numpy as np
import pytest

from gis.config import Config
from gis.errors import RoutingError
from gis.routing import RoutingEngine
from tests.gis.test_coverage import AS_OF, line_arrays, make_elevators, make_stations


@pytest.fixture(scope="module")
def engine() -> RoutingEngine:
    # a fire station at km 1 is fastest; maintenance at km 4 and 8; police at km 12
    stations = make_stations([1.0, 4.0, 8.0, 12.0],
                             kinds=["fire", "maintenance", "maintenance", "police"])
    elevators = make_elevators([0.0])
    return RoutingEngine(line_arrays(), stations=stations, elevators=elevators,
                         config=Config(as_of=AS_OF))


def test_rescue_options_by_kind(engine: RoutingEngine) -> None:
    code = "31103101012020000000"
    assert [o.station_kind for o in engine.rescue_options(code, k=4)] == \
        ["fire", "maintenance", "maintenance", "police"]
    only = engine.rescue_options(code, k=4, kinds=["maintenance"])
    assert [o.station_id for o in only] == ["S1", "S2"]
    assert [o.station_kind for o in engine.rescue_options(code, k=2, kinds=["police", "fire"])] \
        == ["fire", "police"]
    with pytest.raises(RoutingError, match="Unknown station kind"):
        engine.rescue_options(code, kinds=["boat"])


def test_nearest_stations_by_kind(engine: RoutingEngine) -> None:
    el = make_elevators([0.0, 10.0])
    every = engine.nearest_stations(el)
    maint = engine.nearest_stations(el, kinds=["maintenance"])
    assert every["station_id"].tolist() == ["S0", "S3"]
    assert maint["station_id"].tolist() == ["S1", "S2"]
    assert np.all(maint["eta_s"].to_numpy() >= every["eta_s"].to_numpy())


def test_route_cli_kinds(tmp_path, capsys) -> None:
    from gis.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["route", "--elevator", "123456", "--kinds", "boats",
              "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert exc.value.code == 2
    assert "unknown station kind" in capsys.readouterr().err
