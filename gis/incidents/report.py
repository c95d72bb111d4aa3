"""A one-page incident report (PDF): facts, the joint-response board, a map and the timeline.

Drawn with matplotlib's PDF backend (no Qt), Chinese text in Noto Sans CJK (Debian package
``fonts-noto-cjk``) found through ``matplotlib.font_manager``. The map shows the road network
around the elevator when road arrays are given, each dispatched crew's route as recorded in its
dispatch event, and the 119/110 stations notified. The file is written to a temporary name and
renamed, so a failed report leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from gis.errors import LiftGuardError
from gis.incidents.lifecycle import STATE_LABELS_ZH
from gis.incidents.log import IncidentLog

if TYPE_CHECKING:
    from gis.roads import RoadArrays

LOCAL = ZoneInfo("Asia/Shanghai")
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC")
MAX_TIMELINE_ROWS = 28


def cjk_font_family() -> str | None:
    """The first installed CJK family (``fonts-noto-cjk``), or ``None``."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in names), None)


def _t(seconds: Any) -> str:
    if seconds is None or (isinstance(seconds, float) and not np.isfinite(seconds)):
        return "–"
    return dt.datetime.fromtimestamp(float(seconds), LOCAL).strftime("%H:%M:%S")


def _event_text(e: Any) -> str:
    if e.kind == "state":
        text = f"{STATE_LABELS_ZH.get(e.to_state, e.to_state)} {e.to_state}"
        station = e.data.get("station", {})
        if station:
            eta_min = float(station.get("eta_s", 0)) / 60
            text += f" → {station.get('station_id')} ETA {eta_min:.0f} min"
        return text
    if e.kind == "alarm":
        return f"报警 alarm {e.data.get('channel', '')} {e.data.get('source', '')}".strip()
    if e.kind == "escalated":
        return f"升级 level {e.data.get('level')} {' '.join(e.data.get('agencies', []))}"
    if e.kind == "agency":
        return f"联动 {e.data.get('agency')} {e.data.get('status')}"
    return e.kind


