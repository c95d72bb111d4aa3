"""Live updates: every workstation sees every new incident event within a second.

On **PostgreSQL** each row inserted into ``incident_events`` sends ``NOTIFY liftguard_events``
with a small JSON payload ``{"event_id": …, "incident_id": …}`` (a trigger made by the
migrations; the notification is delivered when the writing transaction commits). The
:class:`EventListener` holds one extra connection that ``LISTEN``\\ s, and on each notification
reads the new rows with :meth:`gis.incidents.log.IncidentLog.events` (``after_event_id``):
pushed, never a poll of the whole table.

On **SQLite** (one machine, several processes on the same file) there is no server to push;
the listener polls only ``max(event_id)`` (an index lookup, microseconds) every
``poll_interval_s`` and reads the new rows when it moved. Good for a single workstation with a
simulator or an IoT listener running beside it; a centre of several machines uses PostgreSQL.

Connection loss: when the database cannot be reached the listener yields an *offline* update
with the reason, retries with exponential backoff (``backoff_s``), and on reconnect first
catches up with everything after the last event it delivered, then reports *online* again.

Commit order: on PostgreSQL two transactions may commit out of ``event_id`` order, so a lower
id can appear after a higher one. The listener keeps a *watermark* (every id up to it was
delivered or is a gap older than ``gap_grace_s``, i.e. a rolled-back insert) and re-reads from
it, delivering each id exactly once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from gis.errors import LiftGuardError

log = logging.getLogger("liftguard.live")

#: The PostgreSQL notification channel written by the ``incident_events`` trigger.
CHANNEL = "liftguard_events"


@dataclass(frozen=True)
class LiveUpdate:
    """What the listener has to say: new events (in ``event_id`` order), and/or a change of
    the connection state (``online`` with ``reason`` when offline)."""

    events: list[Any] = field(default_factory=list)
    online: bool = True
    reason: str = ""
    status_changed: bool = False


@dataclass
class _Watermark:
    """Deliver each event id once although ids may become visible out of order."""

    mark: int
    gap_grace_s: float
    seen: set[int] = field(default_factory=set)
    gap_since: dict[int, float] = field(default_factory=dict)

    def fresh(self, events: list[Any], now_s: float) -> list[Any]:
        new = [e for e in events if e.event_id > self.mark and e.event_id not in self.seen]
        self.seen.update(e.event_id for e in new)
        top = max(self.seen, default=self.mark)
        for missing in set(range(self.mark + 1, top)) - self.seen:
            self.gap_since.setdefault(missing, now_s)
        while True:
            nxt = self.mark + 1
            if nxt in self.seen:
                self.seen.discard(nxt)
            elif nxt in self.gap_since and now_s - self.gap_since[nxt] >= self.gap_grace_s:
                del self.gap_since[nxt]  # a rolled-back insert: the id never commits
            else:
                break
            self.gap_since.pop(nxt, None)
            self.mark = nxt
        return new

    @property
    def has_gaps(self) -> bool:
        return bool(self.gap_since)


class EventListener:
    """Yields :class:`LiveUpdate` s for one database (see the module doc).

    Parameters
    ----------
    url
        The database URL (``sqlite:///…`` or ``postgresql+psycopg://…``).
    after_event_id
        Deliver events after this id (``None``: only events committed from now on).
    poll_interval_s
        SQLite: how often ``max(event_id)`` is read. PostgreSQL: how long one wait for a
        notification lasts before the listener checks ``stop`` (and re-reads gaps).
    heartbeat_s
        PostgreSQL: a ``SELECT`` on the listening connection at least this often, so a dead
        connection is noticed even when nothing happens.
    backoff_s
        First and largest wait between reconnection attempts (doubling).
    """

    def __init__(self, url: str, *, after_event_id: int | None = None,
                 poll_interval_s: float = 0.2, heartbeat_s: float = 2.0,
                 backoff_s: tuple[float, float] = (0.5, 10.0), gap_grace_s: float = 10.0
                 ) -> None:
        from gis.store.url import masked, parse_db_url

        self.url = parse_db_url(url)
        self.where = masked(self.url)
        self.backend = self.url.get_backend_name()
        self.after_event_id = after_event_id
        self.poll_interval_s = poll_interval_s
        self.heartbeat_s = heartbeat_s
        self.backoff_s = backoff_s
        self.gap_grace_s = gap_grace_s
        self.online = False
        self._log: Any = None

    # ------------------------------------------------------------------ public

    def updates(self, stop: threading.Event) -> Iterator[LiveUpdate]:
        """Yield updates until ``stop`` is set (checked at least every ``poll_interval_s``).

        Never raises for a database that is down or refuses the login: that is an offline
        update, retried with backoff.
        """
        wait_s = self.backoff_s[0]
        mark: _Watermark | None = None
        while not stop.is_set():
            try:
                reader = self._reader()
                if mark is None:
                    start = self.after_event_id
                    mark = _Watermark(reader.last_event_id() if start is None else start,
                                      self.gap_grace_s)
                source = self._pg_waits(stop) if self.backend == "postgresql" else \
                    self._sqlite_waits(stop, reader)
                with closing(source):
                    for _tick in source:  # the first tick comes at once: catch up, go online
                        batch = mark.fresh(reader.events(after_event_id=mark.mark),
                                           time.time())
                        changed = not self.online
                        if changed:
                            log.info("live updates from %s: online", self.where)
                            self.online = True
                        if batch or changed:
                            yield LiveUpdate(batch, True, "", changed)
                        wait_s = self.backoff_s[0]
            except (LiftGuardError, OSError, *self._driver_errors()) as exc:
                reason = _reason(exc)
                if self.online or wait_s == self.backoff_s[0]:
                    log.warning("live updates from %s: offline (%s); retrying every %.1f-%.0f s",
                                self.where, reason, self.backoff_s[0], self.backoff_s[1])
                changed = self.online or mark is None
                self.online = False
                self._drop_reader()
                if changed:
                    yield LiveUpdate([], False, reason, True)
                stop.wait(wait_s)
                wait_s = min(wait_s * 2, self.backoff_s[1])
        self._drop_reader()

    def close(self) -> None:
        self._drop_reader()

    # ------------------------------------------------------------------ waiting

    def _sqlite_waits(self, stop: threading.Event, reader: Any) -> Iterator[None]:
        last = reader.last_event_id()
        yield None
        while not stop.wait(self.poll_interval_s):
            now = reader.last_event_id()
            if now != last:
                last = now
                yield None

    def _pg_waits(self, stop: threading.Event) -> Iterator[None]:
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            yield None  # listening: now catch up, nothing committed from here on is missed
            beat = time.monotonic()
            while not stop.is_set():
                got = False
                for note in conn.notifies(timeout=self.poll_interval_s, stop_after=1):
                    got = got or _is_event(note.payload)  # rows are read by id range below
                if time.monotonic() - beat >= self.heartbeat_s:
                    conn.execute("SELECT 1")
                    beat = time.monotonic()
                    got = True  # also re-reads gaps left by out-of-order commits
                if got:
                    yield None

    # ------------------------------------------------------------------ reader

    def _reader(self) -> Any:
        if self._log is None:
            from gis.incidents.log import IncidentLog
            from gis.store import open_store

            self._log = IncidentLog(open_store(self.url.render_as_string(hide_password=False)))
        return self._log

    def _drop_reader(self) -> None:
        if self._log is not None:
            try:
                self._log.close()
            finally:
                self._log = None

    def _driver_errors(self) -> tuple[type[BaseException], ...]:
        from sqlalchemy.exc import DBAPIError

        errors: list[type[BaseException]] = [DBAPIError]
        if self.backend == "postgresql":
            import psycopg

            errors.append(psycopg.OperationalError)
        else:
            import sqlite3

            errors.append(sqlite3.OperationalError)
        return tuple(errors)


def _is_event(payload: str) -> bool:
    try:
        return "event_id" in json.loads(payload)
    except (ValueError, TypeError):
        return False


def _reason(exc: BaseException) -> str:
    from gis.store.url import describe_db_error

    return str(exc) if isinstance(exc, LiftGuardError) else describe_db_error(exc)
