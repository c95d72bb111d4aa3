"""What the main window does off the UI thread when it opens a database.

:func:`open_database_job` returns the worker function (:class:`app.workers.Worker`) that opens
the store, creates the SYNTHETIC demo registry on first run, loads the registry, builds the map
data (projection; the picking indexes wait until after the first frame) and the command centre.
:func:`start_with_progress` runs such a job behind a cancellable, window-modal progress dialog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
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


def open_database_job(url: str | None, config: Config, actor: Actor
                      ) -> Callable[[Callable[[float], None], Callable[[], bool]], Opened | None]:
    """The worker function ``job(progress, cancelled)`` opening ``url`` (module doc).

    ``config`` holds the settings' thresholds; the registry's own city and "as of" date (in its
    metadata) replace those of ``config`` for the map and the command centre.
    """

    def job(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> Opened | None:
        from app.command_centre import build_command_centre
        from app.map.data import build_map_data
        from gis.boundaries import load_districts
        from gis.store import open_store
        from gis.synth import generate_registry

        store = open_store(url)
        if not store.has_registry():
            progress(0.0)
            districts = load_districts(config.adcode)
            registry = generate_registry(districts, seed=0, config=config,
                                         progress=lambda f: progress(0.8 * f),
                                         cancelled=cancelled)
            if cancelled():
                return None
            store.save_registry(registry, progress=lambda f: progress(0.8 + 0.2 * f),
                                cancelled=cancelled)
        registry = store.load_registry()
        as_of = registry.meta.get("as_of")
        cfg = config.with_(adcode=registry.meta.get("adcode") or config.adcode,
                           as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.today())
        data = build_map_data(registry, cfg, index=False)
        try:  # the map opens even if the incident tables cannot be made
            centre: Any = build_command_centre(store, registry, actor, cfg)
        except LiftGuardError as exc:
            centre = exc
        return registry, data, centre

    return job


def start_with_progress(parent: QWidget, job: Callable[..., Any], *, text: str,
                        cancel_text: str, title: str) -> Worker:
    """Start ``job(progress, cancelled)`` on the worker pool behind a progress dialog (shown
    after 300 ms; its Cancel button cancels the job; closed when the job ends, before the
    caller's ``finished``/``failed`` handlers run: connect them to the returned worker)."""
    dialog = QProgressDialog(text, cancel_text, 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    worker = Worker(job)
    dialog.canceled.connect(worker.cancel)
    worker.signals.progress.connect(lambda f: dialog.setValue(int(f * 100)))

    def close(*_args: Any) -> None:
        dialog.canceled.disconnect(worker.cancel)
        dialog.reset()
        dialog.deleteLater()

    worker.signals.finished.connect(close)
    worker.signals.failed.connect(close)
    return start(worker)
