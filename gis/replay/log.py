"""Replays from the incident log, always through a private read-only copy of the database: a
replay never writes to the live record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gis.errors import LiftGuardError, StoreError
from gis.incidents.escalation import EscalationRules
from gis.replay.build import build_replay
from gis.replay.files import write_replay_records
from gis.replay.model import CHINA_TZ, RECORD_FIELDS, Replay, clock_text

if TYPE_CHECKING:
    from gis.routing import RoutingEngine

@contextlib.contextmanager
def readonly_database(url: str) -> Iterator[tuple[Any, str]]:
    """A read-only view of the database at ``url``: ``(engine, store_url)``.

    SQLite: the live file is copied into a temporary folder first (a plain byte copy when no
    writer is active, else SQLite's online backup from a ``mode=ro`` connection, which takes a
    consistent snapshot) and the copy is opened with ``mode=ro``; nothing can reach the live
    record. ``store_url`` is the copy (for the registry). PostgreSQL: every transaction is
    ``READ ONLY`` (``default_transaction_read_only``).
    """
    from sqlalchemy import create_engine

    from gis.store.url import parse_db_url

    parsed = parse_db_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, connect_args={
            "options": "-c default_transaction_read_only=on", "connect_timeout": 10})
        try:
            yield engine, url
        finally:
            engine.dispose()
        return
    live = Path(parsed.database or "")
    if not live.is_file():
        raise StoreError(f"database file {live} does not exist; check --db")
    folder = Path(tempfile.mkdtemp(prefix="liftguard-replay-"))
    copy = folder / live.name
    try:
        _copy_sqlite(live, copy)
        engine = create_engine(f"sqlite:///file:{copy}?mode=ro&uri=true")
        try:
            yield engine, f"sqlite:///{copy}"
        finally:
            engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_sqlite(live: Path, copy: Path) -> None:
    wal = live.with_name(live.name + "-wal")
    before = live.stat()
    if not wal.exists():
        shutil.copyfile(live, copy)
        after = live.stat()
        if (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size) \
                and not wal.exists():
            return
        copy.unlink()
    try:
        src = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=15)
        dst = sqlite3.connect(copy)
        with contextlib.closing(src), contextlib.closing(dst):
            src.backup(dst)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {live} for the replay ({exc}); check the file") from None


def log_records(engine: Any, *, since_s: float | None = None, until_s: float | None = None,
                district: str | None = None, incident_ids: Sequence[int] | None = None
                ) -> pd.DataFrame:
    """Replay records of the incident log (incidents reported in ``[since_s, until_s)``, of a
    district, or chosen by id; every event of each, to its closure)."""
    from sqlalchemy import select
    from sqlalchemy.exc import DBAPIError

    from gis.incidents import schema

    t, e = schema.incidents, schema.incident_events
    q = select(*(t.c[c] for c in ("incident_id", "registration_code", "lon", "lat",
                                  "district_adcode", "district_name", "address",
                                  "maintenance_unit_id", "limit_s", "reported_at_s")))
    if since_s is not None:
        q = q.where(t.c.reported_at_s >= since_s)
    if until_s is not None:
        q = q.where(t.c.reported_at_s < until_s)
    if district:
        q = q.where(t.c.district_adcode == district)
    if incident_ids:
        q = q.where(t.c.incident_id.in_([int(i) for i in incident_ids]))
    try:
        with engine.connect() as conn:
            inc = pd.DataFrame([dict(r) for r in conn.execute(q).mappings()])
            if inc.empty:
                return pd.DataFrame(columns=[*RECORD_FIELDS, "at_s", "line"])
            ids = inc["incident_id"].astype(int).tolist()
            evq = select(*(e.c[c] for c in ("event_id", "incident_id", "seq", "kind",
                                            "to_state", "at_s", "operator", "workstation",
                                            "note", "data"))
                         ).where(e.c.incident_id.in_(ids)).order_by(e.c.event_id)
            ev = [dict(r) for r in conn.execute(evq).mappings()]
    except DBAPIError as exc:
        raise StoreError(f"cannot read the incident log ({exc.orig}); is this a LiftGuard "
                         "database with incidents? Run `liftguard incidents --db ...`") from None
    by_id = {int(r["incident_id"]): r for r in inc.to_dict("records")}
    return pd.DataFrame([_record_of_event(row, by_id[int(row["incident_id"])])
                         for row in ev], columns=[*RECORD_FIELDS, "at_s", "line"])


def _record_of_event(row: Mapping[str, Any], inc: Mapping[str, Any]) -> dict[str, Any]:
    data = json.loads(row["data"] or "{}")
    kind = row["kind"]
    rec: dict[str, Any] = {f: None for f in RECORD_FIELDS}
    at = float(row["at_s"])
    rec.update(incident=str(row["incident_id"]), at_s=at, line=int(row["event_id"]),
               time=dt.datetime.fromtimestamp(at, CHINA_TZ).isoformat(timespec="milliseconds"),
               note=row["note"] or None, operator=row["operator"],
               workstation=row["workstation"])
    if kind == "alarm":
        rec.update(event="alarm", channel=data.get("channel"), source=data.get("source"),
                   cause=data.get("alarm_type"), trapped_count=data.get("trapped_count"))
        if int(row["seq"]) == 1:
            rec.update({k: inc[k] for k in ("registration_code", "lon", "lat",
                                            "district_adcode", "district_name", "address",
                                            "maintenance_unit_id", "limit_s")})
    elif kind == "state":
        rec["event"] = row["to_state"]
        st = data.get("station") or {}
        if row["to_state"] == "dispatched":
            rec.update(station_id=st.get("station_id"), station_kind=st.get("station_kind"),
                       unit_id=st.get("unit_id"), eta_s=st.get("eta_s"),
                       route=st.get("route_lonlat") or None, level=st.get("response_level"))
    elif kind == "escalated":
        rec.update(event="escalated", level=data.get("level"),
                   agencies=";".join(data.get("agencies") or []) or None)
    elif kind == "agency":
        rec.update(event="agency", agency=data.get("agency"),
                   agency_status=data.get("status"), station_id=data.get("station_id") or None)
    else:
        rec["event"] = "note"
    return rec


def load_replay_db(url: str, *, since_s: float | None = None, until_s: float | None = None,
                   district: str | None = None, incident_ids: Sequence[int] | None = None,
                   engine: RoutingEngine | None = None, rules: EscalationRules | None = None,
                   with_registry: bool = True) -> tuple[Replay, Any]:
    """A replay from the incident log at ``url`` (read-only copy, see
    :func:`readonly_database`), and the registry (or None) for the map.

    Raises
    ------
    LiftGuardError
        No incident matches the window / district / ids.
    """
    with readonly_database(url) as (ro, store_url):
        records = log_records(ro, since_s=since_s, until_s=until_s, district=district,
                              incident_ids=incident_ids)
        registry, notes = None, []
        if with_registry:
            try:
                registry = _load_registry(store_url)
            except StoreError as exc:  # the replay still plays; the map needs the registry
                notes.append(f"no registry for the map: {exc}")
    if records.empty:
        window = (f"{clock_text(since_s) if since_s else 'the start'} .. "
                  f"{clock_text(until_s) if until_s else 'the end'}")
        raise LiftGuardError(f"no incident in the log matches ({window}"
                             + (f", district {district}" if district else "")
                             + (f", ids {list(incident_ids)}" if incident_ids else "")
                             + "); widen the time window or check `liftguard incidents`")
    stations = registry.stations if registry is not None else None
    replay = build_replay(records, file="incident log", stations=stations, engine=engine,
                          rules=rules)
    replay.notes.extend(notes)
    return replay, registry


def _load_registry(store_url: str) -> Any:
    from gis.store import open_store

    store = open_store(store_url)
    try:
        return store.load_registry() if store.has_registry() else None
    finally:
        store.close()


def export_log(url: str, out: str | Path, **query: Any) -> int:
    """Write the incident log (``query`` as :func:`log_records`) as a replay file; returns the
    number of records written."""
    with readonly_database(url) as (ro, _store_url):
        records = log_records(ro, **query)
    if records.empty:
        raise LiftGuardError("no incident in the log matches; nothing was written. Run "
                             "`liftguard simulate --fast` to produce a shift")
    write_replay_records(records, out)
    return len(records)
