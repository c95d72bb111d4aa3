"""Legend of the current view: a swatch, label and count per class, under the filter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.map.renderer import MapRenderer
from app.models.map_model import MapModel
from gis.thematic import VIEW_TITLES


def swatch(rgb: tuple[int, int, int], size: int = 14) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(QColor(*rgb))
    return pix


class LegendPanel(QWidget):
    """Reads the legend from the map renderer whenever view, filter or data change."""

    def __init__(self, map_model: MapModel, renderer: Callable[[], MapRenderer | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self.title = QLabel()
        self.title.setObjectName("legendTitle")
        self.title.setStyleSheet("font-weight:bold")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Class"), self.tr("Elevators")])
        self.tree.setRootIsDecorated(False)
        self.total = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tree)
        layout.addWidget(self.total)
        map_model.view_changed.connect(self.refresh)
        map_model.filter_changed.connect(self.refresh)

    def refresh(self, *_: object) -> None:
        self.tree.clear()
        renderer = self._renderer()
        if renderer is None:
            self.title.setText(self.tr("No map loaded"))
            self.total.setText("")
            return
        zh = renderer.language.startswith("zh")
        self.title.setText(VIEW_TITLES[renderer.view][1 if zh else 0])
        for entry in renderer.legend():
            count = f"{entry.count:,}"
            if entry.marked:
                count += "  " + self.tr("(%s overdue)") % f"{entry.marked:,}"
            item = QTreeWidgetItem([entry.label, count])
            item.setIcon(0, swatch(entry.rgb))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        if renderer.view == "retrofit":
            item = QTreeWidgetItem([self.tr("Stage overdue (ring)"), ""])
            item.setIcon(0, swatch(renderer.overdue_rgb()))
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(1)
        text = self.tr("%s of %s elevators shown") % (f"{renderer.n_shown:,}",
                                                      f"{renderer.data.n:,}")
        if renderer.is_choropleth:
            text += " · " + self.tr("counts are districts")
        self.total.setText(text)

    def counts(self) -> list[str]:
        """The count column as shown (for tests)."""
        return [self.tree.topLevelItem(i).text(1) for i in range(self.tree.topLevelItemCount())]
