"""Command-centre commands: ``alarm``, ``incidents``, ``incident``, ``simulate``, ``stats``.

``liftguard alarm`` is the hook for an IoT gateway or a hotline system: one alarm from options
or a JSON file (one object, or JSON Lines with one alarm per line; a bad line is rejected with
its reason and the others still go in). Each action is written durably before the command
prints it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import sys
from pathlib import Path
from typing import Any

from gis.cli import add_db_option
from gis.errors import ConfigError, LiftGuardError

EXIT_REJECTED = 2


def _actor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--operator", default=None, help="operator name (default: login name)")
    p.add_argument("--workstation", default=None, help="workstation (default: host name)")
    p.add_argument("--roads", metavar="FILE.osm", default=None,
                   help="road file for recommendations (default: the graph imported for --db)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alarm", help="inject one alarm (or a file of them) into intake")
    add_db_option(p)
    _actor_options(p)
    p.add_argument("--channel", choices=("automatic", "active", "passive"))
    p.add_argument("--code", help="6-digit rescue code or registration code")
    p.add_argument("--type", dest="alarm_type", default="entrapment",
                   help="alarm type (entrapment, fire_smoke, water_ingress, injury_illness, ...)")
    p.add_argument("--source", default="", help="110|119|12345|property (passive), "
                   "car_alarm|smart_code|hotline (active)")
    p.add_argument("--trapped", type=int, default=0, help="number of trapped passengers")
    p.add_argument("--device", default="", help="IoT device id (automatic)")
    p.add_argument("--note", default="")
    p.add_argument("--file", type=Path, help="alarm JSON (docs/alarm-json.md) or JSON Lines")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.set_defaults(func=cmd_alarm)

    p = sub.add_parser("incidents", help="list incidents with their events")
    add_db_option(p)
    p.add_argument("--open", action="store_true", help="only open incidents")
    p.add_argument("--json", action="store_true", help="JSON with every event")
    p.set_defaults(func=cmd_incidents)

    p = sub.add_parser("incident", help="act on one incident or export its report")
    inc = p.add_subparsers(dest="incident_command", metavar="ACTION", required=True)
    r = inc.add_parser("report", help="one-page PDF report with timeline and map")
    add_db_option(r)
    r.add_argument("incident_id", type=int)
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--roads", default=None, help="road file drawn under the map")
    r.set_defaults(func=cmd_report)
    d = inc.add_parser("dispatch", help="commit a crew (option 1 = recommended)")
    add_db_option(d)
    _actor_options(d)
    d.add_argument("incident_id", type=int)
    d.add_argument("--option", type=int, default=1)
    d.add_argument("--note", default="")
    d.set_defaults(func=cmd_dispatch)
    s = inc.add_parser("set", help="move to a state (accepted, en_route, on_site, released, "
                       "closed, false_alarm, cancelled)")
    add_db_option(s)
    _actor_options(s)
    s.add_argument("incident_id", type=int)
    s.add_argument("state")
    s.add_argument("--note", default="")
    s.set_defaults(func=cmd_set)

    p = sub.add_parser("actions", help="who did what: incident actions per operator "
                       "(the supervisor's view)")
    add_db_option(p)
    p.add_argument("--operator", default=None, help="only this operator")
    p.add_argument("--all", dest="include_automatic", action="store_true",
                   help="include system escalations, simulated crews and the IoT gateway")
    p.add_argument("--last", type=int, default=None, help="only the most recent N actions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_actions)

    p = sub.add_parser("simulate", help="play a shift of alarms and crews through intake")
    add_db_option(p)
    _actor_options(p)
    p.add_argument("--rate", default="20/h", help="alarms per hour, e.g. 20/h")
    p.add_argument("--hours", type=float, default=8.0)
    speed = p.add_mutually_exclusive_group()
    speed.add_argument("--speed", type=float, default=None,
                       help="simulated seconds per real second (60 = a minute per second)")
    speed.add_argument("--fast", action="store_true", help="as fast as possible (default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", default=None, help="ISO start time (default: now)")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("stats", help="incident statistics per day and district")
    add_db_option(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv-dir", type=Path, default=None, help="write the tables as CSV here")
    p.set_defaults(func=cmd_stats)


# --------------------------------------------------------------------------- context


def _db_url(args: argparse.Namespace) -> str:
    """The database URL (SQLite paths made absolute: the key of the imported road graph)."""
    from gis.store import default_db_url

    url = args.db or default_db_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str(Path(url[len("sqlite:///"):]).resolve())
    return url


def _actor(args: argparse.Namespace) -> Any:
    from gis.incidents.log import Actor

    operator = args.operator or getpass.getuser() or "operator"
    return Actor(operator, args.workstation or socket.gethostname() or "workstation")


def _engine(args: argparse.Namespace, url: str, elevators: Any, stations: Any) -> Any:
    """Routing engine from --roads or the graph imported for this database; None if none."""
    from gis.roads import import_roads, linked_graph_file, load_road_arrays
    from gis.routing import RoutingEngine

    try:
        arrays = import_roads(args.roads)[0] if getattr(args, "roads", None) else \
            load_road_arrays(linked_graph_file(url))
    except LiftGuardError as exc:
        print(f"liftguard: no recommendations: {exc}", file=sys.stderr)
        return None
    return RoutingEngine(arrays, stations=stations, elevators=elevators)


def _centre(args: argparse.Namespace, *, clock: Any = None, routing: bool = True) -> Any:
    from gis.config import Config
    from gis.incidents.centre import CommandCentre
    from gis.incidents.escalation import EscalationRules
    from gis.incidents.log import IncidentLog
    from gis.store import open_store

    url = _db_url(args)
    store = open_store(url)
    if not store.has_registry():
        raise LiftGuardError(f"the database {store} has no registry; run `liftguard generate` "
                             "or `liftguard import` first")
    elevators, stations = store.load_elevators(), store.load_stations()
    engine = _engine(args, url, elevators, stations) if routing else None
    return CommandCentre(IncidentLog(store), elevators, stations, actor=_actor(args),
                         engine=engine,
                         rules=EscalationRules.from_config(
                             Config(), districts=elevators["district_adcode"].unique()),
                         clock=clock)


def _log(args: argparse.Namespace) -> Any:
    from gis.incidents.log import IncidentLog
    from gis.store import open_store

    return IncidentLog(open_store(_db_url(args)))


# --------------------------------------------------------------------------- alarm


def cmd_alarm(args: argparse.Namespace) -> int:
    from gis.incidents.intake import AlarmRejected, make_alarm, parse_alarm_json

    if args.file is None and not (args.channel and args.code):
        raise ConfigError("give --channel and --code, or --file ALARM.json")
    alarms: list[Any] = []
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LiftGuardError(f"cannot read {args.file}: {exc}") from None
        stripped = text.strip()
        lines = [stripped] if stripped.startswith("{") and stripped.count("\n{") == 0 \
            else [ln for ln in text.splitlines() if ln.strip()]
        for line in lines:
            try:
                alarms.append(parse_alarm_json(line))
            except AlarmRejected as exc:
                alarms.append(exc)
    else:
        try:
            alarms.append(make_alarm(args.channel, args.code, alarm_type=args.alarm_type,
                                     source=args.source, trapped_count=args.trapped,
                                     device_id=args.device, note=args.note))
        except AlarmRejected as exc:
            alarms.append(exc)
    cc = _centre(args)
    results = [cc.receive(a) for a in alarms]
    out = [_received_dict(r) for r in results]
    if args.json:
        print(json.dumps(out if len(out) > 1 else out[0], ensure_ascii=False, indent=1))
    else:
        for r in out:
            print(_received_text(r))
    return 0 if all(r["accepted"] for r in out) else EXIT_REJECTED


def _received_dict(r: Any) -> dict[str, Any]:
    i = r.intake
    d: dict[str, Any] = {"alarm_id": i.alarm_id, "accepted": i.accepted, "reason": i.reason,
                         "incident_id": i.incident_id, "merged": i.merged,
                         "duplicate": i.duplicate,
                         "event_id": i.event.event_id if i.event else None}
    if i.elevator:
        d["elevator"] = {k: str(i.elevator.get(k, "")) for k in
                         ("registration_code", "rescue_code", "address", "district_name",
                          "maintenance_unit_id")}
    if r.recommendation is not None:
        d["recommendation"] = r.recommendation.to_dict()
    if r.escalation is not None:
        d["escalation"] = r.escalation.data
    if r.routing_problem:
        d["routing_problem"] = r.routing_problem
    return d


def _received_text(d: dict[str, Any]) -> str:
    if not d["accepted"]:
        return f"alarm {d['alarm_id']} REJECTED: {d['reason']}"
    if d["duplicate"]:
        return f"alarm {d['alarm_id']} already received (incident {d['incident_id']})"
    e = d.get("elevator", {})
    lines = [f"alarm {d['alarm_id']} -> incident {d['incident_id']} "
             f"({'merged' if d['merged'] else 'new'}, event {d['event_id']}): "
             f"{e.get('district_name', '')} {e.get('address', '')} "
             f"[{e.get('registration_code', '')}], maintainer {e.get('maintenance_unit_id', '')}"]
    for n, o in enumerate(d.get("recommendation", {}).get("options", []), 1):
        lines.append(f"  {n}. {o['station_id']} {o['reason']} (level {o['response_level']}) "
                     f"ETA {o['eta_s'] / 60:.1f} min{'' if o['meets_limit'] else ' LATE'}")
    for w in d.get("recommendation", {}).get("warnings", []):
        lines.append(f"  ! {w}")
    if "escalation" in d:
        esc = d["escalation"]
        lines.append(f"  ! level {esc.get('level')}: {'; '.join(esc.get('reasons', []))} "
                     f"-> notify {', '.join(esc.get('agencies', []))}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- incidents


def cmd_incidents(args: argparse.Namespace) -> int:
    log = _log(args)
    rows = log.incident_rows(open_only=args.open)
    if args.json:
        by_incident: dict[int, list] = {}
        for e in log.events():
            by_incident.setdefault(e.incident_id, []).append(e.to_dict())
        out = [{**r, "events": by_incident.get(int(r["incident_id"]), [])} for r in rows]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    from gis.incidents.report import _t

    for r in rows:
        print(f"#{r['incident_id']:<6} {_t(r['reported_at_s'])} {r['state']:<11} "
              f"L{r['level']} {r['cause']:<14} {r['district_name']} {r['address']} "
              f"crew {r['station_id'] or '-'} alarms {r['alarm_count']}")
    print(f"{len(rows)} incident(s)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from gis.incidents.report import write_incident_report
    from gis.store import open_store

    url = _db_url(args)
    store = open_store(url)
    from gis.incidents.log import IncidentLog

    roads = None
    try:
        from gis.roads import import_roads, linked_graph_file, load_road_arrays

        roads = import_roads(args.roads)[0] if args.roads else \
            load_road_arrays(linked_graph_file(url))
    except LiftGuardError:
        roads = None
    stations = store.load_stations() if store.has_registry() else None
    path = write_incident_report(IncidentLog(store), args.incident_id, args.out,
                                 stations=stations, roads=roads,
                                 label=store.load_meta().get("label", ""))
    print(f"wrote {path}")
    return 0


def cmd_dispatch(args: argparse.Namespace) -> int:
    cc = _centre(args)
    ev = cc.dispatch(args.incident_id, args.option - 1, note=args.note)
    st = ev.data.get("station", {})
    print(f"event {ev.event_id}: incident {ev.incident_id} dispatched to "
          f"{st.get('station_id')} ETA {float(st.get('eta_s', 0)) / 60:.1f} min")
    lost = cc.move_up_warning(str(st.get("station_id")))
    if len(lost):
        print(f"  ! move-up warning: with {st.get('station_id')} committed, {len(lost)} "
              "elevator(s) have no station within the limit, e.g. "
              + ", ".join(lost["registration_code"].head(5)))
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    cc = _centre(args, routing=False)
    ev = cc.advance(args.incident_id, args.state, note=args.note)
    print(f"event {ev.event_id}: incident {ev.incident_id} {ev.from_state} -> {ev.to_state}")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    from gis.incidents.report import _t
    from gis.incidents.supervision import operator_actions, operator_summary

    actions = operator_actions(_log(args), operator=args.operator,
                               include_automatic=args.include_automatic, limit=args.last)
    summary = operator_summary(actions)
    if args.json:
        print(json.dumps({"operators": summary.to_dict("records"),
                          "actions": actions.to_dict("records")},
                         ensure_ascii=False, indent=1, default=str))
        return 0
    for op in summary.itertuples():
        print(f"== {op.operator} ({op.workstations}): {op.actions} action(s) on "
              f"{op.incidents} incident(s), {op.dispatches} dispatch(es), {op.claims} "
              f"claim(s), {_t(op.first_at_s)} - {_t(op.last_at_s)}")
        mine = actions[actions["operator"] == op.operator]
        for a in mine.itertuples():
            change = f"{a.from_state}->{a.to_state}" if a.from_state != a.to_state else ""
            print(f"  {_t(a.at_s)} {a.workstation:<10} #{a.incident_id:<6} {a.kind:<9} "
                  f"{change:<22} {a.note}")
    if summary.empty:
        print("no actions" + (f" by {args.operator}" if args.operator else ""))
    return 0


# --------------------------------------------------------------------------- simulate


def parse_rate(text: str) -> float:
    """``20/h``, ``20`` (per hour) or ``2/min`` → alarms per hour."""
    t = text.strip().lower().replace(" ", "")
    factor = 60.0 if t.endswith("/min") else 1.0
    t = t.removesuffix("/min").removesuffix("/h")
    try:
        return float(t) * factor
    except ValueError:
        raise ConfigError(f"rate {text!r} is not a number of alarms per hour like 20/h") from None


def cmd_simulate(args: argparse.Namespace) -> int:
    import datetime as dt

    from gis.clock import SimulatedClock, SystemClock, from_epoch_s
    from gis.incidents.simulator import ShiftSimulator, SimulationSettings

    settings = SimulationSettings(rate_per_h=parse_rate(args.rate), hours=args.hours,
                                  seed=args.seed)
    if args.start:
        try:
            start = dt.datetime.fromisoformat(args.start)
        except ValueError:
            raise ConfigError(f"--start {args.start!r} is not an ISO time") from None
    else:
        start = SystemClock().now()
    clock = SimulatedClock(start, speed=None if args.fast else args.speed)
    cc = _centre(args, clock=clock)
    if cc.engine is None:
        raise LiftGuardError("the simulator needs a road graph: pass --roads FILE.osm or run "
                             "`liftguard roads import` for this database")
    last = cc.log.last_event_id()
    if last:
        clock.set(from_epoch_s(cc.log.events(after_event_id=last - 1)[0].at_s + 1))
    pool = _on_network(cc)

    def show(ev: Any) -> None:
        if not args.quiet:
            print(f"event {ev.event_id} incident {ev.incident_id} {ev.kind} {ev.to_state}",
                  flush=True)

    summary = ShiftSimulator(cc, settings, on_event=show, elevators=pool).run()
    print(f"simulated {settings.hours:g} h: {summary.alarms} alarms ({summary.rejected} "
          f"rejected), {summary.incidents} incidents, {summary.events} events, "
          f"{summary.escalations} escalations in {summary.wall_s:.1f} s", flush=True)
    return 0


def _on_network(cc: Any) -> Any:
    el = cc.index.elevators
    _node, dist = cc.engine.snap(el["lon"].to_numpy(float), el["lat"].to_numpy(float))
    return el.loc[dist <= cc.engine.snap_settings.max_snap_m].reset_index(drop=True)


# --------------------------------------------------------------------------- stats


def cmd_stats(args: argparse.Namespace) -> int:
    from gis.incidents.stats import incident_stats

    log = _log(args)
    tables = incident_stats(log.incidents(), log.alarms())
    if args.csv_dir is not None:
        args.csv_dir.mkdir(parents=True, exist_ok=True)
        for name, df in tables.items():
            df.to_csv(args.csv_dir / f"{name}.csv", index=False)
    if args.json:
        print(json.dumps({k: v.to_dict("records") for k, v in tables.items()},
                         ensure_ascii=False, indent=1, default=str))
    else:
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_rows", 200):
            for name, df in tables.items():
                print(f"== {name}\n{df.to_string(index=False)}\n")
    return 0
