"""The view transform between the projected working CRS (metres) and widget pixels.

Pure arithmetic (no Qt) so that the canvas, the snapshot and the benchmarks share it. Screen
``y`` grows downwards, map ``y`` (northing) upwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

#: Zoom limits in metres per pixel: street level to a whole province.
MIN_M_PER_PX = 0.25
MAX_M_PER_PX = 2000.0


@dataclass(frozen=True)
class ViewTransform:
    """Centre of the view in metres, its scale and its pixel size."""

    centre_x: float
    centre_y: float
    m_per_px: float
    width_px: int
    height_px: int

    @classmethod
    def fit(cls, bbox: tuple[float, float, float, float], width_px: int, height_px: int,
            *, margin: float = 0.04) -> ViewTransform:
        """The transform showing ``bbox`` (xmin, ymin, xmax, ymax in metres) whole."""
        xmin, ymin, xmax, ymax = bbox
        w, h = max(width_px, 1), max(height_px, 1)
        span = max((xmax - xmin) / w, (ymax - ymin) / h, MIN_M_PER_PX) * (1 + 2 * margin)
        return cls((xmin + xmax) / 2, (ymin + ymax) / 2, float(np.clip(span, MIN_M_PER_PX,
                                                                      MAX_M_PER_PX)), w, h)

    @property
    def origin(self) -> tuple[float, float]:
        """Map coordinates of the top-left pixel corner."""
        return (self.centre_x - self.width_px * self.m_per_px / 2,
                self.centre_y + self.height_px * self.m_per_px / 2)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        x0, y1 = self.origin
        return (x0, y1 - self.height_px * self.m_per_px,
                x0 + self.width_px * self.m_per_px, y1)

    def to_screen(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map metres -> pixel coordinates (float64 arrays)."""
        x0, y1 = self.origin
        inv = 1.0 / self.m_per_px
        return (np.asarray(x) - x0) * inv, (y1 - np.asarray(y)) * inv

    def to_map(self, sx: float, sy: float) -> tuple[float, float]:
        """Pixel -> map metres."""
        x0, y1 = self.origin
        return x0 + sx * self.m_per_px, y1 - sy * self.m_per_px

    def panned(self, dx_px: float, dy_px: float) -> ViewTransform:
        """The view moved so the content shifts by (dx, dy) pixels."""
        return replace(self, centre_x=self.centre_x - dx_px * self.m_per_px,
                       centre_y=self.centre_y + dy_px * self.m_per_px)

    def zoomed(self, factor: float, at_px: tuple[float, float] | None = None) -> ViewTransform:
        """Zoom in by ``factor`` (>1 in) keeping the map point under ``at_px`` fixed."""
        scale = float(np.clip(self.m_per_px / factor, MIN_M_PER_PX, MAX_M_PER_PX))
        sx, sy = at_px if at_px is not None else (self.width_px / 2, self.height_px / 2)
        mx, my = self.to_map(sx, sy)
        cx = mx - (sx - self.width_px / 2) * scale
        cy = my + (sy - self.height_px / 2) * scale
        return replace(self, centre_x=cx, centre_y=cy, m_per_px=scale)

    def resized(self, width_px: int, height_px: int) -> ViewTransform:
        return replace(self, width_px=max(width_px, 1), height_px=max(height_px, 1))

    def mapping_from(self, other: ViewTransform) -> tuple[float, float, float]:
        """(scale, dx, dy) such that a pixel p of ``other`` lands at ``p * scale + (dx, dy)``.

        Used to blit a cached image of ``other`` while the new view is being rendered.
        """
        scale = other.m_per_px / self.m_per_px
        ox, oy = self.to_screen(np.array(other.origin[0]), np.array(other.origin[1]))
        return scale, float(ox), float(oy)
