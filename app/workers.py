"""One helper for long work off the UI thread, with progress and cancel.

``Worker`` wraps a function ``fn(progress, cancelled) -> result`` from :mod:`gis`; it runs in the
global QThreadPool and reports through Qt signals (delivered on the UI thread).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class WorkerSignals(QObject):
    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(object, str)  # the exception and its formatted traceback


class Worker(QRunnable):
    """Run ``fn(progress=..., cancelled=...)`` in the thread pool."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

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


def start(worker: Worker) -> Worker:
    QThreadPool.globalInstance().start(worker)
    return worker
