"""``liftguard roads ...`` (build, cache and export the road graph) and ``liftguard route``.

``roads import FILE`` reads OSM XML/PBF, caches the graph (see :mod:`gis.roads` for the cache
layout) and links it to the database given by ``--db``; ``roads synth`` does the same with a
SYNTHETIC network over the database's districts (or a bbox); ``roads export-graph`` writes the
linked graph as GraphML. ``route`` lists rescue options for one elevator.

JSON contract of ``liftguard route --json`` (also in ``docs/routing-json.md``)::

    {
      "elevator": {"registration_code", "rescue_code", "address", "lon", "lat",
                   "maintenance_unit_id", "node", "snap_m"},
      "limit_s": 1800.0,                 # rescue arrival limit the options are checked against
      "at": "2026-11-21T08:00:00" | null,   # time of day used for congestion (null = free flow)
      "graph": {"label", "synthetic", "nodes", "edges"},
      "options": [                       # sorted by eta_s, fastest first, at most k
        {"station_id", "station_kind" (maintenance|fire|police), "station_name", "unit_id",
         "eta_s", "turnout_s", "access_s", "network_time_s", "distance_m", "meets_limit",
         "reason", "response_level" (1|2|3), "route_nodes" [GraphML node ids, station side
         first], "route_lonlat" [[lon, lat], ...] (WGS84, station to elevator)}
      ],
      "warnings": ["N station(s) are more than 500 m from the road network ..."],
      "off_network_station_ids": ["FS0002", ...]
    }

``eta_s = turnout_s + access_s + network_time_s``; all times in seconds, distances in metres.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from gis.cli import add_db_option, station_kinds
from gis.errors import ConfigError, RoadsError


def register(sub: argparse._SubParsersAction) -> None:
    roads = sub.add_parser("roads", help="import, synthesise or export the road graph",
                           description="Build the road travel-time graph used for rescue "
                                       "routing, cache it and link it to a database.")
    rsub = roads.add_subparsers(dest="roads_command", metavar="ACTION",
                                parser_class=type(roads))
    imp = rsub.add_parser("import", help="build the graph from an OSM .osm (or .osm.pbf) file")
    imp.add_argument("file", type=Path, help="OpenStreetMap XML (.osm) or PBF (.osm.pbf)")
    imp.add_argument("--speeds", type=Path, default=None,
                     help='JSON file {"primary": 45, ...} overriding free-flow km/h per class')
    add_db_option(imp)
    imp.set_defaults(func=run_roads_import)

    syn = rsub.add_parser("synth", help="build a SYNTHETIC hierarchical road network")
    syn.add_argument("--bbox", type=_bbox, default=None,
                     help="min_lon,min_lat,max_lon,max_lat (default: the database's districts)")
    syn.add_argument("--nodes", type=int, default=50_000, help="target node count (50000)")
    syn.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_db_option(syn)
    syn.set_defaults(func=run_roads_synth)

    exp = rsub.add_parser("export-graph", help="write the linked graph as GraphML")
    exp.add_argument("--out", type=Path, required=True, help="output .graphml file")
    add_db_option(exp)
    exp.set_defaults(func=run_export_graph)
    roads.set_defaults(func=lambda _a: (roads.print_help(), 2)[1])

    route = sub.add_parser("route", help="fastest stations to send to an elevator",
                           description="The k stations that can have a rescuer at the "
                                       "elevator first, with ETA, reason and route.")
    route.add_argument("--elevator", required=True, metavar="CODE",
                       help="registration code or 6-digit rescue code")
    route.add_argument("--k", type=int, default=5, help="number of options (default 5)")
    route.add_argument("--at", type=_datetime, default=None,
                       help="local time for congestion, e.g. 2026-11-21T08:00 (default now)")
    route.add_argument("--free-flow", action="store_true", help="ignore congestion")
    route.add_argument("--include-busy", action="store_true", help="also list busy stations")
    route.add_argument("--kinds", type=station_kinds, default=None, metavar="KIND[,KIND]",
                       help="only these station kinds: maintenance, fire, police (e.g. "
                            "--kinds maintenance for levels 1-2 only; default all)")
    route.add_argument("--json", action="store_true", help="print the JSON contract")
    add_db_option(route)
    route.set_defaults(func=run_route)


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4:
        raise argparse.ArgumentTypeError(f"expected min_lon,min_lat,max_lon,max_lat, got {text!r}")
    return values  # type: ignore[return-value]


def _datetime(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a time like 2026-11-21T08:00, got {text!r}") from None


def _db_url(args: argparse.Namespace) -> str:
    """The database URL as the link key (SQLite paths made absolute)."""
    from gis.store import default_db_url

    url = args.db or default_db_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str(Path(url[len("sqlite:///"):]).resolve())
    return url


def _load_speeds(path: Path | None) -> Any:
    from gis.roads import RoadSpeeds

    if path is None:
        return RoadSpeeds()
    try:
        overrides = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Speed table {path} is not a readable JSON object ({exc}).") from None
    if not isinstance(overrides, dict):
        raise ConfigError(f"Speed table {path} must be a JSON object of class -> km/h.")
    return RoadSpeeds.with_overrides({str(k): float(v) for k, v in overrides.items()})


def _progress(fraction: float) -> None:
    if not sys.stderr.isatty():
        return
    print(f"\r  building road graph... {fraction:4.0%}", end="", file=sys.stderr, flush=True)
    if fraction >= 1.0:
        print(file=sys.stderr)


def run_roads_import(args: argparse.Namespace) -> int:
    from gis.roads import import_roads, link_graph_to_db

    url = _db_url(args)
    arrays, cache = import_roads(args.file, speeds=_load_speeds(args.speeds),
                                 progress=_progress)
    link_graph_to_db(url, cache)
    _print_summary(arrays, cache)
    return 0


def run_roads_synth(args: argparse.Namespace) -> int:
    from gis.roads import default_cache_dir, link_graph_to_db, save_road_arrays
    from gis.synth_roads import synth_road_arrays

    url = _db_url(args)
    districts = None
    if args.bbox is None:
        from gis.store import open_store

        districts = open_store(args.db).load_districts()
        if districts.empty:
            raise RoadsError(f"Database {url} has no districts; pass --bbox or generate a "
                             "registry first.")
    arrays = synth_road_arrays(districts=districts, bbox=args.bbox, target_nodes=args.nodes,
                               seed=args.seed)
    key = hashlib.sha256(repr((args.bbox, args.nodes, args.seed, None if districts is None
                               else districts.geometry.to_wkb().tolist())).encode())
    cache = save_road_arrays(arrays, default_cache_dir() / f"synth-{key.hexdigest()[:24]}.npz")
    link_graph_to_db(url, cache)
    _print_summary(arrays, cache)
    return 0


def _print_summary(arrays: Any, cache: Path) -> None:
    meta = arrays.meta
    print(f"{meta.get('label', 'road graph')}: {arrays.n_nodes} nodes, {arrays.n_edges} edges "
          f"(largest strongly connected part; dropped {meta.get('dropped_nodes', 0)} nodes, "
          f"{meta.get('dropped_edges', 0)} edges"
          + (f", {meta['non_drivable_edges']} non-drivable OSM segments"
             if "non_drivable_edges" in meta else "") + ")")
    print(f"cached: {cache}")


def run_export_graph(args: argparse.Namespace) -> int:
    from gis.roads import linked_graph_file, load_road_arrays, write_graphml

    arrays = load_road_arrays(linked_graph_file(_db_url(args)))
    write_graphml(arrays, args.out)
    print(f"wrote {args.out}: {arrays.n_nodes} nodes, {arrays.n_edges} edges "
          "(x, y WGS84 on nodes; length_m, travel_time_s on edges)")
    return 0


def route_document(args: argparse.Namespace) -> dict[str, Any]:
    """The JSON contract for ``liftguard route`` (see the module docstring)."""
    from gis.roads import linked_graph_file, load_road_arrays
    from gis.routing import LOCAL_TZ, RoutingEngine
    from gis.store import open_store

    if args.k < 1:
        raise ConfigError(f"--k must be at least 1, got {args.k}.")
    arrays = load_road_arrays(linked_graph_file(_db_url(args)))
    registry = open_store(args.db).load_registry()
    engine = RoutingEngine(arrays, stations=registry.stations, elevators=registry.elevators)
    at = None if args.free_flow else (args.at or dt.datetime.now(LOCAL_TZ).replace(tzinfo=None))
    rec = engine.elevator_record(args.elevator)
    options = engine.rescue_options(rec, k=args.k, at=at, exclude_busy=not args.include_busy,
                                    kinds=args.kinds)
    node, snap_m = engine.snap(float(rec["lon"]), float(rec["lat"]))
    return {
        "elevator": {c: _plain(rec.get(c)) for c in ("registration_code", "rescue_code",
                                                      "address", "lon", "lat",
                                                      "maintenance_unit_id")}
        | {"node": int(arrays.node_id[node[0]]), "snap_m": float(snap_m[0])},
        "limit_s": engine.config.rescue_limit_s(str(rec.get("district_adcode", ""))),
        "at": at.isoformat() if at else None,
        "graph": {"label": arrays.meta.get("label", ""), "synthetic": arrays.is_synthetic,
                  "nodes": arrays.n_nodes, "edges": arrays.n_edges},
        "options": [o.to_dict() for o in options],
        "warnings": engine.station_warnings(),
        "off_network_station_ids": engine.off_network_stations(),
    }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def run_route(args: argparse.Namespace) -> int:
    doc = route_document(args)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    e = doc["elevator"]
    print(f"Elevator {e['registration_code']} ({e['address']}); limit {doc['limit_s'] / 60:.0f} "
          f"min; time {doc['at'] or 'free flow'}; roads: {doc['graph']['label']}")
    for i, o in enumerate(doc["options"], 1):
        flag = "ok  " if o["meets_limit"] else "LATE"
        print(f"{i}. {flag} {o['eta_s'] / 60:5.1f} min  {o['station_id']:<12} "
              f"{o['station_kind']:<11} {o['reason']} (turnout {o['turnout_s'] / 60:.1f} min, "
              f"road {o['network_time_s'] / 60:.1f} min, {o['distance_m'] / 1000:.1f} km)")
    for w in doc["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    return 0
