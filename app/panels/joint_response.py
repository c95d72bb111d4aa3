"""The joint-response panel: per agency (maintainer, 119, 110, property) its status and times.

Select an agency row and press a status button (or keys **1–5**: notified, acknowledged,
dispatched, on site, done); each press is a committed event. **Export report…** writes the
one-page PDF (:func:`gis.incidents.report.write_incident_report`).

Dock it next to the board and follow its selection::

    joint = JointResponsePanel(JointResponseModel(centre))
    board.incidentSelected.connect(lambda iid, *_: joint.model.set_incident(iid))
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.incident_model import JointResponseModel
from gis.incidents.lifecycle import AGENCY_STATUSES


class JointResponsePanel(QWidget):
    """Agency table + status buttons for the incident set on the model."""

    reportWritten = Signal(str)

    def __init__(self, model: JointResponseModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        text = {"notified": self.tr("Notified"), "acknowledged": self.tr("Acknowledged"),
                "dispatched": self.tr("Dispatched"), "on_site": self.tr("On site"),
                "done": self.tr("Done")}
        self._title = self.tr("Joint response")
        self.title = QLabel(f"<b>{self._title}</b>", self)
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for n, status in enumerate(AGENCY_STATUSES, 1):
            b = QPushButton(f"{n} {text[status]}", self)
            b.clicked.connect(lambda _=False, s=status: self.set_status(s))
            buttons.addWidget(b)
            self.buttons[status] = b
        self.export = QPushButton(self.tr("Export report..."), self)
        self.export.clicked.connect(self._ask_export)
        buttons.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        model.modelReset.connect(self._on_reset)

    def _on_reset(self) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        iid = self.model.incident_id
        self.title.setText(f"<b>{self._title}</b>" + (f" #{iid}" if iid is not None else ""))

    def selected_agency(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.agency_at(index.row()) if index.isValid() else None

    def set_status(self, status: str) -> None:
        agency = self.selected_agency()
        if agency is not None:
            row = self.table.currentIndex().row()
            self.model.set_status(agency, status)
            self.table.selectRow(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_5:
            self.set_status(AGENCY_STATUSES[key - Qt.Key.Key_1])
        else:
            super().keyPressEvent(event)

    def export_report(self, path: str | Path) -> Path | None:
        from gis.errors import LiftGuardError
        from gis.incidents.report import write_incident_report

        if self.model.incident_id is None:
            return None
        engine = self.model.centre.engine
        try:
            out = write_incident_report(self.model.centre.log, self.model.incident_id, path,
                                        stations=self.model.centre.stations,
                                        roads=engine.arrays if engine is not None else None)
        except LiftGuardError as exc:
            self.model.actionFailed.emit(str(exc))
            return None
        self.reportWritten.emit(str(out))
        return out

    def _ask_export(self) -> None:
        if self.model.incident_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Incident report"), f"incident-{self.model.incident_id}.pdf",
            self.tr("PDF document (*.pdf)"))
        if path:
            self.export_report(path)
