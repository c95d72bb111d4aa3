"""Planning commands: ``coverage``, ``service-areas``, ``siting``, ``ledger`` and the planner
exports ``export coverage-map``, ``export report`` and ``export planning-layers``.

All of them read the registry from ``--db`` and (except ``ledger``) the road graph linked to
it (``liftguard roads import`` / ``roads synth``). ``--at`` takes ``HH:MM`` (on the as-of date)
or a full ``YYYY-MM-DDTHH:MM``; without it travel times are free flow. ``--limit`` is in
minutes (default: the city rescue limit, 30). Every output file is written atomically.

The ``export`` group belongs to :mod:`gis.cli.io_cmds`; :func:`add_export_commands` adds the
planning kinds to it (found through the parser, or created if io_cmds is absent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from gis.cli import add_db_option, station_kinds
from gis.config import Config
from gis.errors import ConfigError

FORMATS = ("table", "csv", "json", "xlsx")


# --------------------------------------------------------------------------- argument types


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected minutes, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 minutes, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _time_of_day(text: str) -> str:
    try:
        dt.time.fromisoformat(text) if len(text) <= 8 else dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected HH:MM or YYYY-MM-DDTHH:MM, got {text!r}") from None
    return text


def _minute_list(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected e.g. 10,20,30, got {text!r}") from None
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError("service-area bands must be positive minutes")
    return values


def _analysis_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=_minutes, default=None, metavar="MIN",
                   help="rescue time limit in minutes (default 30, the city limit)")
    p.add_argument("--at", type=_time_of_day, default=None, metavar="HH:MM",
                   help="time of day for congestion, e.g. 08:00 (default: free flow)")
    p.add_argument("--kinds", type=station_kinds, default=None, metavar="K1,K2",
                   help="only these station kinds (maintenance,fire,police; default all)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE",
                   help="date ages refer to (default: the registry's as-of date or today)")
    add_db_option(p)


# --------------------------------------------------------------------------- registration


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cov = sub.add_parser(
        "coverage", help="elevators no station reaches within the limit, per district",
        description="ETA of the fastest station for every elevator (turnout + access + road "
                    "time); counts and shares beyond the limit per district or per polygon "
                    "of a file, split by building type and age class.")
    _analysis_options(cov)
    cov.add_argument("--by", choices=("district", "polygons"), default=None,
                     help="group by district (default) or by the polygons of --polygons")
    cov.add_argument("--polygons", type=Path, default=None, metavar="FILE",
                     help="GeoJSON/GeoPackage/Shapefile of areas to count gaps in")
    cov.add_argument("--crs", default=None, metavar="CRS",
                     help="coordinate system of --polygons (wgs84, gcj02, bd09, EPSG:xxxx); "
                          "default: the file's own")
    cov.add_argument("--name-field", default=None, help="polygon name field (default name)")
    cov.add_argument("--format", dest="fmt", choices=FORMATS, default="table")
    cov.add_argument("--out", type=Path, default=None, metavar="FILE",
                     help="write to FILE instead of the terminal (required for xlsx)")
    cov.set_defaults(func=run_coverage)

    sa = sub.add_parser("service-areas", help="10/20/30-minute service-area polygons",
                        description="Places each station reaches within each band, as "
                                    "polygons (overlap: each station its full area; split: "
                                    "each place to its fastest station).")
    _analysis_options(sa)
    sa.add_argument("--minutes", type=_minute_list, default=[10.0, 20.0, 30.0])
    sa.add_argument("--mode", choices=("overlap", "split"), default="split")
    sa.add_argument("--cell", type=float, default=250.0, help="grid cell in metres (250)")
    sa.add_argument("--out", type=Path, required=True, help="output .gpkg or .geojson")
    sa.set_defaults(func=run_service_areas)

    site = sub.add_parser("siting", help="where k new stations would cover the most gaps",
                          description="Maximal covering: choose k candidate sites that bring "
                                      "the most gap elevators within the limit (greedy with "
                                      "marginal gains; exact solver for small cases).")
    _analysis_options(site)
    site.add_argument("--add", type=_positive_int, required=True, metavar="K",
                      help="number of new stations")
    site.add_argument("--candidates", type=Path, default=None, metavar="FILE",
                      help="CSV/XLSX of candidate sites (site_id, name, lon, lat); default: "
                           "road nodes near the gaps")
    site.add_argument("--crs", default="wgs84", help="CRS of the candidate file (wgs84)")
    site.add_argument("--turnout", type=_minutes, default=5.0, metavar="MIN",
                      help="turnout time of a new station in minutes (5)")
    site.add_argument("--exact", choices=("auto", "yes", "no"), default="auto",
                      help="also solve exactly (auto: when small enough)")
    site.add_argument("--json", action="store_true", help="print JSON")
    site.add_argument("--out", type=Path, default=None, help="write the picks as CSV")
    site.set_defaults(func=run_siting)

    led = sub.add_parser("ledger", help="problem-elevator ledger and targets as XLSX",
                         description="Workbook with Chinese headers: district figures, IoT "
                                     "targets, problem-elevator ledger (问题电梯台账), "
                                     "retrofit pipeline, pre-2005 overspeed list, "
                                     "assessment queue.")
    led.add_argument("--out", type=Path, required=True, help="output .xlsx")
    led.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE")
    add_db_option(led)
    led.set_defaults(func=run_ledger)

    export = sub.choices.get("export")
    if export is None:  # io_cmds not present: own the group
        export = sub.add_parser("export", help="export data from the store")
        export.add_subparsers(dest="what", metavar="WHAT", required=True)
    add_export_commands(_subparsers_of(export))


def _subparsers_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the export command has no sub-commands")  # a programming error


def add_export_commands(exp_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``coverage-map``, ``report`` and ``planning-layers`` to the ``export`` group."""
    cmap = exp_sub.add_parser("coverage-map", help="coverage map as offline HTML (folium)")
    _analysis_options(cmap)
    cmap.add_argument("--out", type=Path, required=True, help="output .html")
    cmap.add_argument("--service-areas", action="store_true",
                      help="add 10/20/30-minute service areas (split mode)")
    cmap.add_argument("--max-markers", type=_positive_int, default=20_000,
                      help="clustered gap markers, worst first (20000)")
    cmap.set_defaults(func=run_export_map)

    rep = exp_sub.add_parser("report", help="district report as PDF (one page per district)")
    _analysis_options(rep)
    rep.add_argument("--out", type=Path, required=True, help="output .pdf")
    rep.add_argument("--district", action="append", default=None, metavar="ADCODE",
                     help="only this district (repeatable; default all)")
    rep.set_defaults(func=run_export_report)

    gpk = exp_sub.add_parser("planning-layers", help="GeoPackage of planning layers")
    _analysis_options(gpk)
    gpk.add_argument("--out", type=Path, required=True, help="output .gpkg")
    gpk.add_argument("--service-areas", action="store_true", help="add service areas")
    gpk.set_defaults(func=run_export_layers)


