"""What-if at a paused moment of a replay: the routing engine's choice now next to what was
dispatched."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.replay.model import Replay

if TYPE_CHECKING:
    from gis.routing import RoutingEngine

def what_if(replay: Replay, t_s: float, engine: RoutingEngine, stations: pd.DataFrame, *,
            include_on_site: bool = False) -> pd.DataFrame:
    """What the routing engine recommends at ``t_s`` for each open incident, next to what
    was dispatched (the dispatch in force at ``t_s``, else the one that came later).

    Crews committed at ``t_s`` in the replay are busy (they drop out), as on the live board.

    Returns
    -------
    pandas.DataFrame
        ``incident``, ``state``, ``level``, ``dispatched_station``, ``dispatched_at_s``,
        ``dispatched_eta_s`` (the routed ETA recorded with the dispatch), ``arrival_s``
        (recorded arrival, NaN if none), ``recommended_station``, ``recommended_reason``,
        ``recommended_eta_s`` (from ``t_s``), ``eta_diff_s`` (recommended − dispatched ETA;
        negative: the engine's choice is faster), ``problem`` (why there is no
        recommendation).
    """
    from gis.errors import RoutingError
    from gis.incidents.dispatch import recommend

    state = replay.state_at(t_s)
    ev = replay.events
    busy = {str(s) for s, st in zip(state.station_id, state.state, strict=True)
            if s and st in ("dispatched", "accepted", "en_route", "on_site")}
    at = dt.datetime.fromtimestamp(t_s, dt.UTC)
    rows = []
    for i, row in enumerate(state.rows.tolist()):
        st = str(state.state[i])
        if st in ("released", "closed") or (st == "on_site" and not include_on_site):
            continue
        inc = replay.incidents.iloc[row]
        mine = ev.loc[(ev["inc"] == row) & (ev["event"] == "dispatched")]
        now = mine.loc[mine["at_s"] <= t_s]
        pick = now.iloc[-1] if len(now) else (mine.iloc[0] if len(mine) else None)
        arr = ev.loc[(ev["inc"] == row) & (ev["event"] == "on_site"), "at_s"]
        out: dict[str, Any] = {
            "incident": inc["incident"], "state": st, "level": int(state.level[i]),
            "dispatched_station": "" if pick is None else pick["station_id"],
            "dispatched_at_s": np.nan if pick is None else float(pick["at_s"]),
            "dispatched_eta_s": np.nan if pick is None else float(pick["eta_s"]),
            "arrival_s": float(arr.iloc[0]) if len(arr) else np.nan,
            "recommended_station": "", "recommended_reason": "",
            "recommended_eta_s": np.nan, "problem": ""}
        try:
            rec = recommend(engine, inc.to_dict(), stations=stations,
                            busy=busy - {out["dispatched_station"]} if len(now) else busy,
                            level=min(int(state.level[i]), 2), at=at, k=1)
            if rec.recommended is None:
                out["problem"] = "no available station can reach it"
            else:
                o = rec.recommended
                out.update(recommended_station=o.station_id, recommended_reason=o.reason,
                           recommended_eta_s=float(o.eta_s))
        except RoutingError as exc:
            out["problem"] = str(exc)
        rows.append(out)
    frame = pd.DataFrame(rows, columns=[
        "incident", "state", "level", "dispatched_station", "dispatched_at_s",
        "dispatched_eta_s", "arrival_s", "recommended_station", "recommended_reason",
        "recommended_eta_s", "problem"])
    frame["eta_diff_s"] = frame["recommended_eta_s"] - frame["dispatched_eta_s"]
    return frame
