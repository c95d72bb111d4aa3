"""Pytest plugin: a throwaway PostgreSQL/PostGIS server on loopback for the storage tests.

Register it from ``tests/conftest.py`` with ``pytest_plugins = ["tests.pg_fixture"]``.

Fixtures
--------
pg_server (session)
    Starts ``postgres`` from ``/usr/lib/postgresql/15/bin`` (or ``$LIFTGUARD_PG_BINDIR``) in a
    temporary directory on a free 127.0.0.1 port, with password authentication, and stops it
    and deletes the directory at the end. PostgreSQL refuses to run as root, so as root the
    server runs as the ``postgres`` OS user (``runuser``). Missing binaries or PostGIS: the
    tests fail when ``CI=true`` and are skipped with the reason otherwise.
pg_url (function)
    A fresh empty database on that server (``postgresql+psycopg://`` URL).
store_url (function, parametrised ``sqlite`` / ``postgresql``)
    A URL for an empty SQLite file or a fresh PostgreSQL database; the PostgreSQL case carries
    the ``postgres`` mark.

pytest-postgresql's ``postgresql_proc`` is not used because it runs ``pg_ctl`` as the current
user and cannot switch to ``postgres`` when the suite runs as root (as in this project's CI).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_BINDIR = Path(os.environ.get("LIFTGUARD_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
SUPERUSER = "postgres"
PASSWORD = "liftguard-test"  # a throwaway server on loopback, deleted after the run
_TEMPLATE_DB = "liftguard_template"


@dataclass
class PgServer:
    """A running throwaway server; :meth:`create_database` gives URLs of fresh databases."""

    host: str
    port: int
    user: str = SUPERUSER
    password: str = PASSWORD
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str, *, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{self.user}:{secret}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str, *, database: str = "postgres") -> None:
        """Run one statement in autocommit mode (CREATE DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user,
                             password=self.password, dbname=database, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, prefix: str = "test", *, postgis: bool = True) -> str:
        """A new empty database; with ``postgis`` it is cloned from a PostGIS template."""
        name = f"{prefix}_{next(self._counter)}"
        if postgis:
            self.admin(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE_DB}")
        else:
            self.admin(f"CREATE DATABASE {name}")
        return self.url(name)


def missing_prerequisite() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None if it can."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BINDIR / tool).exists():
            return (f"PostgreSQL binaries not found in {PG_BINDIR} (install postgresql-15 or "
                    "set LIFTGUARD_PG_BINDIR)")
    if not POSTGIS_CONTROL.exists():
        return "PostGIS is not installed (apt-get install postgresql-15-postgis-3)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root but `runuser` is missing to start PostgreSQL as postgres"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], *, as_postgres: bool) -> None:
    cmd = (["runuser", "-u", SUPERUSER, "--", *args] if as_postgres else args)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n"
                           f"{done.stdout}\n{done.stderr}")


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a throwaway PostgreSQL server (PostGIS template ready); stop it on exit.

    Its directory is made directly under the system temp folder: pytest's own temp folders
    are private to root, and the server runs as ``postgres``.
    """
    reason = missing_prerequisite()
    if reason:
        raise RuntimeError(reason)
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="liftguard-pg-"))
    data = base / "data"
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_postgres:
        shutil.chown(base, SUPERUSER)
        shutil.chown(pwfile, SUPERUSER)
    pg_ctl = str(PG_BINDIR / "pg_ctl")
    started = False
    try:
        _run([str(PG_BINDIR / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8",
              "--no-locale", "--auth=scram-sha-256", f"--pwfile={pwfile}"],
             as_postgres=as_postgres)
        port = 0
        for _attempt in range(3):  # the port may be taken between probing and binding
            port = _free_port()
            options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off")
            try:
                _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w",
                      "-t", "60", "start"], as_postgres=as_postgres)
            except RuntimeError:
                continue
            started = True
            break
        if not started:
            log = (base / "log").read_text() if (base / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{log[-2000:]}")
        server = PgServer(host="127.0.0.1", port=port)
        server.admin(f"CREATE DATABASE {_TEMPLATE_DB}")
        server.admin("CREATE EXTENSION postgis", database=_TEMPLATE_DB)
        yield server
    finally:
        if started:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                _run([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                     as_postgres=as_postgres)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    reason = missing_prerequisite()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
        pytest.skip(reason)
    with running_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh empty database (PostGIS available) on the session's server."""
    return pg_server.create_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each back end."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return str(request.getfixturevalue("pg_url"))
