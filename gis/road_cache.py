"""Road graph cache: built road arrays on disk, and which graph each database uses.

Layout (:func:`default_cache_dir`: ``$LIFTGUARD_CACHE_DIR`` or the platformdirs user cache
``liftguard/roads``): ``graph-<key>.npz`` per built graph, keyed by the SHA-256 of the source
file plus the speed settings and the cache format (:func:`cache_key`); ``db-<sha of the DB
URL>.json`` records which graph a database uses (written by ``liftguard roads import --db``).
Files are written to a temporary name and renamed, so a failed build never leaves a
half-written cache. :func:`gis.roads.import_roads` builds through this cache; everything here
is also importable from :mod:`gis.roads`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gis.errors import RoadsError

if TYPE_CHECKING:
    from gis.roads import RoadArrays, RoadSpeeds

CACHE_FORMAT = 1
_ARRAY_FIELDS = ("node_id", "lon", "lat", "edge_u", "edge_v", "length_m", "travel_time_s",
                 "road_class", "geom_offsets", "geom_lon", "geom_lat")


def default_cache_dir() -> Path:
    """``$LIFTGUARD_CACHE_DIR`` or the platform user cache directory, sub-folder ``roads``."""
    env = os.environ.get("LIFTGUARD_CACHE_DIR")
    if env:
        return Path(env) / "roads"
    import platformdirs

    return Path(platformdirs.user_cache_dir("liftguard")) / "roads"


def cache_key(source: str | Path, speeds: RoadSpeeds) -> str:
    """Hex key of a built graph: SHA-256 of the file, the speed settings and the format."""
    digest = hashlib.sha256()
    with open(source, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    digest.update(speeds.fingerprint().encode())
    digest.update(f"format={CACHE_FORMAT}".encode())
    return digest.hexdigest()[:24]


def graph_cache_file(source: str | Path, speeds: RoadSpeeds, *,
                     cache_dir: str | Path | None = None) -> Path:
    """Cache file of the graph built from ``source`` with ``speeds`` (may not exist yet)."""
    return Path(cache_dir or default_cache_dir()) / f"graph-{cache_key(source, speeds)}.npz"


def save_road_arrays(arrays: RoadArrays, path: str | Path) -> Path:
    """Write road arrays to one ``.npz`` file atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({**arrays.meta, "cache_format": CACHE_FORMAT})
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, meta=np.array(meta), **{k: getattr(arrays, k) for k in _ARRAY_FIELDS})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_road_arrays(path: str | Path) -> RoadArrays:
    """Read road arrays written by :func:`save_road_arrays`."""
    from gis.roads import RoadArrays  # gis.roads imports this module

    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            fields = {k: data[k] for k in _ARRAY_FIELDS}
    except FileNotFoundError as exc:
        raise RoadsError(f"Road graph cache {path} is missing; run 'liftguard roads import "
                         "FILE' again.") from exc
    except (OSError, KeyError, ValueError) as exc:
        raise RoadsError(f"Road graph cache {path} is unreadable ({exc}); delete it and run "
                         "'liftguard roads import FILE' again.") from exc
    if meta.pop("cache_format", None) != CACHE_FORMAT:
        raise RoadsError(f"Road graph cache {path} was written by another LiftGuard version; "
                         "run 'liftguard roads import FILE' again.")
    return RoadArrays(meta=meta, **fields)

def link_key(db_url: str) -> str:
    """The database URL as a link key: SQLite file paths made absolute, so that the CLI and
    the app find the same graph whichever working directory they run in."""
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        path, sep, query = db_url[len("sqlite:///"):].partition("?")
        return "sqlite:///" + str(Path(path).resolve()) + sep + query
    return db_url


def _db_link_file(db_url: str, cache_dir: str | Path | None) -> Path:
    digest = hashlib.sha256(link_key(db_url).encode()).hexdigest()[:16]
    return Path(cache_dir or default_cache_dir()) / f"db-{digest}.json"


def link_graph_to_db(db_url: str, graph_file: str | Path, *,
                     cache_dir: str | Path | None = None) -> Path:
    """Record that the database ``db_url`` uses the cached graph ``graph_file``."""
    link = _db_link_file(db_url, cache_dir)
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_suffix(".part")
    tmp.write_text(json.dumps({"db": db_url, "graph": str(Path(graph_file).resolve())}))
    os.replace(tmp, link)
    return link


def linked_graph_file(db_url: str, *, cache_dir: str | Path | None = None) -> Path:
    """The cached graph file of a database (see :func:`link_graph_to_db`)."""
    link = _db_link_file(db_url, cache_dir)
    if not link.is_file():
        raise RoadsError(f"No road graph has been imported for database {db_url}. Run "
                         "'liftguard roads import FILE.osm' (or 'roads synth') with the same --db.")
    return Path(json.loads(link.read_text())["graph"])
