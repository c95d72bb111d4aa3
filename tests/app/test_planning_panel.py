"""Planning panel: figures per district, gap layer signal, siting candidates (pytest-qt)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from app.panels.planning import FIGURE_COLUMNS, PlanningPanel
from gis.config import Config
from gis.routing import RoutingEngine

AS_OF = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def engine(small_registry, shanghai_districts) -> RoutingEngine:
    from gis.synth_roads import synth_road_arrays

    roads = synth_road_arrays(districts=shanghai_districts, target_nodes=6000, seed=2)
    return RoutingEngine(roads, stations=small_registry.stations, config=Config(as_of=AS_OF))


def test_figures_gap_layer_and_siting(qtbot, small_registry, engine) -> None:
    panel = PlanningPanel()
    qtbot.addWidget(panel)
    panel.set_context(small_registry, engine, Config(as_of=AS_OF))
    panel.limit.setValue(10)
    panel.kinds["fire"].setChecked(False)
    panel.kinds["police"].setChecked(False)
    with qtbot.waitSignal(panel.figures_ready, timeout=30_000) as got:
        panel.compute()
    figures = got.args[0]
    assert len(figures) == 17 and panel.table.rowCount() == 17  # 16 districts + total
    total = figures.set_index("adcode").loc["total"]
    assert total["elevators"] == 6000 and 0 < total["gaps"] < 6000
    names = [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]
    assert "浦东新区" in names and "合计" in names
    assert panel.table.item(16, [k for k, _ in FIGURE_COLUMNS].index("gap_share")).text() \
        .endswith("%")
    assert "beyond 10 min" in panel.status.text()

    with qtbot.waitSignal(panel.gap_layer_changed) as layer:
        panel.gap_button.setChecked(True)
    gaps = layer.args[0]
    assert isinstance(gaps, pd.DataFrame) and len(gaps) == total["gaps"]
    assert {"lon", "lat", "eta_s", "registration_code"} <= set(gaps.columns)
    with qtbot.waitSignal(panel.gap_layer_changed) as layer:
        panel.gap_button.setChecked(False)
    assert layer.args[0] is None

    panel.k.setValue(3)
    with qtbot.waitSignal(panel.candidates_changed, timeout=60_000) as cand:
        panel.site()
    picks = cand.args[0]
    assert picks is not None and 1 <= len(picks) <= 3
    assert picks["gain"].is_monotonic_decreasing and panel.sites.rowCount() == len(picks)
    assert "new station(s) cover" in panel.status.text()


def test_without_roads_shows_targets_only(qtbot, small_registry) -> None:
    panel = PlanningPanel()
    qtbot.addWidget(panel)
    panel.set_context(small_registry, None, Config(as_of=AS_OF))
    assert "No road graph" in panel.status.text()
    with qtbot.waitSignal(panel.figures_ready, timeout=30_000) as got:
        panel.compute()
    assert "gaps" not in got.args[0].columns
    assert not panel.gap_button.isEnabled() and not panel.site_button.isEnabled()
    assert panel.table.item(0, 1).text() == "-"  # no coverage: elevators column empty
