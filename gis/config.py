"""Domain thresholds as one frozen configuration object with documented defaults.

Every number the policies set (age thresholds, rescue limits, IoT targets) lives here, never as
a literal in analysis code. ``app/settings.py`` builds a :class:`Config` from QSettings; the
command line builds one from its options; both pass it into :mod:`gis` functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from gis.errors import ConfigError

#: Shanghai, the default city (administrative code).
DEFAULT_ADCODE = "310000"


@dataclass(frozen=True)
class Config:
    """Thresholds and targets used across the product.

    Attributes
    ----------
    adcode
        Administrative code of the city or province being worked on (``310000`` = Shanghai).
    as_of
        Date ages are computed at. ``None`` means today.
    age_assess_years
        Years in use that trigger a safety assessment (seed 004: 15).
    age_replace_years
        Years in use that make replacement a priority (seed 004: 20).
    rescue_limit_city_s
        Rescuer on site limit in municipalities and prefecture-level cities (TSG T5002: 30 min).
    rescue_limit_other_s
        The same limit elsewhere (TSG T5002: 1 h).
    iot_targets
        Residential remote-monitoring coverage targets by year end (Shanghai plans: 50% by
        2025, 100% by 2027).
    overspeed_cutoff_year
        Elevators produced before 1 January of this year without ascending-car overspeed
        protection should get it at modernisation (seed 004: 2005).
    """

    adcode: str = DEFAULT_ADCODE
    as_of: dt.date | None = None
    age_assess_years: int = 15
    age_replace_years: int = 20
    rescue_limit_city_s: float = 30 * 60
    rescue_limit_other_s: float = 60 * 60
    iot_targets: dict[int, float] = field(default_factory=lambda: {2025: 0.5, 2027: 1.0})
    overspeed_cutoff_year: int = 2005

    def __post_init__(self) -> None:
        if not (0 < self.age_assess_years < self.age_replace_years < 100):
            raise ConfigError(
                "age thresholds must satisfy 0 < assess < replace < 100 years, got "
                f"{self.age_assess_years} and {self.age_replace_years}"
            )
        for name in ("rescue_limit_city_s", "rescue_limit_other_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be a positive number of seconds")
        for year, share in self.iot_targets.items():
            if not 0.0 <= share <= 1.0:
                raise ConfigError(f"IoT target for {year} must be a share in 0..1, got {share}")

    @property
    def today(self) -> dt.date:
        """The "as of" date, defaulting to the current date."""
        return self.as_of or dt.date.today()

    def with_(self, **changes: object) -> Config:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]
