"""Create the QApplication, load translations, show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow
from app.settings import Settings

TRANSLATIONS = Path(__file__).resolve().parent.parent / "resources" / "translations"


def install_translator(app: QApplication, language: str) -> QTranslator | None:
    """Load ``liftguard_<lang>.qm`` for the chosen language ("system" follows the locale)."""
    name = QLocale.system().name() if language == "system" else language
    if name.startswith("en"):
        return None
    translator = QTranslator(app)
    if translator.load(f"liftguard_{name}", str(TRANSLATIONS)):
        app.installTranslator(translator)
        return translator
    return None


def run_app(*, db_url: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("LiftGuard")
    app.setOrganizationName("LiftGuard")
    settings = Settings()
    install_translator(app, settings.language)
    window = MainWindow(settings, db_url)
    window.show()
    window.open_database()
    return app.exec()
