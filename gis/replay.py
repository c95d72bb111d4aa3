"""Training replay: historical incidents as features with a start and an end, queried in time.

A :class:`Replay` is built from flat **replay records** (one event per record; the exchange
format of ``docs/replay-format.md``), read either from the project's incident log
(:func:`load_replay_db`, always from a private read-only copy: a replay never writes to the
live record) or from a JSON Lines / CSV file (:func:`read_replay_file`) that another platform
may produce. Bad lines (unknown events, times out of order, unknown elevators...) become
:class:`gis.errors.RowProblem` entries; the good lines still build a replay, which the trainer
accepts or not.

Features with a start and an end:

* an **incident** is open from its first alarm (report) to its closure (closed, false alarm,
  cancelled; open to the end of the replay if the record stops before);
* a **crew trip** runs from departure (``en_route``; the dispatch if no departure was recorded)
  to arrival (``on_site``) or to being stood down; its position is interpolated along the
  recorded route (``route_lonlat`` of the dispatch), else a route recomputed with the routing
  engine, else the straight line, by the recorded times.

:meth:`Replay.state_at` answers "what did the board and the map show at ``t``" with a few
``searchsorted`` and fancy-indexing calls over event arrays sorted once at load (no per-event
Python loop per frame). :func:`what_if` compares, at a paused moment, what the routing engine
recommends now for each open incident with what was dispatched.

All times are epoch seconds UTC (``*_s``), as in the incident tables.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import ConfigError, LiftGuardError, RowProblem, StoreError
from gis.incidents.escalation import EscalationRules, clock_arrays

if TYPE_CHECKING:
    from gis.routing import RoutingEngine

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
_NUMERIC = ("lon", "lat", "trapped_count", "limit_s", "level", "eta_s")


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


# =============================================================================== building


def clock_text(t_s: float, *, seconds: bool = True) -> str:
    """China time of epoch seconds, ``YYYY-MM-DD HH:MM:SS`` (what the operators saw)."""
    when = dt.datetime.fromtimestamp(float(t_s), CHINA_TZ)
    return when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


RouteFinder = Callable[[str, Mapping[str, Any], float], tuple[list | None, str]]


def route_finder(stations: pd.DataFrame | None, engine: RoutingEngine | None) -> RouteFinder:
    """Route of a crew from ``station_id`` to an incident when none was recorded: the routing
    engine's fastest path if an engine is given, else the straight line; (None, "") if the
    station is unknown."""
    by_id = {} if stations is None else {
        str(s): i for i, s in enumerate(stations["station_id"].astype(str))}

    def find(station_id: str, inc: Mapping[str, Any], at_s: float) -> tuple[list | None, str]:
        i = by_id.get(str(station_id))
        if i is None:
            return None, ""
        row = stations.iloc[[i]].copy()  # type: ignore[union-attr]
        if engine is not None:
            from gis.errors import RoutingError
            from gis.incidents.dispatch import engine_view

            row["status"] = pd.Categorical(["available"])
            try:
                opt = engine_view(engine, row).rescue_options(
                    dict(inc), k=1, at=dt.datetime.fromtimestamp(at_s, dt.UTC))[0]
                return [list(p) for p in opt.route_lonlat], "recomputed"
            except RoutingError:
                pass
        return [[float(row["lon"].iloc[0]), float(row["lat"].iloc[0])],
                [float(inc["lon"]), float(inc["lat"])]], "straight"

    return find


def build_replay(records: pd.DataFrame, *, file: str = "", elevators: pd.DataFrame | None = None,
                 stations: pd.DataFrame | None = None, engine: RoutingEngine | None = None,
                 rules: EscalationRules | None = None,
                 problems: Sequence[RowProblem] = ()) -> Replay:
    """Validate replay records (``RECORD_FIELDS`` plus ``at_s`` and ``line``, in file order)
    and build the replay from the good ones; each bad line becomes a problem.

    Parameters
    ----------
    elevators
        Registry elevators: codes are checked against it (unknown elevators are left out with
        every line of their incident) and missing locations are filled from it.
    stations, engine
        For crew routes that were not recorded (see :func:`route_finder`).
    """
    rules = rules or EscalationRules()
    out = list(problems)
    lookup = _elevator_lookup(elevators)
    incidents: dict[str, dict[str, Any]] = {}
    dropped: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    for rec in records.to_dict("records"):
        bad = _check_record(rec, incidents, dropped, lookup, rules)
        if bad is not None:
            out.append(RowProblem(file, int(rec["line"]), bad[0], bad[1]))
            continue
        kept.append(rec)
    if not kept:
        from gis.errors import ValidationError

        raise ValidationError(out or [RowProblem(file, 0, "event", "the source holds no event")])
    inc_frame, events = _frames(kept, incidents)
    trips = _build_trips(events, inc_frame, route_finder(stations, engine))
    return Replay(inc_frame, events, trips, rules, sorted(out, key=lambda p: p.row), file)


def _elevator_lookup(elevators: pd.DataFrame | None) -> dict[str, dict[str, Any]] | None:
    if elevators is None:
        return None
    cols = [c for c in ("registration_code", "lon", "lat", "district_adcode", "district_name",
                        "address", "maintenance_unit_id") if c in elevators]
    frame = elevators[cols]
    rows = dict(zip(frame["registration_code"].astype(str), frame.to_dict("records"),
                    strict=True))
    if "rescue_code" in elevators:
        rows.update(zip(elevators["rescue_code"].astype(str), frame.to_dict("records"),
                        strict=True))
    return rows


def _check_record(rec: dict[str, Any], incidents: dict[str, dict[str, Any]],
                  dropped: dict[str, int], lookup: dict[str, dict[str, Any]] | None,
                  rules: EscalationRules) -> tuple[str, str] | None:
    """None if the record is good (and register it), else (field, reason)."""
    key, kind, at = str(rec["incident"]), str(rec["event"]), float(rec["at_s"])
    if key in dropped:
        return "incident", (f"incident {key} is left out: its opening line {dropped[key]} "
                            "was rejected")
    inc = incidents.get(key)
    if inc is None:
        if kind != "alarm":
            dropped[key] = int(rec["line"])
            return "event", (f"incident {key} starts with '{kind}'; its first event must be "
                             "'alarm' (or 'received')")
        where, reason = _locate(rec, lookup)
        if where is None:
            dropped[key] = int(rec["line"])
            return "registration_code", reason
        limit = rec.get("limit_s")
        incidents[key] = {**where, "incident": key, "start_s": at, "last_s": at,
                          "line": int(rec["line"]), "state": "received",
                          "cause": str(rec.get("cause") or "entrapment"),
                          "channel": str(rec.get("channel") or ""),
                          "trapped_count": int(rec.get("trapped_count") or 0),
                          "limit_s": float(limit) if _finite(limit)
                          else rules.limit_for(str(where.get("district_adcode", "")))}
        return None
    if at < inc["last_s"]:
        return "time", (f"{clock_text(at)} is earlier than the previous event of incident "
                        f"{key} ({clock_text(inc['last_s'])}); times out of order")
    if inc["state"] in TERMINAL and kind not in ("alarm", "note"):
        return "event", f"incident {key} was already {inc['state']}; '{kind}' comes too late"
    problem = _check_fields(rec, kind)
    if problem is not None:
        return problem
    inc["last_s"] = at
    if kind in STATE_EVENTS:
        inc["state"] = kind
    return None


def _check_fields(rec: Mapping[str, Any], kind: str) -> tuple[str, str] | None:
    if kind == "dispatched" and not str(rec.get("station_id") or "").strip():
        return "station_id", "a dispatch needs the station_id of the crew sent"
    if kind == "agency":
        if rec.get("agency") not in ("maintainer", *JOINT_AGENCIES, "property"):
            return "agency", (f"unknown agency {rec.get('agency')!r}; use maintainer, 119, "
                              "110 or property")
        if rec.get("agency_status") not in AGENCY_STATUSES:
            return "agency_status", (f"unknown status {rec.get('agency_status')!r}; use "
                                     + ", ".join(AGENCY_STATUSES))
    if kind == "escalated" and rec.get("level") not in (1, 2, 3, 1.0, 2.0, 3.0):
        return "level", f"escalation level must be 1, 2 or 3, got {rec.get('level')!r}"
    return None


def _locate(rec: Mapping[str, Any], lookup: dict[str, dict[str, Any]] | None
            ) -> tuple[dict[str, Any] | None, str]:
    code = str(rec.get("registration_code") or "").strip()
    own = {k: rec.get(k) for k in ("district_adcode", "district_name", "address",
                                   "maintenance_unit_id") if rec.get(k) not in (None, "")}
    if lookup is not None:
        found = lookup.get(code)
        if found is None:
            return None, (f"unknown elevator {code or '(no code)'}: not in the registry of "
                          "this database")
        where = {**found, **own, "registration_code": str(found["registration_code"])}
        if _finite(rec.get("lon")) and _finite(rec.get("lat")):
            where.update(lon=float(rec["lon"]), lat=float(rec["lat"]))
        return where, ""
    if not (_finite(rec.get("lon")) and _finite(rec.get("lat"))):
        return None, (f"elevator {code or '(no code)'} has no lon/lat and no registry is "
                      "loaded to look it up (pass --db)")
    return {**own, "registration_code": code, "lon": float(rec["lon"]),
            "lat": float(rec["lat"])}, ""


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def _frames(kept: list[dict[str, Any]], incidents: dict[str, dict[str, Any]]
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = list(incidents)
    pos = {k: i for i, k in enumerate(keys)}
    ev = pd.DataFrame(kept)
    ev = ev.iloc[np.argsort(ev["at_s"].to_numpy(float), kind="stable")].reset_index(drop=True)
    ev["inc"] = ev["incident"].astype(str).map(pos).astype(np.int64)
    kinds = ev["event"].to_numpy(object)
    state, current = [], {k: "received" for k in keys}
    for key, kind in zip(ev["incident"].astype(str), kinds, strict=True):
        if kind in STATE_EVENTS:
            current[key] = kind
        state.append(current[key])
    ev["state"] = state
    for c in ("level", "eta_s"):
        ev[c] = pd.to_numeric(ev.get(c), errors="coerce") if c in ev else np.nan
    for c in ("agency", "agency_status", "station_id", "note", "operator", "agencies",
              "station_kind", "unit_id"):
        ev[c] = ev[c].astype(object).where(ev[c].notna(), "").astype(str) if c in ev else ""
    ev["agency"] = np.where(kinds == "escalated", ev["agencies"], ev["agency"])
    ev["text"] = [_event_text(r) for r in ev[["at_s", "incident", "event", "station_id",
                                              "agency", "agency_status", "level",
                                              "note"]].itertuples(index=False)]
    ends = {k: np.inf for k in keys}
    for key, kind, at in zip(ev["incident"].astype(str), kinds, ev["at_s"], strict=True):
        if kind in TERMINAL and not np.isfinite(ends[key]):
            ends[key] = float(at)
    cols = ("incident", "registration_code", "lon", "lat", "district_adcode", "district_name",
            "address", "maintenance_unit_id", "cause", "channel", "trapped_count", "limit_s",
            "start_s")
    inc = pd.DataFrame([{c: incidents[k].get(c, "") for c in cols} for k in keys])
    inc["end_s"] = [ends[k] for k in keys]
    inc["final_state"] = [incidents[k]["state"] for k in keys]
    for c in ("lon", "lat", "limit_s", "start_s"):
        inc[c] = inc[c].astype(float)
    keep = ["at_s", "inc", "incident", "event", "state", "level", "agency", "agency_status",
            "station_id", "station_kind", "unit_id", "eta_s", "note", "operator", "line",
            "text", "route"]
    if "route" not in ev:
        ev["route"] = None
    return inc, ev[keep]


_LABELS = {"alarm": "alarm", "dispatched": "dispatched", "accepted": "crew accepted",
           "en_route": "crew departed", "on_site": "crew on site",
           "released": "passengers released", "closed": "closed", "false_alarm": "false alarm",
           "cancelled": "cancelled", "escalated": "escalated", "agency": "agency",
           "note": "note"}


def _event_text(r: Any) -> str:
    at_s, incident, kind, station, agency, status, level, note = r
    text = f"{clock_text(at_s)[11:]}  #{incident}  {_LABELS.get(kind, kind)}"
    if kind == "dispatched":
        text += f" {station}"
    elif kind == "escalated":
        text += f" to level {int(level) if _finite(level) else '?'}"
        text += f" ({agency.replace(';', ', ')})" if agency else ""
    elif kind == "agency":
        text += f" {agency} {status}"
    if note and kind in ("alarm", "note", "escalated"):
        text += f": {note[:80]}"
    return text


def _build_trips(ev: pd.DataFrame, inc: pd.DataFrame, find: RouteFinder) -> Trips:
    """Crew trips from the events (maintainer crews from dispatches, 119/110 from agency
    statuses), with their route geometry."""
    rows: list[tuple[int, str, str, float, float, float, list]] = []
    sources: list[str] = []
    crew: dict[int, dict[str, Any]] = {}
    agency: dict[tuple[int, str], dict[str, Any]] = {}
    incs = inc.to_dict("records")

    def finish(c: dict[str, Any] | None, end_s: float, arrived: bool) -> None:
        if c is None or c.get("depart_s") is None or c["route"] is None:
            return
        depart = c["depart_s"]
        arrive = end_s if arrived else max(c["planned_s"], end_s)
        rows.append((c["inc"], c["agency"], c["station"], depart, arrive, end_s, c["route"]))
        sources.append(c["source"])

    for r in ev.itertuples(index=False):
        p, kind, at = int(r.inc), r.event, float(r.at_s)
        c = crew.get(p)
        if kind == "dispatched":
            if c is not None and c.get("depart_s") is not None:
                finish(c, at, arrived=False)  # stood down
            route, source = (r.route, "recorded") if isinstance(r.route, list) and len(
                r.route) >= 2 else find(r.station_id, incs[p], at)
            eta = float(r.eta_s) if _finite(r.eta_s) else 900.0
            crew[p] = {"inc": p, "agency": "maintainer", "station": r.station_id,
                       "dispatched_s": at, "eta_s": eta, "depart_s": None, "route": route,
                       "source": source}
        elif kind == "en_route" and c is not None:
            c["depart_s"] = at
            c["planned_s"] = c["dispatched_s"] + c["eta_s"]
        elif kind == "on_site" and c is not None:
            if c.get("depart_s") is None:
                c["depart_s"], c["planned_s"] = c["dispatched_s"], at
            finish(c, at, arrived=True)
            crew.pop(p)
        elif kind in TERMINAL and c is not None:
            finish(c, at, arrived=False)
            crew.pop(p)
        elif kind == "agency" and r.agency in JOINT_AGENCIES:
            a = agency.setdefault((p, r.agency), {"inc": p, "agency": r.agency,
                                                  "station": r.station_id, "depart_s": None})
            a["station"] = r.station_id or a["station"]
            if r.agency_status == "dispatched" and a["depart_s"] is None:
                a["route"], a["source"] = find(a["station"], incs[p], at)
                a["depart_s"], a["planned_s"] = at, at + 900.0
            elif r.agency_status == "on_site" and a["depart_s"] is not None:
                finish(a, at, arrived=True)
                a["depart_s"] = None
    end = float(ev["at_s"].iloc[-1])
    for c in [*crew.values(), *agency.values()]:
        if c.get("depart_s") is not None:
            finish(c, max(end, c["planned_s"]), arrived=False)
    return _trip_arrays(rows, sources)


def _trip_arrays(rows: list[tuple], sources: list[str]) -> Trips:
    if not rows:
        e, o = np.empty(0), np.empty(0, dtype=object)
        ei = np.empty(0, dtype=np.int64)
        return Trips(ei, o, o, e, e, e, ei, ei, o, e, e, e)
    routes = [np.asarray(r[6], dtype=float).reshape(-1, 2) for r in rows]
    sizes = np.array([len(r) for r in routes], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(rows) else \
        np.empty(0, np.int64)
    flat = np.concatenate(routes) if routes else np.empty((0, 2))
    lon, lat = flat[:, 0], flat[:, 1]
    # metres along each route (equirectangular: exact enough inside a city), then a per-trip
    # offset so that the whole array increases and one searchsorted serves every trip
    kx = 111_320.0 * np.cos(np.radians(np.nan_to_num(lat, nan=31.0)))
    step = np.hypot(np.diff(lon, prepend=lon[:1]) * kx, np.diff(lat, prepend=lat[:1]) * 110_540)
    step[first] = 0.0
    total = np.cumsum(step)
    within = total - np.repeat(total[first], sizes)
    lengths = within[first + sizes - 1]
    offsets = np.concatenate([[0.0], np.cumsum(lengths + 1.0)[:-1]])
    cum = within + np.repeat(offsets, sizes)
    col = list(zip(*rows, strict=True)) if rows else [[]] * 7
    return Trips(np.asarray(col[0], np.int64), np.asarray(col[1], object),
                 np.asarray(col[2], object), np.asarray(col[3], float),
                 np.asarray(col[4], float), np.asarray(col[5], float), first,
                 first + sizes - 1, np.asarray(sources, object), lon, lat, cum)


# =============================================================================== files


def parse_time_s(value: Any) -> float:
    """Epoch seconds of an ISO 8601 time (China time when it has no offset) or a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHINA_TZ)
    return when.timestamp()


