"""``liftguard import elevators`` and ``liftguard export elevators``.

Import validates the whole file and appends it in one transaction (a file with any bad row
imports nothing; the report lists file, row, field and reason). Export writes atomically in
CSV (UTF-8 with BOM), XLSX, GeoJSON or GeoPackage.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gis.cli import add_db_option
from gis.errors import ConfigError, CrsError

CRS_CHOICES = ("wgs84", "cgcs2000", "gcj02", "bd09")
EXPORT_FORMATS = ("csv", "xlsx", "geojson", "gpkg")


def _crs_arg(value: str) -> str:
    from gis.crs import normalise_crs_name

    try:
        return normalise_crs_name(value)
    except CrsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``import`` and ``export`` command groups."""
    imp = subparsers.add_parser("import", help="import data files into the store")
    imp_sub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    elev = imp_sub.add_parser(
        "elevators", help="import elevators from CSV (UTF-8/GBK), XLSX, GeoJSON or GeoPackage",
        description="Validate every row (codes, dates, categories, districts, location inside "
                    "the city, codes already registered) and import the file in one "
                    "transaction. A file with any bad row imports nothing.")
    elev.add_argument("file", metavar="FILE", type=Path)
    elev.add_argument("--crs", type=_crs_arg, default="wgs84", metavar="|".join(CRS_CHOICES),
                      help="coordinate system of lon/lat in FILE (default wgs84; Amap "
                           "geocodes are gcj02, Baidu bd09)")
    add_db_option(elev)
    elev.set_defaults(func=run_import_elevators)

    exp = subparsers.add_parser("export", help="export data from the store")
    exp_sub = exp.add_subparsers(dest="what", metavar="WHAT", required=True)
    out = exp_sub.add_parser("elevators", help="export elevators (WGS84) to a file")
    out.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default=None,
                     help="file format (default: from the --out suffix)")
    out.add_argument("--out", required=True, type=Path, metavar="FILE", help="output file")
    out.add_argument("--district", metavar="ADCODE", default=None,
                     help="only elevators of this district (6-digit code)")
    out.add_argument("--chinese-headers", action="store_true",
                     help="Chinese column names (CSV/XLSX ledgers)")
    add_db_option(out)
    out.set_defaults(func=run_export_elevators)


def run_import_elevators(args: argparse.Namespace) -> int:
    from gis.io import import_elevators
    from gis.store import open_store

    store = open_store(args.db)
    count = import_elevators(store, args.file, crs=args.crs)
    print(f"imported {count} elevators from {args.file} (coordinates read as {args.crs})")
    return 0


def run_export_elevators(args: argparse.Namespace) -> int:
    from gis.io import export_elevators, format_of
    from gis.store import open_store

    fmt = format_of(args.out, args.fmt, writing=True)  # a bad suffix fails before any work
    store = open_store(args.db)
    registry = store.load_registry()
    elevators = registry.elevators
    if args.district is not None:
        known = set(registry.districts["adcode"].astype(str))
        if args.district not in known:
            raise ConfigError(f"--district {args.district}: not a district in the store; use "
                              f"one of {', '.join(sorted(known))}.")
        elevators = elevators[elevators["district_adcode"] == args.district]
    path = export_elevators(elevators, args.out, fmt=fmt, label=registry.label,
                            chinese_headers=args.chinese_headers)
    print(f"exported {len(elevators)} elevators to {path} ({fmt}, WGS84)")
    return 0
