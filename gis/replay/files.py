"""Replay files: JSON Lines / CSV records in the exchange format of ``docs/replay-format.md``.

:func:`read_replay_records` checks every line on its own (a bad line becomes a
:class:`gis.errors.RowProblem`, the others still play); :func:`write_replay_records` writes
through a temporary file and a rename.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gis.errors import ConfigError, RowProblem
from gis.incidents.escalation import EscalationRules
from gis.replay.build import build_replay
from gis.replay.model import CHINA_TZ, EVENT_KINDS, RECORD_FIELDS, Replay

if TYPE_CHECKING:
    from gis.routing import RoutingEngine

_NUMERIC = ("lon", "lat", "trapped_count", "limit_s", "level", "eta_s")


def parse_time_s(value: Any) -> float:
    """Epoch seconds of an ISO 8601 time (China time when it has no offset) or a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHINA_TZ)
    return when.timestamp()


def _parse_route(value: Any) -> list | None:
    """``[[lon, lat], ...]`` (JSON) or ``"lon lat;lon lat;..."`` (CSV) → list of pairs."""
    if value in (None, "") or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            value = [[float(v) for v in pt.split()] for pt in text.split(";") if pt.strip()]
    pts = [[float(p[0]), float(p[1])] for p in value]
    if len(pts) < 2 or not all(len(p) == 2 for p in value):
        raise ValueError("a route needs at least two [lon, lat] points")
    return pts


def _normalise(raw: Mapping[str, Any], line: int, file: str
               ) -> tuple[dict[str, Any] | None, RowProblem | None]:
    """One raw record → a replay record, or the problem that rejects its line."""
    def bad(fld: str, reason: str) -> tuple[None, RowProblem]:
        return None, RowProblem(file, line, fld, reason)

    rec = {f: raw.get(f) for f in RECORD_FIELDS}
    rec = {k: (None if isinstance(v, str) and v.strip() == "" else v) for k, v in rec.items()}
    if rec["incident"] is None:
        return bad("incident", "missing incident id")
    kind = str(rec["event"] or "").strip().lower()
    if kind not in EVENT_KINDS:
        return bad("event", f"unknown event {rec['event']!r}; use one of "
                            + ", ".join(EVENT_KINDS))
    rec["event"] = "alarm" if kind == "received" else kind
    when = raw.get("at_s") if raw.get("at_s") not in (None, "") else rec["time"]
    if when is None:
        return bad("time", "missing time (ISO 8601, e.g. 2026-11-21T09:00:00+08:00)")
    try:
        rec["at_s"] = parse_time_s(when)
    except (TypeError, ValueError):
        return bad("time", f"{when!r} is not an ISO 8601 time or epoch seconds")
    for f in _NUMERIC:
        if rec[f] is not None:
            try:
                rec[f] = float(rec[f])
            except (TypeError, ValueError):
                return bad(f, f"{rec[f]!r} is not a number")
    if isinstance(rec["agencies"], list):
        rec["agencies"] = ";".join(str(a) for a in rec["agencies"])
    for f in ("incident", "registration_code", "station_id", "agency", "agency_status"):
        if rec[f] is not None:
            rec[f] = str(rec[f]).strip()
    try:
        rec["route"] = _parse_route(rec["route"])
    except (TypeError, ValueError, IndexError, json.JSONDecodeError):
        return bad("route", "route must be [[lon, lat], ...] or 'lon lat;lon lat;...'")
    rec["line"] = line
    return rec, None


def read_replay_records(path: str | Path) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Records of a replay file (``.jsonl`` / ``.ndjson`` JSON Lines, or ``.csv``) in file
    order, and the problems of the lines that could not be read."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"replay file {p} does not exist")
    suffix = p.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".json", ".csv"):
        raise ConfigError(f"cannot read {p.name}: use a .jsonl (JSON Lines) or .csv replay "
                          "file (docs/replay-format.md)")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {p}: {exc}; save it as UTF-8 text") from None
    raws: Iterator[tuple[int, Any, str]]
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        missing = {"incident", "event"} - set(reader.fieldnames or ())
        if missing or not ({"time", "at_s"} & set(reader.fieldnames or ())):
            raise ConfigError(f"{p.name}: the CSV header needs incident, time (or at_s) and "
                              "event columns (docs/replay-format.md)")
        raws = ((i + 2, row, "") for i, row in enumerate(reader))
    else:
        raws = (_json_line(i + 1, ln) for i, ln in enumerate(text.splitlines()) if ln.strip())
    records, problems = [], []
    for line, raw, error in raws:
        if error:
            problems.append(RowProblem(p.name, line, "line", error))
            continue
        rec, problem = _normalise(raw, line, p.name)
        if problem is not None:
            problems.append(problem)
        else:
            records.append(rec)
    frame = pd.DataFrame(records, columns=[*RECORD_FIELDS, "at_s", "line"])
    return frame, problems


def _json_line(line: int, text: str) -> tuple[int, Any, str]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return line, None, f"not JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return line, None, "not a JSON object"
    return line, obj, ""


def read_replay_file(path: str | Path, *, elevators: pd.DataFrame | None = None,
                     stations: pd.DataFrame | None = None,
                     engine: RoutingEngine | None = None,
                     rules: EscalationRules | None = None) -> Replay:
    """A replay from a JSON Lines / CSV file; bad lines are in ``replay.problems`` (the good
    ones play if the trainer accepts them). Raises ValidationError if no line is good."""
    records, problems = read_replay_records(path)
    return build_replay(records, file=Path(path).name, elevators=elevators, stations=stations,
                        engine=engine, rules=rules, problems=problems)


def write_replay_records(records: pd.DataFrame, path: str | Path) -> Path:
    """Write records as JSON Lines (``.jsonl``) or CSV (``.csv``) through a temporary file."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        raise ConfigError(f"cannot write {target.name}: use a .jsonl or .csv file name")
    if not target.parent.is_dir():
        raise ConfigError(f"folder {target.parent} does not exist; create it or choose another")
    rows = records[list(RECORD_FIELDS)].to_dict("records")
    for r in rows:  # whole numbers stay whole in the file
        for f in ("trapped_count", "level"):
            if _present(r[f]):
                r[f] = int(r[f])
    fd, tmp = tempfile.mkstemp(prefix=".liftguard-", suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if suffix == ".csv":
                w = csv.DictWriter(fh, fieldnames=list(RECORD_FIELDS))
                w.writeheader()
                for r in rows:
                    r["route"] = ";".join(f"{x:.6f} {y:.6f}" for x, y in r["route"] or [])
                    w.writerow({k: v if _present(v) else "" for k, v in r.items()})
            else:
                for r in rows:
                    fh.write(json.dumps({k: v for k, v in r.items() if _present(v)},
                                        ensure_ascii=False) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _present(value: Any) -> bool:
    if value is None or (isinstance(value, str) and value == ""):
        return False
    return not (isinstance(value, float) and not np.isfinite(value))
