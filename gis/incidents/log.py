"""The incident log: durable, append-only events and the incident projection they update.

Every change to an incident is one database transaction that (1) updates the incident row
*only if its version is still the one the caller saw* (optimistic locking; on PostgreSQL the
UPDATE also takes the row lock) and bumps the version, and (2) appends one row to
``incident_events`` with the next per-incident ``seq``. The call returns only after COMMIT, so
whatever a screen shows has been written.

Durability: on SQLite the log uses its own engine on the same file with WAL and
``synchronous=FULL`` (each commit is fsynced: it survives a power cut, not only a killed
process) and ``BEGIN IMMEDIATE`` for writes (a second process waits for the write lock instead
of failing on a lock upgrade). On PostgreSQL it uses the store's engine; commits are durable
with the server's default ``synchronous_commit=on``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, OperationalError

from gis.errors import LiftGuardError, StoreError
from gis.incidents import schema

SQLITE_BUSY_TIMEOUT_S = 15.0
_WRITE = "liftguard_write"


class IncidentConflict(LiftGuardError):
    """Someone else changed the incident first; reload it and decide again."""

    def __init__(self, message: str, current: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = dict(current) if current is not None else None


@dataclass(frozen=True)
class Actor:
    """Who acts: the operator's name or id and the workstation it happened on."""

    operator: str
    workstation: str

    def __post_init__(self) -> None:
        if not self.operator.strip() or not self.workstation.strip():
            from gis.errors import ConfigError

            raise ConfigError("an operator and a workstation name are required for every "
                              "incident action (e.g. --operator 张三 --workstation WS-01)")


