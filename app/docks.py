"""The main window's docks and its two layouts.

Docks: legend and layers (left), alarm intake, search, filters, inspector and rescue (right),
the incident board and the joint-response panel beside the district summary, district planning
and the supervisor's view (bottom, tabbed). Layouts: *Command centre* (intake, board and joint
response in front, the bottom docks tall enough for the board) and *District planning* (the
district summary in front, the incident docks hidden, the map keeps most of the height).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

LAYOUTS = ("command_centre", "planning")


class WindowDocks(QObject):
    """Creates the docks of ``window`` around the given panels (module doc); the incident,
    joint-response and supervisor docks hold a placeholder until a command centre is set."""

    def __init__(self, window: QMainWindow, panels: dict[str, QWidget]) -> None:
        super().__init__(window)
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea,
                               Qt.DockWidgetArea.RightDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        no_centre = self.tr("Incidents appear here once a database is open.")
        for key, title, area in (
                ("legend", self.tr("Legend"), left),
                ("layers", self.tr("Layers"), left),
                ("intake", self.tr("Alarm intake"), right),
                ("search", self.tr("Find elevator"), right),
                ("filters", self.tr("Filters"), right),
                ("inspector", self.tr("Inspector"), right),
                ("rescue", self.tr("Rescue"), right),
                ("incidents", self.tr("Incidents"), bottom),
                ("joint", self.tr("Joint response"), bottom),
                ("summary", self.tr("Districts"), bottom),
                ("planning", self.tr("District planning"), bottom),
                ("supervisor", self.tr("Supervisor"), bottom)):
            dock = QDockWidget(title, window)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(panels[key] if key in panels else QLabel(no_centre))
            window.addDockWidget(area, dock)
            self.docks[key] = dock
        d = self.docks
        window.tabifyDockWidget(d["filters"], d["inspector"])
        window.tabifyDockWidget(d["inspector"], d["rescue"])
        window.splitDockWidget(d["incidents"], d["joint"], Qt.Orientation.Horizontal)
        window.tabifyDockWidget(d["incidents"], d["summary"])
        window.tabifyDockWidget(d["summary"], d["planning"])
        window.tabifyDockWidget(d["planning"], d["supervisor"])
        d["supervisor"].hide()  # View > Panels > Supervisor
        d["filters"].raise_()

    def apply_layout(self, name: str) -> None:
        """Show the docks of layout ``name`` (one of :data:`LAYOUTS`)."""
        d, window = self.docks, self.window
        centre = name == "command_centre"
        for key in ("intake", "incidents", "joint"):
            d[key].setVisible(centre)
        d["planning"].hide()  # its form would take ~350 px from the map
        # the intake finds elevators by code or address too: the search waits behind it
        d["search"].setVisible(not centre)
        d["incidents" if centre else "summary"].raise_()
        if centre:
            d["rescue"].raise_()
            window.resizeDocks([d["incidents"], d["joint"]], [900, 480],
                               Qt.Orientation.Horizontal)
        window.resizeDocks([d["summary"]], [330 if centre else 170], Qt.Orientation.Vertical)

    def show(self, key: str) -> None:
        """Show dock ``key`` in front of its tab group."""
        self.docks[key].show()
        self.docks[key].raise_()
