"""Routing benchmarks: graph load from cache, k=5 rescue options, nearest-station ETA in bulk.

Run: ``python bench/bench_routing.py`` (about 2 minutes). Prints each figure next to the
networkx baseline measured in the same run. Data: the real central-Shanghai OSM extract, and a
SYNTHETIC hierarchical road network of ~250,000 nodes over the real Shanghai districts with a
SYNTHETIC registry of 304,634 elevators and 500 stations drawn from it.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gis import roads
from gis.boundaries import load_districts
from gis.config import Config
from gis.routing import RoutingEngine, travel_time_weight
from gis.synth import generate_registry
from gis.synth_roads import synth_road_arrays

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
AT = dt.datetime(2026, 11, 21, 8, 0)


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def load_engine(path: Path) -> RoutingEngine:
    return RoutingEngine(roads.load_road_arrays(path))


def bench_central(tmp: Path) -> None:
    osm = SHARED / "roads/shanghai_central_overpass.osm"
    t_build, _ = timed(lambda: roads.read_osm(osm), repeat=1)
    _arrays, cache = roads.import_roads(osm, cache_dir=tmp)
    t_load, engine = timed(lambda: load_engine(cache), repeat=5)
    print(f"central Shanghai ({engine.arrays.n_nodes} nodes): load from cache + compile "
          f"{t_load * 1e3:.0f} ms  | baseline: build from OSM XML with osmnx {t_build:.2f} s")


def bench_city(tmp: Path) -> None:
    districts = load_districts("310000")
    t0 = time.perf_counter()
    arrays = synth_road_arrays(districts=districts, target_nodes=345_000, seed=1)
    print(f"SYNTHETIC city network: {arrays.n_nodes} nodes, {arrays.n_edges} edges, built in "
          f"{time.perf_counter() - t0:.2f} s")
    cache = roads.save_road_arrays(arrays, tmp / "city.npz")
    t_load, engine = timed(lambda: load_engine(cache))
    t_nx, graph = timed(lambda: roads.arrays_to_graph(arrays), repeat=1)
    print(f"load from cache + compile (250k class): {t_load:.2f} s  | networkx graph from the "
          f"same arrays: {t_nx:.2f} s (built lazily, only when the nx API is used)")
    gc.collect()
    gc.freeze()
    registry = generate_registry(districts, n=304_634, seed=1,
                                 config=Config(as_of=dt.date(2026, 11, 21)))
    rng = np.random.default_rng(1)
    stations = registry.stations.iloc[rng.choice(len(registry.stations), 500, replace=False)]
    stations = stations.assign(status="available")
    engine.set_stations(stations)
    elevators = registry.elevators
    print(f"registry: {len(elevators)} elevators, {len(stations)} stations (SYNTHETIC)")

    sample = elevators.iloc[rng.choice(len(elevators), 400, replace=False)]
    snapped = engine.nearest_stations(sample)
    rows = sample.loc[~snapped["off_network"]].to_dict("records")
    engine.rescue_options(rows[0], at=AT)
    times = []
    for row in rows[:300]:
        t0 = time.perf_counter()
        engine.rescue_options(row, k=5, at=AT)
        times.append(time.perf_counter() - t0)
    base = _nx_k_nearest(engine, graph, rows[:15])
    print(f"k=5 rescue options (08:00): p50 {np.percentile(times, 50) * 1e3:.1f} ms, "
          f"p95 {np.percentile(times, 95) * 1e3:.1f} ms over {len(times)} elevators  | "
          f"networkx reverse Dijkstra with cutoff 1800 s: median {base * 1e3:.0f} ms")

    t_bulk, eta = timed(lambda: engine.nearest_station_eta(elevators, at=AT))
    off = int(np.isnan(eta).sum())
    late = int(np.nansum(eta > 1800))
    t_nx_bulk = _nx_multi_source(engine, graph)
    print(f"nearest-station ETA for {len(elevators)} elevators incl. snapping: {t_bulk:.2f} s "
          f"({off} off the network, {late} over 30 min)  | networkx multi-source Dijkstra "
          f"(network only, no snapping): {t_nx_bulk:.2f} s")


def _nx_k_nearest(engine: RoutingEngine, graph: nx.MultiDiGraph, rows: list[dict]) -> float:
    weight = travel_time_weight(engine.congestion, AT)
    rev = graph.reverse(copy=False)
    ids = engine.arrays.node_id
    times = []
    for row in rows:
        node, _d = engine.snap(row["lon"], row["lat"])
        t0 = time.perf_counter()
        nx.single_source_dijkstra_path_length(
            rev, int(ids[node[0]]), cutoff=1800,
            weight=lambda u, v, _e: weight(v, u, graph[v][u]))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _nx_multi_source(engine: RoutingEngine, graph: nx.MultiDiGraph) -> float:
    sources = {int(engine.arrays.node_id[n]) for n in engine._st["node"]}
    weight = travel_time_weight(engine.congestion, AT)
    t0 = time.perf_counter()
    nx.multi_source_dijkstra_path_length(graph, sources, weight=weight)
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_central(Path(tmp))
        bench_city(Path(tmp))


if __name__ == "__main__":
    main()
