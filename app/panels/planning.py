"""Planning panel: coverage gaps and targets per district, the gap layer, station siting.

A self-contained widget. The main window gives it the data with :meth:`PlanningPanel.set_context`
(registry, routing engine or ``None`` when no road graph is loaded, config) and connects:

* ``gap_layer_changed(object)``: a DataFrame of gap elevators (``registration_code``, ``lon``,
  ``lat``, ``eta_s``) to draw on the map, or ``None`` to hide the layer;
* ``candidates_changed(object)``: the siting picks (``pick``, ``site_id``, ``name``, ``lon``,
  ``lat``, ``gain``) to draw as candidate markers, or ``None`` to clear them;
* ``failed(object, str)``: an exception and its traceback, for the error funnel.

Work runs through :mod:`app.workers` (thread pool, progress, cancel); the panel holds results
only to show them, never a copy of the registry.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.workers import Worker, start

if TYPE_CHECKING:
    from gis.config import Config
    from gis.registry import Registry
    from gis.routing import RoutingEngine

#: Columns of the figures table: (key in the merged frame, header).
FIGURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "District 区"), ("elevators", "Elevators"), ("gaps", "Gaps"),
    ("gap_share", "Gap %"), ("iot_residential_share", "IoT res. %"),
    ("iot_residential_15_share", "IoT res. 15+ %"), ("age_15", "15+ y"), ("age_20", "20+ y"),
    ("ledger_open", "Ledger open"), ("ledger_overdue", "Ledger overdue"),
    ("retrofit_overdue", "Retrofit overdue"), ("overspeed_missing", "No overspeed (pre-2005)"),
)
TIMES = (("free flow", None), ("08:00 morning peak", dt.time(8, 0)),
         ("17:30 evening peak", dt.time(17, 30)), ("03:00 night", dt.time(3, 0)))


class PlanningPanel(QWidget):
    """Coverage, targets and ledgers per district, with the gap layer and siting."""

    gap_layer_changed = Signal(object)
    candidates_changed = Signal(object)
    figures_ready = Signal(object)
    failed = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._registry: Registry | None = None
        self._engine: RoutingEngine | None = None
        self._config: Config | None = None
        self._coverage: pd.DataFrame | None = None
        self._worker: Worker | None = None

        self.limit = QDoubleSpinBox(minimum=1.0, maximum=240.0, value=30.0, suffix=" min")
        self.time_of_day = QComboBox()
        for label, _t in TIMES:
            self.time_of_day.addItem(self.tr(label))
        self.kinds = {k: QCheckBox(self.tr(k)) for k in ("maintenance", "fire", "police")}
        for box in self.kinds.values():
            box.setChecked(True)
        self.compute_button = QPushButton(self.tr("Compute coverage"))
        self.gap_button = QPushButton(self.tr("Show gap layer on map"))
        self.gap_button.setCheckable(True)
        self.gap_button.setEnabled(False)
        self.k = QSpinBox(minimum=1, maximum=50, value=5)
        self.site_button = QPushButton(self.tr("Site new stations"))
        self.site_button.setEnabled(False)
        self.status = QLabel(self.tr("Load a registry and a road graph, then compute."))
        self.status.setWordWrap(True)
        self.progress = QProgressBar(maximum=1000)
        self.progress.setVisible(False)
        self.table = QTableWidget(0, len(FIGURE_COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for _k, h in FIGURE_COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.sites = QTableWidget(0, 4)
        self.sites.setHorizontalHeaderLabels([self.tr("Pick"), self.tr("Site"),
                                              self.tr("Newly covered"), self.tr("Cumulative")])
        self.sites.verticalHeader().setVisible(False)

        form = QFormLayout()
        form.addRow(self.tr("Limit"), self.limit)
        form.addRow(self.tr("Time of day"), self.time_of_day)
        kinds_row = QHBoxLayout()
        for box in self.kinds.values():
            kinds_row.addWidget(box)
        form.addRow(self.tr("Stations"), kinds_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute_button)
        buttons.addWidget(self.gap_button)
        siting = QHBoxLayout()
        siting.addWidget(QLabel(self.tr("New stations")))
        siting.addWidget(self.k)
        siting.addWidget(self.site_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, stretch=3)
        layout.addLayout(siting)
        layout.addWidget(self.sites, stretch=1)

        self.compute_button.clicked.connect(self.compute)
        self.gap_button.toggled.connect(self._emit_gap_layer)
        self.site_button.clicked.connect(self.site)

    # ----------------------------------------------------------------- context

    def set_context(self, registry: Registry | None, engine: RoutingEngine | None,
                    config: Config | None = None) -> None:
        """Data to work on; clears previous results (and the map layers they fed)."""
        from gis.config import Config

        self._registry, self._engine, self._config = registry, engine, config or Config()
        self._coverage = None
        self.table.setRowCount(0)
        self.sites.setRowCount(0)
        self.gap_button.setChecked(False)
        self.gap_button.setEnabled(False)
        self.site_button.setEnabled(False)
        self.compute_button.setEnabled(registry is not None)
        self.candidates_changed.emit(None)
        if registry is not None and engine is None:
            self.status.setText(self.tr("No road graph: targets and ledgers only. Import "
                                        "roads for coverage and siting."))

    def _at(self) -> dt.datetime | None:
        t = TIMES[self.time_of_day.currentIndex()][1]
        return None if t is None or self._config is None else dt.datetime.combine(
            self._config.today, t)

    def _kinds(self) -> list[str] | None:
        chosen = [k for k, box in self.kinds.items() if box.isChecked()]
        return None if len(chosen) == len(self.kinds) else chosen

    # ----------------------------------------------------------------- work

    def compute(self) -> Worker | None:
        """Compute figures (and coverage when an engine is set) in the thread pool."""
        if self._registry is None:
            return None
        registry, engine, config = self._registry, self._engine, self._config
        limit_s, at, kinds = self.limit.value() * 60.0, self._at(), self._kinds()

        def job(progress: Any, cancelled: Any) -> tuple[pd.DataFrame, pd.DataFrame | None]:
            from gis.coverage import coverage_by, district_names, elevator_coverage
            from gis.planning import plan_districts

            figures = plan_districts(registry, config).key_figures()
            progress(0.3)
            cov = None
            if engine is not None:
                cov = elevator_coverage(engine, registry, config=config, limit_s=limit_s,
                                        at=at, kinds=kinds)
                table = coverage_by(cov, names=district_names(registry))
                figures = figures.merge(table[["group", "elevators", "gaps", "gap_share"]]
                                        .rename(columns={"group": "adcode"}), on="adcode",
                                        how="left")
            progress(1.0)
            return figures, cov

        return self._run(job, self._show_figures)

    def site(self) -> Worker | None:
        """Choose ``k`` new stations near the gaps (candidates along the roads)."""
        if self._engine is None or self._coverage is None:
            return None
        engine, cov, k, at = self._engine, self._coverage, self.k.value(), self._at()

        def job(progress: Any, cancelled: Any) -> Any:
            from gis.siting import candidates_along_roads, site_stations

            gaps = cov.loc[cov["gap"] & ~cov["off_network"]]
            cand = candidates_along_roads(engine, gaps["lon"].to_numpy(),
                                          gaps["lat"].to_numpy())
            if cand.empty:
                return None
            return site_stations(engine, cov, cand, k=k, at=at, exact=False,
                                 progress=progress, cancelled=cancelled)

        return self._run(job, self._show_sites)

    def _run(self, job: Any, done: Any) -> Worker:
        if self._worker is not None:
            self._worker.cancel()
        worker = Worker(job)
        # Bound methods, not lambdas: Qt drops them when the panel is destroyed.
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.finished.connect(done)
        worker.signals.failed.connect(self._on_failed)
        self._busy(True)
        self._worker = worker
        # the pool's persistent Python threads (app.workers): pyproj-safe, and signals
        # connected above are delivered on the UI thread
        return start(worker)

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def _on_finished(self, _result: object) -> None:
        self._busy(False)

    def _on_failed(self, exc: object, details: str) -> None:
        self._busy(False)
        self.failed.emit(exc, details)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.compute_button.setEnabled(not busy and self._registry is not None)
        self.site_button.setEnabled(not busy and self._coverage is not None)

    # ----------------------------------------------------------------- results

    def _show_figures(self, result: tuple[pd.DataFrame, pd.DataFrame | None]) -> None:
        figures, cov = result
        self._coverage = cov
        self.table.setRowCount(len(figures))
        for r, row in enumerate(figures.to_dict("records")):
            for c, (key, _h) in enumerate(FIGURE_COLUMNS):
                self.table.setItem(r, c, QTableWidgetItem(_cell(key, row.get(key))))
        self.gap_button.setEnabled(cov is not None)
        self.site_button.setEnabled(cov is not None)
        if cov is not None:
            n = int(cov["gap"].sum())
            self.status.setText(self.tr("%1 of %2 elevators beyond %3 min").replace(
                "%1", f"{n:,}").replace("%2", f"{len(cov):,}").replace(
                "%3", f"{cov.attrs['limit_s'] / 60:g}"))
            if self.gap_button.isChecked():
                self._emit_gap_layer(True)
        self.figures_ready.emit(figures)

    def _emit_gap_layer(self, shown: bool) -> None:
        if not shown or self._coverage is None:
            self.gap_layer_changed.emit(None)
            return
        cov = self._coverage
        self.gap_layer_changed.emit(cov.loc[cov["gap"], ["registration_code", "lon", "lat",
                                                         "eta_s"]].reset_index(drop=True))

    def _show_sites(self, result: Any) -> None:
        if result is None:
            self.status.setText(self.tr("No gap elevator can be covered by a new station."))
            self.sites.setRowCount(0)
            self.candidates_changed.emit(None)
            return
        picks = result.picks
        self.sites.setRowCount(len(picks))
        for r, row in enumerate(picks.to_dict("records")):
            for c, key in enumerate(("pick", "site_id", "gain", "cumulative")):
                self.sites.setItem(r, c, QTableWidgetItem(str(row[key])))
        self.status.setText(self.tr("%1 new station(s) cover %2 of %3 gap elevators").replace(
            "%1", str(len(picks))).replace("%2", f"{result.covered:,}").replace(
            "%3", f"{result.demand:,}"))
        self.candidates_changed.emit(picks)


def _cell(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    if key.endswith("share"):
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    return str(value)
