"""Settings in one place: QSettings in, a frozen :class:`gis.config.Config` out."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QSettings, Signal

from gis.config import Config


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

    def config(self, *, adcode: str | None = None, as_of: dt.date | None = None) -> Config:
        def num(key: str, default: float) -> float:
            try:
                return float(self._q.value(key, default))
            except (TypeError, ValueError):
                return default

        return Config(
            adcode=adcode or str(self._q.value("city/adcode", "310000")),
            as_of=as_of,
            age_assess_years=int(num("thresholds/age_assess_years", 15)),
            age_replace_years=int(num("thresholds/age_replace_years", 20)),
            rescue_limit_city_s=num("thresholds/rescue_limit_city_s", 1800),
            rescue_limit_other_s=num("thresholds/rescue_limit_other_s", 3600),
        )

    def sync(self) -> None:
        self._q.sync()
