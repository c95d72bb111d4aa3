"""Architecture rules: gis/ stays free of Qt and the app; the entry point stays headless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contract_holds():
    result = subprocess.run(["lint-imports", "--config", str(ROOT / "pyproject.toml")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gis never imports Qt or the app KEPT" in result.stdout


def test_headless_commands_do_not_import_qt():
    """`liftguard <command> --help` goes through the whole parser, the app's Qt-backed command
    modules included, without importing Qt (they import it only when they run)."""
    code = ("import contextlib, io, sys\n"
            "from app.__main__ import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
            "    main(['snapshot', '--help'])\n"
            "assert 'usage: liftguard snapshot' in out.getvalue(), out.getvalue()\n"
            "print('PySide6' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_ruff_is_clean():
    """The lint rules in pyproject.toml hold for every package, test and benchmark."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "gis", "app", "tests",
                             "bench", "resources"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
