"""A realistic alarm simulator that drives the real intake and plays the crews' side too.

Alarms arrive as a Poisson process at ``rate_per_h``, weighted to old and unmonitored elevators
(age ≥ 15 and ≥ 20 years and no IoT device raise the weight) with typical causes; an IoT
elevator usually reports automatically, others through a passenger (car alarm, smart code,
hotline) or a referral (110, 12345, property, 119). Some entrapments are reported twice through
another channel (merged), a few are false alarms, and about 1 % of IoT messages are malformed
(rejected with a reason; intake goes on).

The operator confirms the recommended dispatch after a short delay; crews accept, depart after
their turnout and arrive at the routed ETA times a log-normal spread, release the passengers
and close. Escalations are checked every minute: a level-2 proposal is dispatched, 119/110 of a
joint response acknowledge, dispatch and arrive.

Time is a :class:`gis.clock.SimulatedClock`: ``speed=None`` runs as fast as the database
allows (a whole shift in seconds), ``speed=60`` plays one simulated minute per real second.
Every event goes through :class:`~gis.incidents.centre.CommandCentre`, so each is committed
before ``on_event`` sees it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gis.clock import SimulatedClock, to_epoch_s
from gis.errors import ConfigError, LiftGuardError
from gis.incidents import lifecycle
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import AlarmRejected, make_alarm, parse_alarm_json
from gis.incidents.log import Actor, IncidentEvent

DEFAULT_CAUSES: Mapping[str, float] = {
    "entrapment": 0.78, "power_failure": 0.05, "fault_stop": 0.04, "door_fault": 0.03,
    "injury_illness": 0.03, "water_ingress": 0.02, "public_order": 0.02, "fire_smoke": 0.01,
    "other": 0.02,
}
_PASSIVE = {"110": 0.5, "12345": 0.25, "property": 0.2, "119": 0.05}
_ACTIVE = {"car_alarm": 0.5, "smart_code": 0.3, "hotline": 0.2}


@dataclass(frozen=True)
class SimulationSettings:
    """Rates, shares and delays of the simulated shift (all times in seconds)."""

    rate_per_h: float = 20.0
    hours: float = 8.0
    seed: int = 0
    causes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CAUSES))
    duplicate_share: float = 0.15
    false_alarm_share: float = 0.05
    malformed_share: float = 0.01
    operator_delay_s: tuple[float, float] = (15.0, 90.0)
    accept_delay_s: tuple[float, float] = (20.0, 120.0)
    eta_sigma: float = 0.25
    release_s: tuple[float, float] = (300.0, 1500.0)
    close_s: tuple[float, float] = (120.0, 600.0)
    check_every_s: float = 60.0

    def __post_init__(self) -> None:
        if not 0 < self.rate_per_h <= 3600:
            raise ConfigError(f"alarm rate must be in 0..3600 per hour, got {self.rate_per_h}")
        if not 0 < self.hours <= 24 * 31:
            raise ConfigError(f"hours must be in 0..744, got {self.hours}")


@dataclass
class SimulationSummary:
    alarms: int = 0
    rejected: int = 0
    incidents: int = 0
    events: int = 0
    escalations: int = 0
    wall_s: float = 0.0


def elevator_weights(elevators: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Alarm weight per elevator: old (15+, 20+ years) and unmonitored ones alarm more often."""
    from gis.registry import age_years

    years = age_years(elevators, as_of)
    w = 1.0 + 1.5 * (years >= 15) + 1.5 * (years >= 20)
    w = w * np.where(elevators["iot_device"].astype(str).to_numpy() == "none", 1.8, 1.0)
    return w / w.sum()


