"""Qt models of the command centre: the incident board and one incident's joint response.

Both wrap a :class:`gis.incidents.centre.CommandCentre`; every action goes through it (so it is
committed before the model changes) and failures are emitted as ``actionFailed`` for the error
funnel. ``tick()`` (called each second by the board) recomputes only the clock columns from the
rows already loaded; ``refresh()`` reloads from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from sqlalchemy.exc import OperationalError

from gis.clock import to_epoch_s
from gis.errors import LiftGuardError
from gis.incidents.centre import CommandCentre
from gis.incidents.escalation import clock_frame
from gis.incidents.intake import ALARM_TYPES
from gis.incidents.lifecycle import AGENCIES, STATE_LABELS_ZH

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("incident_id", "state", "level", "elapsed_s", "eta_left_s", "time_left_s",
           "address", "district_name", "cause", "station_id", "alarm_count")
HEADERS = {
    "en": ("#", "State", "Level", "Since report", "ETA", "Time left", "Address", "District",
           "Cause", "Crew", "Alarms"),
    "zh": ("编号", "状态", "级别", "接警以来", "预计到达", "剩余时间", "地址", "区", "原因",
           "救援队伍", "报警数"),
}
#: Incident states shown on the board (the model's language, like the headers).
STATE_LABELS = {
    "zh": dict(STATE_LABELS_ZH),
    "en": {"received": "received", "dispatched": "dispatched", "accepted": "accepted",
           "en_route": "en route", "on_site": "on site", "released": "released",
           "closed": "closed", "false_alarm": "false alarm", "cancelled": "cancelled"},
}
#: Causes (alarm types) and the routing engine's dispatch reasons, per language.
CAUSE_LABELS = {
    "zh": dict(ALARM_TYPES),
    "en": {"fire_smoke": "fire/smoke", "water_ingress": "water ingress",
           "injury_illness": "injury/illness", "public_order": "public order",
           "entrapment": "entrapment", "power_failure": "power failure",
           "fault_stop": "fault stop", "door_fault": "door fault", "other": "other"},
}
REASON_LABELS = {
    "zh": {"contracted maintainer": "签约维保单位", "other maintainer": "其他维保单位",
           "fire station (119)": "消防站(119)", "police station (110)": "派出所(110)"},
    "en": {"contracted maintainer": "contracted maintainer",
           "other maintainer": "other maintainer", "fire station (119)": "fire station (119)",
           "police station (110)": "police station (110)"},
}
MINUTES = {"zh": {"min": "分钟"}, "en": {"min": "min"}}
CLOCK_COLUMNS = ("elapsed_s", "eta_left_s", "time_left_s")
#: Background colour per urgency (late red, predicted late orange, at risk yellow).
URGENCY_COLOURS = {"late": "#f4b6b6", "predicted_late": "#f9d3a5", "at_risk": "#fbf1a9",
                   "ok": "#ffffff", "done": "#dcefdc"}
NEXT_STATE = {"dispatched": "accepted", "accepted": "en_route", "en_route": "on_site",
              "on_site": "released", "released": "closed"}


def guard(check: Callable[[str], None] | None, action: str) -> None:
    """Run a model's write guard, if any (it raises a LiftGuardError to refuse)."""
    if check is not None:
        check(action)


def unreachable(exc: OperationalError) -> str:
    """A plain message for a database that cannot be reached or written (nothing changed:
    the write was one transaction)."""
    return (f"the database could not be reached or written ({exc.orig}); nothing was changed. "
            "Check the connection and try again")


@dataclass(frozen=True)
class IncidentRoutes:
    """Routes of one incident for the map: the committed crew's and the options'."""

    crew: list[tuple[float, float]] = field(default_factory=list)
    options: list[list[tuple[float, float]]] = field(default_factory=list)


def format_clock(seconds: float) -> str:
    """``mm:ss`` (``-mm:ss`` when negative, ``h:mm:ss`` past an hour, ``–`` when unknown)."""
    if seconds is None or not np.isfinite(seconds):
        return "–"
    sign = "-" if seconds < 0 else ""
    s = int(abs(seconds))
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m:02d}:{sec:02d}"


