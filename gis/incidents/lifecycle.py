"""Incident lifecycle: states, allowed transitions, and the committed events that make them.

::

    received → dispatched → accepted → en_route → on_site → released → closed
        ╰──────────┴───────────┴──────────┴─────────┴──→ false_alarm | cancelled

A dispatched, accepted or en-route incident may be dispatched again (another crew, e.g. level
2 when level 1 is late): the first crew is stood down in the same event. Every function here
writes one transaction and returns the committed :class:`~gis.incidents.log.IncidentEvent`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gis.clock import Clock, to_epoch_s
from gis.errors import LiftGuardError
from gis.incidents import claims, schema
from gis.incidents.log import (
    Actor,
    IncidentConflict,
    IncidentEvent,
    IncidentLog,
    append_event,
    get_incident,
)

STATES = ("received", "dispatched", "accepted", "en_route", "on_site", "released", "closed",
          "false_alarm", "cancelled")
TERMINAL_STATES = frozenset({"closed", "false_alarm", "cancelled"})
_ABORT = ("false_alarm", "cancelled")
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "received": ("dispatched", *_ABORT),
    "dispatched": ("accepted", "dispatched", *_ABORT),
    "accepted": ("en_route", "dispatched", *_ABORT),
    "en_route": ("on_site", "dispatched", *_ABORT),
    "on_site": ("released", *_ABORT),
    "released": ("closed",),
    "closed": (), "false_alarm": (), "cancelled": (),
}
#: Column stamped with the time a state is first reached.
STATE_TIME_COLUMN = {"dispatched": "dispatched_at_s", "accepted": "accepted_at_s",
                     "en_route": "en_route_at_s", "on_site": "on_site_at_s",
                     "released": "released_at_s", "closed": "closed_at_s",
                     "false_alarm": "closed_at_s", "cancelled": "closed_at_s"}
#: Chinese labels for the UI and reports.
STATE_LABELS_ZH = {"received": "接警", "dispatched": "派单", "accepted": "接单",
                   "en_route": "出发", "on_site": "到场", "released": "救出",
                   "closed": "闭环", "false_alarm": "误报", "cancelled": "取消"}
AGENCIES = ("maintainer", "119", "110", "property")
AGENCY_STATUSES = ("notified", "acknowledged", "dispatched", "on_site", "done")
#: Agency of a crew by station kind, and the agency status each incident state implies.
CREW_AGENCY = {"maintenance": "maintainer", "fire": "119", "police": "110"}
AGENCY_STATUS_OF_STATE = {"accepted": "acknowledged", "en_route": "dispatched",
                          "on_site": "on_site", "released": "done", "closed": "done"}


#: States in which the incident's crew is no longer committed (``crew_assignments`` freed).
CREW_FREE_STATES = frozenset({"released", *TERMINAL_STATES})


class TransitionError(LiftGuardError):
    """A state change the lifecycle does not allow."""


def stale_version(incident: Mapping[str, Any], seen_version: int) -> IncidentConflict:
    """The loser's error: the screen showed ``seen_version``; carries the current row."""
    return IncidentConflict(
        f"incident {incident['incident_id']} was changed meanwhile: it is now "
        f"{incident['state']} (crew {incident.get('station_id') or 'none'}, taken by "
        f"{incident.get('claimed_by') or 'nobody'}), version {incident['version']} while your "
        f"screen showed {seen_version}; nothing was changed — the board shows the current "
        "state, decide again", incident)


def allowed_next(state: str) -> tuple[str, ...]:
    """States reachable from ``state`` in one step."""
    return TRANSITIONS.get(state, ())


def transition(log: IncidentLog, incident_id: int, to_state: str, *, actor: Actor,
               clock: Clock, note: str = "", expected_version: int | None = None,
               station: Mapping[str, Any] | None = None,
               data: Mapping[str, Any] | None = None) -> IncidentEvent:
    """Move an incident to ``to_state`` and return the committed event.

    Parameters
    ----------
    expected_version
        The version the operator's screen showed; a different current version raises
        :class:`~gis.incidents.log.IncidentConflict` (someone else acted first).
    station
        For ``dispatched``: the chosen option (``station_id``, ``unit_id``, ``eta_s``,
        ``response_level``, ``reason``; a :class:`gis.routing.RescueOption` ``to_dict()``).

    Raises
    ------
    TransitionError
        ``to_state`` is not reachable from the current state, or a dispatch lacks a station.
    """
    if to_state not in STATES:
        raise TransitionError(f"unknown state {to_state!r}; states are {', '.join(STATES)}")
    at_s = to_epoch_s(clock.now())
    with log.write() as conn:
        inc = get_incident(conn, incident_id, lock=True)
        if expected_version is not None and int(inc["version"]) != expected_version:
            raise stale_version(inc, expected_version)
        state = str(inc["state"])
        if to_state not in TRANSITIONS[state]:
            nxt = ", ".join(TRANSITIONS[state]) or "nothing (the incident is finished)"
            raise TransitionError(f"incident {incident_id} is {state}; it can go to {nxt}, "
                                  f"not {to_state}")
        changes: dict[str, Any] = {}
        payload = dict(data or {})
        column = STATE_TIME_COLUMN.get(to_state)
        if column and (to_state == "dispatched" or inc.get(column) is None):
            changes[column] = at_s
        if to_state in TERMINAL_STATES:
            changes["open_code"] = None
        iid = int(inc["incident_id"])
        if to_state == "dispatched":
            changes.update(_dispatch_changes(inc, station, payload))
            claims.check_not_claimed_by_other(inc, actor)
            claims.commit_crew(conn, inc, changes["station_id"], actor=actor, at_s=at_s)
            _set_agency(conn, iid, CREW_AGENCY.get(changes["station_kind"], "maintainer"),
                        "notified", at_s, station_id=changes["station_id"],
                        eta_s=changes["eta_s"])
        elif inc["station_id"] and to_state in AGENCY_STATUS_OF_STATE:
            _set_agency(conn, iid, CREW_AGENCY.get(inc["station_kind"], "maintainer"),
                        AGENCY_STATUS_OF_STATE[to_state], at_s)
        if to_state in CREW_FREE_STATES:
            claims.free_crew(conn, iid)
        return append_event(conn, inc, kind="state", at_s=at_s, actor=actor, note=note,
                            data=payload, to_state=to_state, changes=changes)


