"""Overlay layers drawn on top of the map: point sets (planning gaps, siting candidates) and
polylines (rescue routes), given in WGS84 lon/lat by their owners.

An overlay is immutable; coordinates are projected to the map's CRS once per EPSG code and
kept. Points are stamped with numpy (tens of thousands of gap elevators stay cheap); lines go
through QPainter polylines (a handful of routes). Overlays are drawn into the renderer's cached
"above" image, so they cost nothing per frame while the view rests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen

from app.map.layers import polygon_from_xy
from app.map.raster import argb, disc_offsets, shape_offsets, stamp
from app.map.transform import ViewTransform
from gis.crs import project
from gis.errors import ConfigError
from gis.thematic import RGB

SHAPES = ("disc", "square", "triangle", "diamond")


@dataclass(frozen=True)
class PointStyle:
    """Symbol of a point overlay: ``shape`` (disc, square, triangle, diamond), fill colour,
    half-size in pixels and a 1-pixel outline colour (``None``: no outline)."""

    rgb: RGB = (230, 0, 126)
    shape: str = "disc"
    size_px: int = 3
    outline_rgb: RGB | None = (255, 255, 255)

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ConfigError(f"unknown overlay shape {self.shape!r}; use one of "
                              + ", ".join(SHAPES))
        if not 1 <= self.size_px <= 20:
            raise ConfigError(f"overlay symbol size {self.size_px} px is outside 1..20")


@dataclass(frozen=True)
class LineStyle:
    """Polylines: colour and width; the ``highlight`` line (index, or None) is drawn last,
    wider and in ``highlight_rgb`` (e.g. the fastest rescue route)."""

    rgb: RGB = (90, 90, 200)
    width_px: float = 3.0
    highlight: int | None = None
    highlight_rgb: RGB = (220, 20, 60)
    highlight_width_px: float = 5.0


@dataclass(frozen=True, eq=False)
class PointOverlay:
    lon: np.ndarray
    lat: np.ndarray
    style: PointStyle
    _xy: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def xy(self, epsg: int) -> tuple[np.ndarray, np.ndarray]:
        if epsg not in self._xy:
            self._xy[epsg] = project(self.lon, self.lat, epsg) if len(self.lon) else (
                np.empty(0), np.empty(0))
        return self._xy[epsg]


@dataclass(frozen=True, eq=False)
class LineOverlay:
    lines: tuple[tuple[np.ndarray, np.ndarray], ...]  # (lon, lat) per line
    style: LineStyle
    _xy: dict[int, list[np.ndarray]] = field(default_factory=dict, repr=False)

    def xy(self, epsg: int) -> list[np.ndarray]:
        """(n, 2) metres per line."""
        if epsg not in self._xy:
            self._xy[epsg] = [np.column_stack(project(lon, lat, epsg)) for lon, lat in self.lines]
        return self._xy[epsg]


Overlay = PointOverlay | LineOverlay


def point_overlay(lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray,
                  style: PointStyle | None = None) -> PointOverlay:
    """A point overlay; rows with missing coordinates are dropped, unequal lengths refused."""
    lo = np.asarray(lon, dtype=np.float64).reshape(-1)
    la = np.asarray(lat, dtype=np.float64).reshape(-1)
    if len(lo) != len(la):
        raise ConfigError(f"overlay has {len(lo)} longitudes but {len(la)} latitudes")
    ok = np.isfinite(lo) & np.isfinite(la)
    return PointOverlay(lo[ok], la[ok], style or PointStyle())


def line_overlay(lines: Sequence[Sequence[tuple[float, float]]],
                 style: LineStyle | None = None) -> LineOverlay:
    """Polylines from lists of (lon, lat) pairs; lines of fewer than two points are refused."""
    out = []
    for i, line in enumerate(lines):
        arr = np.asarray(line, dtype=np.float64).reshape(-1, 2)
        if len(arr) < 2 or not np.isfinite(arr).all():
            raise ConfigError(f"route {i} needs at least two points with valid lon/lat")
        out.append((arr[:, 0], arr[:, 1]))
    return LineOverlay(tuple(out), style or LineStyle())


def draw_overlay(painter: QPainter, overlay: Overlay, tf: ViewTransform, epsg: int,
                 scratch: np.ndarray) -> None:
    """Draw one overlay; ``scratch`` is a reusable (h, w) uint32 buffer for point stamps."""
    if isinstance(overlay, LineOverlay):
        _draw_lines(painter, overlay, tf, epsg)
        return
    from app.map.renderer import to_qimage

    x, y = overlay.xy(epsg)
    sx, sy = tf.to_screen(x, y)
    pad = overlay.style.size_px + 2
    ok = (sx > -pad) & (sx < tf.width_px + pad) & (sy > -pad) & (sy < tf.height_px + pad)
    if not ok.any():
        return
    ix, iy = np.floor(sx[ok]).astype(np.int32), np.floor(sy[ok]).astype(np.int32)
    st = overlay.style
    scratch.fill(0)
    offsets = (disc_offsets if st.shape == "disc" else
               (lambda r: shape_offsets(st.shape, r)))  # type: ignore[misc]
    if st.outline_rgb is not None:
        stamp(scratch, ix, iy, offsets(st.size_px + 1), argb(st.outline_rgb))
    stamp(scratch, ix, iy, offsets(st.size_px), argb(st.rgb))
    painter.drawImage(0, 0, to_qimage(scratch))


def _draw_lines(painter: QPainter, overlay: LineOverlay, tf: ViewTransform, epsg: int) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    st = overlay.style
    lines = overlay.xy(epsg)
    order = [i for i in range(len(lines)) if i != st.highlight]
    if st.highlight is not None and 0 <= st.highlight < len(lines):
        order.append(st.highlight)
    for i in order:
        hi = i == st.highlight
        xy = lines[i]
        sx, sy = tf.to_screen(xy[:, 0], xy[:, 1])
        poly = polygon_from_xy(np.column_stack([sx, sy]))
        casing = QPen(QColor(255, 255, 255), (st.highlight_width_px if hi else st.width_px) + 2)
        casing.setCapStyle(Qt.PenCapStyle.RoundCap)
        casing.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(casing)
        painter.drawPolyline(poly)
        pen = QPen(QColor(*(st.highlight_rgb if hi else st.rgb)),
                   st.highlight_width_px if hi else st.width_px)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline(poly)
