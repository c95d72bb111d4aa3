"""Dispatch recommendations from the routing engine, and the move-up (coverage) warning.

Level 1 is the contracted maintenance unit's fastest available station; the alternatives are
the other available maintenance stations by ETA, each with its reason (``RescueOption.reason``)
and response level. At level 2 the contracted unit is left out (the nearest *other*
maintainer). Fire (119) and police (110) stations are offered per agency for the joint
response. Busy stations (a crew committed to an incident not yet released) drop out.

The routing engine is queried on *views*: shallow copies of one
:class:`gis.routing.RoutingEngine` that share its compiled graph, KD-tree and per-hour CSR cache
and differ only in their station set (:meth:`RoutingEngine.set_stations`), so a restricted
query costs one small snap, not a new engine.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import RoutingError

if TYPE_CHECKING:
    from gis.routing import RescueOption, RoutingEngine

#: Station kind of each joint-response agency.
AGENCY_KINDS: Mapping[str, str] = {"119": "fire", "110": "police"}


@dataclass(frozen=True)
class Recommendation:
    """Dispatch options for one incident, the recommended one first."""

    options: list[RescueOption]
    level: int
    warnings: list[str] = field(default_factory=list)
    computed_ms: float = 0.0

    @property
    def recommended(self) -> RescueOption | None:
        return self.options[0] if self.options else None

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "warnings": self.warnings,
                "computed_ms": round(self.computed_ms, 2),
                "options": [_option_summary(o) for o in self.options]}


def _option_summary(o: RescueOption) -> dict[str, Any]:
    d = o.to_dict()
    d.pop("route_nodes", None)
    d.pop("route_lonlat", None)
    return d


def with_status(stations: pd.DataFrame, busy: Collection[str]) -> pd.DataFrame:
    """Stations with ``status`` set to busy for ``busy`` ids (offline ones stay offline)."""
    out = stations.copy()
    status = out["status"].astype(str).to_numpy(object)
    status = np.where(out["station_id"].isin(list(busy)).to_numpy() & (status != "offline"),
                      "busy", status)
    out["status"] = pd.Categorical(status, categories=out["status"].cat.categories
                                   if hasattr(out["status"], "cat") else None)
    return out


_VIEWS: OrderedDict[tuple[int, tuple[str, ...]], RoutingEngine] = OrderedDict()
_VIEW_CACHE_SIZE = 128
_VIEWS_LOCK = threading.Lock()


def engine_view(engine: RoutingEngine, stations: pd.DataFrame) -> RoutingEngine:
    """The engine restricted to ``stations`` (shares the compiled graph and caches).

    Views are cached by station set (the same few subsets recur: one unit's stations, all
    available maintenance stations), so snapping is paid once per subset. Station rows must
    not change under the same ids; call :func:`clear_views` after editing stations.
    """
    key = (id(engine), tuple(stations["station_id"].astype(str)),
           tuple(stations["status"].astype(str)))
    with _VIEWS_LOCK:  # the app computes move-up warnings in a worker thread
        view = _VIEWS.get(key)
        if view is not None and view.arrays is engine.arrays:
            _VIEWS.move_to_end(key)
            return view
    view = copy.copy(engine)
    view.set_stations(stations)
    with _VIEWS_LOCK:
        _VIEWS[key] = view
        while len(_VIEWS) > _VIEW_CACHE_SIZE:
            _VIEWS.popitem(last=False)
    return view


def clear_views() -> None:
    """Forget cached engine views (after stations were edited)."""
    with _VIEWS_LOCK:
        _VIEWS.clear()


def _best(engine: RoutingEngine, stations: pd.DataFrame, elevator: Mapping[str, Any], *,
          k: int, at: dt.datetime | None) -> list[RescueOption]:
    available = stations.loc[stations["status"].astype(str) == "available"]
    if available.empty:
        return []
    try:
        return engine_view(engine, available).rescue_options(dict(elevator), k=k, at=at)
    except RoutingError as exc:
        if "off the road network" in str(exc):
            raise
        return []


def recommend(engine: RoutingEngine, elevator: Mapping[str, Any], *, stations: pd.DataFrame,
              busy: Collection[str] = (), level: int = 1, exclude: Collection[str] = (),
              at: dt.datetime | None = None, k: int = 5) -> Recommendation:
    """Dispatch options for an elevator (``lon``, ``lat``, ``registration_code``,
    ``maintenance_unit_id``), recommended first.

    Parameters
    ----------
    stations
        The registry's stations (all kinds); only maintenance stations are offered here.
    busy
        Station ids whose crew is committed (they drop out).
    level
        1: contracted maintainer first; 2 or 3: other maintainers only.
    exclude
        Station ids never to offer (e.g. the crew already sent).

    Raises
    ------
    RoutingError
        The elevator is off the road network.
    """
    t0 = time.perf_counter()
    st = with_status(stations, busy)
    maint = st.loc[(st["kind"].astype(str) == "maintenance")
                   & ~st["station_id"].isin(list(exclude))]
    unit = str(elevator.get("maintenance_unit_id", ""))
    own = maint["unit_id"].astype(str) == unit
    warnings: list[str] = []
    first: list[RescueOption] = []
    if level <= 1:
        first = _best(engine, maint.loc[own], elevator, k=1, at=at)
        if not first:
            warnings.append(f"contracted maintainer {unit or '(none)'} has no available "
                            "station that can reach the elevator: go to level 2")
    others = maint.loc[~own] if level >= 2 else maint
    taken = {o.station_id for o in first}
    rest = [o for o in _best(engine, others, elevator, k=k + len(taken), at=at)
            if o.station_id not in taken][: max(k - len(first), 0)]
    options = first + rest
    if not options:
        warnings.append("no maintenance station is available; call 119 (level 3)")
    elif not options[0].meets_limit:
        warnings.append(f"the recommended crew arrives in {options[0].eta_s / 60:.0f} min, "
                        "after the limit")
    return Recommendation(options=options, level=max(level, 1), warnings=warnings,
                          computed_ms=(time.perf_counter() - t0) * 1000)


def agency_options(engine: RoutingEngine, elevator: Mapping[str, Any], *,
                   stations: pd.DataFrame, agencies: Collection[str] = ("119", "110"),
                   busy: Collection[str] = (), at: dt.datetime | None = None
                   ) -> dict[str, RescueOption]:
    """Nearest fire (119) / police (110) station per agency with its ETA on the road graph."""
    st = with_status(stations, busy)
    out: dict[str, RescueOption] = {}
    for agency in agencies:
        kind = AGENCY_KINDS.get(agency)
        if kind is None:
            continue
        best = _best(engine, st.loc[st["kind"].astype(str) == kind], elevator, k=1, at=at)
        if best:
            out[agency] = best[0]
    return out


def coverage_loss(engine: RoutingEngine, elevators: pd.DataFrame, *, stations: pd.DataFrame,
                  busy: Collection[str], committed: str, at: dt.datetime | None = None,
                  kinds: Collection[str] = ("maintenance",)) -> pd.DataFrame:
    """Move-up warning: elevators that lose their last station within the limit when the crew
    of ``committed`` is taken (with ``busy`` already out).

    Two bulk nearest-station queries (:meth:`RoutingEngine.nearest_stations`, one
    multi-source Dijkstra each) over maintenance stations by default.

    Returns
    -------
    pandas.DataFrame
        The affected elevators (``registration_code``, ``district_name``, ``lon``, ``lat``)
        with ``eta_before_s`` (via ``committed``) and ``eta_after_s`` (next best), worst first.
    """
    st = stations.loc[stations["kind"].astype(str).isin(list(kinds))]
    before = engine_view(engine, with_status(st, set(busy) - {committed}))
    near = before.nearest_stations(elevators, at=at)
    hit = near["meets_limit"].to_numpy(bool) & (near["station_id"].to_numpy() == committed)
    cols = [c for c in ("registration_code", "rescue_code", "district_name", "address",
                        "lon", "lat") if c in elevators]
    if not hit.any():
        return pd.DataFrame(columns=[*cols, "eta_before_s", "eta_after_s"])
    after = engine_view(engine, with_status(st, set(busy) | {committed}))
    subset = elevators.loc[hit]
    try:
        eta_after = after.nearest_stations(subset, at=at)["eta_s"].to_numpy(float)
    except RoutingError:  # no station left at all
        eta_after = np.full(len(subset), np.inf)
    limits = (engine.config.rescue_limits_s(subset["district_adcode"].astype(str).to_numpy())
              if "district_adcode" in subset else engine.config.rescue_limit_city_s)
    lost = ~(eta_after <= limits)
    out = subset.loc[lost, cols].copy()
    out["eta_before_s"] = near["eta_s"].to_numpy(float)[hit][lost]
    out["eta_after_s"] = eta_after[lost]
    return out.sort_values("eta_after_s", ascending=False)
