"""Building a replay from flat records: per-line validation, incident and event frames, and
crew trips with their route geometry.

Bad lines (unknown elevators, times out of order, events after closure...) become
:class:`gis.errors.RowProblem` entries; the good ones build the replay. A crew route that was
not recorded is recomputed with the routing engine, else drawn as the straight line
(:func:`route_finder`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import RowProblem
from gis.incidents.escalation import EscalationRules
from gis.replay.model import (
    AGENCY_STATUSES,
    JOINT_AGENCIES,
    STATE_EVENTS,
    TERMINAL,
    Replay,
    Trips,
    clock_text,
)

if TYPE_CHECKING:
    from gis.routing import RoutingEngine

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
