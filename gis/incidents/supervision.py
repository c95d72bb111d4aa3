"""Who did what: every incident action with its operator and workstation, for a supervisor.

Every event in ``incident_events`` carries the operator and the workstation (the system's own
escalations are operator ``system``, the simulated crews ``crew``). :func:`operator_actions`
lists them (filtered by operator and time, newest last), :func:`operator_summary` counts them
per operator.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from gis.incidents import schema
from gis.incidents.log import IncidentLog

#: Columns of :func:`operator_actions`.
ACTION_COLUMNS = ("event_id", "at_s", "operator", "workstation", "incident_id", "kind",
                  "from_state", "to_state", "note")
#: Operators that are not people (left out unless ``include_automatic``).
AUTOMATIC_OPERATORS = ("system", "crew", "iot-gateway")


def operator_actions(log: IncidentLog, *, operator: str | None = None,
                     since_s: float | None = None, until_s: float | None = None,
                     include_automatic: bool = False, limit: int | None = None
                     ) -> pd.DataFrame:
    """Actions (events) in commit order with :data:`ACTION_COLUMNS`; ``at_s`` epoch seconds.

    ``limit`` keeps the most recent ones.
    """
    e = schema.incident_events
    q = select(*(e.c[c] for c in ACTION_COLUMNS)).order_by(e.c.event_id.desc())
    if operator is not None:
        q = q.where(e.c.operator == operator)
    elif not include_automatic:
        q = q.where(e.c.operator.not_in(AUTOMATIC_OPERATORS))
    if since_s is not None:
        q = q.where(e.c.at_s >= since_s)
    if until_s is not None:
        q = q.where(e.c.at_s < until_s)
    if limit is not None:
        q = q.limit(limit)
    with log.read() as conn:
        rows = conn.execute(q).all()
    frame = pd.DataFrame([tuple(r) for r in reversed(rows)], columns=list(ACTION_COLUMNS))
    for col in ("operator", "workstation", "kind", "from_state", "to_state", "note"):
        frame[col] = frame[col].astype(object)
    return frame


def operator_summary(actions: pd.DataFrame) -> pd.DataFrame:
    """Per operator: ``actions``, ``incidents`` touched, ``dispatches``, ``claims``,
    ``workstations`` (comma-separated), ``first_at_s``, ``last_at_s``; busiest first."""
    if actions.empty:
        return pd.DataFrame(columns=["operator", "actions", "incidents", "dispatches", "claims",
                                     "workstations", "first_at_s", "last_at_s"])
    g = actions.assign(
        dispatch=(actions["to_state"] == "dispatched") & (actions["kind"] == "state"),
        claim=actions["kind"] == "claimed").groupby("operator", sort=False)
    out = pd.DataFrame({
        "actions": g.size(), "incidents": g["incident_id"].nunique(),
        "dispatches": g["dispatch"].sum().astype(int), "claims": g["claim"].sum().astype(int),
        "workstations": g["workstation"].agg(lambda s: ", ".join(sorted(set(s)))),
        "first_at_s": g["at_s"].min(), "last_at_s": g["at_s"].max()})
    return out.reset_index().sort_values(["actions", "operator"], ascending=[False, True],
                                         ignore_index=True)
