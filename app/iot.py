"""IoT alarms over MQTT from the app's settings (issue 8 item 5).

:class:`IotIntake` runs a :class:`gis.mqtt.AlarmSubscriber` on one persistent Python thread
(not a QThreadPool job: see :mod:`app.workers`) and reconnects with a backoff when the broker
cannot be reached or refuses the client. Every message goes through the **same intake** as
the operator's: the subscriber's ``centre.receive(alarm)`` is run on the UI thread by
``receive`` (normally :meth:`app.command_centre.CommandCentreController.receive_iot_alarm`),
while the MQTT thread waits; the message is acknowledged to the broker only after that
returned (the alarm is committed). If ``receive`` raises :class:`gis.errors.StoreError`
(database offline, workstation closing) the message is not acknowledged and the broker
delivers it again later (persistent session, QoS 1).

``statusChanged(state, text)`` reports, on the UI thread, one of :data:`STATES` and a
sentence for the status bar (the reason when refused).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gis.errors import StoreError

log = logging.getLogger("liftguard.app.iot")

#: ``off`` (not enabled), ``connecting``, ``connected``, ``reconnecting`` (the connection was
#: lost; paho reconnects), ``refused`` (unreachable or refused, also a later reconnect the
#: broker refuses, e.g. after a restart with passwords; retried with a backoff),
#: ``invalid`` (the settings are wrong: not retried), ``stopped``.
STATES = ("off", "connecting", "connected", "reconnecting", "refused", "invalid", "stopped")
#: How often the UI thread looks at the connection state (milliseconds).
POLL_MS = 200


@dataclass(frozen=True)
class IotSettings:
    """The IoT intake's settings (``iot/*`` in :class:`app.settings.Settings`).

    Attributes
    ----------
    enabled
        Subscribe while a command centre is open.
    broker_url
        ``mqtt://[user[:password]@]host[:port]`` (``mqtts://`` for TLS).
    topics
        Topic filters subscribed with QoS 1 (``+`` and ``#`` allowed).
    client_id
        The persistent session's id; empty: ``liftguard-app-<host name>`` (distinct from the
        ``liftguard iot listen`` service's default, so both can run).
    """

    enabled: bool = False
    broker_url: str = "mqtt://127.0.0.1:1883"
    topics: tuple[str, ...] = ("elevator/alarm/#",)
    client_id: str = ""


def default_client_id() -> str:
    """The app's MQTT session id when none is set: ``liftguard-app-<host name>``."""
    return f"liftguard-app-{socket.gethostname() or 'workstation'}"


class _UiCall(QObject):
    """Runs jobs posted from other threads on the thread this object lives on (the UI)."""

    posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.posted.connect(self._run_job)  # queued: emitted on another thread

    @Slot(object)
    def _run_job(self, job: Callable[[], None]) -> None:
        job()


class _CentreOnUiThread:
    """What the subscriber sees as its centre: ``receive`` runs on the UI thread and waits
    for it, giving up (not acknowledged) when the intake stops."""

    def __init__(self, receive: Callable[[Any], Any], ui: _UiCall,
                 stop: threading.Event) -> None:
        self._receive, self._ui, self._stop = receive, ui, stop

    def receive(self, alarm: Any) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()

        def job() -> None:
            try:
                box["result"] = self._receive(alarm)
            except StoreError as exc:
                box["error"] = exc
            except Exception as exc:  # a bug: logged; the message stays with the broker
                log.exception("IoT alarm not taken in")
                box["error"] = StoreError(f"the alarm could not be taken in ({exc}); see the "
                                          "log")
            finally:
                done.set()

        self._ui.posted.emit(job)
        while not done.wait(0.05):
            if self._stop.is_set():
                raise StoreError("the IoT intake is stopping; the broker delivers the alarm "
                                 "again when it is back")
        if "error" in box:
            raise box["error"]
        return box["result"]


class IotIntake(QObject):
    """Subscribe to the IoT alarm topics of ``settings`` (module doc).

    ``receive(alarm)`` is called on the UI thread for every valid or rejected message and
    returns the :class:`gis.incidents.centre.Received`.
    """

    statusChanged = Signal(str, str)

    def __init__(self, receive: Callable[[Any], Any], settings: IotSettings, *,
                 backoff_s: tuple[float, float] = (1.0, 30.0),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.backoff_s = backoff_s
        self._stop = threading.Event()
        self._centre = _CentreOnUiThread(receive, _UiCall(self), self._stop)
        self._thread: threading.Thread | None = None
        self._subscriber: Any = None
        self._state, self._reason = "off", ""
        self._shown: tuple[str, str] = ("", "")
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._report)

    @property
    def state(self) -> str:
        """The current state (one of :data:`STATES`): while the subscriber runs, its own
        connection state (a reconnect the broker refuses is ``refused``, not
        ``reconnecting``)."""
        return self._current()[0]

    def _current(self) -> tuple[str, str]:
        """The state and the refusal reason, read once from the subscriber."""
        state, why, sub = self._state, self._reason, self._subscriber
        if state == "connected" and sub is not None:
            sub_state = sub.state
            if sub_state == "refused":
                return "refused", sub.refusal
            if sub_state != "connected":
                return "reconnecting", why
        return state, why

    def start(self) -> None:
        """Start the subscriber thread (once)."""
        if self._thread is not None:
            return
        self._state, self._reason = "connecting", ""
        self._thread = threading.Thread(target=self._run, name="liftguard-iot", daemon=True)
        self._thread.start()
        self._poll.start()
        self._report()

    def stop(self, *, wait_s: float = 5.0) -> None:
        """Disconnect (the broker keeps the session and queues alarms) and end the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait_s)
            self._thread = None
        self._poll.stop()
        self._state, self._reason = "stopped", ""
        self._report()

    def status_text(self) -> str:
        """The state as a sentence for the status bar."""
        broker, (state, why) = self._broker_label(), self._current()
        texts = {
            "off": self.tr("IoT intake off"),
            "connecting": self.tr("IoT: connecting to %s") % broker,
            "connected": self.tr("IoT: connected to %s") % broker,
            "reconnecting": self.tr("IoT: connection to %s lost, reconnecting") % broker,
            "refused": self.tr("IoT: refused (%s); retrying") % why,
            "invalid": self.tr("IoT: not started (%s)") % why,
            "stopped": self.tr("IoT intake stopped"),
        }
        return texts[state]

    def _broker_label(self) -> str:
        from gis.mqtt import MqttError, parse_broker_url

        try:
            return str(parse_broker_url(self.settings.broker_url))  # without the password
        except MqttError:
            return self.settings.broker_url

    def _report(self) -> None:
        shown = (self.state, self.status_text())
        if shown != self._shown:
            self._shown = shown
            self.statusChanged.emit(*shown)

    def _run(self) -> None:
        from gis.mqtt import AlarmSubscriber, MqttError, parse_broker_url

        try:
            broker = parse_broker_url(self.settings.broker_url)
            if not self.settings.topics:
                raise MqttError("no IoT topic is set; add one in File > Settings")
        except MqttError as exc:
            self._state, self._reason = "invalid", str(exc)
            return
        wait_s = self.backoff_s[0]
        while not self._stop.is_set():
            self._state = "connecting"
            sub = None
            try:
                sub = AlarmSubscriber(self._centre, broker, list(self.settings.topics),
                                      client_id=self.settings.client_id or default_client_id())
                sub.connect()
            except MqttError as exc:
                self._state, self._reason = "refused", str(exc)
                if sub is not None:
                    with contextlib.suppress(Exception):
                        sub.close()
                self._stop.wait(wait_s)
                wait_s = min(wait_s * 2, self.backoff_s[1])
                continue
            self._subscriber, self._state, self._reason = sub, "connected", ""
            wait_s = self.backoff_s[0]
            try:
                sub.run(self._stop)  # reconnects by itself; closes the client at the end
            except Exception as exc:  # a bug in the listener: say so, retry after a pause
                log.exception("IoT intake stopped")
                self._state, self._reason = "refused", f"internal error: {exc}"
                self._stop.wait(self.backoff_s[1])
            finally:
                self._subscriber = None
