"""The replay layer: incidents, crews and routes of one :class:`gis.replay.ReplayState`,
drawn over a map view, plus the clock and legend (the window and the video export share it).

Projection is paid once per replay (incident points and every route vertex); a frame then
projects only the few moving crews. Markers are stamped into a reused numpy buffer per colour
class (vectorised); only the clock labels and the 110/119 badges are drawn per incident, at
most :data:`MAX_LABELS` of them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from app.map.layers import polygon_from_xy
from app.map.raster import argb, disc_offsets, stamp
from app.map.renderer import to_qimage
from app.map.transform import ViewTransform
from gis.crs import project
from gis.replay import COLOUR_CLASSES, Replay, ReplayState, clock_text

MAX_LABELS = 150
MARKER_PX = 7
CREW_PX = 6
CREW_RGB = {"maintainer": (33, 102, 172), "119": (200, 0, 0), "110": (30, 40, 140)}
RING_RGB = {"late": (180, 0, 0), "predicted_late": (230, 90, 0), "at_risk": (240, 170, 0)}
_CLASS_LABELS_ZH = {"received": "接警", "dispatched": "已派单", "en_route": "出发途中",
                    "on_site": "到场", "released": "已救出", "closed": "闭环"}


class ReplayLayer:
    """Draws a replay's state at a time over a map in the CRS ``epsg``."""

    def __init__(self, replay: Replay, epsg: int, *, language: str = "en") -> None:
        self.replay = replay
        self.epsg = epsg
        self.language = language
        inc = replay.incidents
        self._x, self._y = project(inc["lon"].to_numpy(float), inc["lat"].to_numpy(float), epsg)
        tr = replay.trips
        self._vx, self._vy = project(tr.v_lon, tr.v_lat, epsg) if len(tr.v_lon) else (
            np.empty(0), np.empty(0))
        self._buf: np.ndarray | None = None
        self.show_routes = True
        self.show_labels = True

    def _scratch(self, tf: ViewTransform) -> np.ndarray:
        shape = (tf.height_px, tf.width_px)
        if self._buf is None or self._buf.shape != shape:
            self._buf = np.zeros(shape, np.uint32)
        return self._buf

    def paint(self, p: QPainter, tf: ViewTransform, state: ReplayState) -> None:
        """Routes of moving crews, incident markers with urgency rings, crews, then labels."""
        if self.show_routes:
            self._paint_routes(p, tf, state.t_s)
        sx, sy = tf.to_screen(self._x[state.rows], self._y[state.rows])
        buf = self._scratch(tf)
        buf.fill(0)
        ix, iy = np.floor(sx).astype(np.int32), np.floor(sy).astype(np.int32)
        for urgency, rgb in RING_RGB.items():
            m = state.urgency == urgency
            stamp(buf, ix[m], iy[m], disc_offsets(MARKER_PX + 4), argb(rgb))
        stamp(buf, ix, iy, disc_offsets(MARKER_PX + 1), argb((255, 255, 255)))
        for code, (_name, rgb) in enumerate(COLOUR_CLASSES):
            m = state.colour == code
            stamp(buf, ix[m], iy[m], disc_offsets(MARKER_PX), argb(rgb))
        if len(state.crew_lon):
            cx, cy = project(state.crew_lon, state.crew_lat, self.epsg)
            csx, csy = tf.to_screen(cx, cy)
            jx, jy = np.floor(csx).astype(np.int32), np.floor(csy).astype(np.int32)
            stamp(buf, jx, jy, disc_offsets(CREW_PX + 1), argb((255, 255, 255)))
            for agency, rgb in CREW_RGB.items():
                m = state.crew_agency == agency
                stamp(buf, jx[m], jy[m], disc_offsets(CREW_PX), argb(rgb))
            stamp(buf, jx, jy, disc_offsets(2), argb((255, 255, 255)))
        p.drawImage(0, 0, to_qimage(buf))
        if self.show_labels:
            self._paint_labels(p, tf, state, sx, sy)

    def _paint_routes(self, p: QPainter, tf: ViewTransform, t_s: float) -> None:
        tr = self.replay.trips
        on = np.flatnonzero((tr.start_s <= t_s) & (t_s < tr.end_s))
        if len(on) == 0:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i in on.tolist():  # one polyline per moving crew (tens at most)
            a, b = int(tr.first[i]), int(tr.last[i]) + 1
            sx, sy = tf.to_screen(self._vx[a:b], self._vy[a:b])
            rgb = CREW_RGB.get(str(tr.agency[i]), (33, 102, 172))
            pen = QPen(QColor(*rgb, 150), 2.5)
            pen.setStyle(Qt.PenStyle.SolidLine if tr.route_source[i] != "straight"
                         else Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawPolyline(polygon_from_xy(np.column_stack([sx, sy])))

    def _paint_labels(self, p: QPainter, tf: ViewTransform, state: ReplayState,
                      sx: np.ndarray, sy: np.ndarray) -> None:
        inside = np.flatnonzero((sx > -20) & (sx < tf.width_px + 20) & (sy > -20)
                                & (sy < tf.height_px + 20))
        if len(inside) > MAX_LABELS:  # the most urgent first
            inside = inside[np.argsort(state.time_left_s[inside])[:MAX_LABELS]]
        font = QFont()
        font.setPointSizeF(7.5)
        font.setBold(True)
        p.setFont(font)
        fm = QFontMetricsF(font)
        h = fm.height()
        for i in inside.tolist():
            x, y = float(sx[i]), float(sy[i])
            st = str(state.state[i])
            if st in ("received", "dispatched", "accepted", "en_route"):  # clock still runs
                left = float(state.time_left_s[i])
                text = ("-" if left < 0 else "") + _mmss(abs(left))
                w = fm.horizontalAdvance(text) + 6
                box = QRectF(x - w / 2, y - MARKER_PX - 6 - h, w, h)
                late = left < 0 or state.urgency[i] == "late"
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(180, 0, 0, 230) if late else QColor(255, 255, 255, 220))
                p.drawRoundedRect(box, 3, 3)
                p.setPen(QColor(255, 255, 255) if late else QColor(30, 30, 30))
                p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
            bx = x + MARKER_PX + 4
            for status, label, rgb in ((state.fire[i], "119", (200, 0, 0)),
                                       (state.police[i], "110", (30, 40, 140))):
                if status:
                    w = fm.horizontalAdvance(label) + 6
                    box = QRectF(bx, y - h / 2, w, h)
                    p.setPen(QPen(QColor(255, 255, 255), 1))
                    p.setBrush(QColor(*rgb))
                    p.drawRect(box)
                    p.setPen(QColor(255, 255, 255))
                    p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
                    bx += w + 2