def _parse_route(value: Any) -> list | None:
    """``[[lon, lat], ...]`` (JSON) or ``"lon lat;lon lat;..."`` (CSV) → list of pairs."""
    if value in (None, "") or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            value = [[float(v) for v in pt.split()] for pt in text.split(";") if pt.strip()]
    pts = [[float(p[0]), float(p[1])] for p in value]
    if len(pts) < 2 or not all(len(p) == 2 for p in value):
        raise ValueError("a route needs at least two [lon, lat] points")
    return pts


def _normalise(raw: Mapping[str, Any], line: int, file: str
               ) -> tuple[dict[str, Any] | None, RowProblem | None]:
    """One raw record → a replay record, or the problem that rejects its line."""
    def bad(fld: str, reason: str) -> tuple[None, RowProblem]:
        return None, RowProblem(file, line, fld, reason)

    rec = {f: raw.get(f) for f in RECORD_FIELDS}
    rec = {k: (None if isinstance(v, str) and v.strip() == "" else v) for k, v in rec.items()}
    if rec["incident"] is None:
        return bad("incident", "missing incident id")
    kind = str(rec["event"] or "").strip().lower()
    if kind not in EVENT_KINDS:
        return bad("event", f"unknown event {rec['event']!r}; use one of "
                            + ", ".join(EVENT_KINDS))
    rec["event"] = "alarm" if kind == "received" else kind
    when = raw.get("at_s") if raw.get("at_s") not in (None, "") else rec["time"]
    if when is None:
        return bad("time", "missing time (ISO 8601, e.g. 2026-11-21T09:00:00+08:00)")
    try:
        rec["at_s"] = parse_time_s(when)
    except (TypeError, ValueError):
        return bad("time", f"{when!r} is not an ISO 8601 time or epoch seconds")
    for f in _NUMERIC:
        if rec[f] is not None:
            try:
                rec[f] = float(rec[f])
            except (TypeError, ValueError):
                return bad(f, f"{rec[f]!r} is not a number")
    if isinstance(rec["agencies"], list):
        rec["agencies"] = ";".join(str(a) for a in rec["agencies"])
    for f in ("incident", "registration_code", "station_id", "agency", "agency_status"):
        if rec[f] is not None:
            rec[f] = str(rec[f]).strip()
    try:
        rec["route"] = _parse_route(rec["route"])
    except (TypeError, ValueError, IndexError, json.JSONDecodeError):
        return bad("route", "route must be [[lon, lat], ...] or 'lon lat;lon lat;...'")
    rec["line"] = line
    return rec, None


