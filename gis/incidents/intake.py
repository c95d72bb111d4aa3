"""Alarm intake from the three channels (三动报警) into incidents.

* **automatic** – an IoT remote-monitoring device message (JSON, see ``docs/alarm-json.md``);
* **active** – a passenger: car alarm button, smart-elevator code scan or hotline call; the
  operator types the 6-digit rescue code (or searches the address);
* **passive** – a referral from 110, 119, 12345 or a property platform.

Every alarm is stored in ``alarms`` – accepted or not, with the rejection reason – and a bad
one never stops intake (:func:`receive_alarm` returns a rejected result instead of raising).
An accepted alarm joins the elevator's open incident (one elevator has at most one open
incident, enforced by a unique key), or an incident closed less than ``merge_window_s`` ago
(a late source), or opens a new incident. Every source stays recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gis.clock import Clock, to_epoch_s
from gis.errors import LiftGuardError
from gis.incidents import schema
from gis.incidents.escalation import EscalationRules
from gis.incidents.log import Actor, IncidentEvent, IncidentLog, append_event

log = logging.getLogger("liftguard.intake")

CHANNELS = ("automatic", "active", "passive")
ACTIVE_SOURCES = ("car_alarm", "smart_code", "hotline")
PASSIVE_SOURCES = ("110", "119", "12345", "property")
#: Alarm types with Chinese labels; the order is severity for the incident's cause (a merged
#: fire alarm makes an entrapment incident a fire incident, never the other way round).
ALARM_TYPES: Mapping[str, str] = {
    "fire_smoke": "火灾/烟雾", "water_ingress": "进水", "injury_illness": "受伤/不适",
    "public_order": "治安事件", "entrapment": "困人", "power_failure": "停电困梯",
    "fault_stop": "故障停梯", "door_fault": "门系统故障", "other": "其他",
}
_TYPE_ALIASES = {zh: en for en, zh in ALARM_TYPES.items()} | {
    "火灾": "fire_smoke", "烟雾": "fire_smoke", "受伤": "injury_illness", "不适": "injury_illness",
    "trapped": "entrapment", "困梯": "entrapment"}
MAX_MESSAGE_BYTES = 64 * 1024
MAX_FUTURE_S = 5 * 60
MAX_AGE_S = 24 * 3600
_RESCUE = re.compile(r"^\d{6}$")
_REG = re.compile(r"^[0-9A-Z]{10,24}$")
_LOCAL = ZoneInfo("Asia/Shanghai")


class AlarmRejected(LiftGuardError):
    """An alarm message that cannot become an incident; ``reason`` says why."""

    def __init__(self, reason: str, *, field_name: str = "") -> None:
        self.reason = f"field '{field_name}': {reason}" if field_name else reason
        super().__init__(self.reason)


@dataclass(frozen=True)
class Alarm:
    """One alarm, normalised. ``code`` is a rescue or registration code as typed or sent."""

    channel: str
    code: str
    alarm_type: str = "entrapment"
    source: str = ""
    at: dt.datetime | None = None
    device_id: str = ""
    message_id: str | None = None
    trapped_count: int = 0
    note: str = ""
    raw: str = ""


@dataclass(frozen=True)
class IntakeResult:
    """What happened to one alarm."""

    alarm_id: int
    accepted: bool
    reason: str = ""
    incident_id: int | None = None
    merged: bool = False
    duplicate: bool = False
    event: IncidentEvent | None = None
    elevator: dict[str, Any] = field(default_factory=dict)


class ElevatorIndex:
    """Look elevators up by rescue or registration code (O(1)) or by address text."""

    def __init__(self, elevators: pd.DataFrame) -> None:
        self.elevators = elevators.reset_index(drop=True)
        self._by_rescue = pd.Index(self.elevators["rescue_code"].astype(str))
        self._by_reg = pd.Index(self.elevators["registration_code"].astype(str))

    def __len__(self) -> int:
        return len(self.elevators)

    def position(self, code: str) -> int:
        code = code.strip().upper()
        index = self._by_rescue if _RESCUE.match(code) else self._by_reg
        pos = index.get_indexer([code])[0]
        return int(pos)

    def lookup(self, code: str) -> dict[str, Any] | None:
        """The elevator row for a rescue or registration code, or ``None``."""
        pos = self.position(code)
        return None if pos < 0 else self.elevators.iloc[pos].to_dict()

    def search_address(self, text: str, *, limit: int = 20) -> pd.DataFrame:
        """Elevators whose address contains ``text`` (vectorised; for the operator's search)."""
        text = text.strip()
        if not text:
            return self.elevators.iloc[:0]
        hit = self.elevators["address"].astype(str).str.contains(text, regex=False).to_numpy()
        return self.elevators.loc[hit].head(limit)


def normalise_type(value: Any) -> str:
    text = str(value or "").strip()
    key = text.lower()
    if key in ALARM_TYPES:
        return key
    if text in _TYPE_ALIASES:
        return _TYPE_ALIASES[text]
    raise AlarmRejected(f"unknown alarm type {text!r}; use one of {', '.join(ALARM_TYPES)}",
                        field_name="alarm_type")


def make_alarm(channel: str, code: str, *, alarm_type: str = "entrapment", source: str = "",
               at: dt.datetime | None = None, **kw: Any) -> Alarm:
    """A validated alarm typed by an operator (active/passive) or sent by a device."""
    if channel not in CHANNELS:
        raise AlarmRejected(f"unknown channel {channel!r}; use {', '.join(CHANNELS)}",
                            field_name="channel")
    if channel == "passive" and source not in PASSIVE_SOURCES:
        raise AlarmRejected(f"a passive alarm needs its referring source, one of "
                            f"{', '.join(PASSIVE_SOURCES)} (got {source!r})", field_name="source")
    if channel == "active" and source and source not in ACTIVE_SOURCES:
        raise AlarmRejected(f"unknown active source {source!r}; use one of "
                            f"{', '.join(ACTIVE_SOURCES)}", field_name="source")
    code = str(code or "").strip().upper()
    if not (_RESCUE.match(code) or _REG.match(code)):
        raise AlarmRejected(f"{code!r} is neither a 6-digit rescue code nor a registration "
                            "code (10-24 digits/capital letters)", field_name="code")
    trapped = kw.pop("trapped_count", 0)
    if not isinstance(trapped, int | np.integer) or isinstance(trapped, bool) or trapped < 0:
        raise AlarmRejected(f"must be a whole number >= 0, got {trapped!r}",
                            field_name="trapped_count")
    return Alarm(channel=channel, code=code, alarm_type=normalise_type(alarm_type),
                 source=source, at=at, trapped_count=int(trapped), **kw)


def parse_alarm_json(text: str | bytes, *, default_channel: str = "automatic") -> Alarm:
    """Validate an alarm message (the JSON contract of ``docs/alarm-json.md``).

    Raises
    ------
    AlarmRejected
        With a reason naming the field: too large, not JSON, not an object, missing or bad
        code, unknown type, bad time.
    """
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_MESSAGE_BYTES:
        raise AlarmRejected(f"message is {size} bytes, more than {MAX_MESSAGE_BYTES}")
    try:
        msg = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AlarmRejected(f"not valid JSON ({exc})") from None
    if not isinstance(msg, dict):
        raise AlarmRejected(f"the message must be a JSON object, got {type(msg).__name__}")
    raw = text if isinstance(text, str) else text.decode("utf-8", "replace")
    code = msg.get("rescue_code") or msg.get("registration_code")
    if not code or not isinstance(code, str):
        raise AlarmRejected("needs 'rescue_code' or 'registration_code' (a string)",
                            field_name="rescue_code")
    channel = msg.get("channel", default_channel)
    if channel == "automatic" and not str(msg.get("device_id") or "").strip():
        raise AlarmRejected("an automatic alarm needs the device id", field_name="device_id")
    if "time" not in msg:
        raise AlarmRejected("missing; use ISO 8601 like 2026-11-21T08:30:00+08:00",
                            field_name="time")
    message_id = msg.get("message_id")
    if message_id is not None and (not isinstance(message_id, str) or not message_id.strip()
                                   or len(message_id) > 128):
        raise AlarmRejected("must be a non-empty string of at most 128 characters",
                            field_name="message_id")
    return make_alarm(str(channel), code,
                      alarm_type=msg.get("alarm_type", msg.get("event_type", "")),
                      source=str(msg.get("source", "") or ""), at=parse_time(msg["time"]),
                      device_id=str(msg.get("device_id", "") or ""), message_id=message_id,
                      trapped_count=msg.get("trapped_count", 0),
                      note=str(msg.get("note", "") or "")[:2000], raw=raw)


def parse_time(value: Any) -> dt.datetime:
    """ISO 8601 time; a time without offset is China time (Asia/Shanghai)."""
    if not isinstance(value, str):
        raise AlarmRejected(f"must be an ISO 8601 string, got {value!r}", field_name="time")
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AlarmRejected(f"{value!r} is not an ISO 8601 time like "
                            "2026-11-21T08:30:00+08:00", field_name="time") from None
    return when.replace(tzinfo=_LOCAL) if when.tzinfo is None else when


def check_time(alarm: Alarm, now: dt.datetime) -> None:
    if alarm.at is None:
        return
    delta = (alarm.at - now).total_seconds()
    if delta > MAX_FUTURE_S:
        raise AlarmRejected(f"{alarm.at.isoformat()} is {delta / 60:.0f} min in the future; "
                            "check the device clock", field_name="time")
    if -delta > MAX_AGE_S:
        raise AlarmRejected(f"{alarm.at.isoformat()} is more than {MAX_AGE_S // 3600} h old; "
                            "a stale message is not a live alarm", field_name="time")


def receive_alarm(log_: IncidentLog, index: ElevatorIndex, alarm: Alarm | AlarmRejected, *,
                  actor: Actor, clock: Clock, rules: EscalationRules | None = None
                  ) -> IntakeResult:
    """Store one alarm and turn it into (or merge it into) an incident; never raises for a
    bad alarm (it is stored with ``accepted = False`` and the reason, and logged)."""
    rules = rules or EscalationRules()
    now = clock.now()
    if isinstance(alarm, AlarmRejected):
        return _reject(log_, alarm.reason, None, actor, now)
    try:
        check_time(alarm, now)
        elevator = index.lookup(alarm.code)
        if elevator is None:
            raise AlarmRejected(f"no elevator has the code {alarm.code}; check the rescue or "
                                "registration code", field_name="code")
    except AlarmRejected as exc:
        return _reject(log_, exc.reason, alarm, actor, now)
    for attempt in range(2):
        try:
            return _accept(log_, elevator, alarm, actor, to_epoch_s(now), rules)
        except IntegrityError:  # another workstation opened the incident or stored the id
            if attempt:
                raise
    raise AssertionError("unreachable")


def _alarm_row(alarm: Alarm | None, now_s: float, actor: Actor, **kw: Any) -> dict[str, Any]:
    a = alarm or Alarm(channel="", code="")
    reg = kw.pop("registration_code", "")
    return {"received_at_s": now_s, "channel": a.channel, "source": a.source,
            "message_id": a.message_id, "device_id": a.device_id,
            "registration_code": reg or (a.code if not _RESCUE.match(a.code) else ""),
            "rescue_code": a.code if _RESCUE.match(a.code) else "",
            "alarm_type": a.alarm_type, "alarm_at_s": to_epoch_s(a.at) if a.at else None,
            "operator": actor.operator, "workstation": actor.workstation, "raw": a.raw, **kw}


def _reject(log_: IncidentLog, reason: str, alarm: Alarm | None, actor: Actor,
            now: dt.datetime) -> IntakeResult:
    log.warning("alarm rejected: %s%s", reason, f" (code {alarm.code})" if alarm else "")
    row = _alarm_row(alarm, to_epoch_s(now), actor, accepted=False, reject_reason=reason)
    if alarm is not None and alarm.message_id:
        row["message_id"] = None  # a corrected resend with the same id must still get in
        row["raw"] = row["raw"] or json.dumps({"message_id": alarm.message_id})
    with log_.write() as conn:
        alarm_id = conn.execute(schema.alarms.insert().values(**row)).inserted_primary_key[0]
    return IntakeResult(alarm_id=int(alarm_id), accepted=False, reason=reason)


def _accept(log_: IncidentLog, el: Mapping[str, Any], alarm: Alarm, actor: Actor, now_s: float,
            rules: EscalationRules) -> IntakeResult:
    t, a = schema.incidents, schema.alarms
    reg = str(el["registration_code"])
    with log_.write() as conn:
        if alarm.message_id:
            seen = conn.execute(select(a.c.alarm_id, a.c.incident_id)
                                .where(a.c.message_id == alarm.message_id)).one_or_none()
            if seen is not None:
                return IntakeResult(alarm_id=int(seen[0]), accepted=True, duplicate=True,
                                    incident_id=seen[1], reason="already received",
                                    elevator=dict(el))
        inc = conn.execute(select(t).where(t.c.open_code == reg)).mappings().one_or_none()
        if inc is None:
            inc = conn.execute(
                select(t).where(t.c.registration_code == reg,
                                t.c.state.in_(("released", "closed")),
                                t.c.last_alarm_at_s >= now_s - rules.merge_window_s)
                .order_by(t.c.incident_id.desc()).limit(1)).mappings().one_or_none()
        merged = inc is not None
        if inc is None:
            inc = _open_incident(conn, el, alarm, now_s, rules)
        alarm_id = conn.execute(a.insert().values(**_alarm_row(
            alarm, now_s, actor, registration_code=reg, accepted=True, reject_reason="",
            incident_id=inc["incident_id"]))).inserted_primary_key[0]
        changes = {"alarm_count": int(inc["alarm_count"]) + 1,
                   "last_alarm_at_s": max(float(inc["last_alarm_at_s"]), now_s),
                   "trapped_count": max(int(inc["trapped_count"]), alarm.trapped_count),
                   "cause": _worse(str(inc["cause"]), alarm.alarm_type)}
        data = {"alarm_id": int(alarm_id), "channel": alarm.channel, "source": alarm.source,
                "alarm_type": alarm.alarm_type, "device_id": alarm.device_id,
                "trapped_count": alarm.trapped_count, "merged": merged,
                "late_source": merged and inc["state"] in ("released", "closed")}
        label = f"{alarm.channel}{'/' + alarm.source if alarm.source else ''}"
        note = (f"{'merged ' if merged else ''}{label} alarm: {ALARM_TYPES[alarm.alarm_type]}"
                + (f"; {alarm.note}" if alarm.note else ""))
        ev = append_event(conn, inc, kind="alarm", at_s=now_s, actor=actor, note=note,
                          data=data, changes=changes)
    return IntakeResult(alarm_id=int(alarm_id), accepted=True, incident_id=int(ev.incident_id),
                        merged=merged, event=ev, elevator=dict(el))


def _open_incident(conn: Any, el: Mapping[str, Any], alarm: Alarm, now_s: float,
                   rules: EscalationRules) -> dict[str, Any]:
    district = str(el.get("district_adcode", ""))
    row = {"registration_code": str(el["registration_code"]),
           "rescue_code": str(el.get("rescue_code", "")),
           "open_code": str(el["registration_code"]), "address": str(el.get("address", "")),
           "district_adcode": district, "district_name": str(el.get("district_name", "")),
           "lon": float(el["lon"]), "lat": float(el["lat"]),
           "maintenance_unit_id": str(el.get("maintenance_unit_id", "")),
           "cause": alarm.alarm_type, "first_channel": alarm.channel,
           "trapped_count": alarm.trapped_count, "state": "received", "level": 1,
           "limit_s": rules.limit_for(district), "reported_at_s": now_s,
           "last_alarm_at_s": now_s, "alarm_count": 0, "station_id": "",
           "station_unit_id": "", "station_kind": "", "updated_at_s": now_s, "version": 0}
    iid = conn.execute(schema.incidents.insert().values(**row)).inserted_primary_key[0]
    return {**row, "incident_id": int(iid), "alarm_count": 0}


def _worse(a: str, b: str) -> str:
    order = list(ALARM_TYPES)
    return a if order.index(a) <= order.index(b) else b