def _mmss(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60:02d}:{s % 60:02d}"


def draw_clock(p: QPainter, state: ReplayState, *, width: int, speed: float = 0.0,
               n_crews: int | None = None, zh: bool = False) -> None:
    """The replay clock (China time) and counts in a box at the top right."""
    font = QFont()
    font.setPointSizeF(20)
    font.setBold(True)
    small = QFont()
    small.setPointSizeF(9)
    t = clock_text(state.t_s)
    crews = len(state.crew_lon) if n_crews is None else n_crews
    line2 = (f"{t[:10]} 北京时间 · 处置中 {state.n_open} · 途中 {crews}" if zh else
             f"{t[:10]} China time · open {state.n_open} · crews moving {crews}")
    if speed:
        line2 += f" · {speed:g}×"
    fm, fs = QFontMetricsF(font), QFontMetricsF(small)
    w = max(fm.horizontalAdvance(t[11:]), fs.horizontalAdvance(line2)) + 24
    box = QRectF(width - w - 12, 12, w, fm.height() + fs.height() + 14)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor(150, 150, 150), 1))
    p.setBrush(QColor(255, 255, 255, 235))
    p.drawRoundedRect(box, 5, 5)
    p.setPen(QColor(20, 20, 20))
    p.setFont(font)
    p.drawText(QRectF(box.x(), box.y() + 4, box.width(), fm.height()),
               int(Qt.AlignmentFlag.AlignCenter), t[11:])
    p.setFont(small)
    p.drawText(QRectF(box.x(), box.y() + 6 + fm.height(), box.width(), fs.height()),
               int(Qt.AlignmentFlag.AlignCenter), line2)


def draw_replay_legend(p: QPainter, *, x: float, y: float, zh: bool = False) -> QRectF:
    """Legend of the replay symbols: incident states, urgency rings, crews, 119/110."""
    font = QFont()
    font.setPointSizeF(9)
    p.setFont(font)
    fm = QFontMetricsF(font)
    rows: list[tuple[str, tuple[int, int, int], str]] = [
        ("disc", rgb, _CLASS_LABELS_ZH[name] if zh else name.replace("_", " "))
        for name, rgb in COLOUR_CLASSES]
    rows += [("ring", RING_RGB["late"], "超时" if zh else "late (past the limit)"),
             ("ring", RING_RGB["predicted_late"], "预计超时" if zh else "predicted late"),
             ("ring", RING_RGB["at_risk"], "临近时限" if zh else "at risk (< 5 min left)"),
             ("crew", CREW_RGB["maintainer"], "维保人员" if zh else "maintenance crew"),
             ("crew", CREW_RGB["119"], "消防 119" if zh else "fire brigade 119"),
             ("crew", CREW_RGB["110"], "公安 110" if zh else "police 110")]
    line_h = fm.height() + 3
    title = "回放图例 · 数字=距时限" if zh else "Replay · label = time to the limit"
    w = max(fm.horizontalAdvance(t) for *_, t in [*rows, ("", (0, 0, 0), title)]) + 36
    box = QRectF(x, y, w, line_h * (len(rows) + 1) + 8)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor(150, 150, 150), 1))
    p.setBrush(QColor(255, 255, 255, 230))
    p.drawRoundedRect(box, 4, 4)
    p.setPen(QColor(20, 20, 20))
    p.drawText(QRectF(x + 8, y + 4, w, line_h), int(Qt.AlignmentFlag.AlignVCenter), title)
    for i, (shape, rgb, text) in enumerate(rows):
        cy = y + 4 + line_h * (i + 1) + line_h / 2
        c = QPointF(x + 15, cy)
        if shape == "disc":
            p.setPen(QPen(QColor(255, 255, 255), 1))
            p.setBrush(QColor(*rgb))
            p.drawEllipse(c, 5, 5)
        elif shape == "ring":
            p.setPen(QPen(QColor(*rgb), 3))
            p.setBrush(QColor(150, 150, 150))
            p.drawEllipse(c, 5, 5)
        else:  # a crew: disc with a white centre
            p.setPen(QPen(QColor(255, 255, 255), 1))
            p.setBrush(QColor(*rgb))
            p.drawEllipse(c, 5.5, 5.5)
            p.setBrush(QColor(255, 255, 255))
            p.drawEllipse(c, 1.8, 1.8)
        p.setPen(QColor(20, 20, 20))
        p.drawText(QRectF(x + 28, cy - line_h / 2, w, line_h),
                   int(Qt.AlignmentFlag.AlignVCenter), text)
    return box
