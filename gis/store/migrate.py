"""Schema migrations with Alembic: create, check and upgrade a LiftGuard database in place.

The revisions live in ``gis/store/migrations/versions`` (no ``alembic.ini`` or ``env.py``: they
are run on the caller's connection, inside its transaction, so an upgrade is all or nothing on
PostgreSQL and on SQLite alike). The revision a database is at is kept in the table
``liftguard_schema_revision``; ``store_info.schema_version`` carries the matching number for
humans and for LiftGuard versions from before migrations (version 1 had no revision table).

==============  ===========================================================================
state           meaning
==============  ===========================================================================
``empty``       no LiftGuard table: :func:`upgrade_connection` creates the current schema
``current``     at the newest revision this LiftGuard knows
``old``         an older schema (version 1 without a revision, or an older revision):
                ``liftguard db init`` upgrades it, keeping every row
``newer``       a revision this LiftGuard does not know: made by a newer LiftGuard
``foreign``     LiftGuard table names without a schema version (not ours, or half made)
==============  ===========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from gis.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Table holding the Alembic revision (not ``alembic_version``: the database may be shared).
REVISION_TABLE = "liftguard_schema_revision"
#: Schema version (``store_info.schema_version``) of each revision.
VERSION_OF_REVISION = {"0001_v1": 1, "0002_command_centre": 2}
HEAD_REVISION = "0002_command_centre"
#: Tables every LiftGuard schema version has.
_CORE_TABLES = frozenset({"store_info", "elevators", "stations", "units", "districts",
                          "registry_meta", "incidents", "incident_events", "alarms",
                          "agency_status", "incident_schema_info"})


@dataclass(frozen=True)
class SchemaState:
    """What a database holds (see the module doc for ``state``)."""

    state: str
    revision: str | None
    version: int | None

    @property
    def head_version(self) -> int:
        return VERSION_OF_REVISION[HEAD_REVISION]


@cache
def _script() -> tuple[Config, ScriptDirectory]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config, ScriptDirectory.from_config(config)


def read_state(conn: Connection) -> SchemaState:
    """Inspect the schema of the database behind ``conn`` (reads only)."""
    names = set(inspect(conn).get_table_names())
    revision = None
    if REVISION_TABLE in names:
        revision = conn.execute(text(f"SELECT version_num FROM {REVISION_TABLE}")).scalar()
    version = None
    if "store_info" in names:
        found = conn.execute(text(
            "SELECT value FROM store_info WHERE key = 'schema_version'")).scalar()
        version = int(found) if found is not None and str(found).isdigit() else None
    head = VERSION_OF_REVISION[HEAD_REVISION]
    if version is not None and version > head:
        return SchemaState("newer", revision, version)
    if revision is not None:
        if revision == HEAD_REVISION and version == head:
            return SchemaState("current", revision, version)
        known = revision in VERSION_OF_REVISION
        return SchemaState("old" if known else "newer", revision, version)
    if version == 1:
        return SchemaState("old", None, 1)
    if names & _CORE_TABLES or names & {"crew_assignments"}:
        return SchemaState("foreign", None, version)
    return SchemaState("empty", None, None)


def upgrade_connection(conn: Connection, *, target: str = "head") -> tuple[str | None, str]:
    """Run the migrations from the database's revision to ``target`` inside ``conn``'s
    transaction; returns ``(from_revision, to_revision)``.

    A version-1 database without a revision table starts from the (idempotent) baseline.

    Raises
    ------
    StoreError
        The database was made by a newer LiftGuard, or holds foreign tables.
    """
    from alembic.runtime.environment import EnvironmentContext

    state = read_state(conn)
    if state.state == "newer":
        raise StoreError(_newer_message(state, "this database"))
    if state.state == "foreign":
        raise StoreError("the database has tables named like LiftGuard's but no LiftGuard "
                         "schema version; use another database (or drop them)")
    config, script = _script()
    dest = script.get_revision(target).revision  # type: ignore[union-attr]

    def steps(rev: object, _context: object) -> list:
        return script._upgrade_revs(dest, rev)  # type: ignore[arg-type]

    with EnvironmentContext(config, script, fn=steps, destination_rev=dest) as env:
        env.configure(connection=conn, version_table=REVISION_TABLE, transactional_ddl=False)
        env.run_migrations()
    return state.revision, dest


def check_current(conn: Connection, *, where: str) -> None:
    """Create the schema in an empty database, accept a current one, refuse others with a
    message that says what to do (``where`` is the masked URL)."""
    state = read_state(conn)
    if state.state == "current":
        return
    if state.state == "empty":
        upgrade_connection(conn)
        return
    head = VERSION_OF_REVISION[HEAD_REVISION]
    if state.state == "old":
        raise StoreError(
            f"the database {where} has the older LiftGuard schema version {state.version or 1} "
            f"(this LiftGuard needs {head}); run `liftguard db init --db {where}` to upgrade it "
            "in place (its data is kept), then start again")
    if state.state == "newer":
        raise StoreError(_newer_message(state, where))
    raise StoreError(
        f"the database {where} has tables named like LiftGuard's but no LiftGuard schema "
        "version; use another database (`--db URL`) or run `liftguard db init --recreate "
        f"--db {where}` to delete them and start empty")


def _newer_message(state: SchemaState, where: str) -> str:
    found = (f"schema version {state.version}" if state.version is not None
             else f"schema revision {state.revision}")
    return (f"the database {where} has LiftGuard {found}, made by a newer LiftGuard than this "
            f"one (which knows up to version {VERSION_OF_REVISION[HEAD_REVISION]}); update "
            f"LiftGuard on this workstation, or run `liftguard db init --recreate --db {where}` "
            "to delete its data and start empty")


def drop_all(conn: Connection) -> None:
    """Drop every LiftGuard table, the revision table and the PostgreSQL notify function."""
    from gis.incidents import schema as incident_schema
    from gis.store import schema as store_schema

    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS liftguard_notify_event() CASCADE")
    incident_schema.metadata.drop_all(conn, checkfirst=True)
    store_schema.metadata.drop_all(conn, checkfirst=True)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {REVISION_TABLE}")
