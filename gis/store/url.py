"""Database URLs: the default location, validation, and engines with user-readable failures.

Two back ends are supported with the same schema and code: SQLite (the embedded default, one
file in the user data directory) and PostgreSQL with PostGIS through psycopg 3 (the shared
store of a multi-workstation centre). ``postgresql://`` and ``postgres://`` URLs are read as
``postgresql+psycopg://`` because the bulk paths use psycopg's COPY.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from gis.errors import StoreError

#: Environment variable that overrides the default database URL.
DB_ENV_VAR = "LIFTGUARD_DB"
#: File name of the default SQLite database inside the user data directory.
DEFAULT_DB_FILE = "liftguard.sqlite"
#: Seconds to wait for a PostgreSQL server before giving up.
PG_CONNECT_TIMEOUT_S = 10
#: Seconds SQLite waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_S = 15.0
#: SQLite page cache per connection, KiB.
SQLITE_CACHE_KIB = 65_536

_URL_HELP = (
    "expected sqlite:///path/to/file.sqlite or "
    "postgresql+psycopg://user:password@host:port/dbname"
)


def default_db_url() -> str:
    """The database URL used when none is given.

    ``$LIFTGUARD_DB`` if set and not empty, else a SQLite file ``liftguard.sqlite`` in the
    user data directory (``platformdirs.user_data_dir("liftguard")``), which is created.
    """
    env = os.environ.get(DB_ENV_VAR, "").strip()
    if env:
        return env
    import platformdirs

    folder = Path(platformdirs.user_data_dir("liftguard"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the data folder {folder} ({exc.strerror}); "
            f"pass --db URL or set {DB_ENV_VAR}"
        ) from None
    return f"sqlite:///{folder / DEFAULT_DB_FILE}"


def parse_db_url(url: str) -> URL:
    """Check a URL and normalise its driver; raise :class:`StoreError` if it is unusable."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError):
        raise StoreError(f"'{url}' is not a database URL; {_URL_HELP}") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite":
        if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise StoreError(f"SQLite driver '{driver}' is not supported; use sqlite:///path")
        return _check_sqlite_path(parsed.set(drivername="sqlite"))  # pysqlite, the stdlib
    if backend in ("postgresql", "postgres"):
        if "+" in parsed.drivername and driver != "psycopg":
            raise StoreError(
                f"PostgreSQL driver '{driver}' is not supported; use postgresql+psycopg://..."
            )
        if not parsed.database:
            raise StoreError(f"'{masked(parsed)}' names no database; {_URL_HELP}")
        return parsed.set(drivername="postgresql+psycopg")
    raise StoreError(
        f"database type '{backend}' in '{masked(parsed)}' is not supported; {_URL_HELP}"
    )


def _check_sqlite_path(url: URL) -> URL:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    folder = Path(database).expanduser().resolve().parent
    if not folder.is_dir():
        raise StoreError(
            f"folder {folder} for the SQLite database does not exist; create it or pass "
            "another --db"
        )
    return url


def masked(url: URL) -> str:
    """The URL as text with the password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


def make_engine(url: URL) -> Engine:
    """An engine for a parsed URL; SQLite gets real transactions (DDL included) and WAL."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(
        url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S}, pool_pre_ping=True
    )


def _sqlite_on_connect(dbapi_connection: object, _record: object) -> None:
    # The stdlib driver's own transaction handling skips DDL and commits early; switch it off
    # and let SQLAlchemy's "begin" event emit BEGIN, so one `engine.begin()` is one transaction.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Page cache large enough for the unique-code indexes of a city registry, so appends
    # and reads do not thrash (bulk saves raise it further while they run).
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _sqlite_on_begin(connection: object) -> None:
    connection.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]


def describe_db_error(exc: BaseException) -> str:
    """First meaningful line of a driver error, without SQLAlchemy's background links."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).splitlines() if ln.strip()]
    text = " ".join(lines[:2]) if lines else type(orig).__name__
    return text.replace("(Background on this error at: https://sqlalche.me/", "").strip()
