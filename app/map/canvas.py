"""The map canvas: a QWidget painted with QPainter over a view transform in metres.

Interaction: drag or arrow keys pan, wheel (around the cursor) or +/- zoom, Home shows the whole
city; a click selects the nearest elevator within a few pixels (KD-tree). While the view moves,
cached static layers are blitted shifted/scaled and re-rendered once the view is at rest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from app.map.data import MapData
from app.map.decorations import draw_scale_bar
from app.map.overlays import (
    LineStyle,
    Overlay,
    PointStyle,
    line_overlay,
    point_overlay,
)
from app.map.renderer import MapRenderer
from app.map.transform import ViewTransform
from app.models.map_model import LayerModel, MapModel
from gis.crs import project
from gis.errors import ConfigError

PICK_RADIUS_PX = 6.0
WHEEL_STEP = 1.25
KEY_PAN_SHARE = 0.125
REST_DELAY_MS = 80


class MapCanvas(QWidget):
    """Native map widget over a :class:`MapModel` and a :class:`LayerModel`."""

    cursor_moved = Signal(float, float)  # WGS84 lon, lat
    frame_painted = Signal(float)  # milliseconds the frame took
    transform_changed = Signal()

    def __init__(self, map_model: MapModel, layer_model: LayerModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.map_model = map_model
        self.layer_model = layer_model
        self.renderer: MapRenderer | None = None
        self.transform = ViewTransform(0.0, 0.0, 100.0, max(self.width(), 1),
                                       max(self.height(), 1))
        self.message = ""
        self._moving = False  # the view is being moved interactively: stale caches may be blitted
        self._drag_from: QPointF | None = None
        self._drag_moved = False
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_DELAY_MS)
        self._rest.timeout.connect(self._refresh_static)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(200, 150)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        map_model.view_changed.connect(self._on_view)
        map_model.filter_changed.connect(self._on_filter)
        map_model.selection_changed.connect(lambda _row: self.update())
        layer_model.changed.connect(self.update)

    # ------------------------------------------------------------------ data
    def set_data(self, data: MapData | None, *, language: str = "en") -> None:
        """Show ``data`` (None clears the map) at full extent."""
        overlays = self.renderer.overlays if self.renderer is not None else {}
        if data is None:
            self.renderer = None
        else:
            self.renderer = MapRenderer(data, view=self.map_model.view, language=language)
            self.renderer.set_filter(self.map_model.filter)
            for name, overlay in overlays.items():
                self.renderer.set_overlay(name, overlay)
            self.zoom_full()
        self.update()

    # --------------------------------------------------------------- overlays
    def set_overlay(self, name: str, lon: Sequence[float] | np.ndarray,
                    lat: Sequence[float] | np.ndarray, style: PointStyle | None = None) -> None:
        """Show points (WGS84 degrees) as the overlay ``name`` above every layer, replacing
        an overlay of the same name. Rows without coordinates are skipped."""
        self._put_overlay(name, point_overlay(lon, lat, style))

    def set_lines(self, name: str, lines: Sequence[Sequence[tuple[float, float]]],
                  style: LineStyle | None = None) -> None:
        """Show polylines (lists of WGS84 (lon, lat)) as the overlay ``name`` (routes)."""
        self._put_overlay(name, line_overlay(lines, style))

    def clear_overlay(self, name: str) -> None:
        """Remove the overlay ``name`` (no-op if absent)."""
        if self.renderer is not None and name in self.renderer.overlays:
            self.renderer.set_overlay(name, None)
            self.update()

    def overlay_names(self) -> list[str]:
        return list(self.renderer.overlays) if self.renderer is not None else []

    def _put_overlay(self, name: str, overlay: Overlay) -> None:
        if self.renderer is None:
            raise ConfigError("no map is shown yet: open a registry before adding map overlays")
        self.renderer.set_overlay(name, overlay)
        self.update()

    def set_message(self, text: str) -> None:
        """A message painted over the map (empty registry, nothing matches...)."""
        self.message = text
        self.update()

    def _on_view(self, view: str) -> None:
        if self.renderer is not None:
            self.renderer.set_view(view)
            self.update()

    def _on_filter(self, flt: object) -> None:
        if self.renderer is not None:
            self.renderer.set_filter(flt)  # type: ignore[arg-type]
            self.update()

    # ------------------------------------------------------------- transform
    def set_transform(self, tf: ViewTransform, *, moving: bool = True) -> None:
        if tf != self.transform:
            self.transform = tf
            self.transform_changed.emit()
            self.update()
            self._moving = moving
            if moving:
                self._rest.start()

    def zoom_full(self) -> None:
        if self.renderer is not None:
            self.set_transform(ViewTransform.fit(self.renderer.data.extent, self.width(),
                                                 self.height()), moving=False)

    def zoom_to_district(self, adcode: str) -> None:
        """Fit a district (ConfigError for an unknown code) and outline it."""
        if self.renderer is None:
            return
        k = self.renderer.data.district_index(adcode)
        self.renderer.highlight_district = k  # part of the cache key of the base image
        bbox = tuple(self.renderer.data.districts.bboxes[k])
        self.set_transform(ViewTransform.fit(bbox, self.width(), self.height()),  # type: ignore[arg-type]
                           moving=False)
        self.update()

    def zoom_to_rows(self, rows: np.ndarray, *, min_span_m: float = 400.0) -> None:
        """Fit elevators ``rows`` (at least ``min_span_m`` across)."""
        if self.renderer is None or len(rows) == 0:
            return
        x, y = self.renderer.data.x[rows], self.renderer.data.y[rows]
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            return
        cx, cy = float(np.mean(x[ok])), float(np.mean(y[ok]))
        half = max(min_span_m / 2, float(np.ptp(x[ok])) / 2, float(np.ptp(y[ok])) / 2)
        self.set_transform(ViewTransform.fit((cx - half, cy - half, cx + half, cy + half),
                                             self.width(), self.height()), moving=False)

    def zoom_to_lonlat(self, lon: np.ndarray, lat: np.ndarray, *,
                       min_span_m: float = 800.0) -> None:
        """Fit WGS84 points (e.g. rescue routes) with a margin."""
        if self.renderer is None or len(lon) == 0:
            return
        x, y = project(np.asarray(lon, float), np.asarray(lat, float), self.renderer.data.epsg)
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            return
        x, y = x[ok], y[ok]
        cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
        half = max(min_span_m, float(np.ptp(x)), float(np.ptp(y))) * 0.55
        self.set_transform(ViewTransform.fit((cx - half, cy - half, cx + half, cy + half),
                                             self.width(), self.height()), moving=False)

    def screen_position(self, row: int) -> tuple[float, float]:
        """Pixel position of elevator ``row`` in the current view."""
        assert self.renderer is not None
        sx, sy = self.transform.to_screen(self.renderer.data.x[row], self.renderer.data.y[row])
        return float(sx), float(sy)

    # ---------------------------------------------------------------- picking
    def pick(self, sx: float, sy: float, radius_px: float = PICK_RADIUS_PX) -> int:
        """Row of the nearest shown elevator within ``radius_px`` of a pixel, or -1."""
        if self.renderer is None or self.renderer.is_choropleth:
            return -1
        tree, index = self.renderer.data.tree()
        if len(index) == 0:
            return -1
        mx, my = self.transform.to_map(sx, sy)
        k = min(16, len(index))
        dist, pos = tree.query((mx, my), k=k,
                               distance_upper_bound=radius_px * self.transform.m_per_px)
        dist, pos = np.atleast_1d(dist), np.atleast_1d(pos)
        found = pos[np.isfinite(dist)]
        rows = index[found]
        rows = rows[self.renderer.mask[rows]]
        if len(rows):
            return int(rows[0])
        if len(found) == k:  # all k nearest hidden by the filter: search the whole disc
            near = tree.query_ball_point((mx, my), radius_px * self.transform.m_per_px)
            rows = index[np.asarray(near, dtype=np.intp)]
            rows = rows[self.renderer.mask[rows]]
            if len(rows):
                d = np.hypot(self.renderer.data.x[rows] - mx, self.renderer.data.y[rows] - my)
                return int(rows[np.argmin(d)])
        return -1

    # ------------------------------------------------------------------ paint
    def render_frame(self, image: QImage | None = None, *, allow_stale: bool = False) -> bool:
        """Paint the map into ``image`` (or nowhere: used by benchmarks); returns stale."""
        target = image or QImage(self.transform.width_px, self.transform.height_px,
                                 QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(target)
        try:
            return self._paint_into(p, allow_stale=allow_stale)
        finally:
            p.end()

    def paintEvent(self, event: QPaintEvent) -> None:
        t0 = time.perf_counter()
        p = QPainter(self)
        try:
            stale = self._paint_into(p, allow_stale=self._moving)
        finally:
            p.end()
        if stale and not self._rest.isActive():
            self._rest.start()
        if self.renderer is not None:
            self.frame_painted.emit((time.perf_counter() - t0) * 1000)

    def _paint_into(self, p: QPainter, *, allow_stale: bool) -> bool:
        tf = self.transform
        stale = False
        if self.renderer is None:
            p.fillRect(QRectF(0, 0, tf.width_px, tf.height_px), QColor(228, 232, 236))
        else:
            stale = self.renderer.paint(p, tf, self.layer_model.layers, allow_stale=allow_stale)
            if self.map_model.selected >= 0 and self.map_model.selected < self.renderer.data.n:
                self.renderer.selection_marker(p, tf, self.map_model.selected)
            draw_scale_bar(p, tf)
        if self.message:
            self._paint_message(p, self.message)
        return stale

    def _paint_message(self, p: QPainter, text: str) -> None:
        font = QFont()
        font.setPointSizeF(11)
        p.setFont(font)
        rect = QRectF(self.width() * 0.15, 12, self.width() * 0.7, 60)
        p.setPen(QColor(120, 80, 0))
        p.setBrush(QColor(255, 243, 205, 235))
        p.drawRoundedRect(rect, 6, 6)
        p.drawText(rect.adjusted(10, 4, -10, -4),
                   int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)

    def _refresh_static(self) -> None:
        self._moving = False
        if self.renderer is not None:
            self.renderer.refresh_static(self.transform)
            self.update()

    # ------------------------------------------------------------ interaction
    def resizeEvent(self, event: QResizeEvent) -> None:
        first = self.transform.width_px <= 1
        self.transform = self.transform.resized(self.width(), self.height())
        if first or self.renderer is None:
            self.zoom_full()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            pos = event.position()
            self.set_transform(self.transform.zoomed(WHEEL_STEP ** steps, (pos.x(), pos.y())))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        dx = self.width() * KEY_PAN_SHARE
        dy = self.height() * KEY_PAN_SHARE
        moves = {Qt.Key.Key_Left: (dx, 0), Qt.Key.Key_Right: (-dx, 0),
                 Qt.Key.Key_Up: (0, dy), Qt.Key.Key_Down: (0, -dy)}
        if key in moves:
            self.set_transform(self.transform.panned(*moves[key]))
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_transform(self.transform.zoomed(2.0))
        elif key == Qt.Key.Key_Minus:
            self.set_transform(self.transform.zoomed(0.5))
        elif key == Qt.Key.Key_Home:
            self.zoom_full()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self._drag_moved = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self.renderer is not None:
            lon, lat = self.renderer.data.lonlat(*self.transform.to_map(pos.x(), pos.y()))
            self.cursor_moved.emit(lon, lat)
        if self._drag_from is not None and event.buttons() & Qt.MouseButton.LeftButton:
            delta = pos - self._drag_from
            if self._drag_moved or abs(delta.x()) + abs(delta.y()) > 3:
                self._drag_moved = True
                self._drag_from = pos
                self.set_transform(self.transform.panned(delta.x(), delta.y()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag_from is not None:
            if not self._drag_moved:
                pos = event.position()
                self.map_model.set_selected(self.pick(pos.x(), pos.y()))
            self._drag_from = None
        super().mouseReleaseEvent(event)
