"""Map speed: redraw, pan/zoom step, pick, search and start-up, each beside a naive baseline.

Offscreen, 1600x1000 pixels, medians of repeated runs, on the SYNTHETIC Shanghai registry
(304,634 elevators) and a 1,000,000-elevator version of it (tiled with 30 m jitter).

    python bench/bench_map.py [--db sqlite:///bench/out/bench_map.sqlite] [--repeat 9]
    python bench/bench_map.py --startup-only [--db ...] [--repeat 9]   # start-up only
    python bench/bench_map.py --startup-only --compare-with /path/to/other/checkout
        # start-up of this checkout and another one (e.g. a `git worktree` of an older
        # commit), runs interleaved one by one so both see the same machine load

The database is generated once (``liftguard generate``) if it does not exist.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

W, H = 1600, 1000


def median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def ensure_db(url: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "app", "generate", "--db", url, "--seed", "0",
                    "--as-of", "2026-11-21"], cwd=ROOT, check=True)


def naive_draw_ms(xs: np.ndarray, ys: np.ndarray) -> float:
    """Per-point ``QPainter.drawPoint`` loop into a QImage (the naive way)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    t0 = time.perf_counter()
    p = QPainter(img)
    p.setPen(QPen(QColor(200, 0, 30), 2))
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        p.drawPoint(QPointF(x, y))
    p.end()
    return (time.perf_counter() - t0) * 1000


