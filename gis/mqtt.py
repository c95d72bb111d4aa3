"""IoT alarms over MQTT: subscribe, validate, take in through the same intake, acknowledge.

Remote-monitoring platforms for elevators (the data items of GB/T 24476) publish alarms as
JSON messages, one per alarm (``docs/alarm-json.md``). :class:`AlarmSubscriber` subscribes with
**QoS 1** and a **persistent session** (``clean_session=False`` under a stable client id), so
the broker keeps messages for it while it is away, and acknowledges each message only **after**
its alarm is committed to the database (manual PUBACK). A message is therefore either in the
database or still held by the broker, also across a broker or listener restart.

Redelivered messages (QoS 1 is at-least-once) are recognised by ``message_id``, or, when the
device sends none, by ``device_id@time`` (stored as the alarm's message id): the database has
a unique key on it, so a second copy makes no second alarm or incident. A malformed message,
one larger than ``max_message_bytes`` or one with an elevator code that is not in the registry
(forged or mistyped) is rejected with its reason, logged, recorded in ``alarms`` (without the
raw text when it is too large) and acknowledged; the listener keeps going.

If the database cannot be written, the message is *not* acknowledged: the subscriber
disconnects, waits (backoff) and reconnects, and the broker delivers it again.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from gis.clock import to_epoch_s
from gis.errors import LiftGuardError, StoreError
from gis.incidents.intake import MAX_MESSAGE_BYTES, AlarmRejected, parse_alarm_json

if TYPE_CHECKING:
    from gis.incidents.centre import CommandCentre, Received

log = logging.getLogger("liftguard.mqtt")

DEFAULT_PORT = 1883
DEFAULT_TLS_PORT = 8883
#: Seconds to wait for the broker's CONNACK at start.
CONNECT_TIMEOUT_S = 10.0
#: :attr:`AlarmSubscriber.state` values: ``new`` (connect() not called yet), ``connecting``,
#: ``connected``, ``reconnecting`` (the connection was lost or the broker cannot be reached;
#: paho retries), ``refused`` (the broker answered and refused this client, e.g. a wrong
#: password: :attr:`AlarmSubscriber.refusal` says why; paho still retries), ``closed``.
CONNECTION_STATES = ("new", "connecting", "connected", "reconnecting", "refused", "closed")


class MqttError(LiftGuardError):
    """The broker URL is wrong, or the broker cannot be reached or refuses this client."""


@dataclass(frozen=True)
class Broker:
    """Where the broker is: ``mqtt://[user[:password]@]host[:port]`` (``mqtts://`` for TLS)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None

    def __str__(self) -> str:
        user = f"{self.username}@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