class ShiftSimulator:
    """Plays one shift through a :class:`CommandCentre` whose clock is a SimulatedClock."""

    def __init__(self, centre: CommandCentre, settings: SimulationSettings, *,
                 on_event: Callable[[IncidentEvent], None] | None = None,
                 elevators: pd.DataFrame | None = None) -> None:
        if not isinstance(centre.clock, SimulatedClock):
            raise ConfigError("the simulator needs a SimulatedClock in the command centre")
        self.cc, self.s, self.clock = centre, settings, centre.clock
        self.on_event = on_event or (lambda _e: None)
        self.rng = np.random.default_rng(settings.seed)
        self.pool = (elevators if elevators is not None else centre.index.elevators)
        if self.pool.empty:
            raise LiftGuardError("no elevator to simulate alarms for (none on the road network)")
        as_of = self.clock.now().date()
        self.weights = elevator_weights(self.pool, as_of)
        self.queue: list[tuple[float, int, str, dict[str, Any]]] = []
        self.counter = itertools.count()
        self.crew: dict[int, str] = {}  # incident -> station currently sent (stale plans skip)
        self.waiting: list[int] = []  # incidents waiting for a free crew, oldest first
        self.crew_actor = Actor("crew", centre.actor.workstation)
        self.summary = SimulationSummary()

    # ------------------------------------------------------------------ scheduling

    def _at(self, when_s: float, action: str, **kw: Any) -> None:
        heapq.heappush(self.queue, (when_s, next(self.counter), action, kw))

    def _u(self, lo_hi: tuple[float, float]) -> float:
        return float(self.rng.uniform(*lo_hi))

    def plan_alarms(self, start_s: float) -> None:
        n = int(self.rng.poisson(self.s.rate_per_h * self.s.hours))
        times = np.sort(self.rng.uniform(0, self.s.hours * 3600, n)) + start_s
        picks = self.rng.choice(len(self.pool), size=n, p=self.weights)
        causes = self.rng.choice(list(self.s.causes), size=n,
                                 p=np.array(list(self.s.causes.values())) /
                                 sum(self.s.causes.values()))
        for t, pos, cause in zip(times, picks, causes, strict=True):
            self._at(float(t), "alarm", pos=int(pos), cause=str(cause), repeat=False)
        ticks = np.arange(start_s, start_s + self.s.hours * 3600 + 4 * 3600, self.s.check_every_s)
        for t in ticks:
            self._at(float(t), "check")

    def adopt_open(self, start_s: float) -> None:
        """Give incidents left open by an earlier (killed) run their next step."""
        nxt = {"received": "dispatch", "dispatched": "accepted", "accepted": "en_route",
               "en_route": "on_site", "on_site": "released", "released": "closed"}
        for row in self.cc.log.incident_rows(open_only=True):
            iid = int(row["incident_id"])
            self.crew[iid] = str(row["station_id"])
            self._at(start_s + self._u((5, 60)), nxt[row["state"]], iid=iid,
                     station=str(row["station_id"]))

    # ------------------------------------------------------------------ running

    def run(self, *, start: dt.datetime | None = None) -> SimulationSummary:
        wall0 = time.perf_counter()
        start_s = to_epoch_s(start or self.clock.now())
        self.adopt_open(start_s)
        self.plan_alarms(start_s)
        end_s = start_s + self.s.hours * 3600
        while self.queue:
            when_s, _n, action, kw = heapq.heappop(self.queue)
            if action == "check" and when_s > end_s and not self._any_open():
                break
            self.clock.sleep(when_s - to_epoch_s(self.clock.now()))
            try:
                getattr(self, f"_do_{action}")(**kw)
            except (lifecycle.TransitionError, AlarmRejected):
                continue  # the incident moved on (e.g. a false alarm); the plan is stale
        self.summary.wall_s = time.perf_counter() - wall0
        return self.summary

    def _any_open(self) -> bool:
        return self.cc.log.count_open() > 0

    def _emit(self, ev: IncidentEvent | None) -> None:
        if ev is not None:
            self.summary.events += 1
            self.on_event(ev)

    # ------------------------------------------------------------------ actions

    def _channel(self, el: Mapping[str, Any]) -> tuple[str, str]:
        r = self.rng.random()
        if str(el.get("iot_device", "none")) != "none" and r < 0.7:
            return "automatic", ""
        if r < 0.8:
            return "active", str(self.rng.choice(list(_ACTIVE), p=list(_ACTIVE.values())))
        return "passive", str(self.rng.choice(list(_PASSIVE), p=list(_PASSIVE.values())))

    def _do_alarm(self, pos: int, cause: str, repeat: bool, channel: tuple | None = None
                  ) -> None:
        el = self.pool.iloc[pos]
        ch, source = channel or self._channel(el)
        self.summary.alarms += 1
        trapped = int(self.rng.integers(6, 12)) if self.rng.random() < 0.01 else \
            int(self.rng.integers(1, 4))
        if ch == "automatic":
            alarm = self._iot_message(el, cause, trapped)
        else:
            alarm = make_alarm(ch, str(el["rescue_code"]), alarm_type=cause, source=source,
                               at=self.clock.now(), trapped_count=trapped)
        got = self.cc.receive(alarm, recommend=False)
        if not got.intake.accepted:
            self.summary.rejected += 1
            return
        self._emit(got.intake.event)
        self._emit(got.escalation)
        if got.intake.merged or got.intake.duplicate:
            return
        self.summary.incidents += 1
        iid = int(got.intake.incident_id)
        now_s = to_epoch_s(self.clock.now())
        if not repeat and self.rng.random() < self.s.duplicate_share:
            other = ("passive", "110") if ch != "passive" else ("active", "hotline")
            self._at(now_s + self._u((30, 300)), "alarm", pos=pos, cause=cause, repeat=True,
                     channel=other)
        if self.rng.random() < self.s.false_alarm_share:
            self._at(now_s + self._u((60, 240)), "false_alarm", iid=iid)
        else:
            self._at(now_s + self._u(self.s.operator_delay_s), "dispatch", iid=iid)

    def _iot_message(self, el: Mapping[str, Any], cause: str, trapped: int
                     ) -> Any:
        msg = {"message_id": f"sim-{self.s.seed}-{next(self.counter)}",
               "device_id": f"IOT-{el['registration_code']}",
               "registration_code": str(el["registration_code"]), "alarm_type": cause,
               "time": self.clock.now().isoformat(), "trapped_count": trapped}
        if self.rng.random() < self.s.malformed_share:
            broken = dict(msg, time="yesterday") if self.rng.random() < 0.5 else None
            text = json.dumps(broken) if broken else json.dumps(msg)[:-7]
        else:
            text = json.dumps(msg, ensure_ascii=False)
        try:
            return parse_alarm_json(text)
        except AlarmRejected as exc:
            return exc

    def _do_false_alarm(self, iid: int) -> None:
        self._emit(self.cc.advance(iid, "false_alarm", note="caller confirms no one trapped"))

    def _do_dispatch(self, iid: int, station: str = "") -> None:
        inc = self.cc.log.incident(iid)
        if inc["state"] in lifecycle.TERMINAL_STATES:
            if iid in self.waiting:
                self.waiting.remove(iid)
            return
        rec = self.cc.recommend(iid)
        if not rec.options:  # every crew busy: wait for the next released crew (or 10 min)
            if iid not in self.waiting:
                self.waiting.append(iid)
                self._at(to_epoch_s(self.clock.now()) + 600.0, "dispatch", iid=iid)
            return
        if iid in self.waiting:
            self.waiting.remove(iid)
        ev = self.cc.dispatch(iid, 0)
        self._emit(ev)
        option = rec.options[0]
        self.crew[iid] = option.station_id
        now_s = to_epoch_s(self.clock.now())
        accept = now_s + self._u(self.s.accept_delay_s)
        depart = now_s + max(option.turnout_s, accept - now_s + 1)
        travel = (option.eta_s - option.turnout_s) * float(self.rng.lognormal(0, self.s.eta_sigma))
        self._at(accept, "accepted", iid=iid, station=option.station_id)
        self._at(depart, "en_route", iid=iid, station=option.station_id)
        self._at(depart + max(travel, 30.0), "on_site", iid=iid, station=option.station_id)

    def _crew_step(self, iid: int, station: str, state: str, then: str | None,
                   delay: tuple[float, float] | None) -> None:
        if self.crew.get(iid, "") != station:
            return  # this crew was stood down
        self._emit(self.cc.advance(iid, state, actor=self.crew_actor))
        if then and delay:
            self._at(to_epoch_s(self.clock.now()) + self._u(delay), then, iid=iid,
                     station=station)

    def _do_accepted(self, iid: int, station: str) -> None:
        self._crew_step(iid, station, "accepted", None, None)

    def _do_en_route(self, iid: int, station: str) -> None:
        self._crew_step(iid, station, "en_route", None, None)

    def _do_on_site(self, iid: int, station: str) -> None:
        self._crew_step(iid, station, "on_site", "released", self.s.release_s)

    def _do_released(self, iid: int, station: str) -> None:
        self._crew_step(iid, station, "released", "closed", self.s.close_s)
        if self.waiting:  # the freed crew can take the oldest waiting incident
            self._at(to_epoch_s(self.clock.now()) + self._u(self.s.operator_delay_s),
                     "dispatch", iid=self.waiting[0])

    def _do_closed(self, iid: int, station: str) -> None:
        self._emit(self.cc.advance(iid, "closed", note="passengers safe, elevator handed over"))
        self.crew.pop(iid, None)

    def _do_check(self) -> None:
        for ev in self.cc.check_escalations():
            self._emit(ev)
            self.summary.escalations += 1
            now_s = to_epoch_s(self.clock.now())
            if ev.data.get("level") == 2:
                self._at(now_s + self._u(self.s.operator_delay_s), "dispatch", iid=ev.incident_id)
            for agency, info in ev.data.get("agency_options", {}).items():
                for status, after in (("acknowledged", 60.0), ("dispatched", 120.0),
                                      ("on_site", 120.0 + float(info.get("eta_s", 600)))):
                    self._at(now_s + after * float(self.rng.uniform(0.8, 1.3)), "agency",
                             iid=ev.incident_id, agency=agency, status=status,
                             station=info.get("station_id", ""))

    def _do_agency(self, iid: int, agency: str, status: str, station: str) -> None:
        inc = self.cc.log.incident(iid)
        if inc["state"] in lifecycle.TERMINAL_STATES:
            return
        self._emit(lifecycle.set_agency_status(self.cc.log, iid, agency, status,
                                               actor=Actor(f"{agency} liaison",
                                                           self.cc.actor.workstation),
                                               clock=self.clock, station_id=station))
