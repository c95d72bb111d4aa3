"""SIGKILL in the middle of a busy simulated shift: every event reported as written is in the
database, none is duplicated, every incident's projection matches its event chain, and a
restarted simulator carries on from there."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.gis.incident_world import make_registry, make_roads

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world_db(tmp_path: Path) -> tuple[str, dict[str, str]]:
    from gis.roads import link_graph_to_db, save_road_arrays
    from gis.store import open_store

    url = f"sqlite:///{tmp_path / 'centre.sqlite'}"
    open_store(url).save_registry(make_registry())
    env = {**os.environ, "LIFTGUARD_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT)}
    graph = save_road_arrays(make_roads(), tmp_path / "cache" / "roads" / "graph-test.npz")
    link_graph_to_db(url, graph, cache_dir=tmp_path / "cache" / "roads")
    return url, env


def _simulate(url: str, env: dict[str, str], seed: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "simulate", "--db", url, "--rate", "60/h", "--hours",
         "8", "--fast", "--seed", str(seed), "--start", "2026-11-21T09:00:00+08:00",
         "--operator", "sim", "--workstation", "WS-T"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _printed_ids(lines: list[str]) -> list[int]:
    return [int(ln.split()[1]) for ln in lines if ln.startswith("event ")]


def _check_log(url: str) -> list:
    from gis.incidents.lifecycle import TRANSITIONS
    from gis.incidents.log import IncidentLog
    from gis.store import open_store

    log = IncidentLog(open_store(url))
    events = log.events()
    ids = [e.event_id for e in events]
    assert len(ids) == len(set(ids))
    seqs = Counter((e.incident_id, e.seq) for e in events)
    assert max(seqs.values()) == 1, "an incident event was written twice"
    incidents = {r["incident_id"]: r for r in log.incident_rows()}
    by_incident: dict[int, list] = {}
    for e in events:
        by_incident.setdefault(e.incident_id, []).append(e)
    for iid, evs in by_incident.items():
        evs.sort(key=lambda e: e.seq)
        assert [e.seq for e in evs] == list(range(1, len(evs) + 1))
        state = "received"
        for e in evs:
            assert e.from_state == state
            if e.to_state != state:
                assert e.to_state in TRANSITIONS[state], (iid, state, e.to_state)
            state = e.to_state
        # the projection was committed with its events: same state, version = event count
        assert incidents[iid]["state"] == state
        assert incidents[iid]["version"] == len(evs)
    assert set(incidents) == set(by_incident)
    return events


@pytest.mark.slow
def test_sigkill_mid_shift_loses_nothing_reported(world_db) -> None:
    url, env = world_db
    proc = _simulate(url, env, seed=3)
    lines: list[str] = []
    deadline = time.monotonic() + 90
    assert proc.stdout is not None
    while len(_printed_ids(lines)) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:  # EOF: the simulator is ending; let it finish to read why
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
            break
        lines.append(line)
    err = proc.stderr.read() if proc.poll() is not None and proc.stderr else ""
    assert proc.poll() is None, f"simulator ended early ({proc.returncode}): {err}\n{lines[-5:]}"
    proc.send_signal(signal.SIGKILL)
    rest, _err = proc.communicate(timeout=30)
    lines += rest.splitlines()
    printed = _printed_ids(lines)
    assert len(printed) >= 150
    assert len(printed) == len(set(printed)), "an event id was reported twice"

    events = _check_log(url)
    stored = {e.event_id for e in events}
    missing = set(printed) - stored
    assert not missing, f"reported as written but not in the database: {sorted(missing)[:10]}"

    # restart: the simulator adopts the open incidents and goes on with new ids
    again = subprocess.run(
        [sys.executable, "-m", "app", "simulate", "--db", url, "--rate", "20/h", "--hours",
         "0.2", "--fast", "--seed", "4", "--operator", "sim", "--workstation", "WS-T"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert again.returncode == 0, again.stderr
    after = _check_log(url)
    new_ids = _printed_ids(again.stdout.splitlines())
    assert new_ids and min(new_ids) > max(stored)
    assert {e.event_id for e in after} >= stored | set(new_ids)
