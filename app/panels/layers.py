"""Layers panel: visibility (check box), opacity (slider) and order (up/down) of map layers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.models.map_model import LayerModel


class LayersPanel(QWidget):
    """A view of :class:`LayerModel`; the top of the list is drawn on top."""

    def __init__(self, model: LayerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.names = {
            "districts": self.tr("District boundaries"), "roads": self.tr("Roads"),
            "elevators": self.tr("Elevators"),
            "stations_maintenance": self.tr("Maintenance stations"),
            "stations_fire": self.tr("Fire stations"),
            "stations_police": self.tr("Police stations"),
            "labels": self.tr("District labels"),
        }
        self.list = QListWidget()
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.up = QPushButton(self.tr("Up"))
        self.down = QPushButton(self.tr("Down"))
        self.reset = QPushButton(self.tr("Reset"))
        buttons = QHBoxLayout()
        for b in (self.up, self.down, self.reset):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(QLabel(self.tr("Opacity of the selected layer")))
        layout.addWidget(self.opacity)
        layout.addLayout(buttons)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(self._show_opacity)
        self.opacity.valueChanged.connect(self._on_opacity)
        self.up.clicked.connect(lambda: self._move(+1))
        self.down.clicked.connect(lambda: self._move(-1))
        self.reset.clicked.connect(model.reset)
        model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        current = self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for state in reversed(self.model.layers):  # top of the list = drawn last
            item = QListWidgetItem(self.names.get(state.id, state.id))
            item.setData(Qt.ItemDataRole.UserRole, state.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if state.visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if state.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._show_opacity()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def item_for(self, layer_id: str) -> QListWidgetItem:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == layer_id:
                return self.list.item(i)
        raise KeyError(layer_id)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        self.model.set_visible(str(item.data(Qt.ItemDataRole.UserRole)),
                               item.checkState() == Qt.CheckState.Checked)

    def _show_opacity(self, *_: object) -> None:
        layer_id = self.current_id()
        self.opacity.setEnabled(layer_id is not None)
        if layer_id is not None:
            self.opacity.blockSignals(True)
            self.opacity.setValue(round(self.model.layer(layer_id).opacity * 100))
            self.opacity.blockSignals(False)

    def _on_opacity(self, value: int) -> None:
        layer_id = self.current_id()
        if layer_id is not None:
            self.model.set_opacity(layer_id, value / 100)

    def _move(self, steps: int) -> None:
        layer_id = self.current_id()
        if layer_id is not None:
            self.model.move(layer_id, steps)
