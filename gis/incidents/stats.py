"""Incident statistics per day and district: arrival and release times, share on site within
the limit, incidents by cause and by alarm channel.

Days are China local days (Asia/Shanghai) of the report time. Arrival = on site − report,
release = passengers released − report, both in minutes. "Within the limit" compares the
arrival with each incident's own ``limit_s`` from its clock start (report, or dispatch where
the rules say so); false alarms and cancelled incidents are left out of the time figures but
counted in ``incidents``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.incidents.escalation import EscalationRules

LOCAL_TZ = "Asia/Shanghai"


def _local_day(seconds: pd.Series) -> pd.Series:
    return (pd.to_datetime(pd.to_numeric(seconds), unit="s", utc=True)
            .dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m-%d"))


def incident_stats(incidents: pd.DataFrame, alarms: pd.DataFrame | None = None, *,
                   rules: EscalationRules | None = None) -> dict[str, pd.DataFrame]:
    """Summary tables from ``IncidentLog.incidents()`` (and ``IncidentLog.alarms()``).

    Returns
    -------
    dict of DataFrame
        ``by_day_district``: day, district_name, incidents, rescues (not false/cancelled),
        arrival_mean_min, release_mean_min, within_limit_share, late;
        ``by_cause``: day, district_name, cause, incidents;
        ``by_channel``: day, district_name, channel, alarms (accepted alarms, every source).
    """
    rules = rules or EscalationRules()
    inc = incidents.copy()
    if inc.empty:
        empty = pd.DataFrame(columns=["day", "district_name"])
        return {"by_day_district": empty, "by_cause": empty, "by_channel": empty}
    inc["day"] = _local_day(inc["reported_at_s"])
    num = {c: pd.to_numeric(inc[c], errors="coerce").astype(float)
           for c in ("reported_at_s", "dispatched_at_s", "on_site_at_s", "released_at_s",
                     "limit_s")}
    rescue = ~inc["state"].isin(["false_alarm", "cancelled"])
    arrival = (num["on_site_at_s"] - num["reported_at_s"]).where(rescue) / 60
    release = (num["released_at_s"] - num["reported_at_s"]).where(rescue) / 60
    at_dispatch = inc["district_adcode"].astype(str).map(rules.starts_at_dispatch).astype(bool)
    start = num["dispatched_at_s"].where(at_dispatch, num["reported_at_s"])
    arrived = rescue & num["on_site_at_s"].notna()
    within = ((num["on_site_at_s"] - start) <= num["limit_s"]).where(arrived)
    inc = inc.assign(rescue=rescue, arrival_min=arrival, release_min=release,
                     within=within.astype(float), late=(within == 0.0) & arrived)
    keys = ["day", "district_name"]
    g = inc.groupby(keys, sort=True)
    by_dd = pd.DataFrame({
        "incidents": g.size(), "rescues": g["rescue"].sum(),
        "arrival_mean_min": g["arrival_min"].mean().round(1),
        "release_mean_min": g["release_min"].mean().round(1),
        "within_limit_share": g["within"].mean().round(3), "late": g["late"].sum(),
    }).reset_index()
    by_cause = inc.groupby([*keys, "cause"]).size().rename("incidents").reset_index()
    by_channel = pd.DataFrame(columns=[*keys, "channel", "alarms"])
    if alarms is not None and not alarms.empty:
        ok = alarms.loc[alarms["accepted"].astype(bool) & alarms["incident_id"].notna()]
        ok = ok.assign(incident_id=ok["incident_id"].astype(np.int64)).merge(
            inc[["incident_id", *keys]].astype({"incident_id": np.int64}), on="incident_id")
        by_channel = ok.groupby([*keys, "channel"]).size().rename("alarms").reset_index()
    return {"by_day_district": by_dd, "by_cause": by_cause, "by_channel": by_channel}