#: What :meth:`_FixedColumnsModel._attempt` returns when the action was refused or failed.
FAILED = object()


class _FixedColumnsModel(QAbstractTableModel):
    """Table plumbing shared by the board and the joint-response models: ``_rows`` (anything
    with ``len``), fixed ``_columns`` and per-language ``_headers``."""

    _columns: tuple[str, ...] = ()
    _headers: dict[str, list[str]] = {}  # noqa: RUF012 (set per subclass, never mutated)
    language = "en"
    _rows: Any

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[self.language][section]
        return None

    def _attempt(self, action: str, fn: Callable[..., Any], *args: Any,
                 refresh_on_refusal: bool = False, **kw: Any) -> Any:
        """Run a write through the guard; a refusal (LiftGuardError) or an unreachable
        database becomes an ``actionFailed`` message and the result :data:`FAILED`."""
        try:
            guard(self.guard, action)
            return fn(*args, **kw)
        except LiftGuardError as exc:
            self.actionFailed.emit(str(exc))  # type: ignore[attr-defined]
            if refresh_on_refusal:
                self.refresh()  # type: ignore[attr-defined]
        except OperationalError as exc:
            self.actionFailed.emit(unreachable(exc))  # type: ignore[attr-defined]
        return FAILED


class IncidentBoardModel(_FixedColumnsModel):
    """Open incidents with their clock, most urgent first (see module doc)."""

    _columns = COLUMNS
    _headers = HEADERS

    actionFailed = Signal(str)
    eventCommitted = Signal(object)  # a gis.incidents.log.IncidentEvent
    incidentsChanged = Signal()

    def __init__(self, centre: CommandCentre, *, language: str = "zh",
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.centre = centre
        self.language = language if language in HEADERS else "en"
        #: Called as ``guard(action)`` before every write; raises a LiftGuardError to refuse
        #: it (e.g. :meth:`app.live.LiveUpdates.require_online` while offline).
        self.guard: Callable[[str], None] | None = None
        self._rows = pd.DataFrame(columns=[*COLUMNS, "urgency"])
        self.refresh()

    # ------------------------------------------------------------------ Qt model API

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows.iloc[index.row()]
        col = COLUMNS[index.column()]
        value = row[col]
        if role == Qt.ItemDataRole.DisplayRole:
            if col in CLOCK_COLUMNS:
                return format_clock(float(value))
            if col == "state":
                return STATE_LABELS[self.language].get(str(value), str(value))
            if col == "cause":
                return CAUSE_LABELS[self.language].get(str(value), str(value))
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(URGENCY_COLOURS.get(str(row["urgency"]), "#ffffff"))
        if role == SORT_ROLE:
            if col in CLOCK_COLUMNS or col in ("incident_id", "level", "alarm_count"):
                v = float(value) if value is not None else np.nan
                return v if np.isfinite(v) else 1e18
            return str(value)
        if role == ID_ROLE:
            return int(row["incident_id"])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row['registration_code']} · {row['urgency']}"
        return None

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        """Reload the open incidents from the database."""
        try:
            board = self.centre.board(open_only=True)
        except OperationalError as exc:  # database out of reach: keep the last known rows
            self.actionFailed.emit(unreachable(exc))
            return
        self.beginResetModel()
        self._rows = board.reset_index(drop=True) if not board.empty else \
            pd.DataFrame(columns=[*COLUMNS, "urgency", "registration_code"])
        self.endResetModel()
        self.incidentsChanged.emit()

    def tick(self) -> None:
        """Recompute the clock columns (no database access)."""
        if self._rows.empty:
            return
        now_s = to_epoch_s(self.centre.clock.now())
        clock = clock_frame(self._rows, self.centre.rules, now_s)
        for c in (*CLOCK_COLUMNS, "urgency"):
            self._rows[c] = clock[c].to_numpy()
        first = self.index(0, COLUMNS.index("elapsed_s"))
        last = self.index(len(self._rows) - 1, COLUMNS.index("time_left_s"))
        self.dataChanged.emit(first, last, [Qt.ItemDataRole.DisplayRole,
                                            Qt.ItemDataRole.BackgroundRole, SORT_ROLE])
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1,
                                                           len(COLUMNS) - 1),
                              [Qt.ItemDataRole.BackgroundRole])

    def incident_at(self, row: int) -> dict[str, Any]:
        return self._rows.iloc[row].to_dict()

    def row_of(self, incident_id: int) -> int:
        hit = np.flatnonzero(self._rows["incident_id"].to_numpy() == incident_id)
        return int(hit[0]) if len(hit) else -1

    # ------------------------------------------------------------------ actions

    def _act(self, fn: Any, *args: Any, **kw: Any) -> Any:
        ev = self._attempt("change the incident", fn, *args, refresh_on_refusal=True, **kw)
        if ev is FAILED:
            return None
        if ev is not None:
            self.eventCommitted.emit(ev)
        self.refresh()
        return ev

    def receive(self, alarm: Any) -> Any:
        """Take an alarm in (intake + recommendation); returns the ``Received`` result."""
        got = self._attempt("take the alarm in", self.centre.receive, alarm)
        if got is FAILED:
            return None
        if not got.intake.accepted:
            self.actionFailed.emit(f"alarm rejected: {got.intake.reason}")
        for ev in (got.intake.event, got.escalation):
            if ev is not None:
                self.eventCommitted.emit(ev)
        self.refresh()
        return got

    def reason_label(self, reason: str) -> str:
        """A dispatch option's reason (:func:`gis.routing` wording) in the model's language."""
        return REASON_LABELS[self.language].get(reason, reason)

    def recommendation(self, incident_id: int) -> Any:
        rec = self.centre.recommendations.get(incident_id)
        if rec is None and self.centre.engine is not None:
            try:
                rec = self.centre.recommend(incident_id)
            except LiftGuardError as exc:
                self.actionFailed.emit(str(exc))
        return rec

    def dispatch(self, incident_id: int, choice: int = 0) -> Any:
        version = self._version(incident_id)
        return self._act(self.centre.dispatch, incident_id, choice, expected_version=version)

    def advance(self, incident_id: int, to_state: str | None = None) -> Any:
        """Move to ``to_state`` (default: the next step of the lifecycle)."""
        inc = self._rows.iloc[self.row_of(incident_id)] if self.row_of(incident_id) >= 0 else None
        state = to_state or NEXT_STATE.get(str(inc["state"]) if inc is not None else "", "")
        if not state:
            self.actionFailed.emit(f"incident {incident_id} has no next step; dispatch a crew "
                                   "first (Enter or a digit)")
            return None
        return self._act(self.centre.advance, incident_id, state,
                         expected_version=self._version(incident_id))

    def check_escalations(self) -> list:
        events = self._attempt("record escalations", self.centre.check_escalations)
        if events is FAILED:
            return []
        for ev in events:
            self.eventCommitted.emit(ev)
        if events:
            self.refresh()
        return events

    # ------------------------------------------------------------------ map

    def map_points(self) -> pd.DataFrame:
        """Open incidents to draw: ``incident_id``, ``lon``, ``lat`` (WGS84), ``urgency``."""
        cols = ["incident_id", "lon", "lat", "urgency"]
        if self._rows.empty:
            return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
        return self._rows[cols].reset_index(drop=True)

    def routes(self, incident_id: int) -> IncidentRoutes:
        """The dispatched crew's route (from the dispatch event) and the current
        recommendation's option routes of an incident (WGS84 (lon, lat) lists)."""
        crew: list[tuple[float, float]] = []
        for ev in reversed(self.centre.log.events(incident_id)):
            if ev.kind == "state" and ev.to_state == "dispatched":
                crew = [tuple(p) for p in ev.data.get("station", {}).get("route_lonlat", [])]
                break
        row = self.row_of(incident_id)
        state = str(self._rows.iloc[row]["state"]) if row >= 0 else ""
        rec = self.centre.recommendations.get(incident_id) if state == "received" else None
        options = [list(o.route_lonlat) for o in rec.options] if rec is not None else []
        return IncidentRoutes(crew=crew, options=[r for r in options if len(r) > 1])

    def _version(self, incident_id: int) -> int | None:
        row = self.row_of(incident_id)
        return int(self._rows.iloc[row]["version"]) if row >= 0 else None


