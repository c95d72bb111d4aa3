"""The replay controller: the time of a replay and how it moves (a QObject, no widgets).

``play`` advances the replay time by real elapsed time × ``speed`` on a timer (so a slow frame
does not slow the replay down, it only drops a frame); ``step_next`` jumps to the next event;
``jump`` anywhere in the replay; ``loop`` restarts at the end instead of pausing.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from gis.errors import ConfigError
from gis.replay import Replay

SPEEDS = (1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)
MIN_SPEED, MAX_SPEED = 1.0, 600.0
TICK_MS = 40  # 25 frames per second


class ReplayController(QObject):
    """Replay time, play/pause, speed and loop; setters emit only on a real change."""

    replay_changed = Signal()
    time_changed = Signal(float)
    playing_changed = Signal(bool)
    speed_changed = Signal(float)
    loop_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replay: Replay | None = None
        self._t = 0.0
        self._speed = 60.0
        self._loop = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()

    # ------------------------------------------------------------------ state
    @property
    def time_s(self) -> float:
        return self._t

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def loop(self) -> bool:
        return self._loop

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def start_s(self) -> float:
        return self.replay.start_s if self.replay is not None else 0.0

    @property
    def end_s(self) -> float:
        return self.replay.end_s if self.replay is not None else 0.0

    def set_replay(self, replay: Replay | None) -> None:
        self.pause()
        self.replay = replay
        self.replay_changed.emit()
        self._t = float("nan")
        self.jump(self.start_s)

    def set_speed(self, speed: float) -> None:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ConfigError(f"replay speed must be {MIN_SPEED:g}x..{MAX_SPEED:g}x, "
                              f"got {speed:g}x")
        if speed != self._speed:
            self._speed = float(speed)
            self.speed_changed.emit(self._speed)

    def set_loop(self, loop: bool) -> None:
        if loop != self._loop:
            self._loop = bool(loop)
            self.loop_changed.emit(self._loop)

    # ------------------------------------------------------------------ moves
    def jump(self, t_s: float) -> None:
        """Go to ``t_s`` (clamped to the replay)."""
        t = min(max(float(t_s), self.start_s), self.end_s)
        if t != self._t:
            self._t = t
            self.time_changed.emit(t)

    def step_next(self) -> None:
        """Pause and go to the next event."""
        self.pause()
        if self.replay is not None:
            nxt = self.replay.next_event_s(self._t)
            if nxt is not None:
                self.jump(nxt)

    def step_previous(self) -> None:
        self.pause()
        if self.replay is not None:
            prev = self.replay.previous_event_s(self._t)
            if prev is not None:
                self.jump(prev)

    def play(self) -> None:
        if self.replay is None or self.playing:
            return
        if self._t >= self.end_s:
            self.jump(self.start_s)
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def advance(self, real_s: float) -> None:
        """Move on by ``real_s`` real seconds at the current speed (the timer calls this)."""
        t = self._t + real_s * self._speed
        if t >= self.end_s:
            if self._loop:
                self.jump(self.start_s + (t - self.end_s) % max(self.end_s - self.start_s, 1))
                return
            self.jump(self.end_s)
            self.pause()
            return
        self.jump(t)

    def _tick(self) -> None:
        self.advance(self._clock.restart() / 1000.0)
