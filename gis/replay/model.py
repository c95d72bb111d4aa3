"""The replay model: incidents, events and crew trips, and what was shown at any time.

:class:`Replay` holds the incidents, their events (sorted once at load) and the crew
:class:`Trips`; :meth:`Replay.state_at` answers "what did the board and the map show at ``t``"
with a few ``searchsorted`` and fancy-indexing calls (no per-event Python loop per frame).
The constants here are the vocabulary of replay records (``docs/replay-format.md``).
All times are epoch seconds UTC (``*_s``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gis.errors import RowProblem
from gis.incidents.escalation import EscalationRules, clock_arrays

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
STATE_EVENTS = ("dispatched", "accepted", "en_route", "on_site", "released", "closed",
                "false_alarm", "cancelled")
TERMINAL = frozenset({"closed", "false_alarm", "cancelled"})
#: Every event a replay file may hold (``event`` field); ``received`` is a synonym of the
#: first ``alarm`` of an incident.
EVENT_KINDS = ("alarm", "received", *STATE_EVENTS, "escalated", "agency", "note")
STATES = ("received", *STATE_EVENTS)
#: Colour class of each state on the replay map (index = class code), RGB.
COLOUR_CLASSES: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("received", (215, 25, 28)), ("dispatched", (253, 141, 60)),
    ("en_route", (255, 200, 40)), ("on_site", (44, 162, 95)),
    ("released", (116, 196, 118)), ("closed", (150, 150, 150)))
_CLASS_OF_STATE = np.array([0, 1, 1, 2, 3, 4, 5, 5, 5])  # per STATES
JOINT_AGENCIES = ("119", "110")
AGENCY_STATUSES = ("notified", "acknowledged", "dispatched", "on_site", "done")
#: Columns of the replay file (docs/replay-format.md), in CSV order.
RECORD_FIELDS = ("incident", "time", "event", "registration_code", "lon", "lat",
                 "district_adcode", "district_name", "address", "maintenance_unit_id", "cause",
                 "channel", "source", "trapped_count", "limit_s", "level", "agencies", "agency",
                 "agency_status", "station_id", "station_kind", "unit_id", "eta_s", "route",
                 "note", "operator", "workstation")


# =============================================================================== the replay


@dataclass
class Trips:
    """Crew movements: one row per trip, routes as one flat vertex array.

    ``v_cum_m`` is the distance along each route plus a per-trip offset, so it increases over
    the whole array and one ``searchsorted`` finds the segment of every moving crew at once.
    """

    incident: np.ndarray  # position in Replay.incidents
    agency: np.ndarray  # "maintainer", "119", "110"
    station_id: np.ndarray
    start_s: np.ndarray  # departure
    arrive_s: np.ndarray  # arrival (recorded, or planned when stood down)
    end_s: np.ndarray  # arrival or stand-down
    first: np.ndarray  # first vertex of the route in the flat arrays
    last: np.ndarray  # last vertex (inclusive)
    route_source: np.ndarray  # "recorded", "recomputed", "straight"
    v_lon: np.ndarray
    v_lat: np.ndarray
    v_cum_m: np.ndarray

    def __len__(self) -> int:
        return len(self.start_s)


@dataclass(frozen=True)
class ReplayState:
    """What the board and the map showed at ``t_s``.

    Incident arrays cover the incidents open at ``t_s`` (``rows`` are their positions in
    :attr:`Replay.incidents`); crew arrays the trips under way.
    """

    t_s: float
    rows: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    state: np.ndarray  # state names
    colour: np.ndarray  # index into COLOUR_CLASSES
    urgency: np.ndarray  # ok, at_risk, predicted_late, late, done
    time_left_s: np.ndarray
    elapsed_s: np.ndarray
    level: np.ndarray
    fire: np.ndarray  # 119 status ("" when not involved)
    police: np.ndarray  # 110 status
    station_id: np.ndarray
    crew_lon: np.ndarray
    crew_lat: np.ndarray
    crew_agency: np.ndarray
    crew_incident: np.ndarray  # incident positions
    crew_progress: np.ndarray  # 0..1 along the route

    @property
    def n_open(self) -> int:
        return len(self.rows)


@dataclass
class Replay:
    """Incidents, their events and crew trips, ready to be queried at any time.

    Attributes
    ----------
    incidents
        One row per incident: ``incident`` (id text), ``registration_code``, ``lon``, ``lat``,
        ``district_adcode``, ``district_name``, ``address``, ``maintenance_unit_id``,
        ``cause``, ``channel``, ``trapped_count``, ``limit_s``, ``start_s`` (report),
        ``end_s`` (closure, +inf if still open when the record stops), ``final_state``.
    events
        One row per event, by time: ``at_s``, ``inc`` (incident position), ``incident``,
        ``event``, ``state`` (the incident's state after it), ``level``, ``agency``,
        ``agency_status``, ``station_id``, ``eta_s``, ``note``, ``operator``, ``line``
        (line of the source file or event id of the log), ``text`` (one-line description).
    problems
        Bad lines that were left out (empty for a clean source).
    """

    incidents: pd.DataFrame
    events: pd.DataFrame
    trips: Trips
    rules: EscalationRules = field(default_factory=EscalationRules)
    problems: list[RowProblem] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index()

    # ------------------------------------------------------------------ time range
    @property
    def start_s(self) -> float:
        return float(self.events["at_s"].iloc[0]) if len(self.events) else 0.0

    @property
    def end_s(self) -> float:
        return float(self.events["at_s"].iloc[-1]) if len(self.events) else 0.0

    @property
    def event_times_s(self) -> np.ndarray:
        return self._ev_at

    def next_event_s(self, t_s: float) -> float | None:
        """Time of the first event strictly after ``t_s`` (None at the end)."""
        k = int(np.searchsorted(self._ev_at, t_s, side="right"))
        return float(self._ev_at[k]) if k < len(self._ev_at) else None

    def previous_event_s(self, t_s: float) -> float | None:
        """Time of the last event strictly before ``t_s``."""
        k = int(np.searchsorted(self._ev_at, t_s, side="left"))
        return float(self._ev_at[k - 1]) if k > 0 else None

    def event_row_at(self, t_s: float) -> int:
        """Row of the last event at or before ``t_s`` (-1 before the first)."""
        return int(np.searchsorted(self._ev_at, t_s, side="right")) - 1

    # ------------------------------------------------------------------ indexes
    def _index(self) -> None:
        ev, inc = self.events, self.incidents
        n = len(inc)
        self._ev_at = ev["at_s"].to_numpy(float)
        self._inc_start = inc["start_s"].to_numpy(float)
        self._inc_end = inc["end_s"].to_numpy(float)
        self._lon, self._lat = inc["lon"].to_numpy(float), inc["lat"].to_numpy(float)
        self._limit = inc["limit_s"].to_numpy(float)
        self._district = inc["district_adcode"].astype(str).to_numpy(object)
        kind = ev["event"].to_numpy(object)
        pos = ev["inc"].to_numpy(np.int64)
        st = np.isin(kind, STATE_EVENTS)
        self._st = (self._ev_at[st], pos[st],
                    pd.Index(STATES).get_indexer(kind[st]).astype(np.int64))
        lv = kind == "escalated"
        self._lv = (self._ev_at[lv], pos[lv], ev["level"].to_numpy(float)[lv])
        dp = kind == "dispatched"
        self._dp = (self._ev_at[dp], pos[dp], ev["eta_s"].to_numpy(float)[dp],
                    ev["station_id"].to_numpy(object)[dp])
        on = kind == "on_site"
        self._on = (self._ev_at[on], pos[on])
        ag = (kind == "agency") & np.isin(ev["agency"].to_numpy(object), JOINT_AGENCIES)
        code = np.where(ev["agency"].to_numpy(object)[ag] == "119", 0, 1)
        status = pd.Index(AGENCY_STATUSES).get_indexer(ev["agency_status"].to_numpy(object)[ag])
        self._ag = (self._ev_at[ag], pos[ag] * 2 + code, status)
        # escalation to 119/110 = "notified" when no agency status came yet
        esc_agencies = ev["agency"].to_numpy(object)
        notified = []
        for at, p, text in zip(self._ev_at[lv], pos[lv], esc_agencies[lv], strict=True):
            for a in str(text or "").split(";"):
                if a in JOINT_AGENCIES:
                    notified.append((at, p * 2 + JOINT_AGENCIES.index(a)))
        self._esc = (np.array([a for a, _ in notified], float),
                     np.array([k for _, k in notified], np.int64))
        self._n = n

    # ------------------------------------------------------------------ state
    def _last(self, times: np.ndarray, keys: np.ndarray, t_s: float, size: int) -> np.ndarray:
        """Per key, index of its last entry at or before ``t_s`` (-1 if none)."""
        k = int(np.searchsorted(times, t_s, side="right"))
        out = np.full(size, -1, dtype=np.int64)
        if k:
            np.maximum.at(out, keys[:k], np.arange(k))
        return out

    def state_at(self, t_s: float) -> ReplayState:
        """Incidents open at ``t_s`` with their state, colour class, clock, level and 110/119
        involvement, and the crews under way with their interpolated positions."""
        rows = np.flatnonzero((self._inc_start <= t_s) & (t_s < self._inc_end))
        st_at, st_inc, st_code = self._st
        code = _pick(st_code, self._last(st_at, st_inc, t_s, self._n)[rows], 0)
        lv_at, lv_inc, lv_val = self._lv
        level = _pick(lv_val, self._last(lv_at, lv_inc, t_s, self._n)[rows], 1).astype(int)
        dp_at, dp_inc, dp_eta, dp_station = self._dp
        dp_last = self._last(dp_at, dp_inc, t_s, self._n)[rows]
        dispatched = _pick(dp_at, dp_last, np.nan)
        eta = _pick(dp_eta, dp_last, np.nan)
        station = _pick(dp_station, dp_last, "")
        on_at, on_inc = self._on
        on_site = _pick(on_at, self._last(on_at, on_inc, t_s, self._n)[rows], np.nan)
        states = np.asarray(STATES, dtype=object)[code]
        clock = clock_arrays({"reported_at_s": self._inc_start[rows],
                              "dispatched_at_s": dispatched, "on_site_at_s": on_site,
                              "eta_s": eta, "limit_s": self._limit[rows],
                              "district_adcode": self._district[rows], "state": states},
                             self.rules, t_s, n=len(rows))
        fire, police = self._agency_status(t_s, rows)
        crews = self.crews_at(t_s)
        return ReplayState(
            t_s=float(t_s), rows=rows, lon=self._lon[rows], lat=self._lat[rows], state=states,
            colour=_CLASS_OF_STATE[code], urgency=clock["urgency"],
            time_left_s=clock["time_left_s"], elapsed_s=clock["elapsed_s"], level=level,
            fire=fire, police=police, station_id=station, **crews)

    def _agency_status(self, t_s: float, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ag_at, ag_key, ag_status = self._ag
        last = self._last(ag_at, ag_key, t_s, 2 * self._n)
        labels = np.asarray(AGENCY_STATUSES, dtype=object)
        status = _pick(labels[ag_status] if len(ag_status) else labels[:0], last, "")
        esc_at, esc_key = self._esc
        notified = np.zeros(2 * self._n, dtype=bool)
        notified[esc_key[:int(np.searchsorted(esc_at, t_s, side="right"))]] = True
        status = np.where((status == "") & notified, "notified", status)
        return status[rows * 2], status[rows * 2 + 1]

    def crews_at(self, t_s: float) -> dict[str, np.ndarray]:
        """Crews under way at ``t_s``: positions interpolated along their routes by time."""
        tr = self.trips
        on = np.flatnonzero((tr.start_s <= t_s) & (t_s < tr.end_s))
        if len(on) == 0:
            empty = np.empty(0)
            return {"crew_lon": empty, "crew_lat": empty,
                    "crew_agency": np.empty(0, dtype=object),
                    "crew_incident": np.empty(0, dtype=np.int64), "crew_progress": empty}
        span = np.maximum(tr.arrive_s[on] - tr.start_s[on], 1e-9)
        frac = np.clip((t_s - tr.start_s[on]) / span, 0.0, 1.0)
        base, top = tr.v_cum_m[tr.first[on]], tr.v_cum_m[tr.last[on]]
        target = base + frac * (top - base)
        seg = np.searchsorted(tr.v_cum_m, target, side="right") - 1
        seg = np.clip(seg, tr.first[on], np.maximum(tr.last[on] - 1, tr.first[on]))
        nxt = np.minimum(seg + 1, tr.last[on])
        seg_len = tr.v_cum_m[nxt] - tr.v_cum_m[seg]
        w = np.where(seg_len > 0, (target - tr.v_cum_m[seg]) / np.where(seg_len > 0, seg_len, 1),
                     0.0)
        lon = tr.v_lon[seg] + w * (tr.v_lon[nxt] - tr.v_lon[seg])
        lat = tr.v_lat[seg] + w * (tr.v_lat[nxt] - tr.v_lat[seg])
        return {"crew_lon": lon, "crew_lat": lat, "crew_agency": tr.agency[on],
                "crew_incident": tr.incident[on], "crew_progress": frac}

    def active_routes(self, t_s: float) -> list[np.ndarray]:
        """(n, 2) lon/lat of the routes of crews under way at ``t_s`` (for drawing)."""
        tr = self.trips
        on = np.flatnonzero((tr.start_s <= t_s) & (t_s < tr.end_s))
        return [np.column_stack([tr.v_lon[tr.first[i]:tr.last[i] + 1],
                                 tr.v_lat[tr.first[i]:tr.last[i] + 1]]) for i in on]

    def board_at(self, t_s: float) -> pd.DataFrame:
        """The incident board as it stood at ``t_s``: open incidents, most urgent first."""
        s = self.state_at(t_s)
        inc = self.incidents.iloc[s.rows]
        out = pd.DataFrame({
            "incident": inc["incident"].to_numpy(), "address": inc["address"].to_numpy(),
            "district": inc["district_name"].to_numpy(), "cause": inc["cause"].to_numpy(),
            "state": s.state, "level": s.level, "station_id": s.station_id,
            "elapsed_s": s.elapsed_s, "time_left_s": s.time_left_s, "urgency": s.urgency,
            "fire_119": s.fire, "police_110": s.police, "row": s.rows})
        return out.sort_values(["time_left_s", "incident"], na_position="last",
                               kind="stable").reset_index(drop=True)

    def subset(self, keep: np.ndarray) -> Replay:
        """A replay of the incident positions ``keep`` only (chosen incidents)."""
        keep = np.asarray(keep, dtype=np.int64)
        remap = np.full(len(self.incidents), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        ev = self.events.loc[np.isin(self.events["inc"].to_numpy(), keep)].copy()
        ev["inc"] = remap[ev["inc"].to_numpy()]
        tr = self.trips
        sel = np.isin(tr.incident, keep)
        trips = Trips(remap[tr.incident[sel]], tr.agency[sel], tr.station_id[sel],
                      tr.start_s[sel], tr.arrive_s[sel], tr.end_s[sel], tr.first[sel],
                      tr.last[sel], tr.route_source[sel], tr.v_lon, tr.v_lat, tr.v_cum_m)
        return Replay(self.incidents.iloc[keep].reset_index(drop=True),
                      ev.reset_index(drop=True), trips, self.rules, list(self.problems),
                      self.source)


def _pick(values: np.ndarray, index: np.ndarray, default: Any) -> np.ndarray:
    """``values[index]`` where ``index >= 0``, else ``default`` (also for empty ``values``)."""
    if len(values) == 0:
        return np.full(len(index), default, dtype=object if isinstance(default, str) else float)
    return np.where(index >= 0, values[np.maximum(index, 0)], default)



def clock_text(t_s: float, *, seconds: bool = True) -> str:
    """China time of epoch seconds, ``YYYY-MM-DD HH:MM:SS`` (what the operators saw)."""
    when = dt.datetime.fromtimestamp(float(t_s), CHINA_TZ)
    return when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
