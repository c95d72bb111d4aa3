"""Incidents on the map: open incidents by urgency, the selected one with its routes, and the
move-up warning (elevators left without a station within the limit while a crew is committed).

:class:`IncidentOverlays` draws onto the window's :class:`app.map.canvas.MapCanvas` overlays;
:class:`app.command_centre.CommandCentreController` calls it with what the board model gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject

from app.map.overlays import LineStyle, PointStyle

if TYPE_CHECKING:
    import pandas as pd

    from app.map.canvas import MapCanvas
    from app.models.incident_model import IncidentRoutes

#: Open incidents by urgency (one overlay each, named ``incidents_<urgency>``).
INCIDENT_OVERLAYS = {
    "late": PointStyle(rgb=(200, 0, 0), shape="triangle", size_px=9, outline_rgb=(255, 255, 255)),
    "predicted_late": PointStyle(rgb=(245, 120, 0), shape="triangle", size_px=8,
                                 outline_rgb=(255, 255, 255)),
    "at_risk": PointStyle(rgb=(235, 200, 0), shape="triangle", size_px=7,
                          outline_rgb=(60, 60, 60)),
    "ok": PointStyle(rgb=(30, 110, 200), shape="triangle", size_px=7,
                     outline_rgb=(255, 255, 255)),
}
SELECTED_INCIDENT_OVERLAY = "incident_selected"
SELECTED_INCIDENT_STYLE = PointStyle(rgb=(255, 230, 0), shape="diamond", size_px=12,
                                     outline_rgb=(0, 0, 0))
CREW_ROUTE_OVERLAY = "incident_crew_route"
CREW_ROUTE_STYLE = LineStyle(rgb=(140, 0, 210), width_px=5.0)
OPTION_ROUTES_OVERLAY = "incident_option_routes"
OPTION_ROUTE_STYLE = LineStyle(rgb=(70, 90, 200), width_px=3.0, highlight=0,
                               highlight_rgb=(0, 150, 80), highlight_width_px=5.0)
COVERAGE_LOST_OVERLAY = "coverage_lost"
COVERAGE_LOST_STYLE = PointStyle(rgb=(255, 0, 255), shape="square", size_px=3,
                                 outline_rgb=(0, 0, 0))
#: Option routes fitted into the view when an incident is selected (the rest may run off it).
ZOOM_OPTIONS = 3


class IncidentOverlays(QObject):
    """The command centre's map overlays (module doc); ``show_message(text, timeout_ms)`` is
    the window's status bar."""

    def __init__(self, canvas: MapCanvas, show_message: Callable[[str, int], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.show_message = show_message
        self.shown_incident: int | None = None
        self._layer_key: tuple = ()

    def clear(self) -> None:
        """Remove every incident overlay (another centre, or none)."""
        self.shown_incident, self._layer_key = None, ()
        for name in (SELECTED_INCIDENT_OVERLAY, CREW_ROUTE_OVERLAY, OPTION_ROUTES_OVERLAY,
                     COVERAGE_LOST_OVERLAY, *(f"incidents_{u}" for u in INCIDENT_OVERLAYS)):
            self.canvas.clear_overlay(name)

    def draw_incidents(self, points: pd.DataFrame, *, force: bool = False) -> None:
        """The open incidents (columns incident_id, urgency, lon, lat) as one overlay per
        urgency; redrawn only when an incident or its urgency changed (the board's clock
        ticks every second) or with ``force``."""
        if self.canvas.renderer is None:
            return
        key = tuple(zip(points["incident_id"].tolist(), points["urgency"].tolist(),
                        strict=True))
        if key == self._layer_key and not force:
            return
        self._layer_key = key
        for urgency, style in INCIDENT_OVERLAYS.items():
            hit = points.loc[points["urgency"] == urgency]
            name = f"incidents_{urgency}"
            if hit.empty:
                self.canvas.clear_overlay(name)
            else:
                self.canvas.set_overlay(name, hit["lon"].to_numpy(float),
                                        hit["lat"].to_numpy(float), style)

    def show_incident(self, incident_id: int, lon: float, lat: float,
                      routes: IncidentRoutes) -> None:
        """Mark the selected incident, draw its crew's and options' routes, and zoom to it
        when the selection moved to another incident."""
        if self.canvas.renderer is None:
            return
        self.canvas.set_overlay(SELECTED_INCIDENT_OVERLAY, [lon], [lat],
                                SELECTED_INCIDENT_STYLE)
        if routes.crew:
            self.canvas.set_lines(CREW_ROUTE_OVERLAY, [routes.crew], CREW_ROUTE_STYLE)
        else:
            self.canvas.clear_overlay(CREW_ROUTE_OVERLAY)
        if routes.options:
            self.canvas.set_lines(OPTION_ROUTES_OVERLAY, routes.options, OPTION_ROUTE_STYLE)
        else:
            self.canvas.clear_overlay(OPTION_ROUTES_OVERLAY)
        if incident_id != self.shown_incident:  # zoom once per incident, not per refresh
            self.shown_incident = incident_id
            pts = np.array([(lon, lat), *routes.crew,
                            *(p for r in routes.options[:ZOOM_OPTIONS] for p in r)], dtype=float)
            self.canvas.zoom_to_lonlat(pts[:, 0], pts[:, 1], min_span_m=1500.0)

    def clear_marks(self) -> None:
        """Remove the selected incident's mark and routes."""
        self.shown_incident = None
        for name in (SELECTED_INCIDENT_OVERLAY, CREW_ROUTE_OVERLAY, OPTION_ROUTES_OVERLAY):
            self.canvas.clear_overlay(name)

    def show_coverage_lost(self, station_id: str, lost: Any) -> None:
        """Move-up warning: elevators (a frame with lon, lat) with no station within the
        limit while ``station_id``'s crew is committed."""
        if self.canvas.renderer is None:
            return
        if lost is None or len(lost) == 0:
            self.canvas.clear_overlay(COVERAGE_LOST_OVERLAY)
            return
        self.canvas.set_overlay(COVERAGE_LOST_OVERLAY, lost["lon"].to_numpy(float),
                                lost["lat"].to_numpy(float), COVERAGE_LOST_STYLE)
        self.show_message(
            self.tr("Move-up warning: with %s committed, %s elevators have no station within "
                    "the limit (magenta squares)") % (station_id, f"{len(lost):,}"), 20000)
