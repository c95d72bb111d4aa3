"""Database commands: ``liftguard db init`` (create or upgrade in place) and ``db status``.

``db init`` is how a command centre sets up its shared PostgreSQL/PostGIS database (see
``docs/shared-database.md``) and how any database is brought to the schema this LiftGuard
needs: an empty database gets the whole schema, an older one is upgraded by the migrations in
one transaction, keeping every row. ``--recreate`` deletes every LiftGuard table first.
"""

from __future__ import annotations

import argparse
import json
import logging

from gis.cli import add_db_option
from gis.errors import ConfigError

log = logging.getLogger("liftguard.db")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="create, upgrade or inspect the database")
    db = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    i = db.add_parser("init", help="create the schema, or upgrade an older one in place "
                      "(data kept)")
    add_db_option(i)
    i.add_argument("--recreate", action="store_true",
                   help="delete every LiftGuard table first (all data!); needs --yes")
    i.add_argument("--yes", action="store_true", help="confirm --recreate")
    i.set_defaults(func=cmd_init)
    s = db.add_parser("status", help="schema version, back end and row counts")
    add_db_option(s)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)


def cmd_init(args: argparse.Namespace) -> int:
    from gis.store import init_store, upgrade_store

    if args.recreate:
        if not args.yes:
            raise ConfigError("--recreate deletes every elevator, station and incident in the "
                              "database; add --yes to confirm")
        with init_store(args.db) as store:
            log.warning("recreated the schema of %s (all data deleted)", store)
            print(f"recreated an empty LiftGuard database at {store!r}")
        return 0
    before, after = upgrade_store(args.db)
    if before.state == "current":
        print(f"the database is already at schema version {after.version}; nothing to do")
    elif before.state == "empty":
        print(f"created the LiftGuard schema version {after.version} ({after.revision})")
    else:
        print(f"upgraded the database from schema version {before.version or 1} to "
              f"{after.version} ({after.revision}); every row was kept")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from gis.store import schema_status

    status = schema_status(args.db)
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
        return 0
    advice = {"current": "ok", "empty": "empty: run `liftguard db init`",
              "old": "older schema: run `liftguard db init` to upgrade it (data kept)",
              "newer": "made by a newer LiftGuard: update this workstation",
              "foreign": "tables that are not LiftGuard's"}[str(status["state"])]
    print(f"database  {status['url']} ({status['backend']})")
    print(f"schema    version {status['version']} (revision {status['revision']}), this "
          f"LiftGuard needs {status['head_version']}: {advice}")
    if status["backend"] == "postgresql":
        print(f"postgis   {status['postgis'] or 'not installed'}; live updates trigger "
              f"{'present' if status['live_trigger'] else 'missing'}")
    for table, n in dict(status["counts"]).items():  # type: ignore[call-overload]
        print(f"{table:<16}{n:>10,}")
    return 0
