"""Station siting: choose k new stations that cover the most gap elevators within the limit.

This is the *maximal covering location problem*. Demand = gap elevators (see
:mod:`gis.coverage`), grouped by location (elevators of one building share a point, so they
share a column with a weight). Candidate *c* covers demand point *d* when::

    turnout_s + access_s(c) + network_time_s(c -> d) + access_s(d) <= limit_s

with the routing engine's compiled graph and snapping (the coverage ETA definition). Solvers:

* :func:`greedy_max_cover` picks, k times, the candidate with the largest *marginal gain*
  (weighted demand it would newly cover). Greedy is within ``1 - 1/e`` (~63 %) of the optimum
  in theory and usually within a few percent in practice.
* :func:`exact_max_cover` solves the integer programme with ``scipy.optimize.milp`` (HiGHS);
  used for small cases to show how close greedy came.

Candidate sites come from a file (:func:`read_candidates`, every row validated) or are
generated along the road network near the gaps (:func:`candidates_along_roads`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from gis.errors import Cancelled, ConfigError, LiftGuardError, RowProblem, ValidationError

if TYPE_CHECKING:
    from gis.routing import RoutingEngine

Progress = Callable[[float], None]
#: Turnout of a new station (order to departure) assumed when siting (seconds).
DEFAULT_NEW_TURNOUT_S = 300.0
#: Exact solving is attempted up to this many candidate x demand-point pairs covered.
EXACT_MAX_NONZEROS = 400_000


@dataclass(frozen=True)
class SitingResult:
    """Chosen sites and what they add.

    ``picks``: the chosen candidate rows in pick order, with ``gain`` (elevators newly
    covered by this pick, greedy marginal gain) and ``cumulative``. ``covered``: elevators
    covered by all picks. ``demand``: gap elevators considered. ``exact_covered``: optimum of
    the integer programme for the same k, or None when not solved; ``exact_picks`` its sites.
    """

    picks: pd.DataFrame
    covered: int
    demand: int
    coverable: int
    exact_covered: int | None = None
    exact_picks: list[str] = field(default_factory=list)
    solver_note: str = ""

    @property
    def greedy_ratio(self) -> float | None:
        """Greedy coverage / optimum (1.0 = greedy is optimal), when the optimum is known."""
        if self.exact_covered is None:
            return None
        return 1.0 if self.exact_covered == 0 else self.covered / self.exact_covered


# --------------------------------------------------------------------------- candidates


def read_candidates(path: str | Path, *, crs: str = "wgs84") -> pd.DataFrame:
    """Candidate sites from CSV/XLSX with ``lon``/``lat`` (or 经度/纬度) and an optional
    ``site_id``/``name``; every row is checked and all problems are reported at once.

    Returns ``site_id``, ``name``, ``lon``, ``lat`` (WGS84). Raises :class:`ValidationError`
    naming file, row and field; :class:`LiftGuardError` for a missing or unreadable file.
    """
    from gis.crs import to_wgs84

    path = Path(path)
    if not path.is_file():
        raise LiftGuardError(f"Candidate file {path} does not exist; check the path.")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, dtype=str)
        else:
            raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", skip_blank_lines=True)
    except Exception as exc:
        raise LiftGuardError(f"Cannot read candidate file {path}: {exc}. Use CSV (UTF-8) or "
                             "XLSX with columns site_id, name, lon, lat.") from exc
    raw = raw.rename(columns={"经度": "lon", "纬度": "lat", "编号": "site_id", "名称": "name",
                              "longitude": "lon", "latitude": "lat", "lng": "lon"})
    name = str(path)
    missing = [c for c in ("lon", "lat") if c not in raw.columns]
    if missing:
        raise ValidationError([RowProblem(name, 1, c, "required column is missing")
                               for c in missing])
    if raw.empty:
        raise LiftGuardError(f"Candidate file {path} has no rows.")
    rows = np.arange(2, len(raw) + 2)
    problems: list[RowProblem] = []
    values = {}
    for col, (lo, hi) in (("lon", (73.0, 136.0)), ("lat", (3.0, 54.0))):
        text = raw[col].fillna("").astype(str).str.strip()
        val = pd.to_numeric(text, errors="coerce").to_numpy(float)
        for i in np.flatnonzero(~np.isfinite(val)):
            problems.append(RowProblem(name, int(rows[i]), col,
                                       f"missing or not a number ({text.iloc[i]!r})"))
        for i in np.flatnonzero(np.isfinite(val) & ((val < lo) | (val > hi))):
            problems.append(RowProblem(name, int(rows[i]), col,
                                       f"{val[i]} is outside China ({lo}..{hi} degrees)"))
        values[col] = val
    ids = (raw["site_id"].fillna("").astype(str).str.strip() if "site_id" in raw.columns
           else pd.Series([""] * len(raw)))
    ids = ids.where(ids != "", pd.Series([f"C{i:04d}" for i in range(1, len(raw) + 1)]))
    for i in np.flatnonzero(ids.duplicated(keep="first").to_numpy()):
        problems.append(RowProblem(name, int(rows[i]), "site_id",
                                   f"duplicate site id {ids.iloc[i]!r}"))
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (p.row, p.field)))
    lon, lat = to_wgs84(values["lon"], values["lat"], crs)
    names = (raw["name"].fillna("").astype(str) if "name" in raw.columns else ids)
    return pd.DataFrame({"site_id": ids.to_numpy(), "name": names.to_numpy(),
                         "lon": lon, "lat": lat})


def candidates_along_roads(engine: RoutingEngine, gap_lon: np.ndarray, gap_lat: np.ndarray,
                           *, spacing_m: float = 1000.0, reach_m: float = 8000.0,
                           max_candidates: int = 2000) -> pd.DataFrame:
    """Candidate sites on road nodes near the gaps, one per ``spacing_m`` grid cell.

    Every grid cell holding road nodes within ``reach_m`` (straight line) of a gap elevator
    gives the road node nearest its centre. When there are more than ``max_candidates`` cells,
    those with the most gap elevators within ``reach_m`` are kept.
    """
    from scipy.spatial import cKDTree

    from gis.crs import project

    if len(gap_lon) == 0:
        return pd.DataFrame({"site_id": [], "name": [], "lon": [], "lat": []})
    a = engine.arrays
    x, y = project(a.lon, a.lat, engine.epsg)
    gx, gy = project(np.asarray(gap_lon, float), np.asarray(gap_lat, float), engine.epsg)
    gaps = cKDTree(np.column_stack([gx, gy]))
    near, _ = gaps.query(np.column_stack([x, y]), distance_upper_bound=reach_m, workers=-1)
    ok = np.flatnonzero(np.isfinite(near))
    cell = (np.floor(x[ok] / spacing_m).astype(np.int64) * 1_000_003
            + np.floor(y[ok] / spacing_m).astype(np.int64))
    centre_dist = np.hypot(x[ok] % spacing_m - spacing_m / 2, y[ok] % spacing_m - spacing_m / 2)
    order = np.lexsort((centre_dist, cell))
    first = np.ones(order.size, dtype=bool)
    first[1:] = cell[order][1:] != cell[order][:-1]
    nodes = ok[order[first]]
    if nodes.size > max_candidates:
        counts = gaps.query_ball_point(np.column_stack([x[nodes], y[nodes]]), r=reach_m,
                                       return_length=True, workers=-1)
        nodes = nodes[np.sort(np.argsort(-counts, kind="stable")[:max_candidates])]
    return pd.DataFrame({"site_id": [f"R{i + 1:04d}" for i in range(nodes.size)],
                         "name": [f"road node {a.node_id[n]}" for n in nodes],
                         "lon": a.lon[nodes], "lat": a.lat[nodes]})


# --------------------------------------------------------------------------- coverage matrix


def gap_demand(coverage: pd.DataFrame) -> pd.DataFrame:
    """Gap elevators on the road network grouped by location: ``lon``, ``lat``, ``weight``
    (elevators at that point). Off-network gaps are left out: no station can cover them."""
    gaps = coverage.loc[coverage["gap"].to_numpy(bool) & ~coverage["off_network"].to_numpy(bool)]
    grouped = gaps.groupby([gaps["lon"].round(6), gaps["lat"].round(6)]).size()
    return pd.DataFrame({"lon": grouped.index.get_level_values(0).to_numpy(float),
                         "lat": grouped.index.get_level_values(1).to_numpy(float),
                         "weight": grouped.to_numpy("int64")})


def coverage_matrix(engine: RoutingEngine, candidates: pd.DataFrame, demand: pd.DataFrame, *,
                    limit_s: float, turnout_s: float = DEFAULT_NEW_TURNOUT_S,
                    at: dt.datetime | None = None, chunk: int = 64,
                    progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> csr_array:
    """Boolean (candidates x demand points) matrix: does a station at the candidate reach the
    point within ``limit_s``? One bounded Dijkstra per candidate on the compiled graph, in
    chunks; candidates off the network cover nothing."""
    from scipy.sparse.csgraph import dijkstra

    report, stop = progress or (lambda f: None), cancelled or (lambda: False)
    snap = engine.snap_settings
    c_node, c_snap = engine.snap(candidates["lon"].to_numpy(float),
                                 candidates["lat"].to_numpy(float))
    c_extra = turnout_s + np.asarray(snap.access_s(c_snap))
    c_on = c_snap <= snap.max_snap_m
    d_node, d_snap = engine.snap(demand["lon"].to_numpy(float), demand["lat"].to_numpy(float))
    d_access = np.asarray(snap.access_s(d_snap))
    _w, fwd, _rev = engine.compiled(at)
    uniq, inverse = np.unique(d_node, return_inverse=True)
    rows, cols = [], []
    todo = np.flatnonzero(c_on & (c_extra < limit_s))
    for lo in range(0, todo.size, chunk):
        if stop():
            raise Cancelled("Siting cancelled; nothing was kept.")
        part = todo[lo:lo + chunk]
        budget = float(limit_s - c_extra[part].min() - d_access.min())
        dist = dijkstra(fwd, indices=c_node[part], limit=max(budget, 0.0))[:, uniq][:, inverse]
        ok = dist + c_extra[part, None] + d_access[None, :] <= limit_s
        r, c = np.nonzero(ok)
        rows.append(part[r])
        cols.append(c)
        report(min(1.0, (lo + chunk) / max(todo.size, 1)))
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return csr_array((np.ones(r.size, dtype=bool), (r, c)), shape=(len(candidates), len(demand)))


# --------------------------------------------------------------------------- solvers


def greedy_max_cover(cover: csr_array, weight: np.ndarray, k: int) -> tuple[list[int], list[int]]:
    """Greedy maximal covering: k picks, each the candidate with the largest marginal gain.

    Returns (candidate positions in pick order, marginal gain of each pick). Stops early when
    no candidate adds anything. Ties go to the lower candidate position (deterministic).
    """
    a = csr_array(cover, dtype=np.float64)
    left = np.asarray(weight, dtype=np.float64).copy()
    picks, gains = [], []
    for _ in range(int(k)):
        gain = a @ left
        if picks:
            gain[picks] = -1.0
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        picks.append(best)
        gains.append(int(np.rint(gain[best])))
        left[a.indices[a.indptr[best]:a.indptr[best + 1]]] = 0.0
    return picks, gains


def exact_max_cover(cover: csr_array, weight: np.ndarray, k: int, *,
                    time_limit_s: float = 30.0) -> tuple[list[int], int, bool]:
    """Optimal maximal covering by integer programming (``scipy.optimize.milp``).

    Variables: x_c in {0,1} per candidate, y_d in [0,1] per demand point; maximise
    sum w_d y_d subject to y_d <= sum_{c covers d} x_c and sum x_c = min(k, candidates).
    Returns (chosen positions, covered weight, proven optimal).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import hstack, identity

    a = csr_array(cover, dtype=np.float64)
    n_c = a.shape[0]
    w = np.asarray(weight, dtype=np.float64)
    useful = np.flatnonzero(np.asarray(a.sum(axis=0)).ravel() > 0)
    a, w = a[:, useful], w[useful]
    m = useful.size
    k_eff = min(int(k), n_c)
    link = hstack([-a.T, identity(m, format="csr")], format="csr")  # y - A^T x <= 0
    card = csr_array(np.concatenate([np.ones(n_c), np.zeros(m)])[None, :])
    res = milp(
        c=np.concatenate([np.zeros(n_c), -w]),
        integrality=np.concatenate([np.ones(n_c), np.zeros(m)]),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(link, -np.inf, 0), LinearConstraint(card, k_eff, k_eff)],
        options={"time_limit": time_limit_s, "disp": False},
    )
    if res.x is None:
        raise LiftGuardError(f"The exact siting solver found no solution ({res.message}).")
    x = res.x[:n_c] > 0.5
    chosen = np.flatnonzero(x).tolist()
    covered_mask = np.asarray(a[chosen].sum(axis=0)).ravel() > 0
    return chosen, int(np.rint(w[covered_mask].sum())), res.status == 0


