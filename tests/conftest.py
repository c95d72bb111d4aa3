"""Shared fixtures. No test touches the user's settings, data directory or network."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports Qt or platformdirs: offscreen Qt and private user directories.
_SANDBOX = Path(tempfile.mkdtemp(prefix="liftguard-tests-"))
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    os.environ[_var] = str(_SANDBOX / _var.lower())
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("LIFTGUARD_DB", None)

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"
AS_OF = dt.date(2026, 11, 21)

pytest_plugins = ["tests.pg_fixture", "tests.mqtt_fixture"]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shanghai_districts():
    from gis.boundaries import load_districts

    return load_districts("310000")


@pytest.fixture(scope="session")
def small_registry(shanghai_districts):
    """A 6,000-elevator synthetic Shanghai registry (seed 7, as of 2026-11-21)."""
    from gis.config import Config
    from gis.synth import generate_registry

    return generate_registry(shanghai_districts, n=6000, seed=7, config=Config(as_of=AS_OF))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'liftguard.sqlite'}"
