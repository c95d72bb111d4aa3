"""Benchmark: how fast a change on one workstation reaches the others (target p95 ≤ 1 s).

Setup: a throwaway PostgreSQL 15 + PostGIS server on loopback (``tests/pg_fixture.py``; fsync
off like the tests), one shared database made by the migrations, a synthetic registry
(``tests/gis/incident_world.py``: 400 elevators, here with 120 maintenance stations so crews
are available at this rate). Three workstation **processes** share the work of a simulated
shift of 200 alarms per hour, accelerated ``--speed`` times: alarms are dealt round-robin;
the workstation that takes an alarm claims the incident, dispatches a free crew (a busy one
fails with ``CrewBusy`` and the next is tried), writes a note, and later moves it through
accepted → en route → on site → released → closed on the compressed schedule. Each process
records the wall time just after each of its commits and runs a :class:`gis.live
.EventListener` (LISTEN/NOTIFY) that records when every event written by the *others* arrives.

Latency = arrival on another workstation − commit on the writer (same machine clock).

Baseline in the same run: a fourth process polls the way a naive client would, reloading the
whole ``incident_events`` table every ``--poll-s`` seconds; its latency and the rows it reads
per second are printed beside the push figures.

Run: python bench/bench_live.py [--seconds 40] [--speed 30] [--poll-s 1.0]
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import multiprocessing as mp
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RATE_PER_H = 200.0
WORKSTATIONS = 3
#: Simulated minutes after the alarm at which the incident moves on.
FOLLOW_UP_MIN = (("accepted", 2), ("en_route", 3), ("on_site", 15), ("released", 25),
                 ("closed", 27))


def _registry():
    import numpy as np
    import pandas as pd

    from gis.registry import coerce_station_dtypes
    from tests.gis.incident_world import BBOX, make_registry

    reg = make_registry()
    rng = np.random.default_rng(1)
    n = 120
    stations = coerce_station_dtypes(pd.DataFrame({
        "station_id": [f"MS{k + 1:04d}" for k in range(n)], "kind": "maintenance",
        "name": [f"合成站{k + 1}" for k in range(n)],
        "unit_id": [f"MU{k % 4 + 1:03d}" for k in range(n)], "district_adcode": "310101",
        "lon": rng.uniform(BBOX[0], BBOX[2], n), "lat": rng.uniform(BBOX[1], BBOX[3], n),
        "turnout_s": 300.0, "status": "available"}))
    return dataclasses.replace(reg, stations=stations)


def _alarm_times(seconds: float, speed: float, seed: int) -> list[float]:
    """Real-time offsets of a Poisson stream of RATE_PER_H simulated alarms per hour."""
    rng = random.Random(seed)
    rate_per_s = RATE_PER_H / 3600.0 * speed
    t, out = 0.0, []
    while True:
        t += rng.expovariate(rate_per_s)
        if t >= seconds:
            return out
        out.append(t)


def workstation(index: int, url: str, barrier, seconds: float, speed: float, seed: int,
                out: str) -> None:
    """One workstation process: act on its share of alarms, listen to the others."""
    from gis.clock import SystemClock
    from gis.errors import LiftGuardError
    from gis.incidents.centre import CommandCentre
    from gis.incidents.intake import make_alarm
    from gis.incidents.log import Actor, IncidentLog
    from gis.live import EventListener
    from gis.store import open_store

    reg = _registry()
    cc = CommandCentre(IncidentLog(open_store(url)), reg.elevators, reg.stations,
                       actor=Actor(f"op{index}", f"WS-{index}"), clock=SystemClock())
    committed: dict[int, float] = {}
    arrived: dict[int, float] = {}
    stop, online = threading.Event(), threading.Event()
    listener = EventListener(url, after_event_id=cc.log.last_event_id(), poll_interval_s=0.5)

    def listen() -> None:
        for update in listener.updates(stop):
            now = time.time()
            if update.online:
                online.set()
            for ev in update.events:
                arrived.setdefault(ev.event_id, now)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    online.wait(30)
    barrier.wait()  # every client is set up and listening: the shift starts
    t0 = time.time() + 0.5
    rng = random.Random(seed * 10 + index)
    codes = list(reg.elevators["rescue_code"])
    crews = list(reg.stations["station_id"])
    todo: list[tuple[float, int, str]] = []
    for n, at in enumerate(_alarm_times(seconds, speed, seed)):
        if n % WORKSTATIONS == index:
            heapq.heappush(todo, (t0 + at, -1, rng.choice(codes)))
    failures = 0

    def record(ev) -> None:
        committed[ev.event_id] = time.time()

    while todo:
        at, iid, what = heapq.heappop(todo)
        if at >= t0 + seconds:
            break
        time.sleep(max(0.0, at - time.time()))
        try:
            if iid < 0:  # a new alarm
                got = cc.receive(make_alarm("active", what), recommend=False).intake
                record(got.event)
                if got.merged:
                    continue
                iid = got.incident_id
                record(cc.claim(iid))
                for station in rng.sample(crews, len(crews)):
                    try:
                        record(cc.dispatch(iid, {"station_id": station, "eta_s": 600.0}))
                        break
                    except LiftGuardError:
                        continue
                record(_note(cc, iid))
                for state, minutes in FOLLOW_UP_MIN:
                    heapq.heappush(todo, (at + minutes * 60.0 / speed, iid, state))
            else:
                record(cc.advance(iid, what))
        except LiftGuardError:
            failures += 1
    time.sleep(max(0.0, t0 + seconds + 2.0 - time.time()))  # the others' last events
    stop.set()
    thread.join(5)
    Path(out).write_text(json.dumps({"committed": committed, "arrived": arrived,
                                     "failures": failures}))


def _note(cc, iid: int):
    from gis.incidents.lifecycle import add_note

    return add_note(cc.log, iid, "caller says two people trapped", actor=cc.actor,
                    clock=cc.clock)


def poller(url: str, barrier, seconds: float, poll_s: float, out: str) -> None:
    """The naive baseline: reload the whole event table every ``poll_s``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    arrived: dict[int, float] = {}
    rows_read = polls = 0
    with engine.connect() as conn:
        seen = {int(r[0]) for r in conn.execute(text("SELECT event_id FROM incident_events"))}
        conn.commit()
        barrier.wait()
        t0 = time.time() + 0.5
        while time.time() < t0 + seconds + 2.0:
            time.sleep(poll_s)
            rows = conn.execute(text("SELECT * FROM incident_events")).all()
            conn.commit()
            now = time.time()
            polls += 1
            rows_read += len(rows)
            for r in rows:
                if r[0] not in seen:
                    seen.add(r[0])
                    arrived[int(r[0])] = now
    engine.dispose()
    Path(out).write_text(json.dumps({"arrived": arrived, "rows_read": rows_read,
                                     "polls": polls}))


