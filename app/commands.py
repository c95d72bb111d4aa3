"""Qt-backed commands of the ``liftguard`` CLI (offscreen rendering).

``liftguard snapshot --out FILE.png [--view V] [--district ADCODE] [--width W --height H]``
renders the map of the registry in ``--db`` headless. Qt is imported inside the command only,
so ``liftguard --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from gis.cli import add_db_option
from gis.thematic import VIEWS


def register(sub: argparse._SubParsersAction) -> None:
    snap = sub.add_parser(
        "snapshot", help="render the map to a PNG (headless), with legend, scale bar and title",
        description="Render the elevator map of the registry in the database to an image "
                    "file, the same map the desktop app draws, with title, date, legend, "
                    "scale bar and data attribution.")
    snap.add_argument("--out", required=True, help="output file (.png or .jpg)")
    snap.add_argument("--view", default="age", metavar="VIEW",
                      help=f"one of {', '.join(VIEWS)} (default age)")
    snap.add_argument("--district", default=None, metavar="ADCODE",
                      help="only this district, zoomed to it (6-digit code, e.g. 310115)")
    snap.add_argument("--width", type=_pixels, default=1600, help="pixels (default 1600)")
    snap.add_argument("--height", type=_pixels, default=1000, help="pixels (default 1000)")
    snap.add_argument("--language", choices=("en", "zh"), default="en",
                      help="legend and title language (default en)")
    snap.add_argument("--roads", default=None, metavar="OSM",
                      help="draw the road network of this OSM file (.osm/.osm.pbf)")
    add_db_option(snap)
    snap.set_defaults(func=run_snapshot)


def _pixels(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of pixels, got {text!r}") \
            from None
    if not 100 <= value <= 10000:
        raise argparse.ArgumentTypeError(f"must be 100..10000 pixels, got {value}")
    return value


def run_snapshot(args: argparse.Namespace) -> int:
    from gis.errors import ConfigError
    from gis.thematic import MapFilter, check_view

    check_view(args.view)  # before anything slow: a typo fails at once with exit code 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import datetime as dt

    from PySide6.QtGui import QGuiApplication

    from app.map.data import build_map_data, road_segments_from_arrays
    from app.map.renderer import MapRenderer
    from app.map.snapshot import render_snapshot, save_image
    from app.map.transform import ViewTransform
    from gis.config import Config
    from gis.store import open_store

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    registry = open_store(args.db).load_registry()
    if registry.elevators.empty:
        raise ConfigError("the registry holds no elevators; import elevators or run "
                          "`liftguard generate` first")
    as_of = registry.meta.get("as_of")
    config = Config(adcode=registry.meta.get("adcode", "310000"),
                    as_of=dt.date.fromisoformat(as_of) if as_of else None)
    data = build_map_data(registry, config)
    if args.roads:
        from gis.roads import import_roads

        data.roads = road_segments_from_arrays(import_roads(args.roads)[0], data.epsg)
    renderer = MapRenderer(data, view=args.view, language=args.language)
    bbox = data.extent
    if args.district:
        k = data.district_index(args.district)
        renderer.set_filter(MapFilter(districts=frozenset({args.district})))
        renderer.highlight_district = k
        bbox = tuple(data.districts.bboxes[k])  # type: ignore[assignment]
    tf = ViewTransform.fit(bbox, args.width, args.height)
    img = render_snapshot(renderer, tf, district=args.district)
    path = save_image(img, args.out)
    notes = []
    if data.n_missing_coords:
        notes.append(f"{data.n_missing_coords:,} elevators without coordinates not drawn")
    if data.n_outside:
        notes.append(f"{data.n_outside:,} elevators outside every district")
    print(f"wrote {path} ({args.width}x{args.height}, view {args.view}, "
          f"{renderer.n_shown:,} elevators shown)" + ("; " + "; ".join(notes) if notes else ""))
    return 0
