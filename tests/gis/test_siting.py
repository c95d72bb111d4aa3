"""Maximal covering: greedy marginal gains, the exact solver, candidate files, the pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_array

from gis.config import Config
from gis.coverage import elevator_coverage
from gis.errors import ValidationError
from gis.routing import RoutingEngine
from gis.siting import (
    candidates_along_roads,
    exact_max_cover,
    greedy_max_cover,
    read_candidates,
    site_stations,
)
from tests.gis.test_coverage import (
    line_arrays,
    line_registry,
    make_elevators,
    make_stations,
    point_at,
)

AS_OF = dt.date(2026, 11, 21)


def test_greedy_marginal_gains_and_exact_beats_a_greedy_trap() -> None:
    # Candidate 0 covers the most weight (10) but overlaps both others; greedy takes it, then
    # adds 4. The optimum takes 1 and 2: 9 + 9 = 18.
    cover_trap = csr_array(np.array([
        [0, 1, 1, 1, 1, 0],   # covers 10
        [1, 1, 1, 0, 0, 0],   # covers 8
        [0, 0, 0, 1, 1, 1],   # covers 8
    ], dtype=bool))
    w = np.array([4, 1, 4, 4, 1, 4])
    picks, gains = greedy_max_cover(cover_trap, w, 2)
    assert picks == [0, 1] and gains == [10, 4]
    sites, best, proven = exact_max_cover(cover_trap, w, 2)
    assert sorted(sites) == [1, 2] and best == 18 and proven
    # greedy stops when nothing is left to gain
    picks, gains = greedy_max_cover(cover_trap, w, 5)
    assert sum(gains) == 18 and len(picks) == 3


def test_greedy_matches_exact_on_random_small_cases() -> None:
    rng = np.random.default_rng(3)
    for _ in range(5):
        cover = csr_array(rng.random((25, 120)) < 0.08)
        w = rng.integers(1, 5, 120)
        picks, gains = greedy_max_cover(cover, w, 4)
        _sites, best, _ok = exact_max_cover(cover, w, 4)
        covered = np.asarray(cover[picks].sum(axis=0)).ravel() > 0
        assert sum(gains) == w[covered].sum() <= best
        assert sum(gains) >= (1 - 1 / np.e) * best


def test_read_candidates_reports_every_bad_row(tmp_path: Path) -> None:
    good = tmp_path / "sites.csv"
    good.write_text("site_id,name,lon,lat\nA,东站,121.5,31.2\nB,西站,121.4,31.25\n",
                    encoding="utf-8")
    frame = read_candidates(good)
    assert frame["site_id"].tolist() == ["A", "B"] and frame["name"].iloc[0] == "东站"
    bad = tmp_path / "bad.csv"
    bad.write_text("site_id,name,经度,纬度\nA,a,121.5,31.2\nB,b,abc,31.2\nA,c,121.5,95\n",
                   encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_candidates(bad)
    text = str(err.value)
    assert "bad.csv: row 3, field 'lon'" in text and "'abc'" in text
    assert "bad.csv: row 4, field 'lat'" in text
    assert "bad.csv: row 4, field 'site_id': duplicate" in text
    missing = tmp_path / "nolat.csv"
    missing.write_text("lon\n121.5\n")
    with pytest.raises(ValidationError, match=r"nolat\.csv: row 1, field 'lat'"):
        read_candidates(missing)


def test_site_stations_on_a_line_picks_the_far_end() -> None:
    line = line_arrays()
    stations = make_stations([0.0], turnout_s=0.0)
    # 3 elevators near the station, 5 at km 24-28 (gaps at a 10-minute limit)
    el = make_elevators([1, 2, 3, 24, 25, 26, 27, 28])
    reg = line_registry(el, stations)
    engine = RoutingEngine(line, stations=stations)
    cov = elevator_coverage(engine, reg, config=Config(as_of=AS_OF), limit_s=600.0)
    assert int(cov["gap"].sum()) == 5
    sites = [point_at(k) for k in (5.0, 15.0, 26.0)]
    cand = pd.DataFrame({"site_id": ["near", "mid", "far"], "name": "",
                         "lon": [p[0] for p in sites], "lat": [p[1] for p in sites]})
    res = site_stations(engine, cov, cand, k=1, turnout_s=60.0)
    assert res.picks["site_id"].tolist() == ["far"]
    assert res.covered == 5 and res.demand == 5 and res.exact_covered == 5
    assert res.greedy_ratio == 1.0
    # generated candidates along the road near the gaps also find it
    gaps = cov.loc[cov["gap"]]
    gen = candidates_along_roads(engine, gaps["lon"].to_numpy(), gaps["lat"].to_numpy(),
                                 spacing_m=1000, reach_m=3000)
    assert len(gen) > 0
    res2 = site_stations(engine, cov, gen, k=1, turnout_s=60.0)
    assert res2.covered == 5


def test_siting_benchmark_scale_is_fast(shanghai_districts) -> None:
    """2,000 generated candidates over a city-scale synthetic network stay within seconds."""
    import time

    from gis.synth import generate_registry
    from gis.synth_roads import synth_road_arrays

    cfg = Config(as_of=AS_OF)
    reg = generate_registry(shanghai_districts, n=30_000, seed=2, config=cfg)
    roads = synth_road_arrays(districts=shanghai_districts, target_nodes=40_000, seed=1)
    engine = RoutingEngine(roads, stations=reg.stations, config=cfg)
    cov = elevator_coverage(engine, reg, config=cfg, limit_s=600.0, kinds=["maintenance"])
    gaps = cov.loc[cov["gap"] & ~cov["off_network"]]
    cand = candidates_along_roads(engine, gaps["lon"].to_numpy(), gaps["lat"].to_numpy(),
                                  spacing_m=600, max_candidates=2000)
    t0 = time.perf_counter()
    res = site_stations(engine, cov, cand, k=10, exact=False)
    assert time.perf_counter() - t0 < 20
    assert res.picks["gain"].is_monotonic_decreasing
    assert 0 < res.covered <= res.coverable <= res.demand
