"""IoT alarms over MQTT with a real Mosquitto broker on loopback (started here, stopped after):
QoS 1 persistent session, validation through the intake, de-duplication of redeliveries, bad
messages logged and skipped, a broker restart mid-stream that loses no acknowledged alarm."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import threading
import time
from pathlib import Path

import pytest

from gis.cli import main
from gis.incidents.centre import CommandCentre
from gis.incidents.log import Actor, IncidentLog
from gis.mqtt import AlarmSubscriber, MqttError, parse_broker_url, take_message
from gis.store import open_store
from tests.gis.incident_world import make_registry
from tests.mqtt_fixture import TOPIC, Mosquitto, Publisher, needs_mosquitto

pytestmark = needs_mosquitto


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'iot.sqlite'}"
    with open_store(url) as store:
        store.save_registry(make_registry())
    return url


def _centre(url: str) -> CommandCentre:
    reg = make_registry()
    return CommandCentre(IncidentLog(open_store(url)), reg.elevators, reg.stations,
                         actor=Actor("iot-gateway", "test"))


def _alarm(n: int, *, code: str | None = None, message_id: bool = True) -> bytes:
    msg = {"device_id": f"IOT-{n:04d}", "rescue_code": code or f"{100000 + n % 400:06d}",
           "alarm_type": "entrapment", "time": dt.datetime.now(dt.UTC).isoformat()}
    if message_id:
        msg["message_id"] = f"gw-{n}"
    return json.dumps(msg).encode()


def _subscribe(url: str, server: Mosquitto, **kw) -> tuple[AlarmSubscriber, threading.Event,
                                                             threading.Thread]:
    sub = AlarmSubscriber(_centre(url), parse_broker_url(server.url), [TOPIC],
                          client_id="liftguard-test", backoff_s=(0.1, 0.5), **kw)
    sub.connect()
    stop = threading.Event()
    thread = threading.Thread(target=sub.run, args=(stop,), daemon=True)
    thread.start()
    return sub, stop, thread


def _wait(predicate, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_good_bad_forged_huge_and_redelivered_messages(broker: Mosquitto, db_url: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="liftguard")
    sub, stop, thread = _subscribe(db_url, broker)
    pub = Publisher(broker)
    try:
        messages = [_alarm(1), _alarm(1),  # the same message id twice
                    b"{not json", b"x" * (10 * 1024 * 1024),  # malformed, 10 MB
                    _alarm(2, code="999999"),  # forged: no such elevator
                    _alarm(3, message_id=False)]
        messages.append(messages[-1])  # no id: device + time recognise the copy
        messages.append(_alarm(4))  # intake keeps going after all that
        for m in messages:
            pub.publish(m)
        _wait(lambda: sub.stats.received == len(messages))
    finally:
        pub.close()
        stop.set()
        thread.join(10)
    assert (sub.stats.accepted, sub.stats.duplicates, sub.stats.rejected) == (3, 2, 3)
    alarms = IncidentLog(open_store(db_url)).alarms()
    accepted = alarms[alarms["accepted"]]
    assert sorted(accepted["device_id"]) == ["IOT-0001", "IOT-0003", "IOT-0004"]
    assert accepted["message_id"].str.startswith("IOT-0003@").sum() == 1
    reasons = " | ".join(alarms.loc[~alarms["accepted"], "reject_reason"])
    assert "not valid JSON" in reasons and "more than the 65,536 allowed" in reasons
    assert "no elevator has the code 999999" in reasons
    assert (alarms["raw"].str.len() < 1000).all()  # the 10 MB text is not stored
    logged = caplog.text
    assert "10,485,760 bytes" in logged and "no elevator has the code 999999" in logged


def test_broker_restart_mid_stream_loses_no_acknowledged_alarm(broker: Mosquitto,
                                                                db_url: str) -> None:
    _sub, stop, thread = _subscribe(db_url, broker)
    pub = Publisher(broker)
    acked: list[str] = []
    try:
        for n in range(40):
            if n == 15:  # mid-stream: the broker goes down and comes back
                broker.stop()
                broker.start()
            if n == 25:  # the listener goes away; the broker keeps its session
                stop.set()
                thread.join(10)
            pub.publish(_alarm(n))
            acked.append(f"gw-{n}")
            if n == 30:  # the broker restarts while holding messages for the listener
                broker.stop()
                broker.start()
        _sub, stop, thread = _subscribe(db_url, broker)
        log = IncidentLog(open_store(db_url))
        _wait(lambda: set(acked) <= set(log.alarms(accepted=True)["message_id"]), 30)
    finally:
        pub.close()
        stop.set()
        thread.join(10)
    ids = list(log.alarms(accepted=True)["message_id"])
    assert sorted(ids) == sorted(acked)  # every acknowledged alarm, each once


def test_unreachable_and_refusing_brokers_are_messages(tmp_path: Path, db_url: str,
                                                       caplog: pytest.LogCaptureFixture,
                                                       capsys) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    code = main(["iot", "listen", "--broker", f"mqtt://127.0.0.1:{closed_port}",
                 "--topic", TOPIC, "--db", db_url, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot connect to the MQTT broker" in err and "refused" in err
    assert "cannot connect to the MQTT broker" in caplog.text

    strict = Mosquitto(tmp_path, anonymous=False)
    strict.start()
    try:
        with pytest.raises(MqttError, match=r"refused the connection.*Not authorized"):
            AlarmSubscriber(_centre(db_url), parse_broker_url(strict.url), [TOPIC]).connect()
    finally:
        strict.stop()
    assert main(["iot", "listen", "--broker", "http://x", "--topic", "t", "--db", db_url]) == 2
    assert "not a broker URL" in capsys.readouterr().err


def test_cli_listens_for_a_while(broker: Mosquitto, db_url: str, capsys) -> None:
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(
        ["iot", "listen", "--broker", broker.url, "--topic", "elevator/#", "--db", db_url,
         "--client-id", "cli-test", "--duration", "1.5", "--quiet"])))
    thread.start()
    time.sleep(0.5)
    pub = Publisher(broker)
    pub.publish(_alarm(7))
    pub.close()
    thread.join(20)
    assert result == [0]
    assert "1 accepted" in capsys.readouterr().out


def test_take_message_without_a_broker(db_url: str) -> None:
    centre = _centre(db_url)
    assert take_message(centre, _alarm(9), topic="t").intake.accepted
    small = take_message(centre, _alarm(10), topic="t", max_message_bytes=10)
    assert not small.intake.accepted and "more than the 10 allowed" in small.intake.reason


def test_gbt_24476_event_type_alias(db_url: str) -> None:
    msg = {"device_id": "IOT-1", "registration_code": "310100000000000042", "event_type": "困人",
           "time": dt.datetime.now(dt.UTC).isoformat(), "message_id": "alias-1"}
    got = take_message(_centre(db_url), json.dumps(msg, ensure_ascii=False).encode()).intake
    assert got.accepted and got.elevator["rescue_code"] == "100042"


def _require_password(server: Mosquitto, *, on: bool) -> None:
    """Rewrite the broker's config: clients must log in (password_file) or may be anonymous."""
    import subprocess

    conf = server.folder / "mosquitto.conf"
    lines = [ln for ln in conf.read_text().splitlines()
             if not ln.startswith(("allow_anonymous", "password_file"))]
    if on:
        passwd = server.folder / "passwd"
        subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwd), "gateway", "s3cret"],
                       check=True, capture_output=True)
        lines += ["allow_anonymous false", f"password_file {passwd}"]
    else:
        lines.append("allow_anonymous true")
    conf.write_text("\n".join(lines) + "\n")


def test_connection_state_says_refused_with_the_reason_after_a_refused_reconnect(
        broker: Mosquitto, db_url: str) -> None:
    changes: list[tuple[str, str]] = []
    sub, stop, thread = _subscribe(db_url, broker,
                                   on_state=lambda st, why: changes.append((st, why)))
    try:
        assert (sub.state, sub.refusal) == ("connected", "")
        broker.stop()
        _wait(lambda: sub.state == "reconnecting")
        _require_password(broker, on=True)  # restarted with passwords; we have none
        broker.start()
        _wait(lambda: sub.state == "refused", timeout_s=30)
        assert sub.refusal == "Not authorized" and not sub.connected.is_set()
        broker.stop()
        _require_password(broker, on=False)
        broker.start()
        _wait(lambda: sub.state == "connected", timeout_s=30)
        assert sub.refusal == ""
    finally:
        stop.set()
        thread.join(10)
    assert sub.state == "closed"
    states = [st for st, _ in changes]
    assert states[:3] == ["connecting", "connected", "reconnecting"]
    assert ("refused", "Not authorized") in changes and states[-2:] == ["connected", "closed"]