# --------------------------------------------------------------------------- shared steps


def _db_url(db: str | None) -> str:
    from gis.store import default_db_url

    url = db or default_db_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str(Path(url[len("sqlite:///"):]).resolve())
    return url


def _check_out(path: Path | None) -> None:
    """Fail before any work when the output folder is missing."""
    if path is not None and not (path.parent if str(path.parent) else Path(".")).is_dir():
        from gis.report import ExportError

        raise ExportError(f"Cannot write {path}: folder {path.parent} does not exist.")


def _load(args: argparse.Namespace, *, roads: bool = True) -> dict[str, Any]:
    from gis.store import open_store

    registry = open_store(args.db).load_registry()
    as_of = args.as_of or (dt.date.fromisoformat(registry.meta["as_of"])
                           if registry.meta.get("as_of") else None)
    config = Config(as_of=as_of)
    out: dict[str, Any] = {"registry": registry, "config": config}
    if roads:
        from gis.roads import linked_graph_file, load_road_arrays
        from gis.routing import RoutingEngine

        arrays = load_road_arrays(linked_graph_file(_db_url(args.db)))
        out["arrays"] = arrays
        out["engine"] = RoutingEngine(arrays, stations=registry.stations,
                                      elevators=registry.elevators, config=config)
        text = getattr(args, "at", None)
        at = None
        if text:
            at = (dt.datetime.combine(config.today, dt.time.fromisoformat(text))
                  if len(text) <= 8 else dt.datetime.fromisoformat(text))
        out["at"] = at
    return out


def _coverage(args: argparse.Namespace, ctx: dict[str, Any]) -> Any:
    from gis.coverage import elevator_coverage

    limit_s = args.limit * 60.0 if args.limit is not None else None
    return elevator_coverage(ctx["engine"], ctx["registry"], config=ctx["config"],
                             limit_s=limit_s, at=ctx["at"], kinds=args.kinds)


def _describe(cov: Any, ctx: dict[str, Any]) -> str:
    at = ctx["at"].isoformat(timespec="minutes") if ctx["at"] else "free flow"
    return (f"limit {cov.attrs['limit_s'] / 60:g} min, {at}, roads: "
            f"{ctx['arrays'].meta.get('label', '')}; registry: {ctx['registry'].label}")


