"""Search box: registration code, 6-digit rescue code or address text; zooms to the match."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.map.renderer import MapRenderer
from app.map.search import search_elevators


class SearchPanel(QWidget):
    found = Signal(object)  # np.ndarray of rows
    chosen = Signal(int)

    def __init__(self, renderer: Callable[[], MapRenderer | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("Registration code, rescue code or address"))
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel()
        self.results = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        self.edit.returnPressed.connect(self.run)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)

    def run(self) -> np.ndarray:
        renderer = self._renderer()
        self.results.clear()
        if renderer is None:
            self.status.setText(self.tr("No registry loaded"))
            return np.empty(0, dtype=np.intp)
        t0 = time.perf_counter()
        rows = search_elevators(renderer.data, self.edit.text())
        ms = (time.perf_counter() - t0) * 1000
        if len(rows) == 0:
            self.status.setText(self.tr("Nothing found for \"%s\"") % self.edit.text().strip())
            return rows
        self.status.setText(self.tr("%s found (%s ms)") % (f"{len(rows):,}", f"{ms:.1f}"))
        el = renderer.data.registry.elevators
        codes = el["registration_code"].to_numpy()[rows[:200]]
        addresses = el["address"].to_numpy()[rows[:200]]
        for row, code, address in zip(rows[:200], codes, addresses, strict=True):
            item = QListWidgetItem(f"{code}  {address}")
            item.setData(Qt.ItemDataRole.UserRole, int(row))
            self.results.addItem(item)
        self.found.emit(rows)
        return rows

    def _choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
