"""The map canvas in the main window (pytest-qt, offscreen): views, filters, picking, search,
layers, keyboard, bad input. Uses the 6,000-elevator synthetic registry."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from app.main_window import MainWindow
from app.map.data import build_map_data
from app.map.layers import DISTRICT_FILL
from app.models.map_model import LayerModel
from app.settings import Settings
from gis.config import Config
from gis.thematic import MapFilter, classify
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def map_data(small_registry):
    return build_map_data(small_registry, Config(as_of=AS_OF))


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, settings, map_data):
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    win.set_map_data(map_data)
    return win


@pytest.fixture(scope="module")
def isolated_row(map_data):
    """An elevator with no neighbour within 60 m (so its symbol is alone on screen)."""
    tree, index = map_data.tree()
    dist, _ = tree.query(np.column_stack([map_data.x[index], map_data.y[index]]), k=2)
    return int(index[np.flatnonzero(dist[:, 1] > 60)[0]])


def pixel(win, row):
    canvas = win.canvas
    sx, sy = canvas.screen_position(row)
    img = canvas.grab().toImage()
    c = img.pixelColor(round(sx), round(sy))
    return c.red(), c.green(), c.blue()


def zoom_on(win, row):
    win.canvas.zoom_to_rows(np.array([row]), min_span_m=300)
    sx, sy = win.canvas.screen_position(row)
    assert 0 < sx < win.canvas.width() and 0 < sy < win.canvas.height()


def test_view_switch_changes_pixel_colour(window, map_data, isolated_row):
    zoom_on(window, isolated_row)
    colours = {}
    for view in ("age", "risk", "iot", "retrofit"):
        window.view_actions[view].trigger()
        assert window.map_model.view == view
        th = classify(map_data.table, view)
        expected = th.colours[th.codes[isolated_row]]
        colours[view] = pixel(window, isolated_row)
        assert colours[view] == expected, view
    assert len(set(colours.values())) > 1
    assert window.legend.title.text() == "Retrofit status"


def test_filter_removes_elevator_and_legend_counts_follow(window, map_data, isolated_row):
    zoom_on(window, isolated_row)
    window.map_model.set_view("iot")
    th = classify(map_data.table, "iot")
    own = th.keys[th.codes[isolated_row]]
    assert pixel(window, isolated_row) == th.colours[th.codes[isolated_row]]
    window.filters.iot[own].setChecked(False)  # the panel builds the filter
    assert window.map_model.filter.iot_devices == frozenset(set(th.keys) - {own})
    assert pixel(window, isolated_row) == DISTRICT_FILL
    counts = window.legend.counts()
    assert counts[th.codes[isolated_row]] == "0"
    window.filters.reset()
    assert window.map_model.filter == MapFilter()
    assert pixel(window, isolated_row) == th.colours[th.codes[isolated_row]]


def test_click_selects_and_inspector_shows_code(qtbot, window, map_data, isolated_row):
    zoom_on(window, isolated_row)
    sx, sy = window.canvas.screen_position(isolated_row)
    with qtbot.waitSignal(window.map_model.selection_changed):
        qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(sx) + 2,
                                                                             round(sy) - 1))
    assert window.map_model.selected == isolated_row
    code = map_data.registry.elevators["registration_code"].iloc[isolated_row]
    assert window.inspector.value_of("registration_code") == code
    assert code in window.inspector.heading.text()
    # a click where no elevator is within a few pixels clears the selection
    assert window.canvas.transform.m_per_px < 1.5  # 30 px < 45 m < nearest neighbour (60 m)
    with qtbot.waitSignal(window.map_model.selection_changed):
        qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton,
                         pos=QPoint(round(sx) + 30, round(sy)))
    assert window.map_model.selected == -1


def test_search_by_rescue_code_and_address_zooms(qtbot, window, map_data):
    el = map_data.registry.elevators
    row = 4321
    window.canvas.zoom_full()
    window.search.edit.setText(el["rescue_code"].iloc[row])
    with qtbot.waitSignal(window.map_model.selection_changed):
        window.search.edit.returnPressed.emit()
    assert window.map_model.selected == row
    assert window.canvas.transform.m_per_px < 2
    sx, sy = window.canvas.screen_position(row)
    assert abs(sx - window.canvas.width() / 2) < 5 and abs(sy - window.canvas.height() / 2) < 5
    window.search.edit.setText(el["registration_code"].iloc[17].lower())
    assert window.search.run().tolist() == [17]
    street = el["address"].iloc[5][:6]
    rows = window.search.run() if window.search.edit.setText(street) is None else None
    assert len(rows) >= 1 and all(street in a for a in el["address"].to_numpy()[rows])
    window.search.edit.setText("no such street 999")
    assert len(window.search.run()) == 0 and "Nothing found" in window.search.status.text()


def test_layers_toggle_and_are_remembered(window, settings, map_data, isolated_row):
    zoom_on(window, isolated_row)
    window.map_model.set_view("risk")
    assert pixel(window, isolated_row) != DISTRICT_FILL
    item = window.layers_panel.item_for("elevators")
    item.setCheckState(Qt.CheckState.Unchecked)
    assert window.layer_model.layer("elevators").visible is False
    assert pixel(window, isolated_row) == DISTRICT_FILL
    window.layer_model.set_opacity("districts", 0.5)
    window.layer_model.move("labels", -10)
    again = LayerModel(settings)
    assert again.layer("elevators").visible is False
    assert again.layer("districts").opacity == 0.5
    assert again.layers[0].id == "labels"
    again.reset()
    assert LayerModel(settings).layers == again.layers


def test_keyboard_and_wheel_navigation(qtbot, window):
    canvas = window.canvas
    canvas.setFocus()
    canvas.zoom_full()
    full = canvas.transform
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.transform.m_per_px == pytest.approx(full.m_per_px / 2)
    before = canvas.transform.centre_x
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.transform.centre_x > before
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert canvas.transform == full
    tf = full.zoomed(1.25, (100, 100))
    mx, my = full.to_map(100, 100)
    assert tf.to_map(100, 100) == pytest.approx((mx, my))


def test_district_zoom_and_choropleth(window, map_data):
    window.canvas.zoom_to_district("310101")
    bbox = map_data.districts.bboxes[map_data.district_index("310101")]
    x0, y0, x1, y1 = window.canvas.transform.bbox
    assert x0 <= bbox[0] and y0 <= bbox[1] and x1 >= bbox[2] and y1 >= bbox[3]
    assert (bbox[2] - bbox[0]) / (x1 - x0) > 0.8 or (bbox[3] - bbox[1]) / (y1 - y0) > 0.8
    window.map_model.set_view("district_iot")
    rows = window.legend.counts()
    assert sum(int(r) for r in rows) == len(map_data.districts.adcodes)
    with pytest.raises(Exception, match="unknown district code"):
        window.canvas.zoom_to_district("999999")


def test_empty_registry_and_missing_coordinates_are_explained(window, small_registry):
    from dataclasses import replace

    empty = replace(small_registry, elevators=small_registry.elevators.iloc[:0])
    window.set_map_data(build_map_data(empty, Config(as_of=AS_OF)))
    assert "no elevators" in window.canvas.message
    window.canvas.grab()  # paints without error
    broken = small_registry.elevators.iloc[:50].copy()
    broken.loc[broken.index[:3], "lon"] = np.nan
    broken.loc[broken.index[3], ["lon", "lat"]] = (125.0, 25.0)  # in the sea, outside
    window.set_map_data(build_map_data(replace(small_registry, elevators=broken),
                                       Config(as_of=AS_OF)))
    assert "3 elevators have no coordinates" in window.canvas.message
    assert "1 elevators lie outside" in window.canvas.message
    window.filters.risk["none"].setChecked(False)
    window.filters.risk["class_ii"].setChecked(False)
    window.filters.risk["class_i"].setChecked(False)
    assert "No elevator matches the filter" in window.canvas.message


def test_export_map_image(tmp_path, window):
    out = tmp_path / "map.png"
    window.map.export_map_image(str(out))
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert img.width() == window.canvas.width() and img.height() == window.canvas.height()
