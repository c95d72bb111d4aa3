"""The map renderer: composes the layers of one map state into a QPainter, with caches.

Used by the canvas (interactive) and by ``liftguard snapshot`` / "Export map image" (headless),
so both draw exactly the same map.

The layer stack is split at the elevator layer into two cached images per view state: "below"
(background, districts, roads...: opaque) and "above" (stations, labels and the overlays of
:mod:`app.map.overlays`: transparent). Each is composed once when the view, filter, language,
layer stack or overlays change, into a reused buffer, not per frame. A frame is then three blits
around the elevator layer, a numpy raster (:mod:`app.map.raster`) redrawn for every new view.
While the view moves the canvas may blit the stale group images shifted/scaled
(``allow_stale``) and call :meth:`MapRenderer.refresh_static` once the view rests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from app.map import layers as vector
from app.map.data import MapData, RoadSegments
from app.map.overlays import Overlay, draw_overlay
from app.map.raster import (
    PointSet,
    argb,
    point_buffer,
    prepare_points,
    render_points,
    shape_offsets,
    stamp,
)
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


def to_qimage(buf: np.ndarray, width: int | None = None, height: int | None = None) -> QImage:
    """Wrap a C-contiguous (rows, stride) uint32 premultiplied ARGB buffer as a QImage without
    copying (``width``/``height`` smaller than the buffer for padded buffers).

    The caller keeps ``buf`` alive as long as the image is used.
    """
    rows, stride = buf.shape
    return QImage(buf.data, width or stride, height or rows, stride * 4,
                  QImage.Format.Format_ARGB32_Premultiplied)


@dataclass
class _Group:
    """A cached composed image of consecutive layers for one state key and view."""

    key: Any
    tf: ViewTransform
    image: QImage
    buffer: np.ndarray


class MapRenderer:
    """Holds the drawable state of one map (view, filter, language) and paints it."""

    def __init__(self, data: MapData, *, view: str = "age", language: str = "en") -> None:
        self.data = data
        self.language = language
        self._view = check_view(view)
        self._filter = MapFilter()
        self.mask = np.ones(data.n, dtype=bool)
        self.highlight_district: int | None = None
        self.overlays: dict[str, Overlay] = {}
        self._groups: dict[str, _Group] = {}
        self._members: dict[str, tuple[LayerState, ...]] = {"below": (), "above": ()}
        self._points_cache: tuple[ViewTransform, np.ndarray] | None = None
        self._buffers: dict[str, np.ndarray] = {}
        self._version = {"roads": 0, "overlays": 0, "districts": 0}
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

    def set_roads(self, roads: RoadSegments | None) -> None:
        """Show a (new) road network."""
        self.data.roads = roads
        self._version["roads"] += 1

    def set_overlay(self, name: str, overlay: Overlay | None) -> None:
        """Add, replace or (``None``) remove the overlay ``name``; drawn above every layer in
        the order added."""
        if overlay is None and name not in self.overlays:
            return
        self.overlays.pop(name, None)
        if overlay is not None:
            self.overlays[name] = overlay
        self._version["overlays"] += 1

    def invalidate(self) -> None:
        """Drop the cached layer images and elevator raster (the next paint re-renders all)."""
        self._groups.clear()
        self._points_cache = None

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
        """Paint every visible layer in order, then the overlays. Returns True if a stale
        cache was blitted (the caller should call :meth:`refresh_static` when idle)."""
        shown = tuple(s for s in layers if s.visible and s.opacity > 0)
        ids = [s.id for s in shown]
        elevators: LayerState | None = None
        if "elevators" in ids and self.points is not None:
            k = ids.index("elevators")
            below, elevators, above = shown[:k], shown[k], shown[k + 1:]
        else:
            below, above = tuple(s for s in shown if s.id != "elevators"), ()
        self._members = {"below": below, "above": above}
        stale = self._paint_group(painter, "below", tf, allow_stale)
        if elevators is not None:
            painter.setOpacity(elevators.opacity)
            painter.drawImage(0, 0, self.elevator_image(tf))
            painter.setOpacity(1.0)
        stale |= self._paint_group(painter, "above", tf, allow_stale)
        return stale

    def elevator_image(self, tf: ViewTransform) -> QImage:
        """The elevator layer for ``tf`` (a numpy raster wrapped without copying)."""
        if self._points_cache is None or self._points_cache[0] != tf:
            assert self.points is not None
            buf = self._buffer("elevators", tf, pad=1)
            render_points(self.points, tf.origin, tf.m_per_px, tf.width_px, tf.height_px,
                          out=buf)
            self._points_cache = (tf, buf)
        return to_qimage(self._points_cache[1], tf.width_px, tf.height_px)

    def station_image(self, layer_id: str, tf: ViewTransform) -> QImage:
        """One station layer as a transparent image (a reused scratch buffer)."""
        shape, size, rgb = STATION_SYMBOLS[layer_id]
        if tf.m_per_px > 30:  # city zoom: small symbols so the elevator layer stays readable
            size = max(1, size // 2 - 1)
        buf = self._buffer("scratch", tf)
        buf.fill(0)
        xy = self.data.station_xy[self.data.station_kind == _STATION_KIND[layer_id]]
        if len(xy):
            sx, sy = tf.to_screen(xy[:, 0], xy[:, 1])
            ok = (sx > -10) & (sx < tf.width_px + 10) & (sy > -10) & (sy < tf.height_px + 10)
            ix, iy = sx[ok].astype(np.int32), sy[ok].astype(np.int32)
            stamp(buf, ix, iy, shape_offsets(shape, size + 1), argb((255, 255, 255)))
            stamp(buf, ix, iy, shape_offsets(shape, size), argb(rgb))
        return to_qimage(buf)

    def _buffer(self, key: str, tf: ViewTransform, pad: int = 0) -> np.ndarray:
        shape = (tf.height_px + pad, tf.width_px + pad)
        buf = self._buffers.get(key)
        if buf is None or buf.shape != shape:
            buf = point_buffer(tf.width_px, tf.height_px) if pad else np.zeros(shape, np.uint32)
            self._buffers[key] = buf
        return buf

    def _layer_key(self, layer_id: str) -> Any:
        """What a layer's pixels depend on besides the view transform."""
        thematic = (self._view, self._filter) if self.is_choropleth else None
        if layer_id == "districts":
            return (thematic, self.highlight_district)
        if layer_id == "labels":
            return (self.language, thematic)
        if layer_id == "roads":
            return self._version["roads"]
        return None  # stations: fixed data

    def _group_key(self, group: str) -> Any:
        members = self._members[group]
        key = tuple((s.id, s.opacity, self._layer_key(s.id)) for s in members)
        if group == "above":
            key += (("overlays", self._version["overlays"]),)
        return key

    def _paint_group(self, painter: QPainter, group: str, tf: ViewTransform,
                     allow_stale: bool) -> bool:
        if group == "above" and not self._members["above"] and not self.overlays:
            return False
        key = self._group_key(group)
        cached = self._groups.get(group)
        if cached is not None and cached.key == key and cached.tf == tf:
            painter.drawImage(0, 0, cached.image)
            return False
        if allow_stale and cached is not None and cached.key == key:
            scale, dx, dy = tf.mapping_from(cached.tf)
            if 0.5 <= scale <= 2.0:  # a one-step move: blit the old image now, refresh at rest
                if group == "below":  # the uncovered margin
                    painter.fillRect(QRectF(0, 0, tf.width_px, tf.height_px),
                                     QColor(*BACKGROUND))
                if abs(scale - 1.0) < 1e-9:  # a pan: a plain blit at whole pixels
                    painter.drawImage(round(dx), round(dy), cached.image)
                else:
                    painter.drawImage(QRectF(dx, dy, cached.image.width() * scale,
                                             cached.image.height() * scale), cached.image)
                return True
        painter.drawImage(0, 0, self._render_group(group, tf, key))
        return False

    def refresh_static(self, tf: ViewTransform) -> None:
        """Re-render the cached layer groups for ``tf`` (call when the view came to rest)."""
        for group in ("below", "above"):
            key = self._group_key(group)
            cached = self._groups.get(group)
            if cached is None or cached.key != key or cached.tf != tf:
                self._render_group(group, tf, key)

    def _render_group(self, group: str, tf: ViewTransform, key: Any) -> QImage:
        """Compose the layers of ``group`` into its reused buffer and cache the result."""
        cached = self._groups.pop(group, None)
        buf = cached.buffer if cached is not None and cached.buffer.shape == (
            tf.height_px, tf.width_px) else np.empty((tf.height_px, tf.width_px), np.uint32)
        buf.fill(argb(BACKGROUND) if group == "below" else 0)
        img = to_qimage(buf)
        p = QPainter(img)
        try:
            for layer in self._members[group]:
                p.setOpacity(layer.opacity)
                if layer.id in STATIC_LAYERS:
                    self._draw_vector(p, layer.id, tf)
                elif layer.id in STATION_SYMBOLS:
                    p.drawImage(0, 0, self.station_image(layer.id, tf))
            p.setOpacity(1.0)
            if group == "above":
                for overlay in self.overlays.values():
                    draw_overlay(p, overlay, tf, self.data.epsg, self._buffer("scratch", tf))
        finally:
            p.end()
        self._groups[group] = _Group(key, tf, img, buf)
        return img

    def _draw_vector(self, p: QPainter, layer_id: str, tf: ViewTransform) -> None:
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

    def render_static(self, layer_id: str, tf: ViewTransform) -> QImage:
        """One vector layer alone on a transparent image (tests and exports)."""
        img = QImage(tf.width_px, tf.height_px, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        try:
            self._draw_vector(p, layer_id, tf)
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
