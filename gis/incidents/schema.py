"""Incident tables (own SQLAlchemy ``MetaData``, created on the store's engine).

Times are epoch seconds UTC in ``*_at_s`` columns (double precision): the same on SQLite and
PostgreSQL, sortable, and trivially replayed (issue 7). Every write that changes an incident
also appends to ``incident_events`` in the same transaction, so the event log is the evidence
and ``incidents`` is only its current projection.

=================  ==========================================================================
table              contents
=================  ==========================================================================
alarms             every alarm received, accepted or not: channel, source, codes, type, the
                   raw message, ``accepted`` and ``reject_reason``, the incident it joined,
                   ``message_id`` (unique when given: a redelivered IoT message is recognised)
incidents          one row per incident: elevator, state, response level, assigned crew, key
                   times, ``version`` (optimistic lock: every update is
                   ``WHERE version = :seen``), ``open_code`` (the registration code while the
                   incident is open, NULL after; unique, so two workstations cannot open two
                   incidents for one elevator)
incident_events    append-only: ``event_id`` (global order), ``incident_id`` + ``seq`` (unique:
                   per-incident order, no duplicates), kind, from/to state, time, operator,
                   workstation, note, ``data`` (JSON text)
agency_status      per incident and agency (maintainer, 119, 110, property): status, the
                   station and ETA, and the time each status was reached
crew_assignments   one row per committed crew (``station_id`` primary key): the second
                   workstation committing the same crew fails, atomically, on both back ends
=================  ==========================================================================

``incidents.claimed_by`` / ``claimed_workstation`` / ``claimed_at_s`` name the operator who took
the incident. These tables are part of the store's schema version and are created and upgraded
by its migrations (:mod:`gis.store.migrate`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Bump when these tables change (stored in ``incident_schema_info``).
INCIDENT_SCHEMA_VERSION = 2

_ID = BigInteger().with_variant(Integer, "sqlite")  # INTEGER PRIMARY KEY = SQLite rowid
_TIME = Float(precision=53)

metadata = MetaData()

incident_schema_info = Table(
    "incident_schema_info", metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

incidents = Table(
    "incidents", metadata,
    Column("incident_id", _ID, primary_key=True, autoincrement=True),
    Column("registration_code", String, nullable=False),
    Column("rescue_code", String, nullable=False, default=""),
    Column("open_code", String, unique=True, nullable=True),
    Column("address", String, nullable=False, default=""),
    Column("district_adcode", String, nullable=False, default=""),
    Column("district_name", String, nullable=False, default=""),
    Column("lon", _TIME, nullable=False),
    Column("lat", _TIME, nullable=False),
    Column("maintenance_unit_id", String, nullable=False, default=""),
    Column("cause", String, nullable=False),
    Column("first_channel", String, nullable=False),
    Column("trapped_count", Integer, nullable=False, default=0),
    Column("state", String, nullable=False),
    Column("level", Integer, nullable=False, default=1),
    Column("limit_s", _TIME, nullable=False),
    Column("reported_at_s", _TIME, nullable=False),
    Column("last_alarm_at_s", _TIME, nullable=False),
    Column("alarm_count", Integer, nullable=False, default=1),
    Column("station_id", String, nullable=False, default=""),
    Column("station_unit_id", String, nullable=False, default=""),
    Column("station_kind", String, nullable=False, default=""),
    Column("eta_s", _TIME, nullable=True),
    Column("dispatched_at_s", _TIME, nullable=True),
    Column("accepted_at_s", _TIME, nullable=True),
    Column("en_route_at_s", _TIME, nullable=True),
    Column("on_site_at_s", _TIME, nullable=True),
    Column("released_at_s", _TIME, nullable=True),
    Column("closed_at_s", _TIME, nullable=True),
    Column("updated_at_s", _TIME, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("claimed_by", String, nullable=True),
    Column("claimed_workstation", String, nullable=True),
    Column("claimed_at_s", _TIME, nullable=True),
)
Index("ix_incidents_state", incidents.c.state)
Index("ix_incidents_reported", incidents.c.reported_at_s)
Index("ix_incidents_code", incidents.c.registration_code)

incident_events = Table(
    "incident_events", metadata,
    Column("event_id", _ID, primary_key=True, autoincrement=True),
    Column("incident_id", _ID, ForeignKey("incidents.incident_id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("from_state", String, nullable=False, default=""),
    Column("to_state", String, nullable=False, default=""),
    Column("at_s", _TIME, nullable=False),
    Column("operator", String, nullable=False),
    Column("workstation", String, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("data", Text, nullable=False, default="{}"),
    UniqueConstraint("incident_id", "seq", name="uq_incident_events_seq"),
)
Index("ix_incident_events_at", incident_events.c.at_s)
Index("ix_incident_events_operator", incident_events.c.operator, incident_events.c.event_id)

crew_assignments = Table(
    "crew_assignments", metadata,
    Column("station_id", String, primary_key=True),
    Column("incident_id", _ID, ForeignKey("incidents.incident_id"), nullable=False),
    Column("operator", String, nullable=False),
    Column("workstation", String, nullable=False),
    Column("assigned_at_s", _TIME, nullable=False),
)
Index("ix_crew_assignments_incident", crew_assignments.c.incident_id)

alarms = Table(
    "alarms", metadata,
    Column("alarm_id", _ID, primary_key=True, autoincrement=True),
    Column("received_at_s", _TIME, nullable=False),
    Column("channel", String, nullable=False, default=""),
    Column("source", String, nullable=False, default=""),
    Column("message_id", String, unique=True, nullable=True),
    Column("device_id", String, nullable=False, default=""),
    Column("registration_code", String, nullable=False, default=""),
    Column("rescue_code", String, nullable=False, default=""),
    Column("alarm_type", String, nullable=False, default=""),
    Column("alarm_at_s", _TIME, nullable=True),
    Column("accepted", Boolean, nullable=False),
    Column("reject_reason", Text, nullable=False, default=""),
    Column("incident_id", _ID, ForeignKey("incidents.incident_id"), nullable=True),
    Column("operator", String, nullable=False, default=""),
    Column("workstation", String, nullable=False, default=""),
    Column("raw", Text, nullable=False, default=""),
)
Index("ix_alarms_incident", alarms.c.incident_id)

agency_status = Table(
    "agency_status", metadata,
    Column("incident_id", _ID, ForeignKey("incidents.incident_id"), primary_key=True),
    Column("agency", String, primary_key=True),
    Column("status", String, nullable=False),
    Column("station_id", String, nullable=False, default=""),
    Column("eta_s", _TIME, nullable=True),
    Column("notified_at_s", _TIME, nullable=True),
    Column("acknowledged_at_s", _TIME, nullable=True),
    Column("dispatched_at_s", _TIME, nullable=True),
    Column("on_site_at_s", _TIME, nullable=True),
    Column("done_at_s", _TIME, nullable=True),
    Column("updated_at_s", _TIME, nullable=False),
)


def create_incident_tables(engine: Engine) -> None:
    """Make sure the incident tables exist at the current version.

    A store opened with :func:`gis.store.open_store` has them already; a bare engine on an
    empty database gets the whole schema from the migrations.

    Raises
    ------
    gis.errors.StoreError
        The database holds an older (or newer) schema: ``liftguard db init`` upgrades it.
    """
    from sqlalchemy import select

    from gis.errors import StoreError
    from gis.store.migrate import check_current

    with engine.begin() as conn:
        check_current(conn, where=engine.url.render_as_string(hide_password=True))
        t = incident_schema_info
        found = conn.execute(select(t.c.value).where(t.c.key == "version")).scalar_one_or_none()
        if found != str(INCIDENT_SCHEMA_VERSION):
            raise StoreError(
                f"the incident tables are version {found}, this LiftGuard needs "
                f"{INCIDENT_SCHEMA_VERSION}; run `liftguard db init --db URL` to upgrade the "
                "database in place")