def site_stations(engine: RoutingEngine, coverage: pd.DataFrame, candidates: pd.DataFrame, *,
                  k: int, limit_s: float | None = None, turnout_s: float = DEFAULT_NEW_TURNOUT_S,
                  at: dt.datetime | None = None, exact: bool | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> SitingResult:
    """Choose ``k`` new stations among ``candidates`` covering the most gap elevators.

    ``coverage`` is :func:`gis.coverage.elevator_coverage` output (its ``attrs["limit_s"]``
    is the default limit). ``exact``: solve the integer programme too (default: only when
    the covering matrix has at most :data:`EXACT_MAX_NONZEROS` entries).
    """
    if k < 1:
        raise ConfigError(f"The number of new stations must be at least 1, got {k}.")
    if candidates.empty:
        raise ConfigError("There are no candidate sites; give a candidate file or let them "
                          "be generated along the roads near the gaps.")
    limit = float(limit_s if limit_s is not None else coverage.attrs.get("limit_s", 1800.0))
    demand = gap_demand(coverage)
    cover = coverage_matrix(engine, candidates, demand, limit_s=limit, turnout_s=turnout_s,
                            at=at, progress=progress, cancelled=cancelled)
    weight = demand["weight"].to_numpy()
    picks, gains = greedy_max_cover(cover, weight, k)
    chosen = candidates.iloc[picks].reset_index(drop=True).copy()
    chosen.insert(0, "pick", np.arange(1, len(picks) + 1))
    chosen["gain"] = np.asarray(gains, dtype=np.int64)
    chosen["cumulative"] = np.cumsum(chosen["gain"])
    reach = np.asarray(cover.sum(axis=0)).ravel() > 0
    result: dict[str, Any] = {"picks": chosen, "covered": int(sum(gains)),
                              "demand": int(weight.sum()),
                              "coverable": int(weight[reach].sum())}
    if exact is None:
        exact = cover.nnz <= EXACT_MAX_NONZEROS
    if exact:
        sites, best, proven = exact_max_cover(cover, weight, k)
        result["exact_covered"] = best
        result["exact_picks"] = candidates["site_id"].iloc[sites].astype(str).tolist()
        result["solver_note"] = "optimal" if proven else "best found within the time limit"
    else:
        result["solver_note"] = (f"exact solver skipped ({cover.nnz} covering pairs > "
                                 f"{EXACT_MAX_NONZEROS}); greedy is within 1-1/e of optimal")
    return SitingResult(**result)
