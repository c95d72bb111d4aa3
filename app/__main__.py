"""Entry point of the ``liftguard`` command.

With no arguments (or only ``--db``) it opens the desktop app; with a command it runs the headless
command line in :mod:`gis.cli` without importing Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: Command modules that need Qt (offscreen rendering); each has ``register(subparsers)`` and
#: imports Qt only inside its command function, so ``liftguard --help`` stays fast.
APP_COMMAND_MODULES = ("app.commands", "app.replay_commands")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    gui_only = not args or (args[0] == "--db" and len(args) == 2) or args[0].startswith("--db=")
    if gui_only:
        from app.application import run_app

        db = None
        if args:
            db = args[1] if len(args) == 2 else args[0].split("=", 1)[1]
        return run_app(db_url=db)
    from gis.cli import main as cli_main

    return cli_main(args, extra_modules=APP_COMMAND_MODULES)


if __name__ == "__main__":
    sys.exit(main())
