"""What the main window does off the UI thread when it opens a database.

:func:`open_database_job` returns the worker function (:class:`app.workers.Worker`) that opens
the store, creates the SYNTHETIC demo registry on first run, loads the registry, builds the map
data (projection; the picking indexes wait until after the first frame) and the command centre.
:func:`start_with_progress` runs such a job behind a cancellable, window-modal progress dialog.

Start-up reads the registry in two steps of one database snapshot
(:meth:`gis.store.Store.snapshot`): first only :data:`MAP_COLUMNS`, what the map's first frame
needs (0.8 s instead of 1.6 s for 304,634 elevators), handed to the window through
:attr:`LoadSignals.first` with the map data built from them; then, once the window has drawn
that frame (:attr:`LoadSignals.drawn`), the remaining columns (codes, addresses, units) and
the command centre. Until the job finishes, the window treats the registry as partial: the
inspector, search and rescue planning wait for the full frame.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.workers import Worker, start
from gis.errors import LiftGuardError

if TYPE_CHECKING:
    from app.map.data import MapData
    from gis.config import Config
    from gis.incidents.log import Actor
    from gis.registry import Registry

#: What the job returns: the registry, its map data and the command centre, or the error that
#: kept the centre from being built (the map opens anyway); ``None`` when cancelled.
Opened = tuple["Registry", "MapData", Any]

#: The elevator columns the map's first frame needs: coordinates, district, and what
#: :func:`gis.thematic.prepare_table` classifies (age, risk, IoT, retrofit, filters).
#: In contract order (``ELEVATOR_COLUMNS``), as the store returns them. tests/app/
#: test_main_window.py checks that map data built from them equals the full build.
MAP_COLUMNS: tuple[str, ...] = (
    "district_adcode", "lon", "lat", "building_type", "is_addon", "registration_date",
    "iot_device", "risk_class", "retrofit_status", "retrofit_status_date",
    "complaints_12345", "complaints_962121",
)

#: Longest wait for the first frame before the job reads the rest anyway (seconds).
FIRST_FRAME_WAIT_S = 5.0


class LoadSignals(QObject):
    """The two-step load's hand-over between the job and the window (module doc).

    ``first(MapData)`` carries map data built from :data:`MAP_COLUMNS` only (its
    ``registry.elevators`` holds just those columns); the window sets :attr:`drawn` once it
    has drawn it (or will not draw it, e.g. hidden), and the job then reads the rest.
    """

    first = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.drawn = threading.Event()


def open_database_job(url: str | None, config: Config, actor: Actor, *,
                      signals: LoadSignals | None = None
                      ) -> Callable[[Callable[[float], None], Callable[[], bool]], Opened | None]:
    """The worker function ``job(progress, cancelled)`` opening ``url`` (module doc).

    ``config`` holds the settings' thresholds; the registry's own city and "as of" date (in its
    metadata) replace those of ``config`` for the map and the command centre. With
    ``signals`` the registry is read in two steps (module doc); the returned map data is the
    object sent through ``signals.first``, its ``registry`` not yet the full one (the window
    swaps it in).
    """

    def job(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> Opened | None:
        from app.command_centre import build_command_centre
        from app.map.data import build_map_data
        from gis.demo import create_demo
        from gis.errors import Cancelled
        from gis.store import default_db_url, open_store

        store = open_store(url)
        if not store.has_registry():  # first run: the SYNTHETIC demo, roads included
            progress(0.0)
            try:
                create_demo(store, url or default_db_url(), config=config,
                            progress=progress, cancelled=cancelled)
            except Cancelled:
                return None
            if cancelled():
                return None
        with store.snapshot() as snap:
            first = snap.load_registry(columns=MAP_COLUMNS if signals is not None else None)
            as_of = first.meta.get("as_of")
            cfg = config.with_(adcode=first.meta.get("adcode") or config.adcode,
                               as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.today())
            data = build_map_data(first, cfg, index=False)
            if signals is not None:
                signals.first.emit(data)
                _wait_for_frame(signals.drawn, cancelled)
                if cancelled():
                    return None
            registry = snap.load_registry()
        try:  # the map opens even if the incident tables cannot be made
            centre: Any = build_command_centre(store, registry, actor, cfg)
        except LiftGuardError as exc:
            centre = exc
        return registry, data, centre

    return job


def _wait_for_frame(drawn: threading.Event, cancelled: Callable[[], bool]) -> None:
    """Let the UI thread draw the first frame without this job holding the GIL meanwhile."""
    waited_s = 0.0
    while not drawn.wait(0.05) and not cancelled() and waited_s < FIRST_FRAME_WAIT_S:
        waited_s += 0.05


def start_with_progress(parent: QWidget, job: Callable[..., Any], *, text: str,
                        cancel_text: str, title: str, close_on: Any = None) -> Worker:
    """Start ``job(progress, cancelled)`` on the worker pool behind a progress dialog (shown
    after 300 ms; its Cancel button cancels the job; closed when the job ends, before the
    caller's ``finished``/``failed`` handlers run: connect them to the returned worker).

    ``close_on`` is a signal that closes the dialog earlier (e.g. :attr:`LoadSignals.first`,
    connected before the caller's handlers, so the map is not under a modal dialog)."""
    dialog = QProgressDialog(text, cancel_text, 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    worker = Worker(job)
    dialog.canceled.connect(worker.cancel)
    worker.signals.progress.connect(lambda f: dialog.setValue(int(f * 100)))

    closed = False

    def close(*_args: Any) -> None:
        nonlocal closed
        if closed:
            return
        closed = True
        dialog.canceled.disconnect(worker.cancel)
        dialog.reset()
        dialog.deleteLater()

    worker.signals.finished.connect(close)
    worker.signals.failed.connect(close)
    if close_on is not None:
        close_on.connect(close)
    return start(worker)