AGENCY_HEADERS = {
    "en": ("Agency", "Status", "Station", "ETA", "Notified", "Acknowledged", "Dispatched",
           "On site", "Done"),
    "zh": ("单位", "状态", "站点", "预计到达", "通知", "确认", "出动", "到场", "完成"),
}
AGENCY_LABELS = {"zh": {"maintainer": "维保单位", "119": "119 消防", "110": "110 公安",
                        "property": "物业"},
                 "en": {"maintainer": "Maintainer", "119": "119 Fire", "110": "110 Police",
                        "property": "Property"}}
AGENCY_STATUS_LABELS = {
    "zh": {"notified": "已通知", "acknowledged": "已确认", "dispatched": "已出动",
           "on_site": "已到场", "done": "已完成"},
    "en": {"notified": "notified", "acknowledged": "acknowledged", "dispatched": "dispatched",
           "on_site": "on site", "done": "done"},
}
#: Every built-in label table with one entry per language (checked complete by the tests).
LABEL_TABLES = {"HEADERS": HEADERS, "STATE_LABELS": STATE_LABELS,
                "CAUSE_LABELS": CAUSE_LABELS, "REASON_LABELS": REASON_LABELS,
                "MINUTES": MINUTES,
                "AGENCY_HEADERS": AGENCY_HEADERS, "AGENCY_LABELS": AGENCY_LABELS,
                "AGENCY_STATUS_LABELS": AGENCY_STATUS_LABELS}
