"""The :class:`Store`: a registry in SQLite or PostgreSQL/PostGIS behind one API.

Every write is one transaction: a registry is replaced as a whole or not at all, an import
appends all its rows or none. Connection problems, a missing registry and a schema of another
version are :class:`gis.errors.StoreError` with a message that says what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, IntegrityError, InterfaceError, OperationalError

from gis.errors import StoreError
from gis.registry import Registry
from gis.store import schema
from gis.store.bulk import CancelCheck, Progress, bulk_cache, read_rows, write_rows
from gis.store.codec import (
    ELEVATOR_KINDS,
    STATION_KINDS,
    UNIT_KINDS,
    coerce_unit_dtypes,
    decode_columns,
    decode_stations,
    decode_units,
    encode_districts,
    has_kinds,
)
from gis.store.snapshot import (
    RegistrySnapshot,
    elevator_kinds,
    read_districts,
    read_meta,
)
from gis.store.url import default_db_url, describe_db_error, make_engine, masked, parse_db_url

if TYPE_CHECKING:
    import geopandas as gpd

    from gis.store.migrate import SchemaState

log = logging.getLogger("liftguard.store")

#: Share of ``save_registry`` progress spent on elevators (the rest: the small tables).
_ELEVATOR_SHARE = 0.95


def open_store(url: str | None = None) -> Store:
    """Open (and if empty, initialise) the database at ``url`` (default: :func:`default_db_url`).

    Raises
    ------
    StoreError
        The URL is malformed or unsupported, the server cannot be reached or refuses the
        login, or the database holds another schema version.
    """
    parsed = parse_db_url(url if url is not None else default_db_url())
    store = Store(parsed)
    try:
        with store._begin() as conn:
            schema.ensure_schema(conn, where=masked(parsed))
    except BaseException:
        store.close()
        raise
    return store


def init_store(url: str | None = None) -> Store:
    """Drop every LiftGuard table at ``url`` (any schema version) and create the current schema.

    For a fresh start (``liftguard db init --recreate``, tests): it deletes the stored
    registry and every incident, in one transaction. :func:`upgrade_store` keeps the data.
    """
    parsed = parse_db_url(url if url is not None else default_db_url())
    store = Store(parsed)
    try:
        with store._begin() as conn:
            schema.drop_schema(conn)
            schema.create_schema(conn)
    except BaseException:
        store.close()
        raise
    return store


def upgrade_store(url: str | None = None) -> tuple[SchemaState, SchemaState]:
    """Create the schema at ``url`` if empty, or upgrade an older one in place (rows kept).

    What ``liftguard db init`` does; one transaction, so a failed upgrade changes nothing.
    Returns the state before and after (:class:`gis.store.migrate.SchemaState`).

    Raises
    ------
    StoreError
        Unreachable server, wrong login, or a schema made by a newer LiftGuard.
    """
    from gis.store.migrate import read_state, upgrade_connection

    parsed = parse_db_url(url if url is not None else default_db_url())
    with Store(parsed) as store, store._begin() as conn:
        before = read_state(conn)
        if before.state != "current":
            upgrade_connection(conn)
        after = read_state(conn)
    log.info("schema of %s: %s -> %s", masked(parsed), before, after)
    return before, after


def schema_status(url: str | None = None) -> dict[str, object]:
    """What the database at ``url`` holds, without changing it (``liftguard db status``):
    ``url`` (masked), ``backend``, ``state``, ``version``, ``revision``, ``head_version``,
    ``postgis`` (version or None), ``live_trigger`` (PostgreSQL notify trigger present) and
    row counts of the main tables."""
    from sqlalchemy import inspect, text

    from gis.store.migrate import read_state

    parsed = parse_db_url(url if url is not None else default_db_url())
    with Store(parsed) as store, store._begin() as conn:
        state = read_state(conn)
        names = set(inspect(conn).get_table_names())
        counts = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                  for t in ("elevators", "stations", "incidents", "incident_events", "alarms")
                  if t in names}
        postgis = trigger = None
        if store.dialect == "postgresql":
            postgis = conn.execute(text(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")).scalar()
            trigger = bool(conn.execute(text(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'incident_events_notify'")).scalar())
    return {"url": masked(parsed), "backend": store.dialect, "state": state.state,
            "version": state.version, "revision": state.revision,
            "head_version": state.head_version, "postgis": postgis, "live_trigger": trigger,
            "counts": counts}


class Store:
    """A LiftGuard database. Create it with :func:`open_store`.

    Attributes
    ----------
    url
        The SQLAlchemy URL; ``str(store.url)`` masks the password.
    dialect
        ``"sqlite"`` or ``"postgresql"``.
    engine
        The SQLAlchemy engine (Core); use it for queries this class does not offer.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.dialect: str = self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({masked(self.url)!r})"

    def close(self) -> None:
        """Release pooled connections (the store cannot be used afterwards)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _begin(self, *, snapshot: bool = False) -> Iterator[Connection]:
        """One transaction; connection failures become :class:`StoreError`.

        ``snapshot`` asks for one consistent view over several reads (PostgreSQL REPEATABLE
        READ; a SQLite read transaction in WAL mode is a snapshot already).
        """
        dbapi = self.engine.dialect.loaded_dbapi
        try:
            with self.engine.connect() as conn:
                if snapshot and self.dialect == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except (OperationalError, InterfaceError, DatabaseError, dbapi.OperationalError,
                dbapi.InterfaceError, dbapi.DatabaseError) as exc:
            orig = getattr(exc, "orig", exc)
            if not _is_connection_problem(orig, dbapi):
                raise
            if "locked" in str(orig):
                raise StoreError(
                    f"the database {masked(self.url)} is busy (another program is writing); "
                    "try again when it has finished"
                ) from None
            raise StoreError(
                f"cannot use the database {masked(self.url)}: {describe_db_error(exc)}. "
                "Check the --db URL (or $LIFTGUARD_DB), that the server is running and the "
                "user name and password"
            ) from None

    # ------------------------------------------------------------------ registry as a whole

    def has_registry(self) -> bool:
        """Whether a registry was saved (or elevators imported) into this database."""
        with self._begin() as conn:
            return _info(conn, "registry_saved") is not None

    def save_registry(
        self, registry: Registry, *, progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> None:
        """Replace elevators, stations, units, districts and meta in one transaction.

        ``progress(fraction)`` reports 0..1; when ``cancelled()`` returns True the transaction
        rolls back and :class:`gis.errors.Cancelled` is raised.
        """
        from gis.registry import coerce_elevator_dtypes, coerce_station_dtypes

        elevators = registry.elevators
        if not has_kinds(elevators, ELEVATOR_KINDS):
            elevators = coerce_elevator_dtypes(elevators)
        stations = coerce_station_dtypes(registry.stations)
        units = coerce_unit_dtypes(registry.units)
        district_rows = encode_districts(registry.districts)

        def elevator_progress(fraction: float) -> None:
            if progress is not None:
                progress(fraction * _ELEVATOR_SHARE)

        writing = ("elevators", elevators)
        try:
            with self._begin() as conn:
                for table in schema.REGISTRY_TABLES:
                    _clear(conn, table.name)
                with schema.elevator_indexes_suspended(conn), bulk_cache(conn):
                    write_rows(conn, "elevators", ELEVATOR_KINDS, elevators,
                               progress=elevator_progress, cancelled=cancelled)
                writing = ("stations", stations)
                write_rows(conn, "stations", STATION_KINDS, stations, cancelled=cancelled)
                writing = ("units", units)
                write_rows(conn, "units", UNIT_KINDS, units, cancelled=cancelled)
                if district_rows:
                    conn.execute(schema.districts.insert(), district_rows)
                _put_meta(conn, {str(k): str(v) for k, v in registry.meta.items()})
                _mark_registry(conn)
        except self._integrity_errors() as exc:
            raise StoreError(_duplicate_message(None, *writing, exc)) from None
        if progress is not None:
            progress(1.0)

    def load_registry(self, *, columns: Sequence[str] | None = None) -> Registry:
        """The stored registry, typed as :mod:`gis.registry` documents.

        ``columns`` limits the elevator frame to those ``ELEVATOR_COLUMNS`` (in contract
        order, same dtypes); the other tables are always whole. To read a few columns first
        and the rest later from the same data, use :meth:`snapshot`.

        Raises
        ------
        StoreError
            The database holds no registry yet, or ``columns`` names an unknown column.
        """
        with self.snapshot() as snap:
            return snap.load_registry(columns=columns)

    @contextmanager
    def snapshot(self) -> Iterator[RegistrySnapshot]:
        """One consistent read of the registry, in steps (one read transaction).

        >>> with store.snapshot() as snap:
        ...     first = snap.load_registry(columns=("lon", "lat", "district_adcode"))
        ...     ...                              # draw the map
        ...     full = snap.load_registry()      # reads only the columns still missing

        Both frames hold the same rows in the same order even if another program replaces
        the registry in between (SQLite WAL read transaction; PostgreSQL REPEATABLE READ).

        Raises
        ------
        StoreError
            The database holds no registry yet.
        """
        with self._begin(snapshot=True) as conn:
            if _info(conn, "registry_saved") is None:
                raise StoreError(
                    f"the database {masked(self.url)} has no registry yet; run `liftguard "
                    "generate` or `liftguard import` first, or pass another --db"
                )
            yield RegistrySnapshot(conn)

    # ------------------------------------------------------------------ single tables

    def load_elevators(self, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """All elevators (``ELEVATOR_COLUMNS``, or only ``columns`` of them, documented
        dtypes, contract order) in stored order."""
        wanted = elevator_kinds(columns)
        with self._begin() as conn:
            return decode_columns(read_rows(conn, "elevators", wanted), wanted)

    # ------------------------------------------------------------------ single tables

    def load_stations(self) -> pd.DataFrame:
        """All stations (``STATION_COLUMNS``, documented dtypes) in stored order."""
        with self._begin() as conn:
            return decode_stations(read_rows(conn, "stations", STATION_KINDS))

    def load_units(self) -> pd.DataFrame:
        """All maintenance units (``UNIT_COLUMNS``) in stored order."""
        with self._begin() as conn:
            return decode_units(read_rows(conn, "units", UNIT_KINDS))

    def load_districts(self) -> gpd.GeoDataFrame:
        """Districts: adcode, name, name_en, geometry (EPSG:4326), in stored order."""
        with self._begin() as conn:
            return read_districts(conn)

    def load_meta(self) -> dict[str, str]:
        """The registry's metadata (label, source, ...)."""
        with self._begin() as conn:
            return read_meta(conn)

    def count_elevators(self) -> int:
        """Number of stored elevators."""
        with self._begin() as conn:
            return int(conn.execute(select(func.count()).select_from(schema.elevators))
                       .scalar_one())

    def existing_codes(self) -> pd.DataFrame:
        """Registration and rescue codes already stored (for import validation)."""
        t = schema.elevators
        with self._begin() as conn:
            rows = conn.execute(
                select(t.c.registration_code, t.c.rescue_code).order_by(t.c.row_id)
            ).all()
        cols = list(zip(*rows, strict=True)) if rows else [(), ()]
        return pd.DataFrame({"registration_code": pd.Series(list(cols[0]), dtype=object),
                             "rescue_code": pd.Series(list(cols[1]), dtype=object)})

    # ------------------------------------------------------------------ partial writes

    def append_elevators(
        self, df: pd.DataFrame, *, progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> int:
        """Insert already-validated elevators in one transaction; returns the number added.

        Raises
        ------
        StoreError
            A registration or rescue code is already stored (or repeated in ``df``); nothing
            was added.
        """
        from gis.registry import coerce_elevator_dtypes

        typed = df if has_kinds(df, ELEVATOR_KINDS) else coerce_elevator_dtypes(df)
        try:
            with self._begin() as conn:
                write_rows(conn, "elevators", ELEVATOR_KINDS, typed,
                           progress=progress, cancelled=cancelled)
                _mark_registry(conn)
        except self._integrity_errors() as exc:
            raise StoreError(_duplicate_message(self, "elevators", typed, exc)) from None
        return len(typed)

    def replace_districts(self, gdf: gpd.GeoDataFrame) -> None:
        """Replace the district boundaries (reprojected to EPSG:4326) in one transaction."""
        rows = encode_districts(gdf)
        with self._begin() as conn:
            _clear(conn, "districts")
            if rows:
                conn.execute(schema.districts.insert(), rows)

    def set_meta(self, **kv: object) -> None:
        """Set registry metadata keys (values stored as text; ``None`` removes a key)."""
        t = schema.registry_meta
        with self._begin() as conn:
            conn.execute(t.delete().where(t.c.key.in_(list(kv))))
            _put_meta(conn, {k: str(v) for k, v in kv.items() if v is not None})

    def _integrity_errors(self) -> tuple[type[Exception], ...]:
        """Unique violations, wrapped by SQLAlchemy or raised by the driver's own cursor."""
        return (IntegrityError, self.engine.dialect.loaded_dbapi.IntegrityError)


def _duplicate_message(
    store: Store | None, table: str, df: pd.DataFrame, exc: BaseException
) -> str:
    """Name the first repeated code (``store`` given: also codes already stored).

    Called after the failed transaction has rolled back, so the stored codes are the
    committed ones.
    """
    keys = {"elevators": ("registration_code", "rescue_code"), "stations": ("station_id",),
            "units": ("unit_id",)}.get(table, ())
    taken: dict[str, set[str]] = {k: set() for k in keys}
    if store is not None and table == "elevators":
        existing = store.existing_codes()
        taken = {k: set(existing[k]) for k in keys}
    for key in keys:
        values = df[key].astype(object)
        clash = values.isin(taken[key]).to_numpy() | values.duplicated().to_numpy()
        if clash.any():
            code = values.iloc[int(np.flatnonzero(clash)[0])]
            where = "is already stored" if code in taken[key] else "appears twice in the input"
            return (f"{key.replace('_', ' ')} {code} {where}; nothing was written to "
                    f"{table}. Remove or change that row and try again")
    return f"rows for {table} break a database rule ({describe_db_error(exc)}); nothing was written"


def _is_connection_problem(orig: BaseException, dbapi: object) -> bool:
    """Errors a user fixes (server down, login, locked or not-a-database file), not bugs."""
    exact = type(orig)
    return (isinstance(orig, (dbapi.OperationalError, dbapi.InterfaceError))  # type: ignore[attr-defined]
            or exact is dbapi.DatabaseError)  # type: ignore[attr-defined]


def _clear(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"TRUNCATE {table} RESTART IDENTITY")
    else:
        conn.exec_driver_sql(f"DELETE FROM {table}")


def _put_meta(conn: Connection, kv: dict[str, str]) -> None:
    if kv:
        conn.execute(schema.registry_meta.insert(),
                     [{"key": k, "value": v} for k, v in kv.items()])


def _info(conn: Connection, key: str) -> str | None:
    t = schema.store_info
    return conn.execute(select(t.c.value).where(t.c.key == key)).scalar_one_or_none()


def _mark_registry(conn: Connection) -> None:
    t = schema.store_info
    if _info(conn, "registry_saved") is None:
        conn.execute(t.insert(), [{"key": "registry_saved", "value": "1"}])
