"""The main window: the district summary table, status of the open database, menus.

The map canvas (issue 3) becomes the central widget; the district table then moves to a dock.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressDialog,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.models.registry_model import RegistryModel
from app.models.summary_model import SummaryTableModel
from app.settings import Settings
from app.workers import Worker, start
from gis.errors import LiftGuardError
from gis.registry import Registry


class MainWindow(QMainWindow):
    """LiftGuard's main window over one database."""

    registry_loaded = Signal()

    def __init__(self, settings: Settings, db_url: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.db_url = db_url
        self.registry_model = RegistryModel(self)
        self.setWindowTitle(self.tr("LiftGuard - elevator emergency command"))
        self.resize(1400, 900)

        self.summary_model = SummaryTableModel(self.registry_model,
                                               chinese=settings.language == "zh_CN")
        self.summary_view = QTableView()
        self.summary_view.setModel(self.summary_model)
        self.summary_view.setAlternatingRowColors(True)
        self.summary_view.horizontalHeader().setStretchLastSection(True)
        self.banner = QLabel()
        self.banner.setObjectName("datasetBanner")
        self.banner.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary_view)
        self.setCentralWidget(central)
        self.status = QLabel()
        self.statusBar().addPermanentWidget(self.status)
        self._worker: Worker | None = None
        self._progress: QProgressDialog | None = None
        self._build_menus()
        self.registry_model.changed.connect(self._update_status)
        self._update_status()

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        reload_action = QAction(self.tr("&Reload database"), self)
        reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        reload_action.triggered.connect(self.open_database)
        file_menu.addAction(reload_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu

    # --------------------------------------------------------------- loading
    def open_database(self) -> Worker:
        """Open the database off the UI thread; create the synthetic demo on first run."""
        from gis.boundaries import load_districts
        from gis.store import open_store
        from gis.synth import generate_registry

        url = self.db_url
        config = self.settings.config(as_of=dt.date.today())

        def job(progress, cancelled) -> Registry | None:  # noqa: ANN001
            store = open_store(url)
            if not store.has_registry():
                progress(0.0)
                districts = load_districts(config.adcode)
                registry = generate_registry(
                    districts, seed=0, config=config,
                    progress=lambda f: progress(0.8 * f), cancelled=cancelled)
                if cancelled():
                    return None
                store.save_registry(registry, progress=lambda f: progress(0.8 + 0.2 * f),
                                    cancelled=cancelled)
            return store.load_registry()

        self._progress = QProgressDialog(
            self.tr("Opening the database; on first run a SYNTHETIC demo registry of Shanghai "
                    "(304,634 elevators) is created..."),
            self.tr("Cancel"), 0, 100, self)
        self._progress.setWindowTitle(self.tr("LiftGuard"))
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(300)
        worker = Worker(job)
        self._progress.canceled.connect(worker.cancel)
        worker.signals.progress.connect(lambda f: self._progress and
                                        self._progress.setValue(int(f * 100)))
        worker.signals.finished.connect(self._on_loaded)
        worker.signals.failed.connect(self._on_failed)
        self._worker = worker
        return start(worker)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_loaded(self, registry: Registry | None) -> None:
        self._close_progress()
        if registry is None:
            self.banner.setText(self.tr("Cancelled: no registry was created. Generate one with "
                                        "`liftguard generate` or import elevators."))
            return
        as_of = registry.meta.get("as_of")
        config = self.settings.config(
            adcode=registry.meta.get("adcode"),
            as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.today())
        self.registry_model.set_registry(registry, config)
        self.registry_loaded.emit()

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._close_progress()
        if isinstance(exc, LiftGuardError) and "cancel" in str(exc).lower():
            self.banner.setText(self.tr("Cancelled: nothing was written."))
            return
        self.banner.setText(self.tr("The database could not be opened: %s") % exc)
        show_error(self, exc, details)

    def _update_status(self) -> None:
        reg = self.registry_model.registry
        if reg is None:
            self.banner.setText(self.tr("No registry loaded."))
            self.status.setText("")
            return
        synthetic = reg.is_synthetic
        self.banner.setText(reg.label or self.tr("Registry"))
        self.banner.setStyleSheet(
            "background:#fff3cd;color:#664d03;padding:4px;font-weight:bold" if synthetic else "")
        self.status.setText(self.tr("%n elevator(s)", "", len(reg.elevators))
                            + f" · {self.db_url or 'default database'}")
