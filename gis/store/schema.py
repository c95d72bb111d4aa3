"""The database schema, shared by SQLite and PostgreSQL, and its version check.

Tables (one row per record; ``row_id`` keeps the registry's row order):

================  ===========================================================================
table             contents
================  ===========================================================================
store_info        key/value: ``schema_version`` (and nothing a user edits)
registry_meta     key/value: the registry's ``meta`` (label, source, city, ...)
elevators         the columns of :data:`gis.registry.ELEVATOR_COLUMNS`
stations          the columns of :data:`gis.registry.STATION_COLUMNS`
units             the columns of :data:`gis.registry.UNIT_COLUMNS`
districts         adcode, name, name_en and the boundary as WKB (``geom_wkb``, EPSG:4326)
================  ===========================================================================

Categories are stored as their text value, booleans as booleans (0/1 on SQLite), dates as
``DATE`` (ISO ``YYYY-MM-DD`` text on SQLite; day resolution). On PostgreSQL, elevators and
stations get a generated ``geom geometry(Point,4326)`` column from lon/lat and districts a
generated ``geom geometry(MultiPolygon,4326)`` from the WKB, each with a GiST index, so the
geometry is always written in the same statement as the row it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    inspect,
    select,
)

from gis.errors import StoreError

#: Bump when the schema changes; a database of another version is refused.
SCHEMA_VERSION = 1

_ROW_ID = BigInteger().with_variant(Integer, "sqlite")  # INTEGER PRIMARY KEY = SQLite rowid

metadata = MetaData()


def _key_value(name: str) -> Table:
    return Table(
        name, metadata,
        Column("key", String, primary_key=True),
        Column("value", String, nullable=False),
    )


store_info = _key_value("store_info")
registry_meta = _key_value("registry_meta")


def _text(name: str, **kw: object) -> Column:
    return Column(name, String, nullable=False, **kw)  # type: ignore[arg-type]


elevators = Table(
    "elevators", metadata,
    Column("row_id", _ROW_ID, primary_key=True, autoincrement=True),
    _text("registration_code"),
    _text("rescue_code"),
    _text("address"),
    _text("district_adcode"),
    _text("district_name"),
    Column("lon", Float(precision=53), nullable=False),
    Column("lat", Float(precision=53), nullable=False),
    Column("building_type", String),
    Column("is_addon", Boolean, nullable=False),
    Column("manufacture_year", SmallInteger, nullable=False),
    Column("registration_date", Date),
    _text("maintenance_unit_id"),
    _text("station_id"),
    Column("iot_device", String),
    _text("risk_scheme"),
    Column("risk_class", String),
    Column("assessment_date", Date),
    Column("retrofit_status", String),
    Column("retrofit_status_date", Date),
    Column("has_ascending_overspeed", Boolean, nullable=False),
    Column("complaints_12345", Integer, nullable=False),
    Column("complaints_962121", Integer, nullable=False),
)
#: Codes are unique; named indexes (not column constraints) so a full save can rebuild them.
ELEVATOR_CODE_INDEXES = (
    Index("elevators_registration_code_key", elevators.c.registration_code, unique=True),
    Index("elevators_rescue_code_key", elevators.c.rescue_code, unique=True),
)

stations = Table(
    "stations", metadata,
    Column("row_id", _ROW_ID, primary_key=True, autoincrement=True),
    _text("station_id", unique=True),
    Column("kind", String),
    _text("name"),
    _text("unit_id"),
    _text("district_adcode"),
    Column("lon", Float(precision=53), nullable=False),
    Column("lat", Float(precision=53), nullable=False),
    Column("turnout_s", Float(precision=53), nullable=False),
    Column("status", String),
)

units = Table(
    "units", metadata,
    Column("row_id", _ROW_ID, primary_key=True, autoincrement=True),
    _text("unit_id", unique=True),
    _text("name"),
)

districts = Table(
    "districts", metadata,
    Column("row_id", _ROW_ID, primary_key=True, autoincrement=True),
    _text("adcode"),
    _text("name"),
    _text("name_en"),
    Column("geom_wkb", LargeBinary, nullable=False),
)

#: Tables whose rows a registry owns (replaced together by ``save_registry``).
REGISTRY_TABLES = (elevators, stations, units, districts, registry_meta)

_PG_SPATIAL_INDEX = "CREATE INDEX {table}_geom_gix ON {table} USING gist (geom)"
_PG_GEOMETRY = (
    "CREATE EXTENSION IF NOT EXISTS postgis",
    "ALTER TABLE elevators ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS "
    "(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
    _PG_SPATIAL_INDEX.format(table="elevators"),
    "ALTER TABLE stations ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS "
    "(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
    _PG_SPATIAL_INDEX.format(table="stations"),
    "ALTER TABLE districts ADD COLUMN geom geometry(MultiPolygon, 4326) GENERATED ALWAYS AS "
    "(ST_Multi(ST_GeomFromWKB(geom_wkb, 4326))) STORED",
    _PG_SPATIAL_INDEX.format(table="districts"),
)


@contextmanager
def elevator_indexes_suspended(conn: Connection) -> Iterator[None]:
    """Drop the elevator indexes for a bulk load and build them again afterwards.

    Building an index once by sorting is much faster than updating it row by row with random
    codes (SQLite 300k rows: ~1.5 s saved). A repeated code fails the rebuild with the same
    IntegrityError an insert would. Runs in the caller's transaction, so the indexes are back
    whatever happens.
    """
    for index in ELEVATOR_CODE_INDEXES:
        index.drop(conn, checkfirst=True)
    postgis = conn.dialect.name == "postgresql"
    if postgis:
        conn.exec_driver_sql("DROP INDEX IF EXISTS elevators_geom_gix")
    yield
    for index in ELEVATOR_CODE_INDEXES:
        index.create(conn)
    if postgis:
        conn.exec_driver_sql(_PG_SPATIAL_INDEX.format(table="elevators"))


def ensure_schema(conn: Connection, *, where: str) -> None:
    """Create the schema in an empty database, or check the version of an existing one.

    ``where`` is the (masked) URL used in messages. Runs inside the caller's transaction.
    """
    names = set(inspect(conn).get_table_names())
    if store_info.name in names:
        found = conn.execute(
            select(store_info.c.value).where(store_info.c.key == "schema_version")
        ).scalar_one_or_none()
        if found != str(SCHEMA_VERSION):
            raise StoreError(
                f"the database {where} has LiftGuard schema version {found or 'unknown'}, "
                f"this version of LiftGuard needs {SCHEMA_VERSION}; run `liftguard db init "
                f"--db URL` to recreate it (its data is deleted) or use another database"
            )
        return
    ours = names & set(metadata.tables)
    if ours:
        raise StoreError(
            f"the database {where} has tables {', '.join(sorted(ours))} but no LiftGuard "
            "schema version; run `liftguard db init --db URL` to recreate them or use another "
            "database"
        )
    create_schema(conn)


def create_schema(conn: Connection) -> None:
    """Create every table (and on PostgreSQL the PostGIS columns) and record the version."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_GEOMETRY[0])
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        for statement in _PG_GEOMETRY[1:]:
            conn.exec_driver_sql(statement)
    conn.execute(store_info.insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)}])


def drop_schema(conn: Connection) -> None:
    """Drop every LiftGuard table that exists (any version); other tables are left alone."""
    metadata.drop_all(conn, checkfirst=True)
