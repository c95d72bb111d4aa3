"""Supervisor view: incident actions per operator (who did what, where, when).

The panel shows one row per operator (actions, incidents, dispatches, claims, workstations,
first and last action) and, for the operator picked there, their actions. Loading runs on the
worker pool (:mod:`app.workers`); :meth:`SupervisorPanel.refresh` is cheap to call on every
``LiveUpdates.eventsArrived`` (refreshes are coalesced).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from gis.incidents.supervision import operator_summary

_LOCAL = dt.timezone(dt.timedelta(hours=8))
SUMMARY_HEADERS = ("Operator 操作员", "Actions 操作", "Incidents 事件", "Dispatches 派单",
                   "Claims 接手", "Workstations 席位", "First 首次", "Last 最近")
ACTION_HEADERS = ("Time 时间", "Workstation 席位", "Incident 事件", "Action 操作",
                  "Change 状态", "Note 备注")


def _hms(seconds: float) -> str:
    return dt.datetime.fromtimestamp(float(seconds), _LOCAL).strftime("%m-%d %H:%M:%S")


def _row(values: list[Any]) -> list[QStandardItem]:
    items = []
    for v in values:
        item = QStandardItem(str(v))
        item.setEditable(False)
        if isinstance(v, int):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        items.append(item)
    return items


class SupervisorPanel(QWidget):
    """Actions per operator. ``load`` returns :func:`gis.incidents.supervision
    .operator_actions` (e.g. ``functools.partial(operator_actions, log)``); it runs off the UI
    thread."""

    loaded = Signal()
    failed = Signal(object)

    def __init__(self, load: Callable[[], pd.DataFrame], parent: QWidget | None = None,
                 *, coalesce_ms: int = 300) -> None:
        super().__init__(parent)
        self._load = load
        self._actions = pd.DataFrame()
        self.summary = QStandardItemModel(0, len(SUMMARY_HEADERS), self)
        self.summary.setHorizontalHeaderLabels(list(SUMMARY_HEADERS))
        self.actions = QStandardItemModel(0, len(ACTION_HEADERS), self)
        self.actions.setHorizontalHeaderLabels(list(ACTION_HEADERS))
        self.operators_view = self._table(self.summary)
        self.actions_view = self._table(self.actions)
        self.title = QLabel("Actions per operator 操作员记录")
        layout = QVBoxLayout(self)
        for w in (self.title, self.operators_view, self.actions_view):
            layout.addWidget(w)
        self.operators_view.selectionModel().currentRowChanged.connect(self._show_operator)
        self._timer = QTimer(self, singleShot=True, interval=coalesce_ms)
        self._timer.timeout.connect(self._start_load)
        self._worker: Any = None

    @staticmethod
    def _table(model: QStandardItemModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def refresh(self, *_args: Any) -> None:
        """Reload soon (several calls within ``coalesce_ms`` make one load)."""
        self._timer.start()

    def selected_operator(self) -> str | None:
        row = self.operators_view.currentIndex().row()
        return None if row < 0 else self.summary.item(row, 0).text()

    def _start_load(self) -> None:
        from app.workers import Worker, start

        self._worker = Worker(lambda progress, cancelled: self._load())
        self._worker.signals.finished.connect(self._show)
        self._worker.signals.failed.connect(lambda exc, _tb: self.failed.emit(exc))
        start(self._worker)

    def _show(self, actions: pd.DataFrame) -> None:
        keep = self.selected_operator()
        self._actions = actions
        summary = operator_summary(actions)
        self.summary.setRowCount(0)
        for s in summary.itertuples():
            self.summary.appendRow(_row([s.operator, int(s.actions), int(s.incidents),
                                         int(s.dispatches), int(s.claims), s.workstations,
                                         _hms(s.first_at_s), _hms(s.last_at_s)]))
        names = list(summary["operator"])
        row = names.index(keep) if keep in names else (0 if names else -1)
        if row >= 0:
            self.operators_view.selectRow(row)
        self._show_operator()
        self.loaded.emit()

    def _show_operator(self, *_args: Any) -> None:
        operator = self.selected_operator()
        self.actions.setRowCount(0)
        if operator is None or self._actions.empty:
            return
        mine = self._actions[self._actions["operator"] == operator].iloc[::-1]
        for a in mine.itertuples():
            change = f"{a.from_state} → {a.to_state}" if a.from_state != a.to_state else ""
            self.actions.appendRow(_row([_hms(a.at_s), a.workstation, int(a.incident_id),
                                         a.kind, change, a.note]))
