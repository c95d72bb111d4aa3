"""File > Settings: language, operator, thresholds and the IoT intake, stored in QSettings (a
temporary ini file here), checked before anything is written, and the Config built from them
reaching gis (escalation rules with every district's limit)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
from PySide6.QtCore import QSettings, Qt
from shapely.geometry import box

from app.command_centre import build_command_centre, operator_actor
from app.dialogs.settings import SettingsDialog
from app.main_window import MainWindow
from app.settings import Settings
from gis.errors import ConfigError
from tests.gis.incident_world import make_registry


def _settings(tmp_path, **values) -> tuple[Settings, QSettings]:
    q = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for k, v in values.items():
        q.setValue(k, v)
    return Settings(q), q


def _dialog(qtbot, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    return dialog


def test_defaults_shown_and_nothing_changed_writes_nothing(qtbot, tmp_path) -> None:
    settings, q = _settings(tmp_path)
    dialog = _dialog(qtbot, settings)
    assert (dialog.age_assess.value(), dialog.age_replace.value()) == (15, 20)
    assert (dialog.limit_city.value(), dialog.limit_other.value()) == (30, 60)
    assert dialog.language.currentData() == "system" and not dialog.iot_enabled.isChecked()
    assert dialog.apply() == set()
    assert "thresholds/age_assess_years" not in q.allKeys()


def test_values_are_stored_and_make_the_config(qtbot, tmp_path) -> None:
    settings, _q = _settings(tmp_path)
    dialog = _dialog(qtbot, settings)
    with qtbot.waitSignal(dialog.applied) as got:
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        dialog.operator.setText(" 王五 ")
        dialog.workstation.setText("WS-07")
        dialog.age_assess.setValue(12)
        dialog.limit_city.setValue(25)
        dialog.district_limits.setText("310106=45")
        dialog.dispatch_districts.setText("310101")
        dialog.iot_enabled.setChecked(True)
        dialog.broker.setText("mqtt://gw:secret@10.0.0.5:1884")
        dialog.topics.setText("elevator/alarm/#, gw/+/alarm")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
    assert got.args[0] == {"language", "operator", "thresholds", "iot"}
    assert dialog.result() == dialog.DialogCode.Accepted
    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.language == "zh_CN"
    assert tuple(operator_actor(again).__dict__.values()) == ("王五", "WS-07")
    cfg = again.config()
    assert (cfg.age_assess_years, cfg.age_replace_years) == (12, 20)
    assert (cfg.rescue_limit_city_s, cfg.rescue_limit_other_s) == (1500, 3600)
    assert cfg.rescue_limits_by_district == {"310106": 2700.0}
    assert cfg.rescue_clock_start == {"310101": "dispatch"}
    iot = again.iot()
    assert iot.enabled and iot.broker_url == "mqtt://gw:secret@10.0.0.5:1884"
    assert iot.topics == ("elevator/alarm/#", "gw/+/alarm") and iot.client_id == ""
    assert _dialog(qtbot, again).apply() == set()  # reopened: the same values, no change


@pytest.mark.parametrize(("field", "text", "message"), [
    ("broker", "http://gw:1883", "not a broker URL"),
    ("district_limits", "31010=45", "6-digit district code"),
    ("district_limits", "310106=soon", "must be minutes"),
    ("dispatch_districts", "huangpu", "not a 6-digit district code"),
    ("topics", "", "at least one MQTT topic"),
])
def test_a_wrong_value_is_shown_and_nothing_is_written(qtbot, tmp_path, field, text,
                                                        message) -> None:
    settings, q = _settings(tmp_path)
    dialog = _dialog(qtbot, settings)
    dialog.iot_enabled.setChecked(True)
    dialog.operator.setText("赵六")
    getattr(dialog, field).setText(text)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.isVisibleTo(dialog) and message in dialog.error.text()
    assert getattr(dialog, field).text() == text  # what was typed is kept
    assert q.allKeys() == []


def test_age_thresholds_are_checked_by_the_config(qtbot, tmp_path) -> None:
    settings, q = _settings(tmp_path)
    dialog = _dialog(qtbot, settings)
    dialog.age_assess.setValue(25)  # not below the replacement age
    assert dialog.apply() is None
    assert "assess < replace" in dialog.error.text() and q.allKeys() == []


def test_a_broken_stored_override_is_a_config_error(tmp_path) -> None:
    settings, _q = _settings(tmp_path, **{"thresholds/rescue_limits_by_district": "310106"})
    with pytest.raises(ConfigError, match="ADCODE=VALUE"):
        settings.config()


def test_escalation_rules_get_every_district_of_the_registry(tmp_path) -> None:
    from gis.store import open_store

    world = make_registry()
    county = gpd.GeoDataFrame({"adcode": ["320321"], "name": ["丰县"], "name_en": ["Feng"]},
                              geometry=[box(116.5, 34.6, 116.6, 34.7)], crs=4326)
    districts = gpd.GeoDataFrame(
        gpd.pd.concat([world.districts, county], ignore_index=True), crs=4326)
    registry = dataclasses.replace(world, districts=districts)
    settings, _q = _settings(tmp_path, **{"thresholds/rescue_limits_by_district": "310106=2700",
                                          "thresholds/rescue_clock_start": "310101=dispatch",
                                          "centre/operator": "a", "centre/workstation": "b"})
    store = open_store(f"sqlite:///{tmp_path / 'c.sqlite'}")
    centre = build_command_centre(store, registry, operator_actor(settings), settings.config())
    rules = centre.rules
    assert rules.limit_for("310101") == 1800  # a district of a municipality: city limit
    assert rules.limit_for("320321") == 3600  # a county: 1 h
    assert rules.limit_for("310106") == 2700  # the settings' override
    assert rules.starts_at_dispatch("310101") and not rules.starts_at_dispatch("310106")


def test_ctrl_comma_opens_the_settings_and_the_operator_acts_at_once(qtbot, tmp_path) -> None:
    from gis.store import open_store

    settings, _q = _settings(tmp_path, **{"ui/language": "en", "centre/operator": "甲",
                                          "centre/workstation": "WS-1"})
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    open_store(url).save_registry(make_registry())
    win = MainWindow(settings, url)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    assert win.centre.actor.operator == "甲"
    assert win.menus.settings_action.shortcut().toString() == "Ctrl+,"
    win.menus.settings_action.trigger()
    dialog = win.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    assert "started again" in dialog.findChild(type(dialog.error), "languageNote").text()
    dialog.operator.setText("乙")
    dialog.workstation.setText("WS-2")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert (win.centre.actor.operator, win.centre.actor.workstation) == ("乙", "WS-2")
    assert win.centre.system.workstation == "WS-2"
    win.close()