def write_incident_report(log: IncidentLog, incident_id: int, out: str | Path, *,
                          stations: pd.DataFrame | None = None,
                          roads: RoadArrays | None = None, label: str = "") -> Path:
    """Write the one-page report of an incident to ``out`` (PDF) and return the path."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    out = Path(out)
    if not out.parent.is_dir():
        raise LiftGuardError(f"cannot write {out}: folder {out.parent} does not exist")
    inc = log.incident(incident_id)
    events = log.events(incident_id)
    agencies = log.agencies(incident_id)
    family = cjk_font_family()
    rc = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
          "pdf.fonttype": 42, "font.size": 8}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(8.27, 11.69))  # A4 portrait
        _header(fig, inc, label)
        _map(fig.add_axes((0.06, 0.43, 0.5, 0.36)), inc, events, stations, roads)
        _agencies(fig, agencies)
        _timeline(fig, events)
        fd, tmp = tempfile.mkstemp(prefix=out.name, suffix=".part", dir=out.parent)
        os.close(fd)
        try:
            with PdfPages(tmp, metadata={"Title": f"Incident {incident_id}",
                                         "Creator": "LiftGuard"}) as pdf:
                pdf.savefig(fig)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return out


def _header(fig: Any, inc: dict[str, Any], label: str) -> None:
    day = dt.datetime.fromtimestamp(float(inc["reported_at_s"]), LOCAL).strftime("%Y-%m-%d")
    fig.text(0.06, 0.965, f"电梯困人事件报告  Incident report #{inc['incident_id']}",
             fontsize=14, weight="bold")
    arrival = (float(inc["on_site_at_s"]) - float(inc["reported_at_s"])) / 60 \
        if inc["on_site_at_s"] is not None else None
    lines = [
        f"电梯 Elevator: {inc['registration_code']}  救援码 rescue code {inc['rescue_code']}",
        f"地址 Address: {inc['district_name']} {inc['address']}",
        f"维保单位 Contracted unit: {inc['maintenance_unit_id']}   原因 Cause: {inc['cause']}   "
        f"首报渠道 First channel: {inc['first_channel']}   报警次数 alarms: {inc['alarm_count']}",
        f"日期 Date: {day}   接警 reported {_t(inc['reported_at_s'])}   派单 dispatched "
        f"{_t(inc['dispatched_at_s'])}   到场 on site {_t(inc['on_site_at_s'])}   救出 released "
        f"{_t(inc['released_at_s'])}   闭环 closed {_t(inc['closed_at_s'])}",
        f"状态 State: {STATE_LABELS_ZH.get(inc['state'], '')} {inc['state']}   响应级别 level "
        f"{inc['level']}   到场用时 arrival: "
        + (f"{arrival:.1f} min (limit {float(inc['limit_s']) / 60:.0f} min, "
           f"{'within' if arrival * 60 <= float(inc['limit_s']) else 'LATE'})"
           if arrival is not None else "–"),
    ]
    if label:
        lines.append(label)
    for i, text in enumerate(lines):
        fig.text(0.06, 0.94 - i * 0.018, text)


def _map(ax: Any, inc: dict[str, Any], events: list, stations: pd.DataFrame | None,
         roads: RoadArrays | None) -> None:
    lon0, lat0 = float(inc["lon"]), float(inc["lat"])
    pts = [(lon0, lat0)]
    routes = [(e.data["station"], e.data["station"].get("route_lonlat") or [])
              for e in events if e.kind == "state" and e.to_state == "dispatched"
              and e.data.get("station")]
    for _s, route in routes:
        pts.extend(tuple(p) for p in route)
    agency_ids = {}
    for e in events:
        for agency, info in e.data.get("agency_options", {}).items():
            agency_ids[info.get("station_id")] = agency
    if stations is not None and agency_ids:
        st = stations.loc[stations["station_id"].isin(list(agency_ids))]
        pts.extend(zip(st["lon"], st["lat"], strict=True))
    xy = np.asarray(pts, dtype=float)
    pad = max(0.004, 0.1 * float(np.ptp(xy, axis=0).max()))
    x0, x1 = xy[:, 0].min() - pad, xy[:, 0].max() + pad
    y0, y1 = xy[:, 1].min() - pad, xy[:, 1].max() + pad
    if roads is not None:
        _roads(ax, roads, (x0, y0, x1, y1))
    colours = ["tab:blue", "tab:orange", "tab:purple", "tab:brown"]
    for i, (station, route) in enumerate(routes):
        if route:
            r = np.asarray(route, dtype=float)
            ax.plot(r[:, 0], r[:, 1], color=colours[i % 4], lw=2,
                    label=f"{station.get('station_id')} ({station.get('reason', '')})")
            ax.plot(r[0, 0], r[0, 1], "s", color=colours[i % 4], ms=6)
    if stations is not None and agency_ids:
        for sid, agency in agency_ids.items():
            row = stations.loc[stations["station_id"] == sid]
            if not row.empty:
                ax.plot(row["lon"], row["lat"], "^", color="red" if agency == "119" else "navy",
                        ms=8, label=f"{agency} {sid}")
    ax.plot(lon0, lat0, "*", color="crimson", ms=14, label="电梯 elevator")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / np.cos(np.radians(lat0)))
    ax.set_title("地图 Map (WGS84 lon/lat)")
    ax.tick_params(labelsize=6)
    ax.ticklabel_format(useOffset=False)
    ax.legend(loc="lower left", fontsize=6, framealpha=0.8)


def _roads(ax: Any, roads: RoadArrays, bbox: tuple[float, float, float, float]) -> None:
    from matplotlib.collections import LineCollection

    x0, y0, x1, y1 = bbox
    u, v = roads.edge_u, roads.edge_v
    keep = ((roads.lon[u] >= x0) & (roads.lon[u] <= x1) & (roads.lat[u] >= y0)
            & (roads.lat[u] <= y1))
    segs = np.stack([np.column_stack([roads.lon[u[keep]], roads.lat[u[keep]]]),
                     np.column_stack([roads.lon[v[keep]], roads.lat[v[keep]]])], axis=1)
    ax.add_collection(LineCollection(segs, colors="0.75", linewidths=0.5, zorder=0))


def _agencies(fig: Any, agencies: list[dict[str, Any]]) -> None:
    fig.text(0.6, 0.78, "联动 Joint response", weight="bold", fontsize=10)
    if not agencies:
        fig.text(0.6, 0.76, "(none)")
    for i, a in enumerate(agencies):
        eta = f"ETA {float(a['eta_s']) / 60:.0f} min" if a["eta_s"] is not None else ""
        fig.text(0.6, 0.76 - i * 0.035,
                 f"{a['agency']}: {a['status']} {a['station_id']} {eta}\n"
                 f"  notified {_t(a['notified_at_s'])} ack {_t(a['acknowledged_at_s'])} "
                 f"on site {_t(a['on_site_at_s'])} done {_t(a['done_at_s'])}", fontsize=7)


def _timeline(fig: Any, events: list) -> None:
    fig.text(0.06, 0.40, "时间线 Timeline", weight="bold", fontsize=10)
    rows = events[:MAX_TIMELINE_ROWS]
    for i, e in enumerate(rows):
        note = (e.note[:60] + "…") if len(e.note) > 60 else e.note
        fig.text(0.06, 0.38 - i * 0.0125,
                 f"#{e.event_id:<7} {_t(e.at_s)}  {e.operator}@{e.workstation}  "
                 f"{_event_text(e)}  {note}", fontsize=6.5)
    if len(events) > len(rows):
        fig.text(0.06, 0.38 - len(rows) * 0.0125,
                 f"… {len(events) - len(rows)} more events (liftguard incidents --json)",
                 fontsize=6.5)
