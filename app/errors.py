"""The one error funnel: user errors get a plain message, bugs get details."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from gis.errors import LiftGuardError

log = logging.getLogger("liftguard")


def show_error(parent: QWidget | None, exc: BaseException, details: str = "") -> None:
    """Show ``exc``: :class:`LiftGuardError` plainly, anything else as an internal error."""
    box = QMessageBox(parent)
    if isinstance(exc, LiftGuardError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(box.tr("LiftGuard"))
        box.setText(str(exc))
        log.warning("%s", exc)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(box.tr("LiftGuard: internal error"))
        box.setText(box.tr("Something went wrong inside LiftGuard. Please report it with the "
                           "details below."))
        box.setDetailedText(details or repr(exc))
        log.error("internal error: %r\n%s", exc, details)
    box.open()