def _percentiles(values: list[float]) -> str:
    import numpy as np

    if not values:
        return "no samples"
    a = np.maximum(np.asarray(values), 0.0) * 1000.0
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return (f"n={a.size:,}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  "
            f"max {a.max():7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=40.0, help="real seconds of the shift")
    ap.add_argument("--speed", type=float, default=30.0, help="simulated s per real s")
    ap.add_argument("--poll-s", type=float, default=1.0, help="baseline poll interval")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from gis.store import open_store
    from tests.pg_fixture import running_server

    with running_server() as server, tempfile.TemporaryDirectory() as tmp:
        url = server.create_database("bench_live")
        with open_store(url) as store:
            store.save_registry(_registry())
        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(WORKSTATIONS + 1)
        procs = [ctx.Process(target=workstation, args=(i, url, barrier, args.seconds,
                                                       args.speed, args.seed, f"{tmp}/ws{i}.json"))
                 for i in range(WORKSTATIONS)]
        procs.append(ctx.Process(target=poller, args=(url, barrier, args.seconds, args.poll_s,
                                                      f"{tmp}/poll.json")))
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        bad = [p.exitcode for p in procs if p.exitcode != 0]
        if bad:
            raise SystemExit(f"a client process failed (exit codes {bad})")
        results = [json.loads(Path(f"{tmp}/ws{i}.json").read_text())
                   for i in range(WORKSTATIONS)]
        poll = json.loads(Path(f"{tmp}/poll.json").read_text())

    committed = {int(k): v for r in results for k, v in r["committed"].items()}
    writer = {int(k): i for i, r in enumerate(results) for k in r["committed"]}
    push, missing = [], 0
    for i, r in enumerate(results):
        got = {int(k): v for k, v in r["arrived"].items()}
        for eid, t in committed.items():
            if writer[eid] == i:
                continue
            if eid in got:
                push.append(got[eid] - t)
            else:
                missing += 1
    polled = [poll["arrived"][str(e)] - t for e, t in committed.items()
              if str(e) in poll["arrived"]]
    alarms = len(_alarm_times(args.seconds, args.speed, args.seed))
    print(f"shift: {alarms} alarms at {RATE_PER_H:.0f}/h x{args.speed:g} over "
          f"{args.seconds:g} s real ({alarms / args.seconds:.2f} alarms/s), "
          f"{len(committed):,} events committed by {WORKSTATIONS} workstation processes, "
          f"{sum(r['failures'] for r in results)} actions refused (conflicts)")
    print(f"push (LISTEN/NOTIFY) to the other workstations: {_percentiles(push)}; "
          f"missed {missing}")
    print(f"baseline: reload whole table every {args.poll_s:g} s:  {_percentiles(polled)}; "
          f"{poll['rows_read'] / max(poll['polls'], 1):,.0f} rows read per poll "
          f"({poll['rows_read']:,} in {poll['polls']} polls)")


if __name__ == "__main__":
    main()
