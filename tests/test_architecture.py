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
    code = ("import sys; from app.__main__ import main; "
            "rc = main(['info', '--help']) if False else None; "
            "import gis.cli; gis.cli.build_parser(['app.commands']); "
            "print('PySide6' in sys.modules)")
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
