"""Find elevators by registration code, 6-digit rescue code or address text."""

from __future__ import annotations

import numpy as np

from app.map.data import MapData

MAX_RESULTS = 500


def search_elevators(data: MapData, text: str, *, limit: int = MAX_RESULTS) -> np.ndarray:
    """Rows matching ``text``: an exact code (dict lookup, microseconds) or else an address
    substring (vectorised ``str.contains``). At most ``limit`` rows, in registry order."""
    query = text.strip()
    if not query:
        return np.empty(0, dtype=np.intp)
    row = data.code_index().get(query.upper())
    if row is not None:
        return np.array([row], dtype=np.intp)
    address = data.registry.elevators["address"]
    hits = np.flatnonzero(address.str.contains(query, regex=False, na=False).to_numpy(bool))
    return hits[:limit].astype(np.intp)