# --------------------------------------------------------------------------- commands


def run_coverage(args: argparse.Namespace) -> int:
    from gis.coverage import coverage_by, coverage_by_polygons, district_names, read_polygons

    by = args.by or ("polygons" if args.polygons else "district")
    if by == "polygons" and args.polygons is None:
        raise ConfigError("--by polygons needs --polygons FILE.")
    if args.fmt == "xlsx" and args.out is None:
        raise ConfigError("--format xlsx needs --out FILE.xlsx.")
    _check_out(args.out)
    polygons = read_polygons(args.polygons, crs=args.crs, name_field=args.name_field) \
        if by == "polygons" else None  # bad polygon files fail before routing
    ctx = _load(args)
    cov = _coverage(args, ctx)
    if polygons is not None:
        table = coverage_by_polygons(cov, polygons)
    else:
        table = coverage_by(cov, names=district_names(ctx["registry"]))
    _emit_table(table, args.fmt, args.out, header=_describe(cov, ctx))
    return 0


def _emit_table(table: Any, fmt: str, out: Path | None, *, header: str) -> None:
    from gis.report import atomic_target, chinese_headers

    if fmt == "table":
        shown = table.copy()
        shown["gap_share"] = (shown["gap_share"] * 100).map("{:.1f}%".format)
        shown = shown.drop(columns=[c for c in shown.columns if c.startswith("gaps_")])
        text = f"Coverage gaps ({header})\n{shown.to_string(index=False)}\n"
    elif fmt == "csv":
        text = table.to_csv(index=False)
    elif fmt == "json":
        text = json.dumps({"about": header, "rows": json.loads(
            table.to_json(orient="records", force_ascii=False))}, ensure_ascii=False, indent=1)
    else:
        with atomic_target(out) as tmp:  # type: ignore[arg-type]
            chinese_headers(table).to_excel(tmp, index=False, sheet_name="覆盖缺口")
        print(f"wrote {out} ({len(table) - 1} rows + total; {header})")
        return
    if out is None:
        sys.stdout.write(text)
        return
    with atomic_target(out) as tmp:
        tmp.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    print(f"wrote {out} ({header})")


def _service_areas(args: argparse.Namespace, ctx: dict[str, Any], *, minutes: Any = None,
                   mode: str = "split", cell_m: float = 250.0) -> Any:
    from gis.coverage import SERVICE_MINUTES, service_areas

    st = ctx["registry"].stations
    if args.kinds:
        st = st.loc[st["kind"].astype(str).isin(args.kinds)]
    return service_areas(ctx["engine"], st, minutes=minutes or SERVICE_MINUTES, mode=mode,
                         at=ctx["at"], cell_m=cell_m)


def run_service_areas(args: argparse.Namespace) -> int:
    from gis.report import atomic_target

    if args.out.suffix.lower() not in (".gpkg", ".geojson", ".json"):
        raise ConfigError(f"{args.out}: service areas are written as .gpkg or .geojson.")
    if args.cell <= 0:
        raise ConfigError(f"--cell must be positive metres, got {args.cell}.")
    _check_out(args.out)
    ctx = _load(args)
    areas = _service_areas(args, ctx, minutes=args.minutes, mode=args.mode, cell_m=args.cell)
    with atomic_target(args.out) as tmp:
        tmp.unlink()
        driver = "GPKG" if args.out.suffix.lower() == ".gpkg" else "GeoJSON"
        areas.to_file(tmp, driver=driver, **({"layer": "service_areas"}
                                             if driver == "GPKG" else {}))
    print(f"wrote {args.out}: {len(areas)} areas ({args.mode} mode, bands "
          f"{', '.join(f'{m:g}' for m in args.minutes)} min)")
    return 0


