"""Overlay layers (planning gaps, siting candidates, routes) and the render caches."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from app.main_window import MainWindow
from app.map.data import build_map_data
from app.map.overlays import LineStyle, PointStyle
from app.map_controller import CANDIDATE_STYLE, GAP_STYLE
from app.settings import Settings
from gis.config import Config
from gis.crs import unproject
from gis.errors import ConfigError
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def map_data(small_registry):
    return build_map_data(small_registry, Config(as_of=AS_OF))


@pytest.fixture
def window(qtbot, tmp_path, map_data):
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.set_map_data(map_data)
    return win


def _colour_at(win, lon: float, lat: float) -> tuple[int, int, int]:
    from gis.crs import project

    x, y = project([lon], [lat], win.canvas.renderer.data.epsg)
    sx, sy = win.canvas.transform.to_screen(x, y)
    c = win.canvas.grab().toImage().pixelColor(int(sx[0]), int(sy[0]))
    return c.red(), c.green(), c.blue()


def _empty_spot(win) -> tuple[float, float]:
    """Lon/lat of the canvas centre after zooming to a spot far from every elevator."""
    data = win.canvas.renderer.data
    cx, cy = np.nanmean(data.x) + 1500, np.nanmean(data.y) + 1500
    win.canvas.zoom_to_lonlat(*unproject([cx - 300, cx + 300], [cy - 300, cy + 300], data.epsg))
    lon, lat = unproject([cx], [cy], data.epsg)
    return float(lon[0]), float(lat[0])


def test_planning_gap_and_candidate_layers_draw_and_clear(window):
    lon, lat = _empty_spot(window)
    plain = _colour_at(window, lon, lat)
    gaps = pd.DataFrame({"registration_code": ["X"], "lon": [lon], "lat": [lat],
                         "eta_s": [2400.0]})
    window.planning.gap_layer_changed.emit(gaps)
    assert _colour_at(window, lon, lat) == GAP_STYLE.rgb
    window.planning.candidates_changed.emit(pd.DataFrame({"lon": [lon], "lat": [lat]}))
    assert _colour_at(window, lon, lat) == CANDIDATE_STYLE.rgb  # added later: drawn on top
    window.planning.candidates_changed.emit(None)
    assert _colour_at(window, lon, lat) == GAP_STYLE.rgb
    window.planning.gap_layer_changed.emit(None)
    assert _colour_at(window, lon, lat) == plain


def test_overlay_api_and_bad_input(window):
    lon, lat = _empty_spot(window)
    canvas = window.canvas
    canvas.set_overlay("mine", [lon, np.nan], [lat, 31.0], PointStyle(rgb=(1, 2, 3),
                                                                     shape="square"))
    assert _colour_at(window, lon, lat) == (1, 2, 3)  # the NaN row is skipped
    canvas.set_lines("route", [[(lon - 0.01, lat), (lon + 0.01, lat)]],
                     LineStyle(rgb=(4, 5, 6), width_px=3))
    assert canvas.overlay_names() == ["mine", "route"]
    assert _colour_at(window, lon + 0.001, lat) == (4, 5, 6)  # ~95 m east, on the line
    canvas.clear_overlay("mine")
    canvas.clear_overlay("absent")
    assert canvas.overlay_names() == ["route"]
    with pytest.raises(ConfigError, match="longitudes"):
        canvas.set_overlay("bad", [1.0, 2.0], [3.0])
    with pytest.raises(ConfigError, match="shape"):
        PointStyle(shape="star")
    with pytest.raises(ConfigError, match="two points"):
        canvas.set_lines("bad", [[(lon, lat)]])


def test_static_images_are_composed_once_per_view_state(window):
    renderer, canvas = window.canvas.renderer, window.canvas
    img = QImage(canvas.width(), canvas.height(), QImage.Format.Format_ARGB32_Premultiplied)
    canvas.render_frame(img)
    below = renderer._groups["below"]
    canvas.render_frame(img)
    assert renderer._groups["below"] is below  # same view: reused, not re-rendered
    canvas.map_model.set_view("risk")  # a point view: districts and labels unchanged
    canvas.render_frame(img)
    assert renderer._groups["below"] is below
    # a pan while moving blits the cached image (stale), the rest refresh re-renders it
    canvas.set_transform(canvas.transform.panned(40, 0), moving=True)
    assert canvas.render_frame(img, allow_stale=True) is True
    assert renderer._groups["below"] is below
    renderer.refresh_static(canvas.transform)
    fresh = renderer._groups["below"]
    assert fresh is not below and fresh.tf == canvas.transform
    assert fresh.buffer is below.buffer  # the same memory, reused
    canvas.map_model.set_view("district_old")  # choropleth: district fills change
    canvas.render_frame(img)
    assert renderer._groups["below"].key != fresh.key