def read_replay_records(path: str | Path) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Records of a replay file (``.jsonl`` / ``.ndjson`` JSON Lines, or ``.csv``) in file
    order, and the problems of the lines that could not be read."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"replay file {p} does not exist")
    suffix = p.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".json", ".csv"):
        raise ConfigError(f"cannot read {p.name}: use a .jsonl (JSON Lines) or .csv replay "
                          "file (docs/replay-format.md)")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {p}: {exc}; save it as UTF-8 text") from None
    raws: Iterator[tuple[int, Any, str]]
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        missing = {"incident", "event"} - set(reader.fieldnames or ())
        if missing or not ({"time", "at_s"} & set(reader.fieldnames or ())):
            raise ConfigError(f"{p.name}: the CSV header needs incident, time (or at_s) and "
                              "event columns (docs/replay-format.md)")
        raws = ((i + 2, row, "") for i, row in enumerate(reader))
    else:
        raws = (_json_line(i + 1, ln) for i, ln in enumerate(text.splitlines()) if ln.strip())
    records, problems = [], []
    for line, raw, error in raws:
        if error:
            problems.append(RowProblem(p.name, line, "line", error))
            continue
        rec, problem = _normalise(raw, line, p.name)
        if problem is not None:
            problems.append(problem)
        else:
            records.append(rec)
    frame = pd.DataFrame(records, columns=[*RECORD_FIELDS, "at_s", "line"])
    return frame, problems


