"""Map furniture drawn with QPainter: scale bar, legend box, title block, attribution."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from app.map.renderer import LegendEntry
from app.map.transform import ViewTransform
from gis.thematic import RGB


def nice_scale_length(m_per_px: float, max_px: float = 160.0) -> tuple[float, float]:
    """A round distance (1, 2 or 5 x 10^k metres) no longer than ``max_px`` on screen."""
    target = m_per_px * max_px
    base = 10 ** math.floor(math.log10(target))
    length = max(m for m in (base, 2 * base, 5 * base) if m <= target)
    return length, length / m_per_px


def format_distance(length_m: float) -> str:
    return f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"


def draw_scale_bar(painter: QPainter, tf: ViewTransform, *, margin_px: float = 16) -> None:
    """A two-tone scale bar in the bottom-left corner (distances in the projected CRS)."""
    length_m, px = nice_scale_length(tf.m_per_px)
    x0, y0 = margin_px, tf.height_px - margin_px
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(QRectF(x0 - 6, y0 - 24, px + 60, 30), QColor(255, 255, 255, 200))
    painter.fillRect(QRectF(x0, y0 - 6, px / 2, 5), QColor(30, 30, 30))
    painter.fillRect(QRectF(x0 + px / 2, y0 - 6, px / 2, 5), QColor(255, 255, 255))
    painter.setPen(QPen(QColor(30, 30, 30), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(x0, y0 - 6, px, 5))
    painter.drawText(QRectF(x0, y0 - 24, px + 50, 16), int(Qt.AlignmentFlag.AlignLeft),
                     f"0    {format_distance(length_m)}")


def draw_legend_box(painter: QPainter, title: str, entries: Sequence[LegendEntry], *,
                    x: float, y: float, marked_label: str = "", marked_rgb: RGB = (0, 0, 0),
                    ) -> QRectF:
    """A legend with a swatch, label and count per class; returns the box drawn."""
    font = QFont()
    font.setPointSizeF(9.5)
    painter.setFont(font)
    fm = QFontMetricsF(font)
    rows = [(e.rgb, f"{e.label}  {e.count:,}" + (f"  ({e.marked:,} ⚑)" if e.marked else ""))
            for e in entries]
    if marked_label:
        rows.append((marked_rgb, marked_label))
    line_h = fm.height() + 4
    width = max([fm.horizontalAdvance(t) for _, t in rows] + [fm.horizontalAdvance(title)]) + 40
    box = QRectF(x, y, width, line_h * (len(rows) + 1) + 10)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(150, 150, 150), 1))
    painter.setBrush(QColor(255, 255, 255, 230))
    painter.drawRoundedRect(box, 4, 4)
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(QRectF(x + 8, y + 5, width, line_h), int(Qt.AlignmentFlag.AlignVCenter),
                     title)
    painter.setFont(font)
    for i, (rgb, text) in enumerate(rows):
        top = y + 5 + line_h * (i + 1)
        painter.setPen(QPen(QColor(40, 40, 40), 1))
        painter.setBrush(QColor(*rgb))
        painter.drawEllipse(QRectF(x + 10, top + line_h / 2 - 5, 10, 10))
        painter.drawText(QRectF(x + 28, top, width, line_h), int(Qt.AlignmentFlag.AlignVCenter),
                         text)
    return box


def draw_title_block(painter: QPainter, title: str, subtitle: str, *, width: float) -> None:
    font = QFont()
    font.setPointSizeF(14)
    font.setBold(True)
    painter.setFont(font)
    fm = QFontMetricsF(font)
    small = QFont()
    small.setPointSizeF(9.5)
    h = fm.height() + QFontMetricsF(small).height() + 14
    painter.fillRect(QRectF(0, 0, width, h), QColor(255, 255, 255, 225))
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(QRectF(12, 4, width - 24, fm.height()), int(Qt.AlignmentFlag.AlignLeft),
                     title)
    painter.setFont(small)
    painter.setPen(QColor(160, 60, 0) if "SYNTHETIC" in subtitle.upper() else QColor(60, 60, 60))
    painter.drawText(QRectF(12, 6 + fm.height(), width - 24, h), int(Qt.AlignmentFlag.AlignLeft),
                     subtitle)


def draw_attribution(painter: QPainter, text: str, *, width: float, height: float) -> None:
    font = QFont()
    font.setPointSizeF(8)
    painter.setFont(font)
    fm = QFontMetricsF(font)
    w = fm.horizontalAdvance(text) + 12
    box = QRectF(width - w - 4, height - fm.height() - 6, w, fm.height() + 4)
    painter.fillRect(box, QColor(255, 255, 255, 200))
    painter.setPen(QColor(60, 60, 60))
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
