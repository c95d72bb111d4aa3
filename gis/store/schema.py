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

The incident tables (:mod:`gis.incidents.schema`) belong to the same schema version. Schemas
are created and upgraded by the migrations of :mod:`gis.store.migrate`; these tables are the
head revision (a test checks that the migrations produce exactly them).
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
)

#: Bump when the schema changes; a database of another version is refused.
SCHEMA_VERSION = 2

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
    """Create the schema in an empty database, or check that an existing one is current.

    ``where`` is the (masked) URL used in messages. Runs inside the caller's transaction. An
    older schema is refused with a message naming ``liftguard db init`` (which upgrades it in
    place, see :mod:`gis.store.migrate`).
    """
    from gis.store.migrate import check_current

    check_current(conn, where=where)


def create_schema(conn: Connection) -> None:
    """Create every table (and on PostgreSQL the PostGIS columns and the event trigger) by
    running the migrations from the start, which records the revision and the version."""
    from gis.store.migrate import upgrade_connection

    upgrade_connection(conn)


def drop_schema(conn: Connection) -> None:
    """Drop every LiftGuard table that exists (any version); other tables are left alone."""
    from gis.store.migrate import drop_all

    drop_all(conn)
