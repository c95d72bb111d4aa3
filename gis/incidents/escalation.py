"""Three-level response (三级响应): rules as configuration, and the incident clock.

Level 1 is the contracted maintainer. When its crew is not on site by the limit, or its ETA
already misses it, the board proposes **level 2** (the nearest other maintainer or rescue
station). When level 2 also fails to arrive in time, or at once for special conditions (fire or
smoke, injury or illness, water, many trapped, public order), **level 3**: a joint response
with 119 and/or 110.

Nothing here reads the wall clock: every function takes ``now_s`` (epoch seconds), which
callers get from an injected :class:`gis.clock.Clock`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from gis.config import Config
from gis.errors import ConfigError

#: Agencies brought in by each special condition (default; see :class:`EscalationRules`).
DEFAULT_SPECIAL_AGENCIES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "fire_smoke": ("119", "110"),
    "injury_illness": ("119",),
    "water_ingress": ("119",),
    "many_trapped": ("119", "110"),
    "public_order": ("110",),
})
URGENCIES = ("done", "ok", "at_risk", "predicted_late", "late")


@dataclass(frozen=True)
class EscalationRules:
    """When to move up a response level, and the rescue clock (documented defaults).

    Attributes
    ----------
    limit_s
        Rescuer on site within this many seconds (TSG T5002: 30 min in cities; 1 h elsewhere:
        use ``district_limit_s``).
    district_limit_s
        Per-district override of ``limit_s`` (district adcode → seconds).
    clock_start
        ``"report"`` (default, TSG T5002: from the trapped-passenger report) or ``"dispatch"``
        (some ordinances start at the platform's dispatch order).
    district_clock_start
        Per-district override of ``clock_start``.
    warn_before_s
        An incident not yet on site is flagged *at risk* this long before its limit (5 min).
    level2_when_predicted_late
        Propose level 2 as soon as level 1's ETA misses the limit, not only when it has passed.
    level3_after_level2_s
        Level 2 not on site this long after it was dispatched (or after the limit, if it was
        never dispatched) → level 3 (default 15 min).
    many_trapped
        This many trapped passengers or more is a special condition (default 5; an assumption
        to set locally).
    special_agencies
        Agencies called at once per special condition (alarm type or ``many_trapped``).
    late_agencies
        Agencies called when levels 1 and 2 fail (default 119 and 110).
    merge_window_s
        An alarm for an elevator whose incident was closed less than this long ago (after
        its last alarm) joins that incident as a late source instead of opening a new one.
        Alarms for an elevator with an open incident always join it (default 10 min).
    """

    limit_s: float = 30 * 60
    district_limit_s: Mapping[str, float] = field(default_factory=dict)
    clock_start: str = "report"
    district_clock_start: Mapping[str, str] = field(default_factory=dict)
    warn_before_s: float = 5 * 60
    level2_when_predicted_late: bool = True
    level3_after_level2_s: float = 15 * 60
    many_trapped: int = 5
    special_agencies: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_SPECIAL_AGENCIES))
    late_agencies: tuple[str, ...] = ("119", "110")
    merge_window_s: float = 10 * 60

    def __post_init__(self) -> None:
        starts = {self.clock_start, *self.district_clock_start.values()}
        if not starts <= {"report", "dispatch"}:
            raise ConfigError(f"clock_start must be 'report' or 'dispatch', got {starts}")
        limits = [self.limit_s, *self.district_limit_s.values()]
        if min(limits) <= 0 or self.warn_before_s < 0 or self.level3_after_level2_s <= 0:
            raise ConfigError("escalation limits must be positive numbers of seconds")
        if self.many_trapped < 2 or self.merge_window_s < 0:
            raise ConfigError("many_trapped must be at least 2 and merge_window_s >= 0")

    @classmethod
    def from_config(cls, config: Config, *, districts: Iterable[str] = (),
                    **overrides: Any) -> EscalationRules:
        """Rules with the limits and clock starts of ``config``.

        ``districts`` are the codes in play: each gets :meth:`Config.rescue_limit_s` (1 h in
        counties, 30 min in cities, explicit overrides), so the clock of an incident follows
        its district.
        """
        codes = {str(c) for c in districts} | set(config.rescue_limits_by_district)
        limits = {c: config.rescue_limit_s(c) for c in sorted(codes)}
        limits = {c: v for c, v in limits.items() if v != config.rescue_limit_city_s}
        overrides.setdefault("district_limit_s", limits)
        overrides.setdefault("district_clock_start", dict(config.rescue_clock_start))
        return cls(limit_s=config.rescue_limit_city_s, **overrides)

    def limit_for(self, district_adcode: str) -> float:
        return float(self.district_limit_s.get(district_adcode, self.limit_s))

    def starts_at_dispatch(self, district_adcode: str) -> bool:
        return self.district_clock_start.get(district_adcode, self.clock_start) == "dispatch"


def clock_frame(incidents: pd.DataFrame, rules: EscalationRules, now_s: float) -> pd.DataFrame:
    """The rescue clock of every incident at ``now_s`` (vectorised; for the board).

    Returns
    -------
    pandas.DataFrame
        Index as ``incidents``; ``elapsed_s`` (since report), ``deadline_s`` (NaN while a
        dispatch-started clock has not started), ``time_left_s``, ``arrival_s`` (actual or
        predicted: dispatch + ETA), ``eta_left_s``, ``urgency`` (one of :data:`URGENCIES`).
    """
    cols = {c: incidents[c].to_numpy() for c in _CLOCK_INPUTS if c in incidents}
    return pd.DataFrame(clock_arrays(cols, rules, now_s, n=len(incidents)),
                        index=incidents.index)


_CLOCK_INPUTS = ("reported_at_s", "dispatched_at_s", "on_site_at_s", "eta_s", "limit_s",
                 "district_adcode", "state")


def clock_arrays(cols: Mapping[str, Any], rules: EscalationRules, now_s: float, *,
                 n: int) -> dict[str, np.ndarray]:
    """:func:`clock_frame` on plain arrays (no pandas; also used for one incident)."""
    def num(c: str) -> np.ndarray:
        if c not in cols:
            return np.full(n, np.nan)
        return np.array([np.nan if v is None else v for v in cols[c]], dtype=float) \
            if np.asarray(cols[c]).dtype == object else np.asarray(cols[c], dtype=float)

    reported, dispatched = num("reported_at_s"), num("dispatched_at_s")
    on_site, eta, limit = num("on_site_at_s"), num("eta_s"), num("limit_s")
    districts = cols.get("district_adcode", [""] * n)
    at_dispatch = np.array([rules.starts_at_dispatch(str(d)) for d in districts], dtype=bool)
    deadline = np.where(at_dispatch, dispatched, reported) + limit
    predicted = dispatched + eta
    arrival = np.where(np.isfinite(on_site), on_site, predicted)
    time_left = deadline - now_s
    states = np.asarray(cols.get("state", ["received"] * n), dtype=object)
    finished = np.isin(states, ["released", "closed", "false_alarm", "cancelled"])
    arrived = np.isfinite(on_site)
    with np.errstate(invalid="ignore"):
        late = np.where(arrived, on_site > deadline, now_s > deadline)
        predicted_late = ~arrived & np.isfinite(predicted) & (predicted > deadline)
        at_risk = ~arrived & (time_left <= rules.warn_before_s)
    urgency = np.select([finished | (arrived & ~late), late, predicted_late, at_risk],
                        ["done", "late", "predicted_late", "at_risk"], "ok")
    return {"elapsed_s": now_s - reported, "deadline_s": deadline, "time_left_s": time_left,
            "arrival_s": arrival, "eta_left_s": arrival - now_s, "urgency": urgency}


@dataclass(frozen=True)
class Escalation:
    """A level an incident should be at now, why, and which agencies to call."""

    incident_id: int
    level: int
    reasons: tuple[str, ...]
    agencies: tuple[str, ...] = ()


def special_conditions(incident: Mapping[str, Any], rules: EscalationRules) -> list[str]:
    """Special conditions of an incident (keys of ``rules.special_agencies``)."""
    found = [str(incident.get("cause", ""))]
    if int(incident.get("trapped_count", 0) or 0) >= rules.many_trapped:
        found.append("many_trapped")
    return [c for c in found if c in rules.special_agencies]


def due_escalation(incident: Mapping[str, Any], rules: EscalationRules,
                   now_s: float) -> Escalation | None:
    """The escalation an open incident needs at ``now_s``, or ``None``.

    Only raises: an incident already at the due level with its agencies notified gets
    ``None`` from the caller's record step (see :func:`gis.incidents.lifecycle.record_escalation`).
    """
    if incident["state"] in ("released", "closed", "false_alarm", "cancelled") \
            or (incident.get("on_site_at_s") is not None and np.isfinite(
                float(incident["on_site_at_s"]))):
        return None
    iid, level = int(incident["incident_id"]), int(incident["level"])
    specials = special_conditions(incident, rules)
    if specials and level < 3:
        agencies = tuple(dict.fromkeys(a for c in specials for a in rules.special_agencies[c]))
        return Escalation(iid, 3, tuple(f"special condition: {c}" for c in specials), agencies)
    clock = {k: v[0] for k, v in clock_arrays(
        {c: [incident.get(c)] for c in _CLOCK_INPUTS}, rules, now_s, n=1).items()}
    deadline = float(clock["deadline_s"])
    if level >= 3:
        return None
    if level == 2:
        since = _num(incident.get("dispatched_at_s")) if incident.get("station_id") else np.nan
        base = since if np.isfinite(since) and since > deadline else deadline
        if np.isfinite(base) and now_s > base + rules.level3_after_level2_s:
            return Escalation(iid, 3, ("level 2 not on site in time",), rules.late_agencies)
        return None
    if np.isfinite(deadline) and now_s > deadline:
        return Escalation(iid, 2, ("level 1 not on site by the limit",))
    if rules.level2_when_predicted_late and clock["urgency"] == "predicted_late":
        late_min = (float(clock["arrival_s"]) - deadline) / 60
        return Escalation(iid, 2, (f"level 1 ETA misses the limit by {late_min:.0f} min",))
    return None


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