def parse_broker_url(url: str) -> Broker:
    """Check a broker URL; raise :class:`MqttError` with the expected form otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parts.hostname:
        raise MqttError(f"'{url}' is not a broker URL; expected mqtt://host:1883 "
                        "(or mqtts://host:8883 for TLS)")
    tls = parts.scheme in ("mqtts", "ssl")
    try:
        port = parts.port or (DEFAULT_TLS_PORT if tls else DEFAULT_PORT)
    except ValueError:
        raise MqttError(f"the port in '{url}' is not a number from 1 to 65535") from None
    return Broker(host=parts.hostname, port=port, tls=tls,
                  username=unquote(parts.username) if parts.username else None,
                  password=unquote(parts.password) if parts.password else None)


@dataclass
class ListenStats:
    """Counts since the subscriber started."""

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    connections: int = 0

    def __str__(self) -> str:
        return (f"{self.received} message(s): {self.accepted} accepted, {self.duplicates} "
                f"redelivered (ignored), {self.rejected} rejected")


def take_message(centre: CommandCentre, payload: bytes, *, topic: str = "",
                 max_message_bytes: int = MAX_MESSAGE_BYTES) -> Received:
    """Validate one MQTT message and take it in (see the module doc); never raises for a bad
    message. Raises :class:`gis.errors.StoreError` when the database cannot be written."""
    size = len(payload)
    try:
        if size > max_message_bytes:
            raise AlarmRejected(f"message is {size:,} bytes, more than the "
                                f"{max_message_bytes:,} allowed")
        alarm = parse_alarm_json(payload)
        if not alarm.message_id and alarm.at is not None:  # dedupe key: device and time
            key = f"{alarm.device_id or alarm.code}@{to_epoch_s(alarm.at):.3f}"
            alarm = dataclasses.replace(alarm, message_id=key[:128])
    except AlarmRejected as exc:
        log.warning("MQTT message on %r rejected (%s bytes): %s", topic, f"{size:,}",
                    exc.reason)
        return centre.receive(AlarmRejected(f"{exc.reason} (MQTT topic {topic})"))
    received = centre.receive(alarm)
    intake = received.intake
    if not intake.accepted:
        log.warning("MQTT alarm on %r rejected: %s", topic, intake.reason)
    elif intake.duplicate:
        log.info("MQTT message %s on %r was delivered again; already alarm %s", alarm.message_id,
                 topic, intake.alarm_id)
    else:
        log.info("MQTT alarm %s on %r -> incident %s", alarm.message_id, topic,
                 intake.incident_id)
    return received


class AlarmSubscriber:
    """Subscribe to alarm topics and feed every message to ``centre`` (module doc).

    Parameters
    ----------
    topics
        MQTT topic filters (``+`` and ``#`` allowed), subscribed with QoS 1.
    client_id
        Stable id of the persistent session (default ``liftguard-<host name>``). Two
        listeners must not share one id: the broker disconnects the older one.
    on_result
        Called with each :class:`~gis.incidents.centre.Received` (on the MQTT thread).
    on_state
        Called with ``(state, refusal)`` whenever :attr:`state` changes (on the MQTT thread
        or the caller's), e.g. to show "refused (Not authorized)" when a reconnect after a
        broker restart is refused.

    Attributes
    ----------
    state
        The connection state, one of :data:`CONNECTION_STATES`.
    refusal
        Why the broker last refused this client (its CONNACK reason, e.g. ``Not
        authorized``); empty once a connection is accepted.
    """

    def __init__(self, centre: CommandCentre, broker: Broker, topics: list[str], *,
                 client_id: str | None = None,
                 max_message_bytes: int = MAX_MESSAGE_BYTES, keepalive_s: int = 30,
                 backoff_s: tuple[float, float] = (0.5, 30.0),
                 on_result: Callable[[Received], None] | None = None,
                 on_state: Callable[[str, str], None] | None = None) -> None:
        if not topics:
            raise MqttError("give at least one --topic to subscribe to")
        self.centre = centre
        self.broker = broker
        self.topics = list(topics)
        self.client_id = client_id or f"liftguard-{socket.gethostname()}"
        self.max_message_bytes = max_message_bytes
        self.keepalive_s = keepalive_s
        self.backoff_s = backoff_s
        self.on_result = on_result
        self.on_state = on_state
        self.stats = ListenStats()
        self.connected = threading.Event()
        self.state = "new"
        self.refusal = ""
        self._db_failed = threading.Event()
        self._ok = threading.Event()
        self._closing = False
        self._client = self._make_client()

    def _set_state(self, state: str, refusal: str | None = None) -> None:
        changed = state != self.state or (refusal is not None and refusal != self.refusal)
        if refusal is not None:
            self.refusal = refusal
        self.state = state
        if changed and self.on_state is not None:
            try:
                self.on_state(state, self.refusal)
            except Exception:  # a listener's bug must not stop the MQTT thread
                log.exception("MQTT state callback failed")

    # ------------------------------------------------------------------ client

    def _make_client(self) -> Any:
        import paho.mqtt.client as mqtt

        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             clean_session=False, protocol=mqtt.MQTTv311, manual_ack=True)
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            client.tls_set()
        client.reconnect_delay_set(min_delay=1, max_delay=int(self.backoff_s[1]))
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_message = self._on_message
        return client

    def _on_connect(self, client: Any, _userdata: Any, flags: Any, reason: Any,
                    _props: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s refused the connection: %s", self.broker, reason)
            self._set_state("refused", str(reason))
            return
        self.stats.connections += 1
        client.subscribe([(t, 1) for t in self.topics])
        log.info("MQTT connected to %s as %s (session %s), subscribed to %s", self.broker,
                 self.client_id, "resumed" if flags.session_present else "new",
                 ", ".join(self.topics))
        self.connected.set()
        self._set_state("connected", "")

    def _on_disconnect(self, _client: Any, _userdata: Any, _flags: Any, reason: Any,
                       _props: Any) -> None:
        was_connected = self.connected.is_set()
        self.connected.clear()
        if self._closing:
            return
        if was_connected:
            log.warning("MQTT connection to %s lost (%s); reconnecting", self.broker, reason)
        if self.state == "connected":  # a refusal stays said until a connection is accepted
            self._set_state("reconnecting")

    def _on_connect_fail(self, _client: Any, _userdata: Any) -> None:
        self._set_state("reconnecting")  # unreachable now; the last refusal stays readable

    def _on_message(self, client: Any, _userdata: Any, msg: Any) -> None:
        if self._db_failed.is_set():
            return  # not acknowledged: the broker delivers it again after the reconnect
        self.stats.received += 1
        try:
            received = take_message(self.centre, msg.payload, topic=msg.topic,
                                    max_message_bytes=self.max_message_bytes)
        except StoreError as exc:
            log.error("alarm from MQTT not stored, the database failed (%s); it will be "
                      "delivered again", exc)
            self.stats.received -= 1
            self._db_failed.set()
            return
        intake = received.intake
        if not intake.accepted:
            self.stats.rejected += 1
        elif intake.duplicate:
            self.stats.duplicates += 1
        else:
            self.stats.accepted += 1
        client.ack(msg.mid, msg.qos)  # only now: the alarm is committed
        self._ok.set()
        if self.on_result is not None:
            self.on_result(received)

    # ------------------------------------------------------------------ running

    def connect(self) -> None:
        """Connect once and start the network thread.

        Raises
        ------
        MqttError
            The broker cannot be reached or refuses the connection (what to check is in the
            message).
        """
        self._set_state("connecting", "")
        try:
            self._client.connect(self.broker.host, self.broker.port, self.keepalive_s)
        except (OSError, ValueError) as exc:
            self._set_state("reconnecting")
            log.error("cannot connect to the MQTT broker %s: %s", self.broker, exc)
            raise MqttError(f"cannot connect to the MQTT broker {self.broker}: "
                            f"{exc.strerror or exc if isinstance(exc, OSError) else exc}; check "
                            "--broker and that the broker runs and listens there") from None
        self._client.loop_start()
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while not self.connected.wait(0.05):
            refused = self.refusal if self.state == "refused" else ""
            if refused or time.monotonic() > deadline:
                self._client.loop_stop()
                why = refused or f"no answer within {CONNECT_TIMEOUT_S:.0f} s"
                raise MqttError(f"the MQTT broker {self.broker} refused the connection "
                                f"({why}); check the user name, password and client id")

    def run(self, stop: threading.Event) -> ListenStats:
        """Take messages until ``stop`` is set; reconnects after broker or database trouble."""
        if not self.connected.is_set():
            self.connect()
        wait_s = self.backoff_s[0]
        try:
            while not stop.wait(0.1):
                if self._ok.is_set():
                    self._ok.clear()
                    wait_s = self.backoff_s[0]
                if not self._db_failed.is_set():
                    continue
                self._client.disconnect()
                self._client.loop_stop()
                stop.wait(wait_s)
                wait_s = min(wait_s * 2, self.backoff_s[1])
                self._db_failed.clear()
                try:
                    self._client.reconnect()
                except OSError as exc:
                    log.warning("MQTT reconnect failed (%s); the network thread retries", exc)
                self._client.loop_start()
        finally:
            self.close()
        return self.stats

    def close(self) -> None:
        """Disconnect (the persistent session stays on the broker) and stop the thread."""
        self._closing = True
        self._client.disconnect()
        self._client.loop_stop()
        self._set_state("closed")
