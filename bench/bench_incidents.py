"""Benchmark: alarm → incident on the board with its recommendation (target ≤ 200 ms).

World: the synthetic Shanghai registry (304,634 elevators, seed 0) and the real central
Shanghai road graph (/work/shared/data/roads/shanghai_central_overpass.osm via gis.roads,
cached). Alarms go to elevators on that network. One measured step is what the operator
waits for: ``CommandCentre.receive`` (validate, durable SQLite write with synchronous=FULL,
merge check, escalation check, recommendation: contracted maintainer's fastest station plus
4 alternatives by ETA) followed by ``CommandCentre.board()`` (open incidents with their clock).

Naive baseline, same run: the recommendation computed with networkx, one single-source
Dijkstra from each available maintenance station to the elevator's node
(``nx.single_source_dijkstra_path_length`` with the travel-time weight), then sorted.

Run: python bench/bench_incidents.py [--alarms 30] [--naive 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

OSM = Path("/work/shared/data/roads/shanghai_central_overpass.osm")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alarms", type=int, default=30)
    ap.add_argument("--naive", type=int, default=3, help="alarms timed with the baseline")
    args = ap.parse_args()

    from gis.boundaries import load_districts
    from gis.clock import SimulatedClock
    from gis.config import Config
    from gis.incidents.centre import CommandCentre
    from gis.incidents.intake import make_alarm
    from gis.incidents.log import Actor, IncidentLog
    from gis.roads import import_roads
    from gis.routing import RoutingEngine
    from gis.store import open_store
    from gis.synth import generate_registry

    t0 = time.perf_counter()
    reg = generate_registry(load_districts("310000"), seed=0,
                            config=Config(as_of=dt.date(2026, 11, 21)))
    print(f"registry: {len(reg.elevators):,} elevators, {len(reg.stations)} stations "
          f"({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    arrays, _cache = import_roads(OSM)
    engine = RoutingEngine(arrays, stations=reg.stations, elevators=reg.elevators)
    gc.collect()
    gc.freeze()
    print(f"roads: {arrays.n_nodes:,} nodes, {arrays.n_edges:,} edges "
          f"({time.perf_counter() - t0:.1f} s)")
    el = reg.elevators
    _node, snap_m = engine.snap(el["lon"].to_numpy(), el["lat"].to_numpy())
    on_net = np.flatnonzero(snap_m <= engine.snap_settings.max_snap_m)
    print(f"elevators on the central graph: {len(on_net):,}")

    tmp = Path(tempfile.mkdtemp(prefix="liftguard-bench-"))
    store = open_store(f"sqlite:///{tmp / 'bench.sqlite'}")
    clock = SimulatedClock(dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC))
    cc = CommandCentre(IncidentLog(store), reg.elevators, reg.stations,
                       actor=Actor("bench", "WS-B"), engine=engine, clock=clock)
    rng = np.random.default_rng(1)
    picks = rng.choice(on_net, size=args.alarms + 1, replace=False)
    cc.receive(make_alarm("active", str(el["rescue_code"].iloc[picks[0]])))  # warm caches
    times_ms, rec_ms = [], []
    for pos in picks[1:]:
        clock.advance(60)
        t = time.perf_counter()
        got = cc.receive(make_alarm("active", str(el["rescue_code"].iloc[pos])))
        board = cc.board()
        times_ms.append((time.perf_counter() - t) * 1000)
        assert got.recommendation is not None and got.recommendation.options
        assert int(got.intake.incident_id) in set(board["incident_id"])
        rec_ms.append(got.recommendation.computed_ms)
    print(f"alarm -> board with recommendation: median {statistics.median(times_ms):.1f} ms, "
          f"p95 {np.percentile(times_ms, 95):.1f} ms, max {max(times_ms):.1f} ms "
          f"({args.alarms} alarms; recommendation alone median "
          f"{statistics.median(rec_ms):.1f} ms)")

    naive_ms = [naive_recommendation(engine, reg, el.iloc[pos]) for pos in
                picks[1:args.naive + 1]]
    print(f"naive (networkx single-source Dijkstra per station): median "
          f"{statistics.median(naive_ms):.0f} ms per recommendation ({args.naive} alarms)")
    ratio = statistics.median(naive_ms) / statistics.median(rec_ms)
    print(f"speed-up of the recommendation: {ratio:.0f}x")


def naive_recommendation(engine, reg, elevator) -> float:
    import networkx as nx

    from gis.routing import travel_time_weight

    graph = engine.graph
    weight = travel_time_weight(engine.congestion, dt.datetime(2026, 11, 21, 9, 0))
    st = reg.stations.loc[(reg.stations["kind"] == "maintenance")
                          & (reg.stations["status"] == "available")]
    t = time.perf_counter()
    s_node, s_dist = engine.snap(st["lon"].to_numpy(), st["lat"].to_numpy())
    e_node, _ = engine.snap(float(elevator["lon"]), float(elevator["lat"]))
    ids = engine.arrays.node_id
    target = int(ids[e_node[0]])
    etas = []
    for sid, node, d, turnout in zip(st["station_id"], s_node, s_dist, st["turnout_s"],
                                     strict=True):
        if d > engine.snap_settings.max_snap_m:
            continue
        lengths = nx.single_source_dijkstra_path_length(graph, int(ids[node]), weight=weight)
        if target in lengths:
            etas.append((turnout + lengths[target], sid))
    etas.sort()
    return (time.perf_counter() - t) * 1000


if __name__ == "__main__":
    main()
