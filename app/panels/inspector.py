"""Inspector: every attribute of the selected elevator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.map.renderer import MapRenderer
from app.models.map_model import MapModel
from gis.registry import ELEVATOR_COLUMNS, ENGLISH_TO_CHINESE


class InspectorPanel(QWidget):
    #: The user asked to plan a rescue for this elevator row ("Plan rescue" button).
    plan_rescue = Signal(int)

    def __init__(self, model: MapModel, renderer: Callable[[], MapRenderer | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self._row = -1
        self.rescue_button = QPushButton(self.tr("Plan rescue (R)"))
        self.rescue_button.setEnabled(False)
        self.rescue_button.clicked.connect(lambda: self.plan_rescue.emit(self._row))
        self.heading = QLabel(self.tr("Click an elevator on the map"))
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.rescue_button)
        layout.addWidget(self.table)
        model.selection_changed.connect(self.show_row)

    def show_row(self, row: int) -> None:
        renderer = self._renderer()
        self.table.setRowCount(0)
        self._row = row if renderer is not None else -1
        self.rescue_button.setEnabled(self._row >= 0)
        if renderer is None or row < 0:
            self.heading.setText(self.tr("Click an elevator on the map"))
            return
        el = renderer.data.registry.elevators.iloc[row]
        table = renderer.data.table
        zh = renderer.language.startswith("zh")
        self.heading.setText(self.tr("Elevator %s") % el["registration_code"])
        rows = [(ENGLISH_TO_CHINESE.get(c, c) if zh else c, _text(el[c]))
                for c in ELEVATOR_COLUMNS]
        rows.append((self.tr("Years in use"), f"{table.age_years[row]:.1f}"))
        rows.append((self.tr("Retrofit stage overdue"),
                     self.tr("yes") if table.overdue[row] else self.tr("no")))
        if renderer.data.outside[row]:
            rows.append((self.tr("Note"), self.tr("outside every district boundary")))
        self.table.setRowCount(len(rows))
        for i, (name, value) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(name))
            self.table.setItem(i, 1, QTableWidgetItem(value))
        self.table.resizeColumnToContents(0)

    def value_of(self, field: str) -> str:
        """The shown value of ``field`` (English column name) for tests."""
        for i in range(self.table.rowCount()):
            name = self.table.item(i, 0).text()
            if name in (field, ENGLISH_TO_CHINESE.get(field)):
                return self.table.item(i, 1).text()
        raise KeyError(field)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)
