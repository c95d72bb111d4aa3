"""Side panel of the replay: the event list synchronised with the time, the incident board as
it stood at that moment, and the what-if table; plus the time slider with the events marked.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.map.layers import polygon_from_xy
from app.replay.controller import ReplayController
from gis.replay import COLOUR_CLASSES

_Index = QModelIndex | QPersistentModelIndex
_STATE_RGB = dict(COLOUR_CLASSES)
_URGENCY_RGB = {"late": (255, 205, 205), "predicted_late": (255, 225, 190),
                "at_risk": (255, 243, 190)}


class FrameModel(QAbstractTableModel):
    """A read-only table over a DataFrame (``formats`` per column: a callable → text)."""

    def __init__(self, columns: dict[str, str], formats: dict[str, Any] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns  # column -> header
        self.formats = formats or {}
        self.frame = pd.DataFrame(columns=list(columns))

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return list(self.columns.values())[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = list(self.columns)[index.column()]
        row = self.frame.iloc[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[col]
            fmt = self.formats.get(col)
            if fmt is not None:
                return fmt(value)
            return "" if value is None or (isinstance(value, float) and np.isnan(value)) \
                else str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            if "urgency" in row and row["urgency"] in _URGENCY_RGB:
                return QColor(*_URGENCY_RGB[row["urgency"]])
            if col == "state" and row[col] in _STATE_RGB:
                return QColor(*_STATE_RGB[row[col]]).lighter(160)
        return None


def minutes(value: Any) -> str:
    """Seconds as signed ``m:ss`` (blank for NaN)."""
    if value is None or not np.isfinite(value):
        return ""
    s = round(float(value))
    return f"{'-' if s < 0 else ''}{abs(s) // 60}:{abs(s) % 60:02d}"


def table(model: QAbstractTableModel, parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(20)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class EventList(QTableView):
    """Every event of the replay; the current one is selected; a click jumps there."""

    def __init__(self, controller: ReplayController, parent: QWidget | None = None) -> None:
        self.model_ = FrameModel({"text": "Event"})
        super().__init__(parent)
        self.setModel(self.model_)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(18)
        self.horizontalHeader().setStretchLastSection(True)
        self.controller = controller
        self._row = -2
        controller.replay_changed.connect(self._reload)
        controller.time_changed.connect(self._follow)
        self.clicked.connect(self._jump)

    def _reload(self) -> None:
        rp = self.controller.replay
        self.model_.set_frame(rp.events[["text", "at_s"]] if rp is not None else
                              pd.DataFrame(columns=["text", "at_s"]))
        self._row = -2

    def _follow(self, t_s: float) -> None:
        rp = self.controller.replay
        row = rp.event_row_at(t_s) if rp is not None else -1
        if row != self._row:
            self._row = row
            if row >= 0:
                index = self.model_.index(row, 0)
                self.selectRow(row)
                self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            else:
                self.clearSelection()

    def _jump(self, index: QModelIndex) -> None:
        self.controller.pause()
        self.controller.jump(float(self.model_.frame["at_s"].iloc[index.row()]))


class IncidentBoard(QTableView):
    """The board as it stood at the replay time (refreshed at most 4 times a second while
    playing, at once when paused)."""

    MIN_INTERVAL_S = 0.25

    def __init__(self, controller: ReplayController, parent: QWidget | None = None) -> None:
        self.model_ = FrameModel(
            {"incident": "#", "state": "State", "level": "Lvl", "time_left_s": "Left",
             "elapsed_s": "Since report", "station_id": "Crew", "fire_119": "119",
             "police_110": "110", "cause": "Cause", "district": "District",
             "address": "Address"},
            {"time_left_s": minutes, "elapsed_s": minutes})
        super().__init__(parent)
        self.setModel(self.model_)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(18)
        self.horizontalHeader().setStretchLastSection(True)
        self.controller = controller
        self._last = 0.0
        controller.time_changed.connect(self.refresh)
        controller.playing_changed.connect(lambda playing: playing or self.refresh(force=True))

    def refresh(self, _t: float | None = None, *, force: bool = False) -> None:
        now = time.perf_counter()
        rp = self.controller.replay
        if rp is None or (self.controller.playing and not force
                          and now - self._last < self.MIN_INTERVAL_S):
            return
        self._last = now
        self.model_.set_frame(rp.board_at(self.controller.time_s))


class TimeSlider(QWidget):
    """The replay time line with a tick per event; click or drag to jump."""

    jumped = Signal(float)

    def __init__(self, controller: ReplayController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setMinimumHeight(34)
        self.setMouseTracking(False)
        controller.time_changed.connect(lambda _t: self.update())
        controller.replay_changed.connect(self.update)

    def _x(self, t: np.ndarray | float) -> np.ndarray | float:
        c = self.controller
        span = max(c.end_s - c.start_s, 1e-9)
        return 8 + (np.asarray(t) - c.start_s) / span * (self.width() - 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            h = self.height()
            p.fillRect(self.rect(), QColor(245, 245, 248))
            p.setPen(QPen(QColor(150, 150, 160), 4))
            p.drawLine(8, h // 2, self.width() - 8, h // 2)
            rp = self.controller.replay
            if rp is None:
                return
            xs = np.asarray(self._x(rp.event_times_s), dtype=float)
            kinds = rp.events["event"].to_numpy(object)
            for sel, rgb in ((kinds == "alarm", (215, 25, 28)),
                             (np.isin(kinds, ("escalated", "agency")), (120, 0, 160)),
                             (~np.isin(kinds, ("alarm", "escalated", "agency")), (90, 90, 90))):
                x = xs[sel]
                top = 4 if rgb != (90, 90, 90) else 9
                seg = np.column_stack([x, np.full(len(x), top), x, np.full(len(x), h - top)])
                p.setPen(QPen(QColor(*rgb), 1))
                p.drawLines(polygon_from_xy(seg.reshape(-1, 2)))
            x = float(self._x(self.controller.time_s))
            p.setPen(QPen(QColor(20, 90, 200), 3))
            p.drawLine(int(x), 1, int(x), h - 1)
        finally:
            p.end()

    def _time_at(self, x: float) -> float:
        c = self.controller
        share = (x - 8) / max(self.width() - 16, 1)
        return c.start_s + min(max(share, 0.0), 1.0) * (c.end_s - c.start_s)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.controller.pause()
        self.controller.jump(self._time_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.controller.jump(self._time_at(event.position().x()))
