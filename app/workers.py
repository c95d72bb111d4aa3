"""One helper for long work off the UI thread, with progress and cancel.

``Worker`` wraps a function ``fn(progress, cancelled) -> result`` from :mod:`gis`; :func:`start`
runs it on a pool of **persistent Python threads** and it reports through Qt signals that are
delivered on the UI thread (queued: the signal object lives there).

Why not QThreadPool: a QThreadPool thread is not a Python thread, so PySide creates a Python
thread state for each job and destroys it afterwards. Everything thread-local dies with it
while C libraries keep their per-OS-thread state: pyproj keeps its PROJ context pointer in OS
thread storage but frees the context with the Python thread-local that owns it, so the next
job on the same pool thread used freed memory and segfaulted. Python threads keep one thread
state for their whole life.

Lifetimes: the pool holds each worker (and its signal QObject) until its last signal has been
delivered on the UI thread, so callers may drop their reference, and the QObject is released
on its own thread, never on the worker thread. The job starts only when control returns to
the event loop, so signals connected right after :func:`start` are never missed.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

POOL_NAME = "liftguardWorkerPool"


class WorkerSignals(QObject):
    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(object, str)  # the exception and its formatted traceback
    done = Signal()  # after finished/failed: the pool lets the worker go


class Worker:
    """Run ``fn(progress=..., cancelled=...)`` off the UI thread (see :func:`start`).

    ``run()`` may also be called directly on any Python thread (e.g. a panel's own executor).
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.signals = WorkerSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.fn(progress=self.signals.progress.emit, cancelled=self.is_cancelled)
        except BaseException as exc:  # reaches the error funnel on the UI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()


class WorkerPool(QObject):
    """Persistent Python threads for :class:`Worker` jobs (one per application)."""

    def __init__(self, parent: QObject | None = None, *, threads: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(POOL_NAME)
        self._executor = ThreadPoolExecutor(max_workers=threads or max(2, os.cpu_count() or 2),
                                            thread_name_prefix="liftguard-worker")
        self._running: dict[int, Worker] = {}

    def start(self, worker: Worker) -> Worker:
        """Queue ``worker``; it starts once control is back in the event loop."""
        token = id(worker)
        self._running[token] = worker
        # the partial holds the token, not the worker (no reference cycle through Qt)
        worker.signals.done.connect(partial(self._release, token),
                                    Qt.ConnectionType.QueuedConnection)
        QTimer.singleShot(0, self, partial(self._submit, token))
        return worker

    def _submit(self, token: int) -> None:
        worker = self._running.get(token)
        if worker is not None:
            self._executor.submit(worker.run)

    def _release(self, token: int) -> None:
        self._running.pop(token, None)

    @property
    def active(self) -> int:
        """Workers queued or running whose signals are not all delivered yet."""
        return len(self._running)

    def shutdown(self, *, wait: bool = True) -> None:
        """Cancel every worker and stop the threads (at application exit)."""
        for worker in list(self._running.values()):
            worker.cancel()
        self._executor.shutdown(wait=wait, cancel_futures=True)


def pool() -> WorkerPool:
    """The application's worker pool (created on first use as a child of the QApplication,
    shut down when it quits)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before starting workers")
    found = app.findChild(WorkerPool, POOL_NAME)
    if found is None:
        found = WorkerPool(app)
        app.aboutToQuit.connect(partial(found.shutdown, wait=False))
    return found


def start(worker: Worker) -> Worker:
    """Run ``worker`` in the application's pool; returns it (connect its signals now)."""
    return pool().start(worker)