def tiled(data, n: int):
    """``data`` repeated to ``n`` elevators with 30 m jitter (only the map arrays)."""
    reps = -(-n // data.n)
    rng = np.random.default_rng(1)

    def tile(a: np.ndarray) -> np.ndarray:
        return np.tile(a, reps)[:n]

    table = dataclasses.replace(data.table, **{
        f.name: tile(getattr(data.table, f.name)) for f in dataclasses.fields(data.table)
        if isinstance(getattr(data.table, f.name), np.ndarray)})
    return dataclasses.replace(
        data, x=tile(data.x) + rng.normal(0, 30, n), y=tile(data.y) + rng.normal(0, 30, n),
        valid=tile(data.valid), outside=tile(data.outside), table=table, _tree=None,
        _tree_index=None, _code_index=None)


def first_frame_s(url: str, root: Path, env: dict[str, str]) -> tuple[float, float]:
    """One start of ``python -m app --db URL`` in checkout ``root``: seconds to the first
    painted map frame (the wall-clock stamp the app prints) and to the process exit."""
    t0 = time.time()
    out = subprocess.run([sys.executable, "-m", "app", "--db", url], cwd=root,
                         env=dict(env, PYTHONPATH=str(root)), capture_output=True, text=True,
                         timeout=120)
    exit_s = time.time() - t0
    stamp = [line.split() for line in out.stdout.splitlines()
             if line.startswith("LIFTGUARD_FIRST_MAP_FRAME")]
    if not stamp:
        raise RuntimeError(f"no map frame painted ({root}):\n{out.stdout}\n{out.stderr}")
    return float(stamp[0][1]) - t0, exit_s


def compare_startup(url: str, other: Path, repeat: int) -> tuple[list[float], list[float]]:
    """First-frame seconds of ``other`` and of this checkout, runs interleaved."""
    env = dict(os.environ, LIFTGUARD_BENCH_STARTUP="1", QT_QPA_PLATFORM="offscreen")
    theirs, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_CONFIG_HOME"] = tmp  # never the user's settings
        for _ in range(repeat):
            theirs.append(first_frame_s(url, other, env)[0])
            ours.append(first_frame_s(url, ROOT, env)[0])
    return theirs, ours


def startup_s(url: str, repeat: int) -> tuple[float, float, float]:
    """Seconds from launching ``python -m app --db URL`` to the first painted map frame (the
    wall-clock stamp the app prints when it paints it), to the process exit (the app quits
    right after that frame; exit includes tearing down the loaded registry and waiting for
    the background jobs), and the bare ``import PySide6.QtWidgets, pandas`` time."""
    env = dict(os.environ, LIFTGUARD_BENCH_STARTUP="1", QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_CONFIG_HOME"] = tmp  # never the user's settings
        runs, exits, floor = [], [], []
        for _ in range(repeat):
            first_s, exit_s = first_frame_s(url, ROOT, env)
            runs.append(first_s)
            exits.append(exit_s)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets, pandas"], check=True)
            floor.append(time.perf_counter() - t0)
    return statistics.median(runs), statistics.median(exits), statistics.median(floor)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=f"sqlite:///{ROOT / 'bench/out/bench_map.sqlite'}")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--startup-only", action="store_true",
                        help="only time `liftguard --db` start to the first painted map")
    parser.add_argument("--compare-with", type=Path, default=None, metavar="CHECKOUT",
                        help="with --startup-only: also start the app of another checkout, "
                             "interleaved with this one's")
    args = parser.parse_args()
    ensure_db(args.db)
    if args.startup_only and args.compare_with is not None:
        print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} CPUs")
        theirs, ours = compare_startup(args.db, args.compare_with.resolve(), args.repeat)
        for name, runs in ((str(args.compare_with), theirs), ("this checkout", ours)):
            print(f"start to first drawn map, {name}: median {statistics.median(runs):.2f} s "
                  f"(runs {', '.join(f'{r:.2f}' for r in runs)})")
        print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")
        return 0
    if args.startup_only:
        print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} CPUs")
        start, exit_s, floor = startup_s(args.db, args.repeat)
        print(f"start to first drawn map, 304,634: {start * 1000:9.1f} ms (target <= 4000 ms; "
              f"median of {args.repeat}); bare PySide6+pandas import {floor * 1000:,.0f} ms")
        print(f"start to process exit after that frame: {exit_s * 1000:9.1f} ms")
        print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")
        return 0

    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from app.map.canvas import MapCanvas
    from app.map.data import build_map_data
    from app.map.search import search_elevators
    from app.models.map_model import LayerModel, MapModel
    from gis.config import Config
    from gis.store import open_store

    app = QApplication.instance() or QApplication([])
    registry = open_store(args.db).load_registry()
    data = build_map_data(registry, Config(as_of=Config().today.fromisoformat(
        registry.meta.get("as_of", "2026-11-21"))))
    canvas = MapCanvas(MapModel(), LayerModel())
    canvas.resize(W, H)
    canvas.set_data(data)
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    full = canvas.transform
    rows: list[tuple[str, float, str, str]] = []

    def frame_all_layers() -> None:
        """Every cache dropped: base and top images composed again, elevators rasterised."""
        canvas.renderer.invalidate()
        canvas.render_frame(img)

    def frame_static_cached() -> None:
        """Composed base/top images reused, elevators rasterised again (filter change)."""
        canvas.renderer._points_cache = None
        canvas.render_frame(img)

    print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} CPUs")
    print(f"map benchmark: {data.n:,} elevators, {W}x{H}, median of {args.repeat}")
    for view in ("age", "risk", "iot", "retrofit"):
        canvas.map_model.set_view(view)
        ms = median_ms(frame_all_layers, args.repeat)
        rows.append((f"full redraw, city extent, view {view} (304,634)", ms, "≤ 30 ms", ""))
    for view in ("age", "risk"):
        canvas.map_model.set_view(view)
        rows.append((f"redraw with cached static layers, view {view} (304,634)",
                     median_ms(frame_static_cached, args.repeat), "", ""))
    flip = {"i": 0}

    def view_switch() -> None:
        """What the user waits for after clicking another view: classify + full redraw."""
        flip["i"] += 1
        canvas.map_model.set_view(("age", "risk", "iot", "retrofit")[flip["i"] % 4])
        canvas.render_frame(img)

    rows.append(("view switch: classify + full redraw (304,634)",
                 median_ms(view_switch, args.repeat), "", ""))
    sx, sy = full.to_screen(data.x, data.y)
    ok = (sx >= 0) & (sx < W) & (sy >= 0) & (sy < H)
    naive = naive_draw_ms(sx[ok], sy[ok])
    rows[0] = (*rows[0][:3], f"naive drawPoint loop {naive:,.0f} ms")

    canvas.map_model.set_view("risk")
    rest = full.zoomed(2.0)
    canvas.set_transform(rest, moving=False)
    canvas.render_frame(img)
    step = {"i": 0}

    def pan_step() -> None:
        step["i"] += 1
        canvas.set_transform(rest.panned(40 * (step["i"] % 5), 25), moving=True)
        canvas.render_frame(img, allow_stale=True)

    def zoom_step() -> None:
        step["i"] += 1
        canvas.set_transform(rest.zoomed(1.25 ** (step["i"] % 2 * 2 - 1), (700, 450)),
                             moving=True)  # one wheel notch in or out from the resting view
        canvas.render_frame(img, allow_stale=True)

    def settle() -> None:
        canvas.renderer._groups.clear()  # the composed base/top images, as after a move
        canvas.renderer.refresh_static(canvas.transform)

    rows.append(("pan step (cached layers blitted) (304,634)", median_ms(pan_step, args.repeat),
                 "≤ 50 ms", ""))
    rows.append(("zoom step (cached layers scaled) (304,634)", median_ms(zoom_step, args.repeat),
                 "≤ 50 ms", ""))
    rows.append(("base/top images re-composed when the view rests", median_ms(settle, args.repeat),
                 "(idle)", ""))

    canvas.set_transform(full.zoomed(8.0), moving=False)
    targets = np.flatnonzero(data.valid)[:: max(1, data.n // 200)]
    pos = [canvas.screen_position(int(r)) for r in targets]
    pos = [(x, y) for x, y in pos if 0 <= x < W and 0 <= y < H] or [(W / 2, H / 2)]
    k = {"i": 0}

    def pick() -> None:
        k["i"] = (k["i"] + 1) % len(pos)
        canvas.pick(*pos[k["i"]])

    def naive_pick() -> None:
        mx, my = canvas.transform.to_map(*pos[k["i"]])
        int(np.nanargmin(np.hypot(data.x - mx, data.y - my)))

    rows.append(("pick nearest elevator (KD-tree)", median_ms(pick, args.repeat * 10),
                 "≤ 5 ms", f"naive full scan {median_ms(naive_pick, args.repeat):.1f} ms"))
    el = registry.elevators
    codes = el["registration_code"].to_numpy()[:: max(1, data.n // 100)]
    c = {"i": 0}

    def search() -> None:
        c["i"] = (c["i"] + 1) % len(codes)
        search_elevators(data, codes[c["i"]])

    def naive_search() -> None:
        np.flatnonzero((el["registration_code"] == codes[c["i"]]).to_numpy())

    def address_search() -> None:
        search_elevators(data, "世纪大道")

    rows.append(("search by registration code", median_ms(search, args.repeat * 10), "≤ 20 ms",
                 f"naive column scan {median_ms(naive_search, args.repeat):.1f} ms"))
    rows.append(("search by address text", median_ms(address_search, 3), "", ""))

    big = tiled(data, 1_000_000)
    canvas.set_data(big)
    canvas.map_model.set_view("risk")
    ms = median_ms(frame_all_layers, args.repeat)
    sx, sy = canvas.transform.to_screen(big.x, big.y)
    ok = (sx >= 0) & (sx < W) & (sy >= 0) & (sy < H)
    rows.append(("full redraw, city extent, view risk (1,000,000)", ms, "≤ 60 ms",
                 f"naive drawPoint loop {naive_draw_ms(sx[ok], sy[ok]):,.0f} ms"))
    rows.append(("redraw with cached static layers (1,000,000)",
                 median_ms(frame_static_cached, args.repeat), "", ""))
    del app

    start, exit_s, floor = startup_s(args.db, max(3, args.repeat // 3))
    rows.append(("start to first drawn map, 304,634", start * 1000, "≤ 4000 ms",
                 f"bare PySide6+pandas import {floor * 1000:,.0f} ms"))
    rows.append(("start to process exit after that frame", exit_s * 1000, "", ""))

    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")
    width = max(len(r[0]) for r in rows)
    for name, ms, target, baseline in rows:
        print(f"{name:<{width}}  {ms:9.1f} ms  {target:>10}  {baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
