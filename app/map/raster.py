"""Numpy rasterisers: hundreds of thousands of points straight into a uint32 ARGB buffer.

No Qt here and no per-point Python loop. The buffer holds premultiplied ``0xAARRGGBB`` values
(``QImage.Format_ARGB32_Premultiplied`` on little-endian machines), so the canvas wraps it as a
QImage without copying.

Two modes (:func:`render_points`):

* **density** (many visible points, city zoom): every elevator lights its pixel and the pixel to
  its right and below (2x2 dots); the colour is the top class present in the pixel (points are
  pre-sorted by draw order, and with repeated indices numpy keeps the last write) and the alpha
  grows with the log of the count, so hot spots read at a glance. Emphasised classes (Class I)
  and marked elevators (overdue retrofit) are stamped on top as small discs/rings.
* **symbols** (zoomed in): each elevator is a disc with a dark outline stamped with vectorised
  fancy indexing, class by class in draw order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gis.thematic import OVERDUE_RGB, RGB, Thematic

#: Above this many visible elevators the layer is drawn as density dots, below as symbols.
SYMBOL_LIMIT = 30_000
SYMBOL_RADIUS_PX = 3
EMPHASIS_RADIUS_PX = 5
OUTLINE_RGB: RGB = (40, 40, 40)


def argb(rgb: RGB, alpha: int = 255) -> int:
    """Premultiplied ARGB32 value of an RGB colour."""
    r, g, b = (round(c * alpha / 255) for c in rgb)
    return (alpha << 24) | (r << 16) | (g << 8) | b


def colour_lut(colours: tuple[RGB, ...] | list[RGB]) -> np.ndarray:
    """Opaque ARGB32 per class code."""
    return np.array([argb(c) for c in colours], dtype=np.uint32)


@lru_cache(maxsize=32)
def disc_offsets(radius: int, inner: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Pixel offsets (dx, dy) of a disc of ``radius`` (minus a disc of ``inner``: a ring)."""
    r = np.arange(-radius, radius + 1)
    dx, dy = np.meshgrid(r, r)
    d2 = dx * dx + dy * dy
    keep = (d2 <= radius * radius + radius) & (d2 > (inner * inner + inner if inner >= 0 else -1))
    return dx[keep].astype(np.int32), dy[keep].astype(np.int32)


