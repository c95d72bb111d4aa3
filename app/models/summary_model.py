"""District summary table model over :func:`gis.summary.district_summary`."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.models.registry_model import RegistryModel
from gis.summary import SUMMARY_COLUMNS, district_summary

_PERCENT = {"share_old", "iot_share", "iot_residential_share"}
Index = QModelIndex | QPersistentModelIndex


class SummaryTableModel(QAbstractTableModel):
    def __init__(self, registry_model: RegistryModel, *, chinese: bool = False) -> None:
        super().__init__(registry_model)
        self._source = registry_model
        self._chinese = chinese
        self._table = pd.DataFrame(columns=list(SUMMARY_COLUMNS))
        registry_model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        reg = self._source.registry
        if reg is None or reg.elevators.empty:
            self._table = pd.DataFrame(columns=[*SUMMARY_COLUMNS, "name_en"])
        else:
            self._table = district_summary(reg, self._source.config)
        self.endResetModel()

    @property
    def table(self) -> pd.DataFrame:
        return self._table

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._table)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SUMMARY_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        key = list(SUMMARY_COLUMNS)[section]
        return SUMMARY_COLUMNS[key][1 if self._chinese else 0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = list(SUMMARY_COLUMNS)[index.column()]
        if key == "name" and not self._chinese:
            key = "name_en"
        value = self._table.iloc[index.row()][key]
        if role == Qt.ItemDataRole.DisplayRole:
            if key in _PERCENT:
                return f"{float(value) * 100:.1f}%"
            numeric = isinstance(value, int | float) and key != "adcode"
            return f"{value:,}" if numeric else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("name", "name_en", "adcode"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None
