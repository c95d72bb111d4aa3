"""Schema version 2: a command centre of several workstations.

* ``incidents.claimed_by`` / ``claimed_workstation`` / ``claimed_at_s``: the operator who has
  taken the incident (one at a time; taking it is a version-checked update under a row lock);
* ``crew_assignments``: one row per committed crew (``station_id`` is the primary key), so two
  workstations cannot commit the same crew to two incidents: the second insert fails. It is
  filled from the incidents whose crew is committed (dispatched … on site);
* an index on ``incident_events(operator, event_id)`` for the supervisor's view;
* on PostgreSQL a trigger that sends ``NOTIFY liftguard_events`` with
  ``{"event_id": …, "incident_id": …}`` for every event row (delivered at COMMIT).

Revision ID: 0002_command_centre
Revises: 0001_v1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_command_centre"
down_revision = "0001_v1"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.Float(precision=53)
_COMMITTED = "('dispatched', 'accepted', 'en_route', 'on_site')"

PG_NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION liftguard_notify_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('liftguard_events', json_build_object(
        'event_id', NEW.event_id, 'incident_id', NEW.incident_id)::text);
    RETURN NULL;
END
$$
"""
PG_NOTIFY_TRIGGER = (
    "CREATE TRIGGER incident_events_notify AFTER INSERT ON incident_events "
    "FOR EACH ROW EXECUTE FUNCTION liftguard_notify_event()"
)


def upgrade() -> None:
    op.add_column("incidents", sa.Column("claimed_by", sa.String(), nullable=True))
    op.add_column("incidents", sa.Column("claimed_workstation", sa.String(), nullable=True))
    op.add_column("incidents", sa.Column("claimed_at_s", _TIME, nullable=True))
    op.create_table(
        "crew_assignments",
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("incident_id", _ID, nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("workstation", sa.String(), nullable=False),
        sa.Column("assigned_at_s", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.incident_id"]),
        sa.PrimaryKeyConstraint("station_id"),
    )
    op.create_index("ix_crew_assignments_incident", "crew_assignments", ["incident_id"],
                    unique=False)
    op.execute(
        "INSERT INTO crew_assignments (station_id, incident_id, operator, workstation, "
        "assigned_at_s) SELECT station_id, MIN(incident_id), 'schema upgrade', "
        "'schema upgrade', MAX(COALESCE(dispatched_at_s, updated_at_s)) FROM incidents "
        f"WHERE state IN {_COMMITTED} AND station_id <> '' GROUP BY station_id"
    )
    op.create_index("ix_incident_events_operator", "incident_events", ["operator", "event_id"],
                    unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_NOTIFY_FUNCTION)
        op.execute(PG_NOTIFY_TRIGGER)
    op.execute("UPDATE store_info SET value = '2' WHERE key = 'schema_version'")
    op.execute("UPDATE incident_schema_info SET value = '2' WHERE key = 'version'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS incident_events_notify ON incident_events")
        op.execute("DROP FUNCTION IF EXISTS liftguard_notify_event()")
    op.drop_index("ix_incident_events_operator", table_name="incident_events")
    op.drop_index("ix_crew_assignments_incident", table_name="crew_assignments")
    op.drop_table("crew_assignments")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("claimed_at_s")
        batch.drop_column("claimed_workstation")
        batch.drop_column("claimed_by")
    op.execute("UPDATE store_info SET value = '1' WHERE key = 'schema_version'")
    op.execute("UPDATE incident_schema_info SET value = '1' WHERE key = 'version'")
