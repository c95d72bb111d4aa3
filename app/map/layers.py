"""QPainter renderers of the vector base layers: districts, district labels and roads.

Geometry is already in metres (:mod:`app.map.data`); each call transforms it to pixels with numpy
and builds QPolygonF objects by writing into their memory (no per-vertex Python loop).
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

from app.map.data import DistrictShapes, RoadSegments
from app.map.transform import ViewTransform
from gis.thematic import RGB

DISTRICT_FILL: RGB = (251, 250, 246)
DISTRICT_EDGE: RGB = (120, 120, 130)
ROAD_MINOR: RGB = (205, 200, 190)
ROAD_MAJOR: RGB = (235, 170, 90)


def polygon_from_xy(xy: np.ndarray) -> QPolygonF:
    """A QPolygonF holding the (n, 2) float64 pixel coordinates ``xy`` (one memcpy)."""
    n = len(xy)
    poly = QPolygonF()
    poly.resize(n)
    if n:
        view = np.frombuffer(shiboken6.VoidPtr(poly.data(), n * 16, True), dtype=np.float64)
        view[:] = np.ascontiguousarray(xy, dtype=np.float64).reshape(-1)
    return poly


def district_paths(shapes: DistrictShapes, tf: ViewTransform) -> list[QPainterPath]:
    """One path per district (odd-even fill, so holes stay holes)."""
    paths = [QPainterPath() for _ in shapes.adcodes]
    for path in paths:
        path.setFillRule(Qt.FillRule.OddEvenFill)
    for ring, k in zip(shapes.ring_xy, shapes.ring_district, strict=True):  # a few dozen rings
        sx, sy = tf.to_screen(ring[:, 0], ring[:, 1])
        paths[int(k)].addPolygon(polygon_from_xy(np.column_stack([sx, sy])))
    return paths


def draw_districts(painter: QPainter, shapes: DistrictShapes, tf: ViewTransform,
                   fills: list[RGB] | None = None, *, highlight: int | None = None) -> None:
    """District polygons, filled (``fills`` per district for choropleths) and outlined."""
    # antialiasing costs ~4x on these long outlines; at city zoom it is not visible anyway
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, tf.m_per_px < 20)
    pen = QPen(QColor(*DISTRICT_EDGE), 1.0)
    for k, path in enumerate(district_paths(shapes, tf)):
        painter.setPen(pen)
        painter.setBrush(QColor(*(fills[k] if fills else DISTRICT_FILL)))
        painter.drawPath(path)
        if highlight == k:
            painter.setPen(QPen(QColor(20, 90, 200), 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)


def draw_labels(painter: QPainter, shapes: DistrictShapes, tf: ViewTransform, *,
                chinese: bool, values: tuple[str, ...] | None = None) -> None:
    """District names (Chinese with the English below, or English only) with a white halo."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    font = QFont()
    font.setPointSizeF(9.0)
    font.setBold(True)
    painter.setFont(font)
    sx, sy = tf.to_screen(shapes.label_xy[:, 0], shapes.label_xy[:, 1])
    placed: list[QRectF] = []
    fm = painter.fontMetrics()
    # larger districts first, so a small central district loses its label, not Pudong
    area = (shapes.bboxes[:, 2] - shapes.bboxes[:, 0]) * (shapes.bboxes[:, 3] - shapes.bboxes[:, 1])
    for k in np.argsort(-area):  # one label per district
        lines = [shapes.names[k], shapes.names_en[k]] if chinese else [shapes.names_en[k]]
        if values is not None:
            lines.append(values[k])
        text = "\n".join(lines)
        w = max(fm.horizontalAdvance(t) for t in lines) + 6
        h = fm.height() * len(lines) + 2
        rect = QRectF(sx[k] - w / 2, sy[k] - h / 2, w, h)
        if not rect.intersects(QRectF(0, 0, tf.width_px, tf.height_px)) or any(
                rect.intersects(r) for r in placed):
            continue
        placed.append(rect)
        flags = int(Qt.AlignmentFlag.AlignCenter)
        painter.setPen(QColor(255, 255, 255, 220))
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            painter.drawText(rect.translated(dx, dy), flags, text)
        painter.setPen(QColor(50, 50, 60))
        painter.drawText(rect, flags, text)


def draw_roads(painter: QPainter, roads: RoadSegments, tf: ViewTransform) -> None:
    """All road segments in view with one ``drawLines`` call per class (minor, then major)."""
    if len(roads.segments) == 0:
        return
    seg = roads.segments
    xmin, ymin, xmax, ymax = tf.bbox
    vis = ~((np.maximum(seg[:, 0], seg[:, 2]) < xmin) | (np.minimum(seg[:, 0], seg[:, 2]) > xmax)
            | (np.maximum(seg[:, 1], seg[:, 3]) < ymin) | (np.minimum(seg[:, 1], seg[:, 3]) > ymax))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, tf.m_per_px < 20)
    for major, rgb, width in ((False, ROAD_MINOR, 1.0), (True, ROAD_MAJOR, 2.0)):
        s = seg[vis & (roads.major == major)]
        if len(s) == 0:
            continue
        x0, y0 = tf.to_screen(s[:, 0], s[:, 1])
        x1, y1 = tf.to_screen(s[:, 2], s[:, 3])
        pts = np.column_stack([x0, y0, x1, y1]).reshape(-1, 2)
        painter.setPen(QPen(QColor(*rgb), width))
        painter.drawLines(polygon_from_xy(pts))


def draw_point(painter: QPainter, sx: float, sy: float, radius: float, rgb: RGB) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(*rgb), 2.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(sx, sy), radius, radius)