_AGENCY_COLUMNS = ("agency", "status", "station_id", "eta_s", "notified_at_s",
                   "acknowledged_at_s", "dispatched_at_s", "on_site_at_s", "done_at_s")


class JointResponseModel(_FixedColumnsModel):
    """One row per agency (maintainer, 119, 110, property) of the current incident."""

    _columns = _AGENCY_COLUMNS
    _headers = AGENCY_HEADERS

    actionFailed = Signal(str)
    eventCommitted = Signal(object)

    def __init__(self, centre: CommandCentre, *, language: str = "zh",
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.centre = centre
        self.language = language if language in AGENCY_HEADERS else "en"
        self.guard: Callable[[str], None] | None = None  # as on IncidentBoardModel
        self.incident_id: int | None = None
        self._rows: list[dict[str, Any]] = []

    def set_incident(self, incident_id: int | None) -> None:
        if incident_id != self.incident_id:
            self.incident_id = incident_id
        self.refresh()

    def refresh(self) -> None:
        try:
            found = {a["agency"]: a for a in (self.centre.log.agencies(self.incident_id)
                                              if self.incident_id is not None else [])}
        except OperationalError as exc:
            self.actionFailed.emit(unreachable(exc))
            return
        self.beginResetModel()
        self._rows = [found.get(a, {"agency": a, "status": ""}) for a in AGENCIES] \
            if self.incident_id is not None else []
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        from gis.incidents.report import _t

        row = self._rows[index.row()]
        col = _AGENCY_COLUMNS[index.column()]
        value = row.get(col)
        if col == "agency":
            return AGENCY_LABELS[self.language][str(value)]
        if col == "eta_s":
            unit = MINUTES[self.language]["min"]
            return f"{float(value) / 60:.0f} {unit}" if value is not None else ""
        if col == "status":
            return AGENCY_STATUS_LABELS[self.language].get(str(value or ""), str(value or ""))
        if col.endswith("_at_s"):
            return _t(value) if value is not None else ""
        return "" if value is None else str(value)

    def agency_at(self, row: int) -> str:
        return str(self._rows[row]["agency"])

    def set_status(self, agency: str, status: str) -> Any:
        from gis.incidents.lifecycle import set_agency_status

        if self.incident_id is None:
            return None
        ev = self._attempt("set the agency status", set_agency_status, self.centre.log,
                           self.incident_id, agency, status, actor=self.centre.actor,
                           clock=self.centre.clock)
        if ev is FAILED:
            return None
        self.eventCommitted.emit(ev)
        self.refresh()
        return ev
