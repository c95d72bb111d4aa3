"""No double dispatch: an incident is taken by one operator, a crew is committed once.

Two workstations act on one shared database, so every decision is checked *inside* the write
transaction that records it:

* **Claiming an incident** (:func:`claim`) locks the incident row (``SELECT … FOR UPDATE`` on
  PostgreSQL; SQLite writers are serialised by ``BEGIN IMMEDIATE``) and sets ``claimed_by``
  only if nobody else holds it. The loser gets :class:`IncidentClaimed` with the current row.
* **Committing a crew** (:func:`commit_crew`, called by the dispatch transition) inserts the
  station into ``crew_assignments`` whose primary key is the station id. A second workstation
  committing the same crew to another incident at the same moment blocks on the first one's
  insert and fails when it commits (unique key), so it gets :class:`CrewBusy` naming the
  incident, operator and workstation holding the crew. Committing the same incident twice is
  stopped earlier by the incident's optimistic ``version`` under the row lock.

The crew is freed (:func:`free_crew`) when the incident is released, closed, a false alarm or
cancelled, and the old crew when another is dispatched instead (stand-down).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from gis.clock import Clock, from_epoch_s, to_epoch_s
from gis.incidents import schema
from gis.incidents.log import (
    Actor,
    IncidentConflict,
    IncidentEvent,
    IncidentLog,
    append_event,
    get_incident,
)


class IncidentClaimed(IncidentConflict):
    """Another operator has taken the incident; ``current`` is its row as committed."""


class CrewBusy(IncidentConflict):
    """The crew is committed to another incident; ``holder`` says which and by whom."""

    def __init__(self, message: str, current: Mapping[str, Any] | None,
                 holder: Mapping[str, Any]) -> None:
        super().__init__(message, current)
        self.holder = dict(holder)


def claimant(incident: Mapping[str, Any]) -> Actor | None:
    """Who holds the incident, or None."""
    if not incident.get("claimed_by"):
        return None
    return Actor(str(incident["claimed_by"]), str(incident.get("claimed_workstation") or "?"))


def check_not_claimed_by_other(incident: Mapping[str, Any], actor: Actor) -> None:
    """Raise :class:`IncidentClaimed` if someone other than ``actor`` holds the incident."""
    holder = claimant(incident)
    if holder is None or holder == actor:
        return
    since = incident.get("claimed_at_s")
    when = f" since {from_epoch_s(float(since)):%H:%M:%S}" if since is not None else ""
    raise IncidentClaimed(
        f"incident {incident['incident_id']} is already taken by {holder.operator} at "
        f"{holder.workstation}{when} (state {incident['state']}, crew "
        f"{incident.get('station_id') or 'none'}); the board shows its current state — leave "
        "it to them or take it over explicitly", incident)


def claim(log: IncidentLog, incident_id: int, *, actor: Actor, clock: Clock,
          take_over: bool = False, note: str = "") -> IncidentEvent:
    """Take the incident for ``actor`` (a ``claimed`` event). Claiming one's own incident
    again is a no-op event-wise (returns the new event anyway, for the record).

    Raises
    ------
    IncidentClaimed
        Another operator holds it and ``take_over`` is false.
    gis.incidents.lifecycle.TransitionError
        The incident is finished.
    """
    from gis.incidents.lifecycle import TERMINAL_STATES, TransitionError

    at_s = to_epoch_s(clock.now())
    with log.write() as conn:
        inc = get_incident(conn, incident_id, lock=True)
        if inc["state"] in TERMINAL_STATES:
            raise TransitionError(f"incident {incident_id} is {inc['state']}; there is nothing "
                                  "to take")
        previous = claimant(inc)
        if not take_over:
            check_not_claimed_by_other(inc, actor)
        data = {"taken_over_from": f"{previous.operator}@{previous.workstation}"} \
            if previous is not None and previous != actor else {}
        return append_event(conn, inc, kind="claimed", at_s=at_s, actor=actor, note=note,
                            data=data, changes={"claimed_by": actor.operator,
                                                "claimed_workstation": actor.workstation,
                                                "claimed_at_s": at_s})


def release_claim(log: IncidentLog, incident_id: int, *, actor: Actor, clock: Clock,
                  note: str = "") -> IncidentEvent:
    """Give the incident back (``unclaimed`` event); only its holder may."""
    at_s = to_epoch_s(clock.now())
    with log.write() as conn:
        inc = get_incident(conn, incident_id, lock=True)
        check_not_claimed_by_other(inc, actor)
        return append_event(conn, inc, kind="unclaimed", at_s=at_s, actor=actor, note=note,
                            changes={"claimed_by": None, "claimed_workstation": None,
                                     "claimed_at_s": None})


def commit_crew(conn: Connection, incident: Mapping[str, Any], station_id: str, *,
                actor: Actor, at_s: float) -> None:
    """Record ``station_id`` as committed to the incident, inside the dispatch transaction;
    the incident's previous crew (if any) is stood down.

    Raises
    ------
    CrewBusy
        The crew is committed to another incident (also when that happened a moment ago on
        another workstation).
    """
    c = schema.crew_assignments
    iid = int(incident["incident_id"])
    conn.execute(c.delete().where(c.c.incident_id == iid))
    try:
        with conn.begin_nested():
            conn.execute(c.insert().values(station_id=station_id, incident_id=iid,
                                           operator=actor.operator,
                                           workstation=actor.workstation, assigned_at_s=at_s))
    except IntegrityError:
        holder = dict(conn.execute(select(c).where(c.c.station_id == station_id))
                      .mappings().one_or_none() or {})
        other = holder.get("incident_id", "another incident")
        when = (f" at {from_epoch_s(float(holder['assigned_at_s'])):%H:%M:%S}"
                if holder.get("assigned_at_s") is not None else "")
        raise CrewBusy(
            f"crew {station_id} was just committed to incident {other} by "
            f"{holder.get('operator', '?')} at {holder.get('workstation', '?')}{when}; "
            f"nothing was changed on incident {iid} — pick another option", incident,
            holder) from None


def free_crew(conn: Connection, incident_id: int) -> None:
    """The incident's crew is no longer committed (released, closed, aborted)."""
    c = schema.crew_assignments
    conn.execute(c.delete().where(c.c.incident_id == int(incident_id)))


def committed_crews(conn: Connection) -> dict[str, int]:
    """Station id → incident id of every committed crew."""
    c = schema.crew_assignments
    return {str(s): int(i) for s, i in conn.execute(select(c.c.station_id, c.c.incident_id))}
