"""Live updates for the workstation: new incident events from other workstations, and whether
the shared database can be reached.

:class:`LiveUpdates` runs a :class:`gis.live.EventListener` on a Python thread (not a
QThread, see :mod:`app.workers`) and re-emits what it yields as Qt signals, delivered on the UI
thread (the object lives there, so the connections are queued):

* ``eventsArrived(list)`` – new :class:`gis.incidents.log.IncidentEvent` s in commit order,
  each exactly once, including the ones missed while offline (caught up on reconnect);
* ``onlineChanged(bool)`` – the connection state; ``reason`` says why when offline.

Hook for the main window::

    live = LiveUpdates(db_url, after_event_id=log.last_event_id(), parent=window)
    live.eventsArrived.connect(board_model.refresh)       # and the map / supervisor panel
    live.onlineChanged.connect(window.set_online)         # banner + disable shared actions
    live.start()                                          # live.stop() in closeEvent

Before an action that needs the shared state, call :meth:`LiveUpdates.require_online`: offline
it raises :class:`gis.errors.StoreError` with a plain message, so the error funnel shows it and
the dialog keeps what the operator typed.

If the object goes away without :meth:`LiveUpdates.stop` (its parent window is destroyed, or
the last Python reference is dropped), the listening thread stops quietly: it holds the object
only weakly, the deletion sets its stop flag, and it never emits through a deleted object.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from gis.errors import StoreError
from gis.live import EventListener

log = logging.getLogger("liftguard.app.live")


class LiveUpdates(QObject):
    """See the module doc. ``listener_options`` go to :class:`gis.live.EventListener`."""

    eventsArrived = Signal(list)
    onlineChanged = Signal(bool)

    def __init__(self, url: str, *, after_event_id: int | None = None,
                 parent: QObject | None = None, **listener_options: Any) -> None:
        super().__init__(parent)
        self._listener = EventListener(url, after_event_id=after_event_id, **listener_options)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._online = False
        self.reason = "connecting"
        stop = self._stop  # the callbacks below must not hold self
        self.destroyed.connect(lambda *_args: stop.set())  # the C++ object is deleted
        weakref.finalize(self, stop.set)  # the Python object is collected

    @property
    def online(self) -> bool:
        return self._online

    def start(self) -> None:
        """Start listening (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=_listen, args=(self._listener, self._stop, weakref.ref(self)),
            name="liftguard-live", daemon=True)
        self._thread.start()

    def stop(self, *, wait_s: float = 5.0) -> None:
        """Stop listening; waits up to ``wait_s`` for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait_s)
            self._thread = None

    def require_online(self, action: str) -> None:
        """Raise :class:`StoreError` if the shared database cannot be reached."""
        if not self._online:
            raise StoreError(f"cannot {action}: this workstation is offline ({self.reason}). "
                             "Nothing was changed and what you typed is kept; try again when "
                             "the connection is back")

    def _set_online(self, online: bool, reason: str) -> None:
        self._online, self.reason = online, reason
        self.onlineChanged.emit(online)


def _listen(listener: EventListener, stop: threading.Event,
            ref: Callable[[], LiveUpdates | None]) -> None:
    """The thread: re-emit the listener's updates through the :class:`LiveUpdates` behind
    ``ref`` until ``stop`` is set or that object is gone (then end without a word)."""

    def emit(deliver: Callable[[LiveUpdates], None]) -> bool:
        live = ref()
        if live is None or stop.is_set():
            stop.set()
            return False
        try:
            deliver(live)
        except RuntimeError:  # deleted between the check and the emit: stop quietly
            stop.set()
            return False
        return True

    try:
        for update in listener.updates(stop):
            if update.status_changed and not emit(
                    lambda live, u=update: live._set_online(u.online, u.reason)):
                return
            if update.events and not emit(
                    lambda live, u=update: live.eventsArrived.emit(list(u.events))):
                return
    except Exception:  # a bug, not a connection problem: keep the app alive, say so
        if stop.is_set():
            return
        log.exception("live updates stopped")
        emit(lambda live: live._set_online(
            False, "live updates stopped after an internal error (see the log)"))