def _json_line(line: int, text: str) -> tuple[int, Any, str]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return line, None, f"not JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return line, None, "not a JSON object"
    return line, obj, ""


def read_replay_file(path: str | Path, *, elevators: pd.DataFrame | None = None,
                     stations: pd.DataFrame | None = None,
                     engine: RoutingEngine | None = None,
                     rules: EscalationRules | None = None) -> Replay:
    """A replay from a JSON Lines / CSV file; bad lines are in ``replay.problems`` (the good
    ones play if the trainer accepts them). Raises ValidationError if no line is good."""
    records, problems = read_replay_records(path)
    return build_replay(records, file=Path(path).name, elevators=elevators, stations=stations,
                        engine=engine, rules=rules, problems=problems)


def write_replay_records(records: pd.DataFrame, path: str | Path) -> Path:
    """Write records as JSON Lines (``.jsonl``) or CSV (``.csv``) through a temporary file."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        raise ConfigError(f"cannot write {target.name}: use a .jsonl or .csv file name")
    if not target.parent.is_dir():
        raise ConfigError(f"folder {target.parent} does not exist; create it or choose another")
    rows = records[list(RECORD_FIELDS)].to_dict("records")
    for r in rows:  # whole numbers stay whole in the file
        for f in ("trapped_count", "level"):
            if _present(r[f]):
                r[f] = int(r[f])
    fd, tmp = tempfile.mkstemp(prefix=".liftguard-", suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if suffix == ".csv":
                w = csv.DictWriter(fh, fieldnames=list(RECORD_FIELDS))
                w.writeheader()
                for r in rows:
                    r["route"] = ";".join(f"{x:.6f} {y:.6f}" for x, y in r["route"] or [])
                    w.writerow({k: v if _present(v) else "" for k, v in r.items()})
            else:
                for r in rows:
                    fh.write(json.dumps({k: v for k, v in r.items() if _present(v)},
                                        ensure_ascii=False) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _present(value: Any) -> bool:
    if value is None or (isinstance(value, str) and value == ""):
        return False
    return not (isinstance(value, float) and not np.isfinite(value))


# =============================================================================== the log


@contextlib.contextmanager
def readonly_database(url: str) -> Iterator[tuple[Any, str]]:
    """A read-only view of the database at ``url``: ``(engine, store_url)``.

    SQLite: the live file is copied into a temporary folder first (a plain byte copy when no
    writer is active, else SQLite's online backup from a ``mode=ro`` connection, which takes a
    consistent snapshot) and the copy is opened with ``mode=ro``; nothing can reach the live
    record. ``store_url`` is the copy (for the registry). PostgreSQL: every transaction is
    ``READ ONLY`` (``default_transaction_read_only``).
    """
    from sqlalchemy import create_engine

    from gis.store.url import parse_db_url

    parsed = parse_db_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, connect_args={
            "options": "-c default_transaction_read_only=on", "connect_timeout": 10})
        try:
            yield engine, url
        finally:
            engine.dispose()
        return
    live = Path(parsed.database or "")
    if not live.is_file():
        raise StoreError(f"database file {live} does not exist; check --db")
    folder = Path(tempfile.mkdtemp(prefix="liftguard-replay-"))
    copy = folder / live.name
    try:
        _copy_sqlite(live, copy)
        engine = create_engine(f"sqlite:///file:{copy}?mode=ro&uri=true")
        try:
            yield engine, f"sqlite:///{copy}"
        finally:
            engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_sqlite(live: Path, copy: Path) -> None:
    wal = live.with_name(live.name + "-wal")
    before = live.stat()
    if not wal.exists():
        shutil.copyfile(live, copy)
        after = live.stat()
        if (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size) \
                and not wal.exists():
            return
        copy.unlink()
    try:
        src = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=15)
        dst = sqlite3.connect(copy)
        with contextlib.closing(src), contextlib.closing(dst):
            src.backup(dst)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {live} for the replay ({exc}); check the file") from None


def log_records(engine: Any, *, since_s: float | None = None, until_s: float | None = None,
                district: str | None = None, incident_ids: Sequence[int] | None = None
                ) -> pd.DataFrame:
    """Replay records of the incident log (incidents reported in ``[since_s, until_s)``, of a
    district, or chosen by id; every event of each, to its closure)."""
    from sqlalchemy import select
    from sqlalchemy.exc import DBAPIError

    from gis.incidents import schema

    t, e = schema.incidents, schema.incident_events
    q = select(*(t.c[c] for c in ("incident_id", "registration_code", "lon", "lat",
                                  "district_adcode", "district_name", "address",
                                  "maintenance_unit_id", "limit_s", "reported_at_s")))
    if since_s is not None:
        q = q.where(t.c.reported_at_s >= since_s)
    if until_s is not None:
        q = q.where(t.c.reported_at_s < until_s)
    if district:
        q = q.where(t.c.district_adcode == district)
    if incident_ids:
        q = q.where(t.c.incident_id.in_([int(i) for i in incident_ids]))
    try:
        with engine.connect() as conn:
            inc = pd.DataFrame([dict(r) for r in conn.execute(q).mappings()])
            if inc.empty:
                return pd.DataFrame(columns=[*RECORD_FIELDS, "at_s", "line"])
            ids = inc["incident_id"].astype(int).tolist()
            evq = select(*(e.c[c] for c in ("event_id", "incident_id", "seq", "kind",
                                            "to_state", "at_s", "operator", "workstation",
                                            "note", "data"))
                         ).where(e.c.incident_id.in_(ids)).order_by(e.c.event_id)
            ev = [dict(r) for r in conn.execute(evq).mappings()]
    except DBAPIError as exc:
        raise StoreError(f"cannot read the incident log ({exc.orig}); is this a LiftGuard "
                         "database with incidents? Run `liftguard incidents --db ...`") from None
    by_id = {int(r["incident_id"]): r for r in inc.to_dict("records")}
    return pd.DataFrame([_record_of_event(row, by_id[int(row["incident_id"])])
                         for row in ev], columns=[*RECORD_FIELDS, "at_s", "line"])


def _record_of_event(row: Mapping[str, Any], inc: Mapping[str, Any]) -> dict[str, Any]:
    data = json.loads(row["data"] or "{}")
    kind = row["kind"]
    rec: dict[str, Any] = {f: None for f in RECORD_FIELDS}
    at = float(row["at_s"])
    rec.update(incident=str(row["incident_id"]), at_s=at, line=int(row["event_id"]),
               time=dt.datetime.fromtimestamp(at, CHINA_TZ).isoformat(timespec="milliseconds"),
               note=row["note"] or None, operator=row["operator"],
               workstation=row["workstation"])
    if kind == "alarm":
        rec.update(event="alarm", channel=data.get("channel"), source=data.get("source"),
                   cause=data.get("alarm_type"), trapped_count=data.get("trapped_count"))
        if int(row["seq"]) == 1:
            rec.update({k: inc[k] for k in ("registration_code", "lon", "lat",
                                            "district_adcode", "district_name", "address",
                                            "maintenance_unit_id", "limit_s")})
    elif kind == "state":
        rec["event"] = row["to_state"]
        st = data.get("station") or {}
        if row["to_state"] == "dispatched":
            rec.update(station_id=st.get("station_id"), station_kind=st.get("station_kind"),
                       unit_id=st.get("unit_id"), eta_s=st.get("eta_s"),
                       route=st.get("route_lonlat") or None, level=st.get("response_level"))
    elif kind == "escalated":
        rec.update(event="escalated", level=data.get("level"),
                   agencies=";".join(data.get("agencies") or []) or None)
    elif kind == "agency":
        rec.update(event="agency", agency=data.get("agency"),
                   agency_status=data.get("status"), station_id=data.get("station_id") or None)
    else:
        rec["event"] = "note"
    return rec


def load_replay_db(url: str, *, since_s: float | None = None, until_s: float | None = None,
                   district: str | None = None, incident_ids: Sequence[int] | None = None,
                   engine: RoutingEngine | None = None, rules: EscalationRules | None = None,
                   with_registry: bool = True) -> tuple[Replay, Any]:
    """A replay from the incident log at ``url`` (read-only copy, see
    :func:`readonly_database`), and the registry (or None) for the map.

    Raises
    ------
    LiftGuardError
        No incident matches the window / district / ids.
    """
    with readonly_database(url) as (ro, store_url):
        records = log_records(ro, since_s=since_s, until_s=until_s, district=district,
                              incident_ids=incident_ids)
        registry, notes = None, []
        if with_registry:
            try:
                registry = _load_registry(store_url)
            except StoreError as exc:  # the replay still plays; the map needs the registry
                notes.append(f"no registry for the map: {exc}")
    if records.empty:
        window = (f"{clock_text(since_s) if since_s else 'the start'} .. "
                  f"{clock_text(until_s) if until_s else 'the end'}")
        raise LiftGuardError(f"no incident in the log matches ({window}"
                             + (f", district {district}" if district else "")
                             + (f", ids {list(incident_ids)}" if incident_ids else "")
                             + "); widen the time window or check `liftguard incidents`")
    stations = registry.stations if registry is not None else None
    replay = build_replay(records, file="incident log", stations=stations, engine=engine,
                          rules=rules)
    replay.notes.extend(notes)
    return replay, registry


def _load_registry(store_url: str) -> Any:
    from gis.store import open_store

    store = open_store(store_url)
    try:
        return store.load_registry() if store.has_registry() else None
    finally:
        store.close()


def export_log(url: str, out: str | Path, **query: Any) -> int:
    """Write the incident log (``query`` as :func:`log_records`) as a replay file; returns the
    number of records written."""
    with readonly_database(url) as (ro, _store_url):
        records = log_records(ro, **query)
    if records.empty:
        raise LiftGuardError("no incident in the log matches; nothing was written. Run "
                             "`liftguard simulate --fast` to produce a shift")
    write_replay_records(records, out)
    return len(records)


# =============================================================================== what-if


def what_if(replay: Replay, t_s: float, engine: RoutingEngine, stations: pd.DataFrame, *,
            include_on_site: bool = False) -> pd.DataFrame:
    """What the routing engine recommends at ``t_s`` for each open incident, next to what
    was dispatched (the dispatch in force at ``t_s``, else the one that came later).

    Crews committed at ``t_s`` in the replay are busy (they drop out), as on the live board.

    Returns
    -------
    pandas.DataFrame
        ``incident``, ``state``, ``level``, ``dispatched_station``, ``dispatched_at_s``,
        ``dispatched_eta_s`` (the routed ETA recorded with the dispatch), ``arrival_s``
        (recorded arrival, NaN if none), ``recommended_station``, ``recommended_reason``,
        ``recommended_eta_s`` (from ``t_s``), ``eta_diff_s`` (recommended − dispatched ETA;
        negative: the engine's choice is faster), ``problem`` (why there is no
        recommendation).
    """
    from gis.errors import RoutingError
    from gis.incidents.dispatch import recommend

    state = replay.state_at(t_s)
    ev = replay.events
    busy = {str(s) for s, st in zip(state.station_id, state.state, strict=True)
            if s and st in ("dispatched", "accepted", "en_route", "on_site")}
    at = dt.datetime.fromtimestamp(t_s, dt.UTC)
    rows = []
    for i, row in enumerate(state.rows.tolist()):
        st = str(state.state[i])
        if st in ("released", "closed") or (st == "on_site" and not include_on_site):
            continue
        inc = replay.incidents.iloc[row]
        mine = ev.loc[(ev["inc"] == row) & (ev["event"] == "dispatched")]
        now = mine.loc[mine["at_s"] <= t_s]
        pick = now.iloc[-1] if len(now) else (mine.iloc[0] if len(mine) else None)
        arr = ev.loc[(ev["inc"] == row) & (ev["event"] == "on_site"), "at_s"]
        out: dict[str, Any] = {
            "incident": inc["incident"], "state": st, "level": int(state.level[i]),
            "dispatched_station": "" if pick is None else pick["station_id"],
            "dispatched_at_s": np.nan if pick is None else float(pick["at_s"]),
            "dispatched_eta_s": np.nan if pick is None else float(pick["eta_s"]),
            "arrival_s": float(arr.iloc[0]) if len(arr) else np.nan,
            "recommended_station": "", "recommended_reason": "",
            "recommended_eta_s": np.nan, "problem": ""}
        try:
            rec = recommend(engine, inc.to_dict(), stations=stations,
                            busy=busy - {out["dispatched_station"]} if len(now) else busy,
                            level=min(int(state.level[i]), 2), at=at, k=1)
            if rec.recommended is None:
                out["problem"] = "no available station can reach it"
            else:
                o = rec.recommended
                out.update(recommended_station=o.station_id, recommended_reason=o.reason,
                           recommended_eta_s=float(o.eta_s))
        except RoutingError as exc:
            out["problem"] = str(exc)
        rows.append(out)
    frame = pd.DataFrame(rows, columns=[
        "incident", "state", "level", "dispatched_station", "dispatched_at_s",
        "dispatched_eta_s", "arrival_s", "recommended_station", "recommended_reason",
        "recommended_eta_s", "problem"])
    frame["eta_diff_s"] = frame["recommended_eta_s"] - frame["dispatched_eta_s"]
    return frame