def _dispatch_changes(inc: Mapping[str, Any], station: Mapping[str, Any] | None,
                      payload: dict[str, Any]) -> dict[str, Any]:
    if not station or not station.get("station_id"):
        raise TransitionError(f"dispatching incident {inc['incident_id']} needs a station; "
                              "pick one of the recommended options")
    if inc["station_id"]:
        payload["stood_down_station_id"] = inc["station_id"]
    keep = ("station_id", "station_kind", "station_name", "unit_id", "eta_s", "distance_m",
            "response_level", "reason", "meets_limit", "route_lonlat")
    payload["station"] = {k: station[k] for k in keep if k in station}
    level = max(int(inc["level"]), int(station.get("response_level", 1) or 1))
    return {"station_id": str(station["station_id"]),
            "station_kind": str(station.get("station_kind", "maintenance") or "maintenance"),
            "station_unit_id": str(station.get("unit_id", "") or ""),
            "eta_s": float(station["eta_s"]) if station.get("eta_s") is not None else None,
            "level": level, "accepted_at_s": None, "en_route_at_s": None}


def add_note(log: IncidentLog, incident_id: int, note: str, *, actor: Actor,
             clock: Clock) -> IncidentEvent:
    """Append a free-text note (no state change)."""
    if not note.strip():
        raise TransitionError("a note needs some text")
    at_s = to_epoch_s(clock.now())
    with log.write() as conn:
        inc = get_incident(conn, incident_id, lock=True)
        return append_event(conn, inc, kind="note", at_s=at_s, actor=actor, note=note)


def record_escalation(log: IncidentLog, incident_id: int, level: int, *, reasons: list[str],
                      agencies: tuple[str, ...] = (), actor: Actor, clock: Clock,
                      expected_version: int | None = None,
                      data: Mapping[str, Any] | None = None) -> IncidentEvent | None:
    """Raise the response level (never lowers it); notifies ``agencies`` (e.g. 119, 110).

    Returns ``None`` when the incident is already at this level or finished.
    """
    at_s = to_epoch_s(clock.now())
    with log.write() as conn:
        inc = get_incident(conn, incident_id, lock=True)
        if expected_version is not None and int(inc["version"]) != expected_version:
            raise stale_version(inc, expected_version)
        if inc["state"] in TERMINAL_STATES or (level <= int(inc["level"]) and not agencies):
            return None
        new_agencies = [a for a in agencies if a not in _agencies_of(conn, incident_id)]
        if level <= int(inc["level"]) and not new_agencies:
            return None
        payload = {"level": level, "reasons": list(reasons), "agencies": new_agencies,
                   **dict(data or {})}
        for agency in new_agencies:
            info = (data or {}).get("agency_options", {}).get(agency, {})
            _set_agency(conn, incident_id, agency, "notified", at_s,
                        station_id=info.get("station_id", ""), eta_s=info.get("eta_s"))
        return append_event(conn, inc, kind="escalated", at_s=at_s, actor=actor,
                            note="; ".join(reasons), data=payload,
                            changes={"level": max(level, int(inc["level"]))})


def set_agency_status(log: IncidentLog, incident_id: int, agency: str, status: str, *,
                      actor: Actor, clock: Clock, station_id: str = "",
                      eta_s: float | None = None, note: str = "") -> IncidentEvent:
    """Record an agency's status on the joint-response board (an event like any other)."""
    if agency not in AGENCIES:
        raise TransitionError(f"unknown agency {agency!r}; use one of {', '.join(AGENCIES)}")
    if status not in AGENCY_STATUSES:
        raise TransitionError(f"unknown agency status {status!r}; use one of "
                              f"{', '.join(AGENCY_STATUSES)}")
    at_s = to_epoch_s(clock.now())
    with log.write() as conn:
        inc = get_incident(conn, incident_id, lock=True)
        _set_agency(conn, incident_id, agency, status, at_s, station_id=station_id,
                    eta_s=eta_s)
        return append_event(conn, inc, kind="agency", at_s=at_s, actor=actor, note=note,
                            data={"agency": agency, "status": status,
                                  "station_id": station_id, "eta_s": eta_s})


def _agencies_of(conn: Any, incident_id: int) -> set[str]:
    from sqlalchemy import select

    t = schema.agency_status
    return set(conn.execute(select(t.c.agency).where(t.c.incident_id == incident_id)).scalars())


def _set_agency(conn: Any, incident_id: int, agency: str, status: str, at_s: float, *,
                station_id: str = "", eta_s: float | None = None) -> None:
    from sqlalchemy import select

    t = schema.agency_status
    key = (t.c.incident_id == incident_id) & (t.c.agency == agency)
    exists = conn.execute(select(t.c.status).where(key)).scalar_one_or_none()
    values: dict[str, Any] = {"status": status, "updated_at_s": at_s, f"{status}_at_s": at_s}
    if station_id:
        values["station_id"] = station_id
    if eta_s is not None:
        values["eta_s"] = float(eta_s)
    if exists is None:
        conn.execute(t.insert().values(incident_id=incident_id, agency=agency, **values))
    else:
        conn.execute(t.update().where(key).values(**values))
