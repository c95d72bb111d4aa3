"""Clocks: the time source injected into everything that reads "now".

Escalation rules, the incident clock and the simulator never call ``datetime.now()``
themselves; they take a :class:`Clock`. Production code passes :class:`SystemClock`; tests and
the simulator pass a :class:`SimulatedClock` that only moves when told to, so a 30-minute
escalation test or an eight-hour shift runs in milliseconds.

All clocks return timezone-aware UTC datetimes; :func:`to_epoch_s` / :func:`from_epoch_s`
convert to and from the epoch seconds stored in the incident tables.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol, runtime_checkable

UTC = dt.UTC


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now() -> aware datetime`` (UTC) and ``sleep(seconds)``."""

    def now(self) -> dt.datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time (UTC) and real sleeping."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class SimulatedClock:
    """A clock that moves only when :meth:`advance`, :meth:`set` or :meth:`sleep` is called.

    Parameters
    ----------
    start
        Starting time; naive datetimes are read as UTC.
    speed
        Real seconds slept per simulated second is ``1 / speed`` when ``speed`` is given
        (``speed=60``: one simulated minute per real second); ``None`` never sleeps for real
        (as fast as possible).
    """

    def __init__(self, start: dt.datetime, *, speed: float | None = None) -> None:
        if speed is not None and speed <= 0:
            from gis.errors import ConfigError

            raise ConfigError(f"clock speed must be positive, got {speed}")
        self._now = _aware(start)
        self.speed = speed

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, seconds: float) -> dt.datetime:
        """Move forward ``seconds`` (never backwards) without sleeping; returns the new time."""
        if seconds > 0:
            self._now += dt.timedelta(seconds=seconds)
        return self._now

    def set(self, when: dt.datetime) -> dt.datetime:
        """Jump to ``when`` if it is later than now (time never runs backwards)."""
        when = _aware(when)
        if when > self._now:
            self._now = when
        return self._now

    def sleep(self, seconds: float) -> None:
        """Advance by ``seconds``, sleeping ``seconds / speed`` real seconds if a speed is set."""
        if seconds <= 0:
            return
        if self.speed is not None:
            time.sleep(seconds / self.speed)
        self.advance(seconds)


def _aware(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def to_epoch_s(when: dt.datetime) -> float:
    """Epoch seconds of a datetime (naive = UTC)."""
    return _aware(when).timestamp()


def from_epoch_s(seconds: float) -> dt.datetime:
    """Aware UTC datetime of epoch seconds."""
    return dt.datetime.fromtimestamp(float(seconds), UTC)
