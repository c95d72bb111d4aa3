"""The ready-to-use SYNTHETIC demo: a registry and a road network that routes out of the box.

``liftguard`` creates it on first start, ``liftguard generate --synth-roads`` on demand. The
registry comes from :mod:`gis.synth` (over the real district boundaries) and the roads from
:mod:`gis.synth_roads`; both are labelled SYNTHETIC. With the roads linked to the database,
rescue planning, incident recommendations and coverage work at once; a real network replaces
them with ``liftguard roads import FILE.osm``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from gis.config import Config
from gis.errors import Cancelled
from gis.registry import Registry

#: Nodes of the demo's synthetic road network (about 2 s to build for Shanghai).
DEMO_ROAD_NODES = 50_000


def link_synthetic_roads(registry: Registry, db_url: str, *, seed: int = 0,
                         target_nodes: int = DEMO_ROAD_NODES) -> str:
    """Build a SYNTHETIC road network over the registry's districts, cache it and link it to
    ``db_url``; returns the network's label."""
    from gis.road_cache import default_cache_dir, link_graph_to_db, save_road_arrays
    from gis.synth_roads import synth_road_arrays

    districts = registry.districts
    arrays = synth_road_arrays(districts=districts, target_nodes=target_nodes, seed=seed)
    key = hashlib.sha256(repr((target_nodes, seed, districts.geometry.to_wkb().tolist()))
                         .encode()).hexdigest()[:24]
    cache = save_road_arrays(arrays, default_cache_dir() / f"synth-{key}.npz")
    link_graph_to_db(db_url, cache)
    return str(arrays.meta.get("label", "SYNTHETIC road network"))


def create_demo(store: object, db_url: str, *, config: Config, seed: int = 0,
                n: int | None = None, road_nodes: int = DEMO_ROAD_NODES,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Registry:
    """Generate, save and route-enable the SYNTHETIC demo for ``config.adcode``.

    ``store`` is a :class:`gis.store.Store` (empty); ``db_url`` its URL as the user gave it (the
    road link key); ``n`` elevators (default: the city's full size). Cancelling leaves the
    database empty.
    """
    from gis.boundaries import load_districts
    from gis.synth import generate_registry

    report = progress or (lambda f: None)
    stop = cancelled or (lambda: False)
    districts = load_districts(config.adcode)
    registry = generate_registry(districts, n=n, seed=seed, config=config,
                                 progress=lambda f: report(0.6 * f), cancelled=stop)
    if stop():
        raise Cancelled("demo creation cancelled; nothing was written")
    store.save_registry(registry, progress=lambda f: report(0.6 + 0.25 * f),  # type: ignore[attr-defined]
                        cancelled=stop)
    link_synthetic_roads(registry, db_url, seed=seed, target_nodes=road_nodes)
    report(1.0)
    return registry
