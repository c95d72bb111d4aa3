"""IoT alarms from the app's settings (issue 8 item 5) on a real Mosquitto broker: the alarm
published by a device gateway becomes an incident on the board through the same intake; the
status bar says connected / reconnecting / refused with the reason; closing stops the thread."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading

from PySide6.QtCore import QSettings

from app.main_window import MainWindow
from app.settings import Settings
from tests.gis.incident_world import make_registry
from tests.mqtt_fixture import TOPIC, Mosquitto, Publisher, needs_mosquitto

pytestmark = needs_mosquitto


def _window(qtbot, tmp_path, broker_url: str) -> MainWindow:
    from gis.store import open_store

    url = f"sqlite:///{tmp_path / 'iot-app.sqlite'}"
    open_store(url).save_registry(make_registry())
    q = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for k, v in {"ui/language": "en", "centre/operator": "值班员", "centre/workstation": "WS-IOT",
                 "iot/enabled": "true", "iot/broker": broker_url, "iot/topics": "elevator/#",
                 "iot/client_id": "liftguard-app-test"}.items():
        q.setValue(k, v)
    win = MainWindow(Settings(q), url)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _alarm(rescue_code: str, message_id: str) -> bytes:
    return json.dumps({"device_id": "IOT-0001", "rescue_code": rescue_code,
                       "alarm_type": "entrapment", "message_id": message_id,
                       "time": dt.datetime.now(dt.UTC).isoformat()}).encode()


def _iot_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "liftguard-iot" and t.is_alive()]


def test_published_alarm_reaches_the_board_and_status_follows_the_broker(
        qtbot, tmp_path, broker: Mosquitto) -> None:
    win = _window(qtbot, tmp_path, broker.url)
    states: list[str] = []
    win.command.iotStatusChanged.connect(lambda state, _text: states.append(state))
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    qtbot.waitUntil(lambda: win.command.iot is not None and win.command.iot.state == "connected",
                    timeout=15_000)
    qtbot.waitUntil(lambda: "connected to mqtt://127.0.0.1" in win.iot_label.text(), timeout=2000)
    assert win.iot_label.isVisible()
    pub = Publisher(broker, topic=TOPIC)
    try:
        with qtbot.waitSignal(win.command.board_model.incidentsChanged, timeout=15_000):
            pub.publish(_alarm("100050", "gw-app-1"))
        qtbot.waitUntil(lambda: win.command.board_model.rowCount() == 1, timeout=5000)
        code = make_registry().elevators.set_index("rescue_code").loc["100050",
                                                                      "registration_code"]
        assert win.command.board_model.incident_at(0)["registration_code"] == code
        (row,) = win.centre.log.incident_rows()
        assert row["registration_code"] == code
        alarm = win.centre.log.alarms().iloc[0]  # the same intake, as this workstation
        assert (alarm["device_id"], alarm["workstation"]) == ("IOT-0001", "WS-IOT")
        pub.publish(_alarm("100050", "gw-app-1"))  # redelivered copy: no second incident
        pub.publish(_alarm("999999", "gw-app-2"))  # forged code: rejected, logged, acknowledged
        qtbot.waitUntil(lambda: len(win.centre.log.alarms()) >= 2, timeout=10_000)
        assert len(win.centre.log.incident_rows()) == 1
    finally:
        pub.close()
    broker.stop()
    qtbot.waitUntil(lambda: "reconnecting" in win.iot_label.text(), timeout=15_000)
    broker.start()
    qtbot.waitUntil(lambda: "connected to" in win.iot_label.text(), timeout=30_000)
    assert states[:2] == ["connecting", "connected"] and "reconnecting" in states
    win.close()
    assert win.command.iot is None and _iot_threads() == []


def test_unreachable_broker_is_refused_with_the_reason_and_close_is_clean(qtbot,
                                                                          tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    win = _window(qtbot, tmp_path, f"mqtt://127.0.0.1:{closed_port}")
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    qtbot.waitUntil(lambda: "refused" in win.iot_label.text(), timeout=15_000)
    assert "cannot connect to the MQTT broker" in win.iot_label.text()
    assert win.centre is not None  # the workstation works without the broker
    win.close()
    assert _iot_threads() == []


def test_a_wrong_broker_url_in_the_settings_is_said_not_retried(qtbot, tmp_path) -> None:
    win = _window(qtbot, tmp_path, "http://nowhere")
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    qtbot.waitUntil(lambda: "not started" in win.iot_label.text(), timeout=5000)
    assert "not a broker URL" in win.iot_label.text()
    qtbot.waitUntil(lambda: _iot_threads() == [], timeout=5000)
    win.close()
