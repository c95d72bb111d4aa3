"""The ``liftguard`` command line (headless; no Qt is imported here).

Each command group lives in its own module exposing ``register(subparsers)``; the module adds
its sub-commands and sets ``func`` on them (``func(args) -> int``). ``main`` runs one command and
turns user errors (:class:`gis.errors.LiftGuardError`) into a plain message and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from gis.errors import LiftGuardError

#: Modules under ``gis.cli`` that register commands, in help order.
COMMAND_MODULES = (
    "registry_cmds", "io_cmds", "routing_cmds", "planning_cmds", "incident_cmds", "db_cmds",
    "iot_cmds",
)

EXIT_OK = 0
EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and a hint, also for errors raised after parsing."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"liftguard: error: {message}\n")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """The ``--db URL`` option every command that touches the store takes."""
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="database URL (sqlite:///file.sqlite or postgresql+psycopg://...); "
             "default: $LIFTGUARD_DB or the SQLite file in the user data directory",
    )


def station_kinds(text: str) -> list[str]:
    """argparse type for ``--kinds maintenance,fire,police`` (a comma list of station kinds)."""
    from gis.registry import STATION_KINDS

    kinds = [k.strip() for k in text.split(",") if k.strip()]
    bad = [k for k in kinds if k not in STATION_KINDS]
    if not kinds or bad:
        raise argparse.ArgumentTypeError(
            f"unknown station kind {', '.join(bad) or text!r}; use a comma list of "
            f"{', '.join(STATION_KINDS)}")
    return kinds


def build_parser(extra_modules: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The full parser; ``extra_modules`` are fully qualified command modules supplied by the
    caller (the app passes its Qt commands such as ``snapshot``; :mod:`gis` never imports them).
    """
    parser = _Parser(
        prog="liftguard",
        description="LiftGuard: elevator emergency command and district planning. "
                    "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version="liftguard 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [f"gis.cli.{m}" for m in COMMAND_MODULES] + list(extra_modules):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, extra_modules: Sequence[str] = ()) -> int:
    """Run one command; returns the process exit code."""
    parser = build_parser(extra_modules)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or EXIT_OK)
    except LiftGuardError as exc:
        print(f"liftguard: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("liftguard: interrupted; nothing was written", file=sys.stderr)
        return 130
