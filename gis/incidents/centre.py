"""The operator's actions in one object: receive, recommend, dispatch, advance, escalate.

:class:`CommandCentre` binds an :class:`~gis.incidents.log.IncidentLog`, the registry, the
routing engine (optional: intake never depends on routing), the escalation rules, a clock and
who is acting. The command line, the simulator and the Qt board all go through it, so every
path writes the same events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from gis.clock import Clock, SystemClock, from_epoch_s, to_epoch_s
from gis.errors import LiftGuardError, RoutingError
from gis.incidents import claims, dispatch, lifecycle
from gis.incidents.escalation import (
    EscalationRules,
    clock_frame,
    due_escalation,
    special_conditions,
)
from gis.incidents.intake import Alarm, AlarmRejected, ElevatorIndex, IntakeResult, receive_alarm
from gis.incidents.log import Actor, IncidentEvent, IncidentLog

if TYPE_CHECKING:
    from gis.routing import RescueOption, RoutingEngine

log = logging.getLogger("liftguard.incidents")
SYSTEM = "system"


@dataclass(frozen=True)
class Received:
    """An alarm's intake result, the incident's recommendation and any escalation raised."""

    intake: IntakeResult
    recommendation: dispatch.Recommendation | None = None
    escalation: IncidentEvent | None = None
    routing_problem: str = ""


class CommandCentre:
    """Operator actions over one incident log (see module doc).

    Parameters
    ----------
    elevators, stations
        Registry frames (:mod:`gis.registry` columns).
    engine
        A :class:`gis.routing.RoutingEngine` or ``None`` (then no recommendations).
    """

    def __init__(self, log_: IncidentLog, elevators: pd.DataFrame, stations: pd.DataFrame, *,
                 actor: Actor, engine: RoutingEngine | None = None,
                 rules: EscalationRules | None = None, clock: Clock | None = None) -> None:
        self.log = log_
        self.index = ElevatorIndex(elevators)
        self.stations = stations.reset_index(drop=True)
        self.engine = engine
        self.rules = rules or EscalationRules()
        self.clock = clock or SystemClock()
        self.actor = actor
        self.system = Actor(SYSTEM, actor.workstation)
        self.recommendations: dict[int, dispatch.Recommendation] = {}

    # ------------------------------------------------------------------ intake

    def receive(self, alarm: Alarm | AlarmRejected, *, recommend: bool = True) -> Received:
        """Store an alarm, open/merge its incident, escalate special conditions at once and
        compute the recommendation (not for duplicates or rejected alarms)."""
        result = receive_alarm(self.log, self.index, alarm, actor=self.actor, clock=self.clock,
                               rules=self.rules)
        if not result.accepted or result.duplicate or result.incident_id is None:
            return Received(result)
        escalation = self._escalate(self.log.incident(result.incident_id))
        rec, problem = None, ""
        if recommend and self.engine is not None:
            try:
                rec = self.recommend(result.incident_id)
            except RoutingError as exc:
                problem = str(exc)
        return Received(result, rec, escalation, problem)

    # ------------------------------------------------------------------ dispatch

    def recommend(self, incident_id: int) -> dispatch.Recommendation:
        """Options for an incident at its current level (busy crews left out)."""
        if self.engine is None:
            raise RoutingError("no road graph is loaded, so there is no recommendation; run "
                               "`liftguard roads import FILE.osm --db ...` first")
        inc = self.log.incident(incident_id)
        exclude = {inc["station_id"]} if inc["station_id"] else set()
        # The contracted maintainer stays first unless it has already been sent or the
        # incident went to level 2 for lateness (specials raise the level but keep it first).
        tried = bool(inc["station_id"]) and inc["station_unit_id"] == inc["maintenance_unit_id"]
        late = int(inc["level"]) >= 2 and not special_conditions(inc, self.rules)
        rec = dispatch.recommend(self.engine, inc, stations=self.stations,
                                 busy=self.log.busy_station_ids(),
                                 level=2 if (tried or late) else 1, exclude=exclude,
                                 at=self.clock.now())
        self.recommendations[incident_id] = rec
        return rec

    def dispatch(self, incident_id: int, choice: int | RescueOption | Mapping[str, Any] = 0, *,
                 expected_version: int | None = None, note: str = "") -> IncidentEvent:
        """Commit a crew: ``choice`` is an option index of the last recommendation (0 = the
        recommended one) or an option itself."""
        rec = self.recommendations.get(incident_id)
        if isinstance(choice, int):
            if rec is None:
                rec = self.recommend(incident_id)
            if not 0 <= choice < len(rec.options):
                raise LiftGuardError(f"incident {incident_id} has {len(rec.options)} options; "
                                     f"pick 1..{len(rec.options)}")
            option: Mapping[str, Any] = rec.options[choice].to_dict()
            rank = choice
        else:
            option = choice if isinstance(choice, Mapping) else choice.to_dict()
            rank = next((i for i, o in enumerate(rec.options if rec else [])
                         if o.station_id == option.get("station_id")), -1)
        data = {"rank": rank, "recommended": [
            {"station_id": o.station_id, "eta_s": round(o.eta_s, 1), "reason": o.reason}
            for o in (rec.options if rec else [])]}
        ev = lifecycle.transition(self.log, incident_id, "dispatched", actor=self.actor,
                                  clock=self.clock, note=note, station=option, data=data,
                                  expected_version=expected_version)
        self.recommendations.pop(incident_id, None)
        return ev

    def advance(self, incident_id: int, to_state: str, *, note: str = "",
                expected_version: int | None = None, actor: Actor | None = None
                ) -> IncidentEvent:
        """Any non-dispatch transition (accepted, en_route, on_site, released, closed,
        false_alarm, cancelled)."""
        if to_state == "dispatched":
            return self.dispatch(incident_id, expected_version=expected_version, note=note)
        ev = lifecycle.transition(self.log, incident_id, to_state, actor=actor or self.actor,
                                  clock=self.clock, note=note,
                                  expected_version=expected_version)
        if to_state in lifecycle.TERMINAL_STATES:
            self.recommendations.pop(incident_id, None)
        return ev

    # ------------------------------------------------------------------ claims

    def claim(self, incident_id: int, *, take_over: bool = False, note: str = ""
              ) -> IncidentEvent:
        """Take the incident for this operator; raises
        :class:`~gis.incidents.claims.IncidentClaimed` (with the current row) if another
        operator holds it, unless ``take_over``."""
        return claims.claim(self.log, incident_id, actor=self.actor, clock=self.clock,
                            take_over=take_over, note=note)

    def release_claim(self, incident_id: int, *, note: str = "") -> IncidentEvent:
        """Give the incident back so another operator may take it."""
        return claims.release_claim(self.log, incident_id, actor=self.actor,
                                    clock=self.clock, note=note)

    # ------------------------------------------------------------------ escalation

    def check_escalations(self) -> list[IncidentEvent]:
        """Record every escalation now due on open incidents (as the ``system`` operator)."""
        events = []
        for row in self.log.incident_rows(open_only=True):
            ev = self._escalate(row)
            if ev is not None:
                events.append(ev)
        return events

    def _escalate(self, inc: Mapping[str, Any]) -> IncidentEvent | None:
        due = due_escalation(inc, self.rules, to_epoch_s(self.clock.now()))
        if due is None:
            return None
        data: dict[str, Any] = {}
        if due.agencies and self.engine is not None:
            try:
                found = dispatch.agency_options(self.engine, inc, stations=self.stations,
                                                agencies=due.agencies, at=self.clock.now())
                data["agency_options"] = {a: {"station_id": o.station_id,
                                              "eta_s": round(o.eta_s, 1),
                                              "station_name": o.station_name}
                                          for a, o in found.items()}
            except RoutingError as exc:
                data["routing_problem"] = str(exc)
        ev = lifecycle.record_escalation(self.log, int(inc["incident_id"]), due.level,
                                         reasons=list(due.reasons), agencies=due.agencies,
                                         actor=self.system, clock=self.clock, data=data)
        if ev is not None:
            self.recommendations.pop(int(inc["incident_id"]), None)
        return ev

    # ------------------------------------------------------------------ views

    def board(self, *, open_only: bool = True) -> pd.DataFrame:
        """Incidents with their clock (``elapsed_s``, ``time_left_s``, ``eta_left_s``,
        ``urgency``), most urgent first."""
        frame = self.log.incidents(open_only=open_only)
        if frame.empty:
            return frame
        clock = clock_frame(frame, self.rules, to_epoch_s(self.clock.now()))
        out = pd.concat([frame, clock], axis=1)
        return out.sort_values(["time_left_s", "incident_id"], na_position="last")

    def move_up_warning(self, station_id: str) -> pd.DataFrame:
        """Elevators left without a station within the limit when ``station_id`` is
        committed (see :func:`gis.incidents.dispatch.coverage_loss`)."""
        if self.engine is None:
            raise RoutingError("no road graph is loaded; the coverage warning needs one")
        return dispatch.coverage_loss(self.engine, self.index.elevators,
                                      stations=self.stations,
                                      busy=self.log.busy_station_ids() - {station_id},
                                      committed=station_id, at=self.clock.now())

    def now_text(self) -> str:
        return from_epoch_s(to_epoch_s(self.clock.now())).isoformat()
