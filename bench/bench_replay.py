"""Benchmark: training replay of a busy day at 600x with 304,634 elevators on the map, and
video export of 10 minutes of playback at 10 fps.

World: the synthetic Shanghai registry (304,634 elevators, seed 0) and the real central
Shanghai road graph (/work/shared/data/roads/shanghai_central_overpass.osm via gis.roads,
cached). A busy day is simulated with the real command centre (``ShiftSimulator``, alarms on
elevators on that network, 24 h at 25 alarms/h) into a SQLite log, then replayed from a
read-only copy (``load_replay_db``).

1. **Frame at 600x** (targets <= 40 ms): replay time advances 24 s per 40 ms tick; one frame is
   ``state_at(t)`` + the map (renderer with its cached layers, 304,634 elevators) + the replay
   layer + clock into a 1600x1000 image, city view and incident view, 300 frames over the
   busiest hours. Naive baseline, same run: the state folded from every event in Python per
   frame, crews interpolated with shapely per crew, the map re-rendered from scratch (caches
   dropped) and each incident drawn with its own QPainter calls.
2. **Export** (target <= 120 s): 10 minutes of playback at 10 fps (6,000 frames, 1280x720,
   60x: ten hours of the day) to H.264 MP4 through the ffmpeg of imageio-ffmpeg. Naive
   baseline: the whole map image re-rendered for each frame (measured on 60 frames,
   extrapolated to 6,000), same encoder.

Run: python bench/bench_replay.py [--rate 25] [--hours 24] [--frames 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

OSM = Path("/work/shared/data/roads/shanghai_central_overpass.osm")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=25.0)
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--export-frames", type=int, default=6000)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    reg, _engine, url = build_world(args)
    from gis.replay import load_replay_db

    t0 = time.perf_counter()
    replay, _ = load_replay_db(url, with_registry=False)
    print(f"replay loaded from a read-only copy: {len(replay.incidents):,} incidents, "
          f"{len(replay.events):,} events, {len(replay.trips):,} crew trips "
          f"({time.perf_counter() - t0:.2f} s)")
    frames(replay, reg, args.frames)
    export(replay, reg, args.export_frames)


def build_world(args):
    from gis.boundaries import load_districts
    from gis.clock import SimulatedClock
    from gis.config import Config
    from gis.incidents.centre import CommandCentre
    from gis.incidents.log import Actor, IncidentLog
    from gis.incidents.simulator import ShiftSimulator, SimulationSettings
    from gis.roads import import_roads
    from gis.routing import RoutingEngine
    from gis.store import open_store
    from gis.synth import generate_registry

    t0 = time.perf_counter()
    reg = generate_registry(load_districts("310000"), seed=0,
                            config=Config(as_of=dt.date(2026, 11, 21)))
    arrays, _cache = import_roads(OSM)
    engine = RoutingEngine(arrays, stations=reg.stations, elevators=reg.elevators)
    gc.collect()
    gc.freeze()
    el = reg.elevators
    _node, snap_m = engine.snap(el["lon"].to_numpy(), el["lat"].to_numpy())
    pool = el.loc[snap_m <= engine.snap_settings.max_snap_m].reset_index(drop=True)
    print(f"registry {len(el):,} elevators ({len(pool):,} on the central road graph of "
          f"{arrays.n_nodes:,} nodes) in {time.perf_counter() - t0:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="liftguard-bench-replay-"))
    url = f"sqlite:///{folder / 'day.sqlite'}"
    store = open_store(url)
    clock = SimulatedClock(dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC))  # 00:00 China
    cc = CommandCentre(IncidentLog(store), el, reg.stations, actor=Actor("bench", "WS-B"),
                       engine=engine, clock=clock)
    t0 = time.perf_counter()
    summary = ShiftSimulator(cc, SimulationSettings(rate_per_h=args.rate, hours=args.hours,
                                                    seed=7), elevators=pool).run()
    print(f"simulated day: {summary.incidents:,} incidents, {summary.events:,} events, "
          f"{summary.escalations} escalations ({time.perf_counter() - t0:.0f} s)")
    return reg, engine, url


def _renderer(reg):
    from app.map.data import build_map_data
    from app.map.renderer import MapRenderer
    from gis.config import Config

    data = build_map_data(reg, Config(as_of=dt.date(2026, 11, 21)), index=False)
    return MapRenderer(data, view="age")


def busiest_times(replay, n: int, step_s: float) -> np.ndarray:
    grid = np.arange(replay.start_s, replay.end_s, 600.0)
    open_n = [replay.state_at(t).n_open for t in grid]
    centre = grid[int(np.argmax(open_n))]
    return centre - n / 2 * step_s + np.arange(n) * step_s


def frames(replay, reg, n: int) -> None:
    from PySide6.QtGui import QImage, QPainter

    from app.map.transform import ViewTransform
    from app.replay.layer import ReplayLayer, draw_clock
    from app.replay.video import REPLAY_LAYERS, replay_view

    renderer = _renderer(reg)
    layer = ReplayLayer(replay, renderer.data.epsg)
    times = busiest_times(replay, n, 600 * 0.040)
    img = QImage(1600, 1000, QImage.Format.Format_ARGB32_Premultiplied)
    views = {"city": ViewTransform.fit(renderer.data.extent, 1600, 1000),
             "incidents": replay_view(replay, renderer, 1600, 1000)}
    for name, tf in views.items():
        ms, opened, crews = [], [], []
        for t in times:
            t0 = time.perf_counter()
            state = replay.state_at(t)
            p = QPainter(img)
            renderer.paint(p, tf, REPLAY_LAYERS)
            layer.paint(p, tf, state)
            draw_clock(p, state, width=tf.width_px, speed=600)
            p.end()
            ms.append((time.perf_counter() - t0) * 1000)
            opened.append(state.n_open)
            crews.append(len(state.crew_lon))
        ms = ms[1:]  # the first frame composes the cached layers
        print(f"frame at 600x, {name} view, 1600x1000, {renderer.data.n:,} elevators: median "
              f"{statistics.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, max "
              f"{max(ms):.1f} ms ({len(ms)} frames, up to {max(opened)} open incidents and "
              f"{max(crews)} crews moving)")
        if name == "city":
            img.save("/tmp/liftguard-bench-replay-frame.png")
    naive = [naive_frame(replay, renderer, views["city"], img, t) for t in times[::15]]
    print(f"naive frame (Python fold of all events, shapely per crew, map re-rendered, "
          f"QPainter per incident): median {statistics.median(naive):.0f} ms "
          f"({len(naive)} frames)")


def naive_frame(replay, renderer, tf, img, t: float) -> float:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QPainter
    from shapely import LineString

    from app.replay.video import REPLAY_LAYERS
    from gis.crs import project

    t0 = time.perf_counter()
    state: dict[int, str] = {}
    for row in replay.events.itertuples():
        if row.at_s > t:
            break
        if row.event not in ("alarm", "note", "agency", "escalated"):
            state[row.inc] = row.event
    open_rows = [k for k, v in state.items() if v not in ("closed", "false_alarm", "cancelled")]
    tr = replay.trips
    crews = []
    for i in range(len(tr)):
        if tr.start_s[i] <= t < tr.end_s[i]:
            a, b = tr.first[i], tr.last[i] + 1
            line = LineString(np.column_stack([tr.v_lon[a:b], tr.v_lat[a:b]]))
            f = (t - tr.start_s[i]) / max(tr.arrive_s[i] - tr.start_s[i], 1e-9)
            crews.append(line.interpolate(min(f, 1.0), normalized=True).coords[0])
    renderer.invalidate()
    p = QPainter(img)
    renderer.paint(p, tf, REPLAY_LAYERS)
    for k in open_rows + [None] * 0:
        x, y = project(replay.incidents["lon"].iloc[k], replay.incidents["lat"].iloc[k],
                       renderer.data.epsg)
        sx, sy = tf.to_screen(x, y)
        p.setBrush(QColor(215, 25, 28))
        p.drawEllipse(QPointF(float(sx), float(sy)), 7, 7)
        p.drawText(QPointF(float(sx), float(sy) - 10), "12:00")
    for lon, lat in crews:
        x, y = project(lon, lat, renderer.data.epsg)
        sx, sy = tf.to_screen(x, y)
        p.drawEllipse(QPointF(float(sx), float(sy)), 6, 6)
    p.end()
    return (time.perf_counter() - t0) * 1000


def export(replay, reg, n: int) -> None:
    from app.map.snapshot import render_snapshot
    from app.replay.video import ReplayFrames, encode_video, frame_times, replay_view

    renderer = _renderer(reg)
    tf = replay_view(replay, renderer, 1280, 720)
    times = frame_times(replay.start_s + 6 * 3600, replay.start_s + 16 * 3600, speed=60,
                        fps=10)[:n]
    out = Path(tempfile.mkdtemp(prefix="liftguard-bench-video-")) / "day.mp4"
    t0 = time.perf_counter()
    frames = ReplayFrames(replay, renderer, tf, speed=60)
    encode_video(frames, times, out, fps=10)
    took = time.perf_counter() - t0
    print(f"export: {len(times):,} frames (10 min at 10 fps, 60x), 1280x720 MP4 in "
          f"{took:.1f} s ({took / len(times) * 1000:.1f} ms per frame), "
          f"{out.stat().st_size / 1e6:.1f} MB -> {out}")
    import imageio_ffmpeg

    k = 60
    gen = imageio_ffmpeg.write_frames(str(out.with_name("naive.mp4")), (1280, 720),
                                      pix_fmt_in="bgra", fps=10.0, macro_block_size=1,
                                      ffmpeg_log_level="error", quality=None,
                                      output_params=["-preset", "veryfast", "-crf", "23"])
    gen.send(None)
    t0 = time.perf_counter()
    for t in times[:k]:
        renderer.invalidate()
        img = render_snapshot(renderer, tf)
        p_state = replay.state_at(t)
        from PySide6.QtGui import QPainter

        p = QPainter(img)
        frames.layer.paint(p, tf, p_state)
        p.end()
        gen.send(bytes(img.constBits()))
    gen.close()
    naive = (time.perf_counter() - t0) / k
    print(f"naive export (map re-rendered per frame): {naive * 1000:.0f} ms per frame -> "
          f"{naive * len(times):.0f} s for {len(times):,} frames (extrapolated from {k})")


if __name__ == "__main__":
    main()