@dataclass(frozen=True)
class IncidentEvent:
    """One committed row of ``incident_events`` (``data`` decoded from JSON)."""

    event_id: int
    incident_id: int
    seq: int
    kind: str
    from_state: str
    to_state: str
    at_s: float
    operator: str
    workstation: str
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> IncidentEvent:
        return cls(event_id=int(row["event_id"]), incident_id=int(row["incident_id"]),
                   seq=int(row["seq"]), kind=row["kind"], from_state=row["from_state"],
                   to_state=row["to_state"], at_s=float(row["at_s"]), operator=row["operator"],
                   workstation=row["workstation"], note=row["note"] or "",
                   data=json.loads(row["data"] or "{}"))

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _engine_for(store_or_engine: Any) -> Engine:
    engine: Engine = getattr(store_or_engine, "engine", store_or_engine)
    if engine.dialect.name != "sqlite":
        return engine
    url: URL = engine.url.set(drivername="sqlite+pysqlite")
    if url.database in (None, "", ":memory:"):
        raise StoreError("the incident log needs a database file, not an in-memory SQLite "
                         "database; pass --db sqlite:///path/file.sqlite")
    own = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(own, "connect", _sqlite_connect)
    event.listen(own, "begin", _sqlite_begin)
    return own


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class IncidentLog:
    """Incident tables on a store (or engine): durable writes and queries.

    Parameters
    ----------
    store_or_engine
        A :class:`gis.store.Store` (or its SQLAlchemy engine). The tables are created if
        missing.
    """

    def __init__(self, store_or_engine: Any) -> None:
        self.engine = _engine_for(store_or_engine)
        self.dialect = self.engine.dialect.name
        try:
            schema.create_incident_tables(self.engine)
        except OperationalError as exc:
            raise StoreError(f"cannot create the incident tables: {exc.orig}; check the "
                             "database URL and that it is writable") from None

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One durable write transaction; COMMIT has happened when the block exits."""
        try:
            with self.engine.connect().execution_options(**{_WRITE: True}) as conn, \
                    conn.begin():
                yield conn
        except OperationalError as exc:
            raise StoreError(f"the incident log could not be written ({exc.orig}); nothing "
                             "was saved, try again") from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # ------------------------------------------------------------------ queries

    def incident(self, incident_id: int) -> dict[str, Any]:
        with self.read() as conn:
            return get_incident(conn, incident_id)

    def incidents(self, *, open_only: bool = False, since_s: float | None = None,
                  until_s: float | None = None) -> pd.DataFrame:
        """Incidents (columns of ``schema.incidents``) ordered by report time."""
        rows = self.incident_rows(open_only=open_only, since_s=since_s, until_s=until_s)
        names = [c.name for c in schema.incidents.columns]
        return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in names}
                            ).infer_objects()

    def count_open(self) -> int:
        t = schema.incidents
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(t)
                                    .where(t.c.open_code.is_not(None))).scalar_one())

    def incident_rows(self, *, open_only: bool = False, since_s: float | None = None,
                      until_s: float | None = None) -> list[dict[str, Any]]:
        """Like :meth:`incidents` as plain dicts (cheap; for loops over few open incidents)."""
        t = schema.incidents
        q = select(t).order_by(t.c.reported_at_s, t.c.incident_id)
        if open_only:
            q = q.where(t.c.open_code.is_not(None))
        if since_s is not None:
            q = q.where(t.c.reported_at_s >= since_s)
        if until_s is not None:
            q = q.where(t.c.reported_at_s < until_s)
        with self.read() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def events(self, incident_id: int | None = None, *, after_event_id: int = 0,
               limit: int | None = None) -> list[IncidentEvent]:
        """Events in commit order (``event_id``), optionally of one incident / after an id
        (a workstation catching up, a replay reading the log)."""
        t = schema.incident_events
        q = select(t).where(t.c.event_id > after_event_id).order_by(t.c.event_id)
        if incident_id is not None:
            q = q.where(t.c.incident_id == incident_id)
        if limit is not None:
            q = q.limit(limit)
        with self.read() as conn:
            return [IncidentEvent.from_row(r) for r in conn.execute(q).mappings()]

    def alarms(self, *, incident_id: int | None = None,
               accepted: bool | None = None) -> pd.DataFrame:
        t = schema.alarms
        q = select(t).order_by(t.c.alarm_id)
        if incident_id is not None:
            q = q.where(t.c.incident_id == incident_id)
        if accepted is not None:
            q = q.where(t.c.accepted == accepted)
        with self.read() as conn:
            rows = conn.execute(q).mappings().all()
        return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in t.columns])

    def agencies(self, incident_id: int) -> list[dict[str, Any]]:
        t = schema.agency_status
        with self.read() as conn:
            rows = conn.execute(select(t).where(t.c.incident_id == incident_id)
                                .order_by(t.c.agency)).mappings().all()
        return [dict(r) for r in rows]

    def busy_station_ids(self) -> set[str]:
        """Stations whose crew is committed: assigned to an incident not yet released (the
        ``crew_assignments`` table, see :mod:`gis.incidents.claims`)."""
        c = schema.crew_assignments
        with self.read() as conn:
            return {r[0] for r in conn.execute(select(c.c.station_id))}

    def last_event_id(self) -> int:
        t = schema.incident_events
        with self.read() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.c.event_id), 0)))
                       .scalar_one())


#: States in which the assigned station's crew is busy with the incident.
COMMITTED_STATES = ("dispatched", "accepted", "en_route", "on_site")


def get_incident(conn: Connection, incident_id: int, *, lock: bool = False) -> dict[str, Any]:
    """The incident row as a dict; ``lock`` takes a row lock on PostgreSQL."""
    t = schema.incidents
    q = select(t).where(t.c.incident_id == int(incident_id))
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().one_or_none()
    if row is None:
        raise LiftGuardError(f"incident {incident_id} does not exist; list incidents with "
                             "`liftguard incidents`")
    return dict(row)


def append_event(conn: Connection, incident: Mapping[str, Any], *, kind: str, at_s: float,
                 actor: Actor, note: str = "", data: Mapping[str, Any] | None = None,
                 to_state: str | None = None, changes: Mapping[str, Any] | None = None
                 ) -> IncidentEvent:
    """Update the incident (version-checked) and append its next event, inside ``conn``.

    ``incident`` is the row the caller decided on; if its ``version`` is no longer current,
    :class:`IncidentConflict` carries the current row and nothing is written.
    """
    t, e = schema.incidents, schema.incident_events
    from_state = str(incident["state"])
    values = dict(changes or {})
    if to_state is not None:
        values["state"] = to_state
    values.update(updated_at_s=at_s, version=int(incident["version"]) + 1)
    done = conn.execute(t.update().where(t.c.incident_id == incident["incident_id"],
                                         t.c.version == incident["version"]).values(**values))
    if done.rowcount != 1:
        current = get_incident(conn, int(incident["incident_id"]))
        raise IncidentConflict(
            f"incident {incident['incident_id']} was changed by {current['state']!r} "
            f"meanwhile (version {current['version']}, you saw {incident['version']}); "
            "the board shows the current state, decide again", current)
    seq = int(conn.execute(select(func.coalesce(func.max(e.c.seq), 0))
                           .where(e.c.incident_id == incident["incident_id"])).scalar_one()) + 1
    row = {"incident_id": int(incident["incident_id"]), "seq": seq, "kind": kind,
           "from_state": from_state, "to_state": to_state or from_state, "at_s": float(at_s),
           "operator": actor.operator, "workstation": actor.workstation, "note": note,
           "data": json.dumps(dict(data or {}), ensure_ascii=False, default=_json_default)}
    try:
        event_id = conn.execute(e.insert().values(**row)).inserted_primary_key[0]
    except IntegrityError as exc:  # a racing writer took this seq (cannot pass the version)
        raise IncidentConflict(f"incident {incident['incident_id']} got a concurrent event; "
                               "reload and decide again") from exc
    return IncidentEvent(event_id=int(event_id), **{**row, "data": dict(data or {})})


def _json_default(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)
