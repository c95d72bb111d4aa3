"""Live updates: pushed on PostgreSQL (LISTEN/NOTIFY), polled max(event_id) on SQLite; offline
state, reconnect with catch-up, events delivered once and in order."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from gis.clock import SimulatedClock
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import make_alarm
from gis.incidents.log import Actor, IncidentLog
from gis.live import EventListener, LiveUpdate, _Watermark
from gis.store import open_store
from tests.gis.incident_world import START, make_registry
from tests.pg_fixture import pg_server, pg_url, store_url  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def listening(url: str, **kw) -> Iterator[queue.Queue[LiveUpdate]]:
    """Run a listener on a thread; its updates arrive on the queue."""
    updates: queue.Queue[LiveUpdate] = queue.Queue()
    stop = threading.Event()
    listener = EventListener(url, poll_interval_s=0.05, backoff_s=(0.1, 0.4), **kw)

    def run() -> None:
        for update in listener.updates(stop):
            updates.put(update)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield updates
    finally:
        stop.set()
        thread.join(10)
        assert not thread.is_alive()


def _next(updates: queue.Queue[LiveUpdate], *, timeout_s: float = 5.0) -> LiveUpdate:
    return updates.get(timeout=timeout_s)


def _events_until(updates: queue.Queue[LiveUpdate], n: int, *, timeout_s: float = 5.0):
    got, deadline = [], time.monotonic() + timeout_s
    while len(got) < n:
        got += _next(updates, timeout_s=max(0.01, deadline - time.monotonic())).events
    return got


def _workstation(url: str, name: str) -> CommandCentre:
    reg = make_registry()
    return CommandCentre(IncidentLog(open_store(url)), reg.elevators, reg.stations,
                         actor=Actor(name, name), clock=SimulatedClock(START))


def test_other_workstation_sees_each_event_once_in_order(store_url: str) -> None:  # noqa: F811
    ws1 = _workstation(store_url, "WS-1")
    ws1.receive(make_alarm("active", "100100"), recommend=False)  # before: not delivered
    with listening(store_url) as updates:
        first = _next(updates)
        assert first.online and first.status_changed and first.events == []
        t0 = time.monotonic()
        iid = ws1.receive(make_alarm("active", "100101"), recommend=False).intake.incident_id
        got = _events_until(updates, 1)
        assert time.monotonic() - t0 < 1.0  # within a second (typically a few ms)
        assert [(e.incident_id, e.kind) for e in got] == [(iid, "alarm")]
        ws1.claim(iid)
        ws1.advance(iid, "cancelled", note="test")
        got = _events_until(updates, 2)
        assert [e.kind for e in got] == ["claimed", "state"]
        assert got[1].operator == "WS-1" and got[1].note == "test"
        with pytest.raises(queue.Empty):
            _next(updates, timeout_s=0.3)  # nothing twice
    ws1.log.close()


def test_catch_up_from_an_event_id(store_url: str) -> None:  # noqa: F811
    ws1 = _workstation(store_url, "WS-1")
    ids = [ws1.receive(make_alarm("active", f"{100100 + k}"), recommend=False).intake.event.event_id
           for k in range(3)]
    with listening(store_url, after_event_id=ids[0]) as updates:
        assert [e.event_id for e in _events_until(updates, 2)] == ids[1:]
    ws1.log.close()


def test_sqlite_other_process_is_seen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    with open_store(url) as store:
        store.save_registry(make_registry())
    with listening(url) as updates:
        assert _next(updates).online
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", "from gis.cli import main; raise SystemExit(main())",
             "alarm", "--db", url, "--channel", "active", "--code", "100123",
             "--operator", "王五", "--workstation", "WS-9"],
            env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        (event,) = _events_until(updates, 1)
        assert (event.kind, event.operator, event.workstation) == ("alarm", "王五", "WS-9")


@pytest.mark.postgres
def test_connection_loss_goes_offline_and_catches_up(pg_server, pg_url: str) -> None:  # noqa: F811
    database = pg_url.rsplit("/", 1)[1]
    ws1 = _workstation(pg_url, "WS-1")
    with listening(pg_url) as updates:
        assert _next(updates).online
        pg_server.admin(f"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false")
        pg_server.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()")
        down = _next(updates)
        assert not down.online and down.status_changed and down.reason
        pg_server.admin(f"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true")
        iid = ws1.receive(make_alarm("active", "100200"), recommend=False).intake.incident_id
        up = _next(updates)
        while not up.online:  # retries that still failed are not reported again
            up = _next(updates)
        got = up.events or _events_until(updates, 1)
        assert [(e.incident_id, e.kind) for e in got] == [(iid, "alarm")]
    ws1.log.close()


@pytest.mark.postgres
def test_wrong_password_is_an_offline_update(pg_server, pg_url: str) -> None:  # noqa: F811
    database = pg_url.rsplit("/", 1)[1]
    with listening(pg_server.url(database, password="wrong")) as updates:
        update = _next(updates)
        assert not update.online and "password authentication failed" in update.reason
        assert "wrong" not in update.reason.replace("wrong-password", "")


def test_unreachable_server_is_an_offline_update() -> None:
    with listening("postgresql+psycopg://u:p@127.0.0.1:9/nowhere") as updates:
        update = _next(updates, timeout_s=15)
        assert not update.online and "127.0.0.1" in update.reason


def test_watermark_delivers_out_of_order_commits_once() -> None:
    ev = [SimpleNamespace(event_id=i) for i in range(12)]
    mark = _Watermark(9, gap_grace_s=5.0)
    assert [e.event_id for e in mark.fresh([ev[11]], 100.0)] == [11]  # 10 not committed yet
    assert mark.mark == 9 and mark.has_gaps
    assert [e.event_id for e in mark.fresh([ev[10], ev[11]], 101.0)] == [10]
    assert mark.mark == 11 and not mark.has_gaps
    mark = _Watermark(0, gap_grace_s=5.0)
    assert [e.event_id for e in mark.fresh([ev[2]], 100.0)] == [2]  # 1 rolled back
    assert mark.mark == 0
    assert mark.fresh([ev[2]], 106.0) == [] and mark.mark == 2
