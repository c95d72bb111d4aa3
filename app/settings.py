"""Settings in one place: QSettings in, a frozen :class:`gis.config.Config` out.

Keys (all optional; the defaults are :class:`gis.config.Config`'s):

* ``ui/language`` ``system`` | ``en`` | ``zh_CN`` (takes effect at the next start), ``ui/layout``;
* ``centre/operator``, ``centre/workstation`` (who acts; defaults: login and host name);
* ``thresholds/age_assess_years``, ``thresholds/age_replace_years``,
  ``thresholds/rescue_limit_city_s``, ``thresholds/rescue_limit_other_s``,
  ``thresholds/rescue_limits_by_district`` (``"310115=2700, 310151=3600"``: adcode = seconds),
  ``thresholds/rescue_clock_start`` (``"310115=dispatch"``);
* ``iot/enabled``, ``iot/broker``, ``iot/topics`` (comma or space separated), ``iot/client_id``
  (:class:`app.iot.IotSettings`).

Tests pass a ``QSettings`` over a temporary ini file; nothing here touches the user's settings
unless constructed without one.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QObject, QSettings, Signal

from app.iot import IotSettings
from gis.config import Config
from gis.errors import ConfigError

LANGUAGES = ("system", "en", "zh_CN")


def parse_district_map(text: str, *, key: str) -> dict[str, str]:
    """``"310115=2700, 310151=3600"`` → ``{"310115": "2700", ...}``; a clear
    :class:`ConfigError` naming ``key`` and the bad item otherwise."""
    out: dict[str, str] = {}
    for item in re.split(r"[,;\s]+", text.strip()):
        if not item:
            continue
        code, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"\d{6}", code.strip()) or not value.strip():
            raise ConfigError(f"{key}: '{item}' is not ADCODE=VALUE (a 6-digit district code, "
                              "e.g. 310115=2700); fix it in File > Settings")
        out[code.strip()] = value.strip()
    return out


def _as_bool(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


class Settings(QObject):
    """Typed access to the persisted settings; emits ``changed(key)`` on a real change."""

    changed = Signal(str)

    def __init__(self, qsettings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._q = qsettings or QSettings("LiftGuard", "LiftGuard")

    def value(self, key: str, default: object = None) -> object:
        return self._q.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        if self._q.value(key) == value:
            return
        self._q.setValue(key, value)
        self.changed.emit(key)

    @property
    def language(self) -> str:
        """``"system"``, ``"en"`` or ``"zh_CN"``."""
        return str(self._q.value("ui/language", "system"))

    @property
    def operator(self) -> str:
        """The operator's name (empty: the login name is used)."""
        return str(self._q.value("centre/operator", "") or "").strip()

    @property
    def workstation(self) -> str:
        """The workstation id (empty: the host name is used)."""
        return str(self._q.value("centre/workstation", "") or "").strip()

    def _num(self, key: str, default: float) -> float:
        try:
            return float(self._q.value(key, default))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def config(self, *, adcode: str | None = None, as_of: dt.date | None = None) -> Config:
        """The thresholds as a :class:`Config` for :mod:`gis` (validated there: a
        :class:`ConfigError` says which value is wrong)."""
        limits = parse_district_map(str(self._q.value("thresholds/rescue_limits_by_district",
                                                      "") or ""),
                                    key="rescue limits by district")
        try:
            limits_s = {code: float(v) for code, v in limits.items()}
        except ValueError:
            raise ConfigError("rescue limits by district must be seconds (numbers), e.g. "
                              "310115=2700; fix them in File > Settings") from None
        starts = parse_district_map(str(self._q.value("thresholds/rescue_clock_start", "")
                                        or ""), key="rescue clock start")
        return Config(
            adcode=adcode or str(self._q.value("city/adcode", "310000")),
            as_of=as_of,
            age_assess_years=int(self._num("thresholds/age_assess_years", 15)),
            age_replace_years=int(self._num("thresholds/age_replace_years", 20)),
            rescue_limit_city_s=self._num("thresholds/rescue_limit_city_s", 1800),
            rescue_limit_other_s=self._num("thresholds/rescue_limit_other_s", 3600),
            rescue_limits_by_district=limits_s,
            rescue_clock_start=starts,
        )

    def iot(self) -> IotSettings:
        """The IoT (MQTT) intake's settings."""
        default = IotSettings()
        topics = str(self._q.value("iot/topics", "") or "")
        return IotSettings(
            enabled=_as_bool(self._q.value("iot/enabled", False)),
            broker_url=str(self._q.value("iot/broker", "") or default.broker_url).strip(),
            topics=tuple(t for t in re.split(r"[,\s]+", topics) if t) or default.topics,
            client_id=str(self._q.value("iot/client_id", "") or "").strip(),
        )

    def set_iot(self, iot: IotSettings) -> None:
        self.set_value("iot/enabled", "true" if iot.enabled else "false")
        self.set_value("iot/broker", iot.broker_url)
        self.set_value("iot/topics", ", ".join(iot.topics))
        self.set_value("iot/client_id", iot.client_id)

    def sync(self) -> None:
        self._q.sync()
