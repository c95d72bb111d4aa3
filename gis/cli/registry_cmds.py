"""``liftguard generate`` and ``liftguard info``: build the demo registry and summarise it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from gis.cli import add_db_option
from gis.config import Config
from gis.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser(
        "generate", help="generate a SYNTHETIC demo registry over real district boundaries",
        description="Generate a seeded synthetic registry (elevators, maintenance units and "
                    "stations, fire and police stations) inside the real district polygons of "
                    "a city or province and save it to the database. Labelled SYNTHETIC.",
    )
    gen.add_argument("--adcode", default="310000",
                     help="city or province code (default 310000, Shanghai)")
    gen.add_argument("-n", "--elevators", type=_positive_int, default=None,
                     help="number of elevators (default: 304634 for Shanghai)")
    gen.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    gen.add_argument("--as-of", type=parse_date, default=None,
                     help="date ages refer to, YYYY-MM-DD (default today)")
    gen.add_argument("--replace", action="store_true",
                     help="replace a registry already in the database")
    gen.add_argument("--synth-roads", action="store_true",
                     help="also build a SYNTHETIC road network over the districts and link it "
                          "to the database, so routing works at once (like the app's demo)")
    add_db_option(gen)
    gen.set_defaults(func=run_generate)

    info = sub.add_parser("info", help="counts per district, age classes, IoT and risk classes")
    info.add_argument("--as-of", type=parse_date, default=None,
                      help="date ages refer to (default: the registry's as-of date or today)")
    info.add_argument("--json", action="store_true", help="print JSON instead of a table")
    info.add_argument("--chinese", action="store_true", help="Chinese headers and names")
    add_db_option(info)
    info.set_defaults(func=run_info)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _stderr_progress(label: str):
    last = [-1]

    def report(fraction: float) -> None:
        pct = int(fraction * 100)
        if pct // 10 != last[0] // 10 and sys.stderr.isatty():
            print(f"\r{label}: {pct:3d}%", end="", file=sys.stderr, flush=True)
        last[0] = pct

    return report


def run_generate(args: argparse.Namespace) -> int:
    from gis.boundaries import load_districts
    from gis.store import open_store
    from gis.synth import generate_registry

    store = open_store(args.db)
    if store.has_registry() and not args.replace:
        raise ConfigError(f"{store.url} already holds a registry; pass --replace to overwrite it")
    config = Config(adcode=args.adcode, as_of=args.as_of or dt.date.today())
    districts = load_districts(args.adcode)
    registry = generate_registry(districts, n=args.elevators, seed=args.seed, config=config,
                                 progress=_stderr_progress("generating"))
    store.save_registry(registry, progress=_stderr_progress("saving"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.synth_roads:
        from gis.demo import link_synthetic_roads
        from gis.store import default_db_url

        label = link_synthetic_roads(registry, args.db or default_db_url(), seed=args.seed)
        print(f"{label}: linked to the database")
    print(f"{registry.label}: {len(registry.elevators)} elevators, "
          f"{len(registry.stations)} stations in {len(districts)} districts -> {store.url}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from gis.store import open_store
    from gis.summary import district_summary, format_summary

    registry = open_store(args.db).load_registry()
    as_of = args.as_of or _meta_date(registry.meta.get("as_of"))
    table = district_summary(registry, Config(as_of=as_of))
    if args.json:
        payload = {"label": registry.label, "as_of": str(as_of or dt.date.today()),
                   "districts": table.to_dict(orient="records")}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    if registry.label:
        print(registry.label)
    stations = registry.stations["kind"].value_counts()
    print(f"as of {as_of or dt.date.today()}; stations: "
          + ", ".join(f"{k} {v}" for k, v in stations.items()))
    print(format_summary(table, chinese=args.chinese))
    return 0


def _meta_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
