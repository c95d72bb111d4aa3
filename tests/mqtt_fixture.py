"""Pytest plugin: a throwaway Mosquitto MQTT broker on loopback (issue 8 item 5 tests).

Register it from ``tests/conftest.py`` (``pytest_plugins``). Debian package ``mosquitto``;
mark the tests that use :func:`broker` with :data:`needs_mosquitto` (skipped with the reason
without it, failing when ``CI=true``).

Fixtures
--------
broker (function)
    A :class:`Mosquitto` started on a free 127.0.0.1 port with its own config and persistence
    folder (anonymous clients allowed), stopped and deleted after the test.

:class:`Publisher` is a real paho client that publishes with QoS 1 and retries until the broker
acknowledges.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TOPIC = "elevator/alarm"

MOSQUITTO = Path("/usr/sbin/mosquitto")
#: Mark for tests that need the broker binary.
needs_mosquitto = pytest.mark.skipif(
    not MOSQUITTO.exists() and os.environ.get("CI") != "true",
    reason="Mosquitto is not installed (apt-get install mosquitto)")


class Mosquitto:
    """A throwaway broker: its own config, persistence folder and free loopback port."""

    def __init__(self, folder: Path, *, anonymous: bool = True) -> None:
        self.folder = folder
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        lines = [f"listener {self.port} 127.0.0.1",
                 f"allow_anonymous {'true' if anonymous else 'false'}",
                 "persistence true", f"persistence_location {folder}/",
                 "max_queued_messages 10000", f"log_dest file {folder}/mosquitto.log"]
        if os.geteuid() == 0:
            lines.append("user root")  # keep root: the folder is root's
        (folder / "mosquitto.conf").write_text("\n".join(lines) + "\n")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen([str(MOSQUITTO), "-c", str(self.folder / "mosquitto.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert self.proc.poll() is None, self.log()
                time.sleep(0.02)
        raise RuntimeError(f"mosquitto did not listen on {self.port}:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: mosquitto saves its persistence file
            self.proc.wait(10)
        self.proc = None

    def log(self) -> str:
        path = self.folder / "mosquitto.log"
        return path.read_text() if path.exists() else ""


@pytest.fixture
def broker() -> Iterator[Mosquitto]:
    folder = Path(tempfile.mkdtemp(prefix="liftguard-mqtt-"))
    server = Mosquitto(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Publisher:
    """A real MQTT client that publishes with QoS 1 and retries until the broker acks."""

    def __init__(self, server: Mosquitto, *, topic: str = TOPIC) -> None:
        import paho.mqtt.client as mqtt

        self.topic = topic
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-publisher")
        self.client.reconnect_delay_set(0.1, 0.5)
        self.client.connect("127.0.0.1", server.port)
        self.client.loop_start()

    def publish(self, payload: bytes, *, timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.client.is_connected():
                info = self.client.publish(self.topic, payload, qos=1)
                with contextlib.suppress(RuntimeError):  # not queued: disconnected meanwhile
                    info.wait_for_publish(timeout=2)
                if info.is_published():
                    return
            time.sleep(0.05)
        raise AssertionError("the broker never acknowledged a publish")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
