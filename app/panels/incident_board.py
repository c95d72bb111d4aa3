"""The incident board: open incidents with their clock, coloured by urgency, keyboard driven.

Keys (on the table): **Enter** confirms the recommended dispatch of the selected incident
(or moves a dispatched one to its next step), **1–9** dispatch that option, **N** next step
(accepted → en route → on site → released → closed), **F** false alarm, **Shift+Delete**
cancel, **Up/Down** move. The recommendation list under the table shows the options with
their ETA and reason. A one-second timer runs the clocks; escalations are checked every
``escalation_every_s`` seconds.

Dock it in a main window::

    model = IncidentBoardModel(centre, language="zh")
    board = IncidentBoard(model)
    dock = QDockWidget(window.tr("Incidents")); dock.setWidget(board)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    board.incidentSelected.connect(show_on_map)   # (id, lon, lat, recommended route lonlat)

Texts go through ``tr()`` (``resources/translations``); the table's headers and states come
from the model's language tables (:data:`app.models.incident_model.LABEL_TABLES`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.incident_model import COLUMNS, ID_ROLE, SORT_ROLE, IncidentBoardModel


class _BoardTable(QTableView):
    """The table; forwards the board's keys, keeps arrows and the rest."""

    keyAction = Signal(str, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)  # Ctrl+N etc. belong to the window's shortcuts
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.keyAction.emit("enter", 0)
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.keyAction.emit("pick", key - Qt.Key.Key_1)
        elif key == Qt.Key.Key_N:
            self.keyAction.emit("next", 0)
        elif key == Qt.Key.Key_F:
            self.keyAction.emit("false_alarm", 0)
        elif key == Qt.Key.Key_Delete and mods & Qt.KeyboardModifier.ShiftModifier:
            self.keyAction.emit("cancelled", 0)
        else:
            super().keyPressEvent(event)


class IncidentBoard(QWidget):
    """Sortable incident table + the selected incident's recommendation (see module doc)."""

    incidentSelected = Signal(int, float, float, object)  # id, lon, lat, route [(lon, lat)]
    #: Move-up warning after a crew is committed: station id and the elevators (DataFrame:
    #: registration_code, district_name, lon, lat, eta_before_s, eta_after_s) left uncovered.
    coverageLost = Signal(str, object)

    def __init__(self, model: IncidentBoardModel, *, escalation_every_s: int = 30,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = _BoardTable(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("time_left_s"), Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # compact rows: the board shows as many incidents as the dock height allows
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.options = QListWidget(self)
        self.options.setMaximumHeight(5 * self.fontMetrics().height() + 12)
        self.keys_text = self.tr("Enter dispatch/next · 1–9 pick · N next · F false alarm · "
                                 "Shift+Del cancel")
        self.hint = QLabel(self.keys_text, self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("Recommendation (Enter confirms, digits pick)"), self))
        layout.addWidget(self.options)
        layout.addWidget(self.hint)
        self._selected: int | None = None
        self.table.keyAction.connect(self._on_key)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._on_select())
        model.modelReset.connect(self._restore_selection)
        self._clock = QTimer(self)
        self._clock.timeout.connect(model.tick)
        self._clock.start(1000)
        model.eventCommitted.connect(self._after_event)
        self._workers: list = []
        self._escalation = QTimer(self)
        self._escalation.timeout.connect(model.check_escalations)
        self._escalation.start(escalation_every_s * 1000)

    # ------------------------------------------------------------------ selection

    def selected_incident(self) -> int | None:
        index = self.table.currentIndex()
        return None if not index.isValid() else int(self.proxy.data(index, ID_ROLE))

    def select_incident(self, incident_id: int) -> None:
        row = self.model.row_of(incident_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def _restore_selection(self) -> None:
        if self._selected is not None and self.model.row_of(self._selected) >= 0:
            self.select_incident(self._selected)
        elif self.model.rowCount() and self._selected is None:
            self.table.selectRow(0)
        self._show_options()

    def _on_select(self) -> None:
        self._selected = self.selected_incident()
        self._show_options()
        if self._selected is None:
            return
        inc = self.model.incident_at(self.model.row_of(self._selected))
        rec = self.model.centre.recommendations.get(self._selected)
        route = rec.options[0].route_lonlat if rec and rec.options else []
        self.incidentSelected.emit(self._selected, float(inc["lon"]), float(inc["lat"]), route)

    def _show_options(self) -> None:
        self.options.clear()
        iid = self.selected_incident()
        if iid is None:
            return
        inc = self.model.incident_at(self.model.row_of(iid))
        if inc["state"] != "received" and inc["state"] not in ("dispatched", "accepted",
                                                                "en_route"):
            return
        if self.model.centre.engine is None:
            self.options.addItem(self.tr(
                "Recommendations need a road graph: use File > Load road network (OSM)... or "
                "run `liftguard roads synth --db DB` (SYNTHETIC demo network)."))
            return
        rec = self.model.recommendation(iid)
        if rec is None or not rec.options:
            self.options.addItem(self.tr("No recommendation"))
            return
        line = self.tr("%1. %2 %3 — %4 (level %5) ETA %6 min")
        for n, o in enumerate(rec.options, 1):
            text = line
            for i, v in enumerate((n, o.station_id, o.station_name,
                                   self.model.reason_label(o.reason),
                                   o.response_level, f"{o.eta_s / 60:.1f}"), 1):
                text = text.replace(f"%{i}", str(v), 1)
            self.options.addItem(text + ("" if o.meets_limit else " ⚠"))
        for w in rec.warnings:
            self.options.addItem(f"! {w}")

    # ------------------------------------------------------------------ keys

    def _on_key(self, action: str, number: int) -> None:
        iid = self.selected_incident()
        if iid is None:
            return
        self._selected = iid
        state = self.model.incident_at(self.model.row_of(iid))["state"]
        if action == "enter":
            if state == "received":
                self.model.dispatch(iid, 0)
            else:
                self.model.advance(iid)
        elif action == "pick":
            self.model.dispatch(iid, number)
        elif action == "next":
            self.model.advance(iid)
        else:
            self.model.advance(iid, action)

    def _after_event(self, event: Any) -> None:
        """A crew was committed: compute the move-up warning off the UI thread."""
        station = event.data.get("station", {}).get("station_id") if event.kind == "state" \
            and event.to_state == "dispatched" else None
        if not station or self.model.centre.engine is None:
            return
        from app.workers import Worker, start

        centre = self.model.centre
        worker = Worker(lambda progress, cancelled: (station, centre.move_up_warning(station)))
        # bound methods of this widget: Qt queues the calls onto the UI thread
        worker.signals.finished.connect(self._show_coverage)
        worker.signals.failed.connect(self._coverage_failed)
        self._workers = [*self._workers[-4:], worker]
        start(worker)

    def _coverage_failed(self, exc: BaseException, _traceback: str) -> None:
        self.model.actionFailed.emit(str(exc))

    def _show_coverage(self, result: tuple[str, Any]) -> None:
        station, lost = result
        warning = self.tr("with %1 committed, %2 elevators have no station within the limit")
        self.hint.setText(f"{self.keys_text}  |  "
                          + warning.replace("%1", station).replace("%2", f"{len(lost):,}"))
        self.coverageLost.emit(station, lost)

    def stop_timers(self) -> None:
        """Stop the clocks and cancel pending move-up computations (their results are
        dropped: Qt disconnects a destroyed widget's slots)."""
        self._clock.stop()
        self._escalation.stop()
        for w in self._workers:
            w.cancel()

    def closeEvent(self, event: Any) -> None:
        self.stop_timers()
        super().closeEvent(event)
