"""Domain thresholds as one frozen configuration object with documented defaults.

Every number the policies set (age thresholds, rescue limits, IoT targets) lives here, never as
a literal in analysis code. ``app/settings.py`` builds a :class:`Config` from QSettings; the
command line builds one from its options; both pass it into :mod:`gis` functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from gis.errors import ConfigError

#: Shanghai, the default city (administrative code).
DEFAULT_ADCODE = "310000"
#: Province-level codes of the four municipalities (直辖市): every district counts as city.
MUNICIPALITY_PREFIXES = ("11", "12", "31", "50")


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
    rescue_limits_by_district
        Per-district rescue limit overrides in seconds, by 6-digit adcode (local ordinances
        may be stricter: Shanghai asks for the rescue to be *finished* within 30 min).
    rescue_clock_start
        Per-district clock start, ``"report"`` (default: the trapped-passenger report, TSG
        T5002) or ``"dispatch"`` (the platform's dispatch order), by adcode.
    """

    adcode: str = DEFAULT_ADCODE
    as_of: dt.date | None = None
    age_assess_years: int = 15
    age_replace_years: int = 20
    rescue_limit_city_s: float = 30 * 60
    rescue_limit_other_s: float = 60 * 60
    iot_targets: dict[int, float] = field(default_factory=lambda: {2025: 0.5, 2027: 1.0})
    overspeed_cutoff_year: int = 2005
    rescue_limits_by_district: Mapping[str, float] = field(default_factory=dict)
    rescue_clock_start: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (0 < self.age_assess_years < self.age_replace_years < 100):
            raise ConfigError(
                "age thresholds must satisfy 0 < assess < replace < 100 years, got "
                f"{self.age_assess_years} and {self.age_replace_years}"
            )
        for name in ("rescue_limit_city_s", "rescue_limit_other_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be a positive number of seconds")
        for code, limit in self.rescue_limits_by_district.items():
            if not float(limit) > 0:
                raise ConfigError(f"rescue limit for district {code} must be positive seconds")
        for code, start in self.rescue_clock_start.items():
            if start not in ("report", "dispatch"):
                raise ConfigError(f"clock start for district {code} must be 'report' or "
                                  f"'dispatch', got {start!r}")
        for year, share in self.iot_targets.items():
            if not 0.0 <= share <= 1.0:
                raise ConfigError(f"IoT target for {year} must be a share in 0..1, got {share}")

    @property
    def today(self) -> dt.date:
        """The "as of" date, defaulting to the current date."""
        return self.as_of or dt.date.today()

    def rescue_limit_s(self, adcode: str) -> float:
        """The rescue arrival limit for one district (see :meth:`rescue_limits_s`)."""
        return float(self.rescue_limits_s(np.array([str(adcode)]))[0])

    def rescue_limits_s(self, adcodes: object) -> np.ndarray:
        """Rescue arrival limit in seconds per district code (vectorised over elevators).

        Default rule (TSG T5002): the city limit (30 min) in municipalities and in the urban
        districts (市辖区) of prefecture-level cities, the other limit (1 h) in counties and
        county-level cities. GB/T 2260 numbers urban districts 01-20 in the last two digits,
        counties 21-80 and county-level cities 81-99. Explicit overrides win.
        """
        codes = np.asarray(adcodes, dtype=str)
        if codes.size == 0:
            return np.empty(0)
        uniques, inverse = np.unique(codes, return_inverse=True)
        per_code = np.array([self._limit_for_code(c) for c in uniques], dtype=float)
        return per_code[inverse].reshape(codes.shape)

    def _limit_for_code(self, code: str) -> float:
        if code in self.rescue_limits_by_district:
            return float(self.rescue_limits_by_district[code])
        if code[:2] in MUNICIPALITY_PREFIXES or not code.isdigit() or len(code) != 6:
            return self.rescue_limit_city_s
        return self.rescue_limit_city_s if int(code[4:]) <= 20 else self.rescue_limit_other_s

    def with_(self, **changes: object) -> Config:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]