@lru_cache(maxsize=16)
def shape_offsets(shape: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of a filled square, triangle or diamond of half-size ``size``."""
    r = np.arange(-size, size + 1)
    dx, dy = np.meshgrid(r, r)
    if shape == "square":
        keep = np.ones_like(dx, dtype=bool)
    elif shape == "diamond":
        keep = np.abs(dx) + np.abs(dy) <= size
    elif shape == "triangle":
        keep = 2 * np.abs(dx) <= (dy + size)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return dx[keep].astype(np.int32), dy[keep].astype(np.int32)


def stamp(buf: np.ndarray, ix: np.ndarray, iy: np.ndarray,
          offsets: tuple[np.ndarray, np.ndarray], colour: int | np.ndarray) -> None:
    """Write ``colour`` at every offset around every (ix, iy) inside ``buf`` (H x W)."""
    if len(ix) == 0:
        return
    h, w = buf.shape
    dx, dy = offsets
    xs = ix[:, None] + dx[None, :]
    ys = iy[:, None] + dy[None, :]
    ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    flat = buf.reshape(-1)
    if np.ndim(colour):
        flat[(ys * w + xs)[ok]] = np.broadcast_to(np.asarray(colour)[:, None], xs.shape)[ok]
    else:
        flat[(ys * w + xs)[ok]] = colour


@dataclass(frozen=True)
class PointSet:
    """Elevators to draw for one view and filter, sorted bottom-to-top by draw order.

    ``x``/``y`` metres; ``codes`` class codes; ``emphasis``/``marked`` flags; ``lut`` ARGB per
    class; ``index`` the elevator row of each point.
    """

    x: np.ndarray
    y: np.ndarray
    codes: np.ndarray
    emphasis: np.ndarray
    marked: np.ndarray
    lut: np.ndarray
    order: tuple[int, ...]
    emphasis_classes: tuple[int, ...]
    index: np.ndarray


def prepare_points(x: np.ndarray, y: np.ndarray, thematic: Thematic,
                   mask: np.ndarray) -> PointSet:
    """Select drawable elevators under ``mask`` and sort them by the view's draw order."""
    keep = mask & np.isfinite(x) & np.isfinite(y) & (thematic.codes >= 0)
    idx = np.flatnonzero(keep)
    rank = np.zeros(max(len(thematic.keys), 1), dtype=np.int8)
    rank[list(thematic.order)] = np.arange(len(thematic.order), dtype=np.int8)
    codes = thematic.codes[idx]
    idx = idx[np.argsort(rank[codes], kind="stable")]
    codes = thematic.codes[idx]
    emph = np.isin(codes, thematic.emphasis) if thematic.emphasis else np.zeros(len(idx), bool)
    marked = (thematic.marked[idx] if thematic.marked is not None
              else np.zeros(len(idx), dtype=bool))
    return PointSet(x=np.ascontiguousarray(x[idx]), y=np.ascontiguousarray(y[idx]),
                    codes=codes, emphasis=emph, marked=marked, lut=colour_lut(thematic.colours),
                    order=thematic.order, emphasis_classes=thematic.emphasis, index=idx)


def render_points(points: PointSet, origin: tuple[float, float], m_per_px: float,
                  width: int, height: int, *, out: np.ndarray | None = None) -> np.ndarray:
    """Draw ``points`` for a view whose top-left corner is ``origin`` (metres).

    Returns the (height, width) uint32 buffer (``out`` is cleared and reused when given).
    """
    buf = out if out is not None else np.empty((height, width), dtype=np.uint32)
    buf.fill(0)
    inv = 1.0 / m_per_px
    sx = (points.x - origin[0]) * inv
    sy = (origin[1] - points.y) * inv
    vis = np.flatnonzero((sx >= 0) & (sx < width) & (sy >= 0) & (sy < height))
    if len(vis) == 0:
        return buf
    ix = sx[vis].astype(np.int32)
    iy = sy[vis].astype(np.int32)
    codes = points.codes[vis]
    if len(vis) > SYMBOL_LIMIT:
        _density(buf, ix, iy, codes, points.lut)
        sel = points.emphasis[vis]
        _emphasise(buf, ix[sel], iy[sel], codes[sel], points.lut, EMPHASIS_RADIUS_PX - 2)
        sel = points.marked[vis]
        stamp(buf, ix[sel], iy[sel], disc_offsets(2, 0), argb(OVERDUE_RGB))
    else:
        _symbols(buf, ix, iy, codes, points, points.marked[vis])
    return buf


ALPHA_LEVELS = 32


@lru_cache(maxsize=64)
def _shaded_lut(lut_bytes: bytes) -> np.ndarray:
    """(classes, ALPHA_LEVELS) premultiplied colours from 45 % to 100 % opacity."""
    lut = np.frombuffer(lut_bytes, dtype=np.uint32)
    alpha = np.linspace(0.45, 1.0, ALPHA_LEVELS)
    rgb = np.stack([(lut >> 16) & 0xFF, (lut >> 8) & 0xFF, lut & 0xFF], axis=-1)[:, None, :]
    pre = (rgb * alpha[None, :, None]).astype(np.uint32)
    a = (alpha * 255).astype(np.uint32)[None, :]
    return (a << 24) | (pre[..., 0] << 16) | (pre[..., 1] << 8) | pre[..., 2]


def _density(buf: np.ndarray, ix: np.ndarray, iy: np.ndarray, codes: np.ndarray,
             lut: np.ndarray) -> None:
    h, w = buf.shape
    pix = iy * w + ix
    # density on 2x2-pixel cells: a quarter of the bins (memory traffic) for the same picture
    cw = (w + 1) >> 1
    cell = (iy >> 1) * cw + (ix >> 1)
    per_point = np.bincount(cell, minlength=cw * ((h + 1) >> 1))[cell]
    top = max(int(per_point.max()), 2)
    level = (np.log1p(per_point) * ((ALPHA_LEVELS - 1) / np.log1p(top))).astype(np.intp)
    value = _shaded_lut(lut.tobytes())[codes, level]
    flat = buf.reshape(-1)
    down = pix + w < h * w
    flat[(pix + w)[down]] = value[down]
    right = ix + 1 < w
    flat[(pix + 1)[right]] = value[right]
    flat[pix] = value  # points are sorted bottom-to-top: a pixel keeps its top class


def _emphasise(buf: np.ndarray, ix: np.ndarray, iy: np.ndarray, codes: np.ndarray,
               lut: np.ndarray, radius: int) -> None:
    stamp(buf, ix, iy, disc_offsets(radius + 1), argb((255, 255, 255)))
    stamp(buf, ix, iy, disc_offsets(radius), lut[codes])


def _symbols(buf: np.ndarray, ix: np.ndarray, iy: np.ndarray, codes: np.ndarray,
             points: PointSet, marked: np.ndarray) -> None:
    outline = argb(OUTLINE_RGB)
    overdue = argb(OVERDUE_RGB)
    for cls in points.order:  # a handful of classes, never a loop over points
        sel = codes == cls
        if not sel.any():
            continue
        r = EMPHASIS_RADIUS_PX if cls in points.emphasis_classes else SYMBOL_RADIUS_PX
        cx, cy = ix[sel], iy[sel]
        mk = marked[sel]
        stamp(buf, cx[mk], cy[mk], disc_offsets(r + 3, r + 1), overdue)
        stamp(buf, cx, cy, disc_offsets(r + 1), outline)
        stamp(buf, cx, cy, disc_offsets(r), int(points.lut[cls]))