def run_siting(args: argparse.Namespace) -> int:
    from gis.siting import candidates_along_roads, read_candidates, site_stations

    _check_out(args.out)
    given = read_candidates(args.candidates, crs=args.crs) if args.candidates else None
    ctx = _load(args)
    cov = _coverage(args, ctx)
    gaps = cov.loc[cov["gap"] & ~cov["off_network"]]
    cand = given if given is not None else candidates_along_roads(
        ctx["engine"], gaps["lon"].to_numpy(), gaps["lat"].to_numpy())
    if cand.empty:
        print(f"No gap elevator can be covered by a new station ({_describe(cov, ctx)}).")
        return 0
    exact = {"auto": None, "yes": True, "no": False}[args.exact]
    res = site_stations(ctx["engine"], cov, cand, k=args.add, turnout_s=args.turnout * 60.0,
                        at=ctx["at"], exact=exact)
    if args.out is not None:
        from gis.report import atomic_target

        with atomic_target(args.out) as tmp:
            res.picks.to_csv(tmp, index=False, encoding="utf-8-sig")
    if args.json:
        print(json.dumps({
            "about": _describe(cov, ctx), "demand": res.demand, "coverable": res.coverable,
            "covered": res.covered, "exact_covered": res.exact_covered,
            "exact_picks": res.exact_picks, "solver_note": res.solver_note,
            "candidates": len(cand),
            "picks": json.loads(res.picks.to_json(orient="records", force_ascii=False)),
        }, ensure_ascii=False, indent=1))
        return 0
    print(f"Siting {args.add} new station(s) among {len(cand)} candidates "
          f"({_describe(cov, ctx)})")
    print(f"gap elevators on the network: {res.demand:,}; coverable by some candidate: "
          f"{res.coverable:,}")
    print(res.picks.to_string(index=False))
    print(f"greedy covers {res.covered:,}; " + (
        f"exact optimum {res.exact_covered:,} (greedy {res.greedy_ratio:.1%}; "
        f"{res.solver_note})" if res.exact_covered is not None else res.solver_note))
    return 0


def run_ledger(args: argparse.Namespace) -> int:
    from gis.planning import plan_districts
    from gis.report import write_ledger_xlsx

    if args.out.suffix.lower() != ".xlsx":
        raise ConfigError(f"{args.out}: the ledger is written as .xlsx.")
    _check_out(args.out)
    ctx = _load(args, roads=False)
    planning = plan_districts(ctx["registry"], ctx["config"])
    write_ledger_xlsx(args.out, planning, label=ctx["registry"].label)
    print(f"wrote {args.out}: {len(planning.ledger)} ledger items, {len(planning.queue)} in "
          f"the assessment queue (as of {planning.as_of})")
    return 0


def run_export_map(args: argparse.Namespace) -> int:
    from gis.coverage import coverage_by, district_names
    from gis.export_map import build_coverage_map, write_coverage_map

    _check_out(args.out)
    ctx = _load(args)
    cov = _coverage(args, ctx)
    table = coverage_by(cov, names=district_names(ctx["registry"]))
    areas = _service_areas(args, ctx) if args.service_areas else None
    fmap = build_coverage_map(ctx["registry"], cov, table, service_areas=areas,
                              road_source=ctx["arrays"].meta.get("label", ""),
                              as_of=ctx["config"].today, max_markers=args.max_markers)
    write_coverage_map(fmap, args.out)
    print(f"wrote {args.out}: {int(cov['gap'].sum()):,} gap elevators ({_describe(cov, ctx)})")
    return 0


def run_export_report(args: argparse.Namespace) -> int:
    from gis.coverage import coverage_by, district_names
    from gis.planning import plan_districts
    from gis.report import write_report_pdf

    _check_out(args.out)
    ctx = _load(args)
    known = set(ctx["registry"].districts["adcode"].astype(str))
    bad = [d for d in args.district or [] if d not in known]
    if bad:
        raise ConfigError(f"--district {', '.join(bad)}: not a district in the store; use "
                          f"one of {', '.join(sorted(known))}.")
    cov = _coverage(args, ctx)
    table = coverage_by(cov, names=district_names(ctx["registry"]))
    planning = plan_districts(ctx["registry"], ctx["config"])
    write_report_pdf(args.out, ctx["registry"], planning, coverage=cov, coverage_table=table,
                     targets=ctx["config"].iot_targets, districts=args.district,
                     road_source=ctx["arrays"].meta.get("label", ""))
    print(f"wrote {args.out}: {len(args.district or known)} district page(s) + cover "
          f"({_describe(cov, ctx)})")
    return 0


def run_export_layers(args: argparse.Namespace) -> int:
    from gis.coverage import coverage_by, district_names
    from gis.report import write_gpkg_layers

    if args.out.suffix.lower() != ".gpkg":
        raise ConfigError(f"{args.out}: planning layers are written as .gpkg.")
    _check_out(args.out)
    ctx = _load(args)
    cov = _coverage(args, ctx)
    table = coverage_by(cov, names=district_names(ctx["registry"]))
    areas = _service_areas(args, ctx) if args.service_areas else None
    write_gpkg_layers(args.out, ctx["registry"], cov, table, service_areas=areas)
    print(f"wrote {args.out} ({_describe(cov, ctx)})")
    return 0
