"""Rescue panel: the k fastest stations for the selected elevator and their routes.

The main window gives it the routing engine (``None`` while no road graph is loaded: the panel
then says how to load one) and asks it to :meth:`RescuePanel.plan` an elevator row. The query
(:meth:`gis.routing.RoutingEngine.rescue_options`) runs through :mod:`app.workers`; the panel
shows the options and emits ``routes_changed`` so the map draws them (fastest first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.workers import Worker, start

if TYPE_CHECKING:
    from gis.routing import RescueOption, RoutingEngine

K_OPTIONS = 5
#: Hour of each time-of-day choice (None: now; -1: free flow); labels in ``_time_labels``.
TIMES: tuple[int | None, ...] = (None, 8, 17, 3, -1)


def query_time(choice: int | None, today: dt.date) -> dt.datetime | None:
    """The ``at`` of a rescue query: now (China time), an hour on ``today``, or free flow."""
    from gis.routing import LOCAL_TZ

    if choice is None:
        return dt.datetime.now(LOCAL_TZ)
    if choice < 0:
        return None
    return dt.datetime.combine(today, dt.time(choice, 30 if choice == 17 else 0))


class RescuePanel(QWidget):
    """Options table (station, kind, ETA, distance, meets limit, reason)."""

    #: The options of the last plan (list of RescueOption), empty when cleared.
    planned = Signal(object)
    #: Routes to draw: list of [(lon, lat), ...], fastest first; an empty list clears them.
    routes_changed = Signal(object)
    failed = Signal(object, str)

    HEADERS = ("Station", "Kind", "ETA min", "Distance km", "Meets limit", "Reason")  # English

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine: RoutingEngine | None = None
        self._worker: Worker | None = None
        self._today = dt.date.today()
        self._token = 0
        self._code = ""
        self._at: dt.datetime | None = None
        self.options: list[RescueOption] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.time_of_day = QComboBox()
        self.time_of_day.addItems([self.tr("now"), self.tr("08:00 morning peak"),
                                   self.tr("17:30 evening peak"), self.tr("03:00 night"),
                                   self.tr("free flow")])
        self.clear_button = QPushButton(self.tr("Clear routes"))
        self.clear_button.clicked.connect(self.clear)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Time of day")))
        row.addWidget(self.time_of_day, 1)
        row.addWidget(self.clear_button)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([
            self.tr("Station"), self.tr("Kind"), self.tr("ETA min"), self.tr("Distance km"),
            self.tr("Meets limit"), self.tr("Reason")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.set_engine(None)

    # ------------------------------------------------------------------ state
    @property
    def engine(self) -> RoutingEngine | None:
        return self._engine

    def set_engine(self, engine: RoutingEngine | None, *, today: dt.date | None = None,
                   label: str = "") -> None:
        """The routing engine (None: no road graph); clears shown options."""
        self._engine = engine
        self._today = today or self._today
        self.clear()
        if engine is None:
            self.status.setText(self.tr(
                "No road network is loaded, so rescue routes cannot be planned. Use File > "
                "Load road network (OSM)... or run `liftguard roads import FILE.osm --db DB` "
                "(or `liftguard roads synth --db DB` for the SYNTHETIC demo network); a graph "
                "linked to the database is loaded at start."))
        else:
            a = engine.arrays
            self.status.setText(self.tr("Road network %s: %s nodes. Select an elevator and "
                                        "press R (Plan rescue).")
                                % (label or ("synthetic" if a.is_synthetic else "OSM"),
                                   f"{a.n_nodes:,}"))

    def clear(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        self._token += 1  # answers of earlier plans are ignored
        self.options = []
        self.table.setRowCount(0)
        self.routes_changed.emit([])

    # ------------------------------------------------------------------- work
    def plan(self, elevator: Mapping[str, Any]) -> Worker | None:
        """Find the k fastest stations for ``elevator`` (a registry row: ``registration_code``,
        ``lon``, ``lat``, ``maintenance_unit_id``). Returns the worker, or None without an
        engine (the status says how to load one)."""
        engine = self._engine
        code = str(elevator.get("registration_code", "?"))
        if engine is None:
            self.status.setText(self.tr("Cannot plan a rescue for %s: no road network is "
                                        "loaded. Use File > Load road network (OSM)...") % code)
            self.clear()
            return None
        record = dict(elevator)
        at = query_time(TIMES[self.time_of_day.currentIndex()], self._today)

        def job(progress: Any, cancelled: Any) -> list[RescueOption]:
            return engine.rescue_options(record, k=K_OPTIONS, at=at)

        self.clear()
        self.status.setText(self.tr("Planning rescue for elevator %s ...") % code)
        worker = Worker(job)
        worker.signals.finished.connect(partial(self._show, self._token))
        worker.signals.failed.connect(partial(self._on_failed, self._token))
        self._worker = worker
        self._code = code
        self._at = at
        return start(worker)

    def _on_failed(self, token: int, exc: object, details: str) -> None:
        if token != self._token:
            return
        self._worker = None
        self.status.setText(self.tr("No rescue plan: %s") % exc)
        self.failed.emit(exc, details)

    def _show(self, token: int, options: list[RescueOption]) -> None:
        if token != self._token:
            return  # a stale answer for an earlier elevator
        self._worker = None
        self.options = list(options)
        self.table.setRowCount(len(options))
        for i, o in enumerate(options):
            cells = (o.station_name or o.station_id, o.station_kind, f"{o.eta_s / 60:.1f}",
                     f"{o.distance_m / 1000:.2f}", self.tr("yes") if o.meets_limit
                     else self.tr("NO"), o.reason)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if i == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        when = self._at.strftime("%H:%M") if self._at is not None else self.tr("free flow")
        limit_min = self._engine.config.rescue_limit_city_s / 60 if self._engine else 30
        fastest = options[0]
        self.status.setText(self.tr("Elevator %s at %s: fastest %s in %s min (limit %s min); "
                                    "fastest route in red.")
                            % (self._code, when, fastest.station_name or fastest.station_id,
                               f"{fastest.eta_s / 60:.1f}", f"{limit_min:.0f}"))
        self.planned.emit(self.options)
        self.routes_changed.emit([o.route_lonlat for o in options])
