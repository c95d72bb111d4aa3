"""The map renderer: composes the layers of one map state into a QPainter, with caches.

Used by the canvas (interactive) and by ``liftguard snapshot`` / "Export map image" (headless),
so both draw exactly the same map. Static vector layers (districts, labels, roads) are rendered
into images cached per view transform; while the view moves the canvas may blit the stale
image scaled/shifted (``allow_stale``) and refresh it when idle. The elevator and station layers
are numpy rasters (:mod:`app.map.raster`), fast enough to redraw every frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from app.map import layers as vector
from app.map.data import MapData
from app.map.raster import PointSet, argb, prepare_points, render_points, shape_offsets, stamp
from app.map.transform import ViewTransform
from gis.thematic import (
    CHOROPLETH_VIEWS,
    OVERDUE_RGB,
    RGB,
    Choropleth,
    MapFilter,
    Thematic,
    check_view,
    class_counts,
    classify,
    classify_choropleth,
    district_figures,
    filter_mask,
    marked_counts,
)

BACKGROUND: RGB = (228, 232, 236)
LAYER_IDS: tuple[str, ...] = ("districts", "roads", "elevators", "stations_maintenance",
                              "stations_fire", "stations_police", "labels")
STATIC_LAYERS = frozenset({"districts", "roads", "labels"})
#: Station symbol per kind: (shape, half-size px, fill RGB).
STATION_SYMBOLS: dict[str, tuple[str, int, RGB]] = {
    "stations_maintenance": ("square", 3, (33, 102, 172)),
    "stations_fire": ("triangle", 5, (227, 26, 28)),
    "stations_police": ("diamond", 5, (37, 52, 148)),
}
_STATION_KIND = {"stations_maintenance": 0, "stations_fire": 1, "stations_police": 2}


@dataclass(frozen=True)
class LayerState:
    """Visibility and opacity of one layer (the list order is the drawing order)."""

    id: str
    visible: bool = True
    opacity: float = 1.0


DEFAULT_LAYERS: tuple[LayerState, ...] = tuple(LayerState(i) for i in LAYER_IDS)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    rgb: RGB
    count: int
    marked: int = 0


def to_qimage(buf: np.ndarray) -> QImage:
    """Wrap a (h, w) uint32 premultiplied ARGB buffer as a QImage without copying.

    The caller keeps ``buf`` alive as long as the image is used.
    """
    h, w = buf.shape
    return QImage(buf.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)


class MapRenderer:
    """Holds the drawable state of one map (view, filter, language) and paints it."""

    def __init__(self, data: MapData, *, view: str = "age", language: str = "en") -> None:
        self.data = data
        self.language = language
        self._view = check_view(view)
        self._filter = MapFilter()
        self.mask = np.ones(data.n, dtype=bool)
        self.highlight_district: int | None = None
        self._static: dict[str, tuple[Any, ViewTransform, QImage]] = {}
        self._points_cache: tuple[ViewTransform, np.ndarray] | None = None
        self._buffers: dict[str, np.ndarray] = {}
        self._rebuild()

    # ------------------------------------------------------------------ state
    @property
    def view(self) -> str:
        return self._view

    @property
    def filter(self) -> MapFilter:
        return self._filter

    def set_view(self, view: str) -> None:
        if check_view(view) != self._view:
            self._view = view
            self._rebuild()

    def set_filter(self, flt: MapFilter) -> None:
        if flt != self._filter:
            self.mask = filter_mask(self.data.table, flt)
            self._filter = flt
            self._rebuild()

    def set_language(self, language: str) -> None:
        if language != self.language:
            self.language = language
            self._static.pop("labels", None)

    @property
    def is_choropleth(self) -> bool:
        return self._view in CHOROPLETH_VIEWS

    def _rebuild(self) -> None:
        self.thematic: Thematic | None = None
        self.choropleth: Choropleth | None = None
        self.points: PointSet | None = None
        if self.is_choropleth:
            figures = district_figures(self.data.table, self.mask)
            self.choropleth = classify_choropleth(figures, self._view, self.data.config)
        else:
            self.thematic = classify(self.data.table, self._view)
            self.points = prepare_points(self.data.x, self.data.y, self.thematic, self.mask)
        self._points_cache = None
        self._static.pop("districts", None)
        self._static.pop("labels", None)

    @property
    def n_shown(self) -> int:
        """Elevators drawn under the current filter (all views)."""
        return int((self.mask & self.data.valid).sum())

    def legend(self) -> list[LegendEntry]:
        """Legend rows of the current view with counts under the filter."""
        if self.choropleth is not None:
            c = self.choropleth
            return [LegendEntry(lab, rgb, int(n)) for lab, rgb, n in
                    zip(c.labels(self.language), c.colours, c.counts, strict=True)]
        th = self.thematic
        assert th is not None
        counts = class_counts(th, self.mask & self.data.valid)
        marks = marked_counts(th, self.mask & self.data.valid)
        return [LegendEntry(lab, rgb, int(n), int(m)) for lab, rgb, n, m in
                zip(th.labels(self.language), th.colours, counts, marks, strict=True)]

    @staticmethod
    def overdue_rgb() -> RGB:
        return OVERDUE_RGB

    # --------------------------------------------------------------- drawing
    def paint(self, painter: QPainter, tf: ViewTransform, layers: Sequence[LayerState] =
              DEFAULT_LAYERS, *, allow_stale: bool = False) -> bool:
        """Paint every visible layer in order. Returns True if a stale cache was blitted
        (the caller should call :meth:`refresh_static` when idle and repaint)."""
        painter.fillRect(QRectF(0, 0, tf.width_px, tf.height_px), QColor(*BACKGROUND))
        stale = False
        for layer in layers:
            if not layer.visible or layer.opacity <= 0:
                continue
            painter.setOpacity(layer.opacity)
            if layer.id in STATIC_LAYERS:
                stale |= self._paint_static(painter, layer.id, tf, allow_stale)
            elif layer.id == "elevators":
                if self.points is not None:
                    painter.drawImage(0, 0, self.elevator_image(tf))
            elif layer.id in STATION_SYMBOLS:
                painter.drawImage(0, 0, self.station_image(layer.id, tf))
        painter.setOpacity(1.0)
        return stale

    def elevator_image(self, tf: ViewTransform) -> QImage:
        """The elevator layer for ``tf`` (a numpy raster wrapped without copying)."""
        if self._points_cache is None or self._points_cache[0] != tf:
            assert self.points is not None
            buf = self._buffer("elevators", tf)
            render_points(self.points, tf.origin, tf.m_per_px, tf.width_px, tf.height_px,
                          out=buf)
            self._points_cache = (tf, buf)
        return to_qimage(self._points_cache[1])

    def station_image(self, layer_id: str, tf: ViewTransform) -> QImage:
        shape, size, rgb = STATION_SYMBOLS[layer_id]
        if tf.m_per_px > 30:  # city zoom: small symbols so the elevator layer stays readable
            size = max(1, size // 2 - 1)
        buf = self._buffer(layer_id, tf)
        buf.fill(0)
        xy = self.data.station_xy[self.data.station_kind == _STATION_KIND[layer_id]]
        if len(xy):
            sx, sy = tf.to_screen(xy[:, 0], xy[:, 1])
            ok = (sx > -10) & (sx < tf.width_px + 10) & (sy > -10) & (sy < tf.height_px + 10)
            ix, iy = sx[ok].astype(np.int32), sy[ok].astype(np.int32)
            stamp(buf, ix, iy, shape_offsets(shape, size + 1), argb((255, 255, 255)))
            stamp(buf, ix, iy, shape_offsets(shape, size), argb(rgb))
        return to_qimage(buf)

    def _buffer(self, key: str, tf: ViewTransform) -> np.ndarray:
        buf = self._buffers.get(key)
        if buf is None or buf.shape != (tf.height_px, tf.width_px):
            buf = np.zeros((tf.height_px, tf.width_px), dtype=np.uint32)
            self._buffers[key] = buf
        return buf

    def _static_key(self, layer_id: str) -> Any:
        if layer_id == "districts":
            return (self._view if self.is_choropleth else None, self._filter,
                    self.highlight_district)
        if layer_id == "labels":
            return (self.language, self._view if self.is_choropleth else None, self._filter)
        return None

    def _paint_static(self, painter: QPainter, layer_id: str, tf: ViewTransform,
                      allow_stale: bool) -> bool:
        key = self._static_key(layer_id)
        cached = self._static.get(layer_id)
        if cached is not None and cached[0] == key and cached[1] == tf:
            painter.drawImage(0, 0, cached[2])
            return False
        scale, dx, dy = tf.mapping_from(cached[1]) if cached is not None else (0.0, 0.0, 0.0)
        if allow_stale and cached is not None and cached[0] == key and 0.5 <= scale <= 2.0:
            img = cached[2]  # a one-step move: blit the old image now, re-render when at rest
            painter.drawImage(QRectF(dx, dy, img.width() * scale, img.height() * scale), img)
            return True
        img = self.render_static(layer_id, tf)
        self._static[layer_id] = (key, tf, img)
        painter.drawImage(0, 0, img)
        return False

    def refresh_static(self, tf: ViewTransform) -> None:
        """Re-render the cached static layers for ``tf`` (call when the view came to rest)."""
        for layer_id in STATIC_LAYERS:
            self._static[layer_id] = (self._static_key(layer_id), tf,
                                      self.render_static(layer_id, tf))

    def render_static(self, layer_id: str, tf: ViewTransform) -> QImage:
        img = QImage(tf.width_px, tf.height_px, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        try:
            shapes = self.data.districts
            if layer_id == "districts":
                fills = None
                if self.choropleth is not None:
                    fills = [self.choropleth.colours[int(c)] for c in self.choropleth.codes]
                vector.draw_districts(p, shapes, tf, fills, highlight=self.highlight_district)
            elif layer_id == "labels":
                values = self.choropleth.value_text if self.choropleth is not None else None
                vector.draw_labels(p, shapes, tf, chinese=self.language.startswith("zh"),
                                   values=values)
            elif layer_id == "roads" and self.data.roads is not None:
                vector.draw_roads(p, self.data.roads, tf)
        finally:
            p.end()
        return img

    def selection_marker(self, painter: QPainter, tf: ViewTransform, row: int) -> None:
        """A ring around elevator ``row`` (if it has coordinates)."""
        x, y = self.data.x[row], self.data.y[row]
        if not (np.isfinite(x) and np.isfinite(y)):
            return
        sx, sy = tf.to_screen(np.array(x), np.array(y))
        vector.draw_point(painter, float(sx), float(sy), 9.0, (0, 200, 255))
        painter.setPen(QColor(20, 20, 20))
        painter.drawEllipse(QPointF(float(sx), float(sy)), 11.0, 11.0)
