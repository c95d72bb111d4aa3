"""Baseline: the LiftGuard schema version 1 (registry store + incident log), frozen.

Idempotent on purpose: databases made by LiftGuard before migrations existed hold the store
tables and (only once an incident was logged) the incident tables, without a revision. Each
table here is created only if missing, so a version-1 database is brought to this revision
without touching its rows, and an empty database gets the whole version-1 schema. On
PostgreSQL the tables created here get their PostGIS ``geom`` columns as in version 1.

Revision ID: 0001_v1
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_v1"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.Float(precision=53)
_PG_GEOM = {
    "elevators": "geometry(Point, 4326) GENERATED ALWAYS AS "
                 "(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
    "stations": "geometry(Point, 4326) GENERATED ALWAYS AS "
                "(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
    "districts": "geometry(MultiPolygon, 4326) GENERATED ALWAYS AS "
                 "(ST_Multi(ST_GeomFromWKB(geom_wkb, 4326))) STORED",
}


def _create(created: set[str], name: str, *items: object) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *items)
    created.add(name)


def _index(created: set[str], name: str, table: str, columns: list[str], *,
           unique: bool) -> None:
    if table in created:
        op.create_index(name, table, columns, unique=unique)


def upgrade() -> None:
    bind = op.get_bind()
    postgis = bind.dialect.name == "postgresql"
    if postgis:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    created: set[str] = set()
    _create(created, 'districts',
    sa.Column('row_id', _ID, autoincrement=True, nullable=False),
    sa.Column('adcode', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('name_en', sa.String(), nullable=False),
    sa.Column('geom_wkb', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('row_id')
    )
    _create(created, 'elevators',
    sa.Column('row_id', _ID, autoincrement=True, nullable=False),
    sa.Column('registration_code', sa.String(), nullable=False),
    sa.Column('rescue_code', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('district_adcode', sa.String(), nullable=False),
    sa.Column('district_name', sa.String(), nullable=False),
    sa.Column('lon', _TIME, nullable=False),
    sa.Column('lat', _TIME, nullable=False),
    sa.Column('building_type', sa.String(), nullable=True),
    sa.Column('is_addon', sa.Boolean(), nullable=False),
    sa.Column('manufacture_year', sa.SmallInteger(), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('maintenance_unit_id', sa.String(), nullable=False),
    sa.Column('station_id', sa.String(), nullable=False),
    sa.Column('iot_device', sa.String(), nullable=True),
    sa.Column('risk_scheme', sa.String(), nullable=False),
    sa.Column('risk_class', sa.String(), nullable=True),
    sa.Column('assessment_date', sa.Date(), nullable=True),
    sa.Column('retrofit_status', sa.String(), nullable=True),
    sa.Column('retrofit_status_date', sa.Date(), nullable=True),
    sa.Column('has_ascending_overspeed', sa.Boolean(), nullable=False),
    sa.Column('complaints_12345', sa.Integer(), nullable=False),
    sa.Column('complaints_962121', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('row_id')
    )
    _index(created, 'elevators_registration_code_key', 'elevators', ['registration_code'],
           unique=True)
    _index(created, 'elevators_rescue_code_key', 'elevators', ['rescue_code'], unique=True)
    _create(created, 'incident_schema_info',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    _create(created, 'incidents',
    sa.Column('incident_id', _ID, autoincrement=True, nullable=False),
    sa.Column('registration_code', sa.String(), nullable=False),
    sa.Column('rescue_code', sa.String(), nullable=False),
    sa.Column('open_code', sa.String(), nullable=True),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('district_adcode', sa.String(), nullable=False),
    sa.Column('district_name', sa.String(), nullable=False),
    sa.Column('lon', _TIME, nullable=False),
    sa.Column('lat', _TIME, nullable=False),
    sa.Column('maintenance_unit_id', sa.String(), nullable=False),
    sa.Column('cause', sa.String(), nullable=False),
    sa.Column('first_channel', sa.String(), nullable=False),
    sa.Column('trapped_count', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('limit_s', _TIME, nullable=False),
    sa.Column('reported_at_s', _TIME, nullable=False),
    sa.Column('last_alarm_at_s', _TIME, nullable=False),
    sa.Column('alarm_count', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.String(), nullable=False),
    sa.Column('station_unit_id', sa.String(), nullable=False),
    sa.Column('station_kind', sa.String(), nullable=False),
    sa.Column('eta_s', _TIME, nullable=True),
    sa.Column('dispatched_at_s', _TIME, nullable=True),
    sa.Column('accepted_at_s', _TIME, nullable=True),
    sa.Column('en_route_at_s', _TIME, nullable=True),
    sa.Column('on_site_at_s', _TIME, nullable=True),
    sa.Column('released_at_s', _TIME, nullable=True),
    sa.Column('closed_at_s', _TIME, nullable=True),
    sa.Column('updated_at_s', _TIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('incident_id'),
    sa.UniqueConstraint('open_code')
    )
    _index(created, 'ix_incidents_code', 'incidents', ['registration_code'], unique=False)
    _index(created, 'ix_incidents_reported', 'incidents', ['reported_at_s'], unique=False)
    _index(created, 'ix_incidents_state', 'incidents', ['state'], unique=False)
    _create(created, 'registry_meta',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    _create(created, 'stations',
    sa.Column('row_id', _ID, autoincrement=True, nullable=False),
    sa.Column('station_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=True),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('unit_id', sa.String(), nullable=False),
    sa.Column('district_adcode', sa.String(), nullable=False),
    sa.Column('lon', _TIME, nullable=False),
    sa.Column('lat', _TIME, nullable=False),
    sa.Column('turnout_s', _TIME, nullable=False),
    sa.Column('status', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('row_id'),
    sa.UniqueConstraint('station_id')
    )
    _create(created, 'store_info',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    _create(created, 'units',
    sa.Column('row_id', _ID, autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('row_id'),
    sa.UniqueConstraint('unit_id')
    )
    _create(created, 'agency_status',
    sa.Column('incident_id', _ID, nullable=False),
    sa.Column('agency', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('station_id', sa.String(), nullable=False),
    sa.Column('eta_s', _TIME, nullable=True),
    sa.Column('notified_at_s', _TIME, nullable=True),
    sa.Column('acknowledged_at_s', _TIME, nullable=True),
    sa.Column('dispatched_at_s', _TIME, nullable=True),
    sa.Column('on_site_at_s', _TIME, nullable=True),
    sa.Column('done_at_s', _TIME, nullable=True),
    sa.Column('updated_at_s', _TIME, nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.incident_id'], ),
    sa.PrimaryKeyConstraint('incident_id', 'agency')
    )
    _create(created, 'alarms',
    sa.Column('alarm_id', _ID, autoincrement=True, nullable=False),
    sa.Column('received_at_s', _TIME, nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('message_id', sa.String(), nullable=True),
    sa.Column('device_id', sa.String(), nullable=False),
    sa.Column('registration_code', sa.String(), nullable=False),
    sa.Column('rescue_code', sa.String(), nullable=False),
    sa.Column('alarm_type', sa.String(), nullable=False),
    sa.Column('alarm_at_s', _TIME, nullable=True),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=False),
    sa.Column('incident_id', _ID, nullable=True),
    sa.Column('operator', sa.String(), nullable=False),
    sa.Column('workstation', sa.String(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.incident_id'], ),
    sa.PrimaryKeyConstraint('alarm_id'),
    sa.UniqueConstraint('message_id')
    )
    _index(created, 'ix_alarms_incident', 'alarms', ['incident_id'], unique=False)
    _create(created, 'incident_events',
    sa.Column('event_id', _ID, autoincrement=True, nullable=False),
    sa.Column('incident_id', _ID, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('from_state', sa.String(), nullable=False),
    sa.Column('to_state', sa.String(), nullable=False),
    sa.Column('at_s', _TIME, nullable=False),
    sa.Column('operator', sa.String(), nullable=False),
    sa.Column('workstation', sa.String(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.incident_id'], ),
    sa.PrimaryKeyConstraint('event_id'),
    sa.UniqueConstraint('incident_id', 'seq', name='uq_incident_events_seq')
    )
    _index(created, 'ix_incident_events_at', 'incident_events', ['at_s'], unique=False)

    if postgis:
        for table, ddl in _PG_GEOM.items():
            if table in created:
                op.execute(f"ALTER TABLE {table} ADD COLUMN geom {ddl}")
                op.execute(f"CREATE INDEX {table}_geom_gix ON {table} USING gist (geom)")
    _put(bind, "store_info", "schema_version", "1")
    _put(bind, "incident_schema_info", "version", "1")


def _put(bind: sa.Connection, table: str, key: str, value: str) -> None:
    t = sa.table(table, sa.column("key"), sa.column("value"))
    if bind.execute(sa.select(t.c.value).where(t.c.key == key)).first() is None:
        bind.execute(t.insert().values(key=key, value=value))


_V1_TABLES = ("incident_events", "alarms", "agency_status", "incidents", "incident_schema_info",
              "units", "stations", "registry_meta", "elevators", "districts", "store_info")


def downgrade() -> None:
    for table in _V1_TABLES:  # children first (foreign keys)
        op.execute(f"DROP TABLE IF EXISTS {table}")
