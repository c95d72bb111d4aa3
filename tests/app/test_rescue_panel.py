"""Plan rescue on the map (issue 4 item 8): options listed, routes drawn, no-roads message,
and the road graph linked to the database (pytest-qt, offscreen, small synthetic network)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from app.main_window import MainWindow
from app.map.data import build_map_data
from app.map_controller import ROUTE_STYLE
from app.panels.rescue import K_OPTIONS, RescuePanel
from app.settings import Settings
from gis.config import Config
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def map_data(small_registry):
    return build_map_data(small_registry, Config(as_of=AS_OF))


@pytest.fixture(scope="module")
def roads(shanghai_districts):
    from gis.synth_roads import synth_road_arrays

    return synth_road_arrays(districts=shanghai_districts, target_nodes=6000, seed=2)


@pytest.fixture
def window(qtbot, tmp_path, map_data):
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(settings, f"sqlite:///{tmp_path / 'none.sqlite'}")
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    win.set_map_data(map_data)
    return win


def _central_row(map_data) -> int:
    """An elevator in central Shanghai (Huangpu/Jing'an), inside any synthetic network."""
    d = np.hypot(map_data.registry.elevators["lon"] - 121.47,
                 map_data.registry.elevators["lat"] - 31.23)
    return int(np.argmin(d.to_numpy()))


def _red_pixels(win) -> int:
    img = win.canvas.grab().toImage()
    ptr = img.convertToFormat(img.Format.Format_RGB32).constBits()
    arr = np.frombuffer(ptr, dtype=np.uint32).reshape(img.height(), -1)[:, :img.width()]
    r, g, b = ROUTE_STYLE.highlight_rgb
    return int(np.count_nonzero((arr & 0xFFFFFF) == (r << 16 | g << 8 | b)))


def test_without_roads_the_panel_says_how_to_load_them(qtbot, window, map_data):
    row = _central_row(map_data)
    window.map_model.set_selected(row)
    assert window.rescue_action.isEnabled() and window.inspector.rescue_button.isEnabled()
    assert window.map.plan_rescue(row) is None
    assert "Load road network" in window.rescue.status.text()
    assert window.rescue.table.rowCount() == 0


def test_plan_rescue_lists_options_and_draws_routes(qtbot, window, map_data, roads):
    with qtbot.waitSignal(window.roads_loaded, timeout=30_000):
        window.map.use_road_arrays(roads, "synthetic test network")
    assert window.engine is not None and window.planning._engine is window.engine
    row = _central_row(map_data)
    window.map_model.set_selected(row)
    before = _red_pixels(window)
    window.canvas.setFocus()
    with qtbot.waitSignal(window.rescue.planned, timeout=30_000) as got:
        qtbot.keyClick(window.canvas, Qt.Key.Key_R)  # the keyboard shortcut
    options = got.args[0]
    expected = window.engine.rescue_options(map_data.registry.elevators.iloc[row].to_dict(),
                                            k=K_OPTIONS, at=window.rescue._at)
    assert [o.station_id for o in options] == [o.station_id for o in expected]
    table = window.rescue.table
    assert table.rowCount() == K_OPTIONS == len(options)
    headers = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert headers == list(RescuePanel.HEADERS)
    etas = [float(table.item(i, 2).text()) for i in range(table.rowCount())]
    assert etas == sorted(etas) and etas[0] == pytest.approx(options[0].eta_s / 60, abs=0.05)
    assert table.item(0, 5).text() == options[0].reason
    assert table.item(0, 4).text() == ("yes" if options[0].meets_limit else "NO")
    assert table.item(0, 0).font().bold()
    assert "rescue_routes" in window.canvas.overlay_names()
    after = _red_pixels(window)
    assert before == 0 and after > 50  # the fastest route, highlighted in red
    # the fastest route passes through the pixel of one of its middle vertices
    lon, lat = options[0].route_lonlat[len(options[0].route_lonlat) // 2]
    from gis.crs import project

    x, y = project([lon], [lat], map_data.epsg)
    sx, sy = window.canvas.transform.to_screen(x, y)
    c = window.canvas.grab().toImage().pixelColor(int(sx[0]), int(sy[0]))
    assert (c.red(), c.green(), c.blue()) == ROUTE_STYLE.highlight_rgb
    window.rescue.clear_button.click()
    assert "rescue_routes" not in window.canvas.overlay_names() and _red_pixels(window) == 0


def test_inspector_button_plans_the_selected_elevator(qtbot, window, map_data, roads):
    with qtbot.waitSignal(window.roads_loaded, timeout=30_000):
        window.map.use_road_arrays(roads)
    row = _central_row(map_data)
    window.map_model.set_selected(row)
    with qtbot.waitSignal(window.rescue.planned, timeout=30_000) as got:
        window.inspector.rescue_button.click()
    assert len(got.args[0]) == K_OPTIONS


def test_loaded_osm_is_linked_to_the_database_and_loaded_at_next_start(
        qtbot, window, shared_data, tmp_path, map_data):
    from gis.roads import linked_graph_file

    osm = shared_data / "roads" / "shanghai_central_overpass.osm"
    with qtbot.waitSignal(window.roads_loaded, timeout=120_000):
        window.map.load_roads(str(osm))
    graph = linked_graph_file(window.db_url)
    assert graph.is_file() and window.canvas.renderer.data.roads is not None
    # a second window on the same database loads the linked graph from the cache
    settings = Settings(QSettings(str(tmp_path / "s2.ini"), QSettings.Format.IniFormat))
    again = MainWindow(settings, window.db_url)
    qtbot.addWidget(again)
    again.set_map_data(map_data)
    with qtbot.waitSignal(again.roads_loaded, timeout=30_000):
        assert again.map.load_linked_roads() is not None
    assert again.engine is not None
    assert again.engine.arrays.n_nodes == window.engine.arrays.n_nodes
    assert "nodes" in again.rescue.status.text()
