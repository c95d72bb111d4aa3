"""``liftguard replay export`` (MP4/GIF video of a replay, headless) and
``liftguard replay export-log`` (the incident log as a replay file, docs/replay-format.md).

Qt is imported inside :func:`run_export` only, so ``liftguard --help`` stays fast. A replay
reads the database through a private read-only copy (:func:`gis.replay.readonly_database`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gis.cli import add_db_option


def register(sub: argparse._SubParsersAction) -> None:
    rp = sub.add_parser("replay", help="training replay: export a shift as video or as a file")
    cmds = rp.add_subparsers(dest="replay_command", metavar="ACTION", required=True)
    ex = cmds.add_parser(
        "export", help="render a replay to MP4 or GIF (headless)",
        description="Render the incidents of a time window (from the incident log in --db or "
                    "from a replay file) on the map with clock and legend, as a video.")
    _source_options(ex)
    ex.add_argument("--out", required=True, help="output video (.mp4 or .gif)")
    ex.add_argument("--speed", type=float, default=60.0,
                    help="replay seconds per video second (default 60)")
    ex.add_argument("--fps", type=float, default=10.0, help="frames per second (default 10)")
    ex.add_argument("--width", type=int, default=1280, help="pixels (default 1280)")
    ex.add_argument("--height", type=int, default=720, help="pixels (default 720)")
    ex.add_argument("--extent", choices=("incidents", "city"), default="incidents",
                    help="map view: around the incidents (default) or the whole city")
    ex.add_argument("--language", choices=("en", "zh"), default="en")
    ex.set_defaults(func=run_export)

    lg = cmds.add_parser("export-log", help="write the incident log as a replay file "
                         "(JSON Lines or CSV, docs/replay-format.md)")
    add_db_option(lg)
    _window_options(lg)
    lg.add_argument("--out", required=True, help="output file (.jsonl or .csv)")
    lg.set_defaults(func=run_export_log)


def _window_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="since", default=None, metavar="TIME",
                   help="ISO time (China time without an offset); default: the first event")
    p.add_argument("--to", dest="until", default=None, metavar="TIME",
                   help="ISO time; default: the last event")
    p.add_argument("--district", default=None, metavar="ADCODE", help="only this district")
    p.add_argument("--incidents", default=None, metavar="IDS",
                   help="only these incident ids, comma-separated")


def _source_options(p: argparse.ArgumentParser) -> None:
    add_db_option(p)
    _window_options(p)
    p.add_argument("--file", type=Path, default=None,
                   help="replay file (.jsonl/.csv) instead of the incident log")
    p.add_argument("--accept-problems", action="store_true",
                   help="play the good lines of a file that has bad ones")


def _time_s(text: str | None, name: str) -> float | None:
    from gis.errors import ConfigError
    from gis.replay import parse_time_s

    if text is None:
        return None
    try:
        return parse_time_s(text)
    except ValueError:
        raise ConfigError(f"--{name} {text!r} is not an ISO time such as "
                          "2026-11-21T09:00 (China time) or 2026-11-21T01:00Z") from None


def _ids(text: str | None) -> list[int] | None:
    from gis.errors import ConfigError

    if not text:
        return None
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"--incidents {text!r}: give incident ids like 12,15,40") from None


def run_export_log(args: argparse.Namespace) -> int:
    from gis.replay import export_log
    from gis.store import default_db_url

    n = export_log(args.db or default_db_url(), args.out, since_s=_time_s(args.since, "from"),
                   until_s=_time_s(args.until, "to"), district=args.district,
                   incident_ids=_ids(args.incidents))
    print(f"wrote {args.out} ({n:,} events)")
    return 0


def load_replay(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """(replay, registry, road arrays or None) for ``args`` (see :func:`_source_options`);
    bad lines are printed and refused unless ``--accept-problems``."""
    from gis.errors import LiftGuardError, ValidationError
    from gis.replay import load_replay_db, read_replay_file
    from gis.store import default_db_url

    url = args.db or default_db_url()
    arrays = _roads(url)
    replay, registry = load_replay_db(url, since_s=_time_s(args.since, "from"),
                                      until_s=_time_s(args.until, "to"),
                                      district=args.district, incident_ids=_ids(args.incidents),
                                      engine=None) if args.file is None else (None, None)
    if args.file is not None:
        registry = _registry(url)
        engine = _engine(arrays, registry)
        replay = read_replay_file(args.file, elevators=registry.elevators,
                                  stations=registry.stations, engine=engine)
    if registry is None:
        raise LiftGuardError(f"{url} has no elevator registry to draw the map; " +
                             "; ".join(replay.notes))
    if replay.problems:
        for p in replay.problems:
            print(f"  {p}", file=sys.stderr)
        if not args.accept_problems:
            raise ValidationError(replay.problems)
        print(f"liftguard: {len(replay.problems)} bad line(s) left out; playing the "
              f"{len(replay.events):,} good events", file=sys.stderr)
    return replay, registry, arrays


def _roads(url: str) -> Any:
    from gis.errors import LiftGuardError
    from gis.roads import linked_graph_file, load_road_arrays

    try:
        return load_road_arrays(linked_graph_file(url))
    except LiftGuardError:
        return None


def _registry(url: str) -> Any:
    from gis.errors import LiftGuardError
    from gis.replay import _load_registry, readonly_database

    with readonly_database(url) as (_ro, store_url):
        registry = _load_registry(store_url)
    if registry is None:
        raise LiftGuardError(f"{url} has no registry to check the replay's elevators against; "
                             "pass the --db of the centre the file comes from")
    return registry


def _engine(arrays: Any, registry: Any) -> Any:
    if arrays is None:
        return None
    from gis.routing import RoutingEngine

    return RoutingEngine(arrays, stations=registry.stations, elevators=registry.elevators)


def run_export(args: argparse.Namespace) -> int:
    from gis.errors import ConfigError

    if not (16 <= args.width <= 7680 and 16 <= args.height <= 4320):
        raise ConfigError("--width/--height must be 16..7680 x 16..4320 pixels")
    if Path(args.out).suffix.lower() not in (".mp4", ".gif"):
        raise ConfigError(f"cannot write {args.out}: use a .mp4 or .gif file name")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import datetime as dt
    import time

    from PySide6.QtGui import QGuiApplication

    from app.map.data import build_map_data, road_segments_from_arrays
    from app.map.renderer import MapRenderer
    from app.replay.video import ReplayFrames, encode_video, frame_times, replay_view
    from gis.config import Config

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    t0 = time.perf_counter()
    replay, registry, arrays = load_replay(args)
    as_of = registry.meta.get("as_of")
    config = Config(adcode=registry.meta.get("adcode", "310000"),
                    as_of=dt.date.fromisoformat(as_of) if as_of else None)
    data = build_map_data(registry, config, index=False)
    if arrays is not None:
        data.roads = road_segments_from_arrays(arrays, data.epsg)
    renderer = MapRenderer(data, view="age", language=args.language)
    tf = replay_view(replay, renderer, args.width, args.height, extent=args.extent)
    start = _time_s(args.since, "from") or replay.start_s
    end = _time_s(args.until, "to") or replay.end_s
    times = frame_times(start, end, speed=args.speed, fps=args.fps)
    frames = ReplayFrames(replay, renderer, tf, speed=args.speed)
    t1 = time.perf_counter()
    path = encode_video(frames, times, args.out, fps=args.fps)
    t2 = time.perf_counter()
    print(f"wrote {path} ({len(times):,} frames, {args.width}x{args.height} at {args.fps:g} "
          f"fps, {args.speed:g}x, {len(replay.incidents):,} incidents; loading "
          f"{t1 - t0:.1f} s, rendering and encoding {t2 - t1:.1f} s)")
    return 0
