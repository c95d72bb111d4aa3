"""Active-channel alarm intake: the operator types a code or an address and gets the elevator.

A passenger calls the hotline or presses the car alarm; a referral comes in from 110, 119,
12345 or a property platform. The operator types the 6-digit rescue code (or the 10-24
character registration code, or part of the address) and the elevator shows at once: a code
is an O(1) look-up in the command centre's :class:`~gis.incidents.intake.ElevatorIndex`, an
address is searched (vectorised) after a short pause in typing. **Enter** builds the alarm
with :func:`gis.incidents.intake.make_alarm` and hands it to
:meth:`app.models.incident_model.IncidentBoardModel.receive`, which goes through
:meth:`gis.incidents.centre.CommandCentre.receive`: the same intake as ``liftguard alarm``.

Keys in the code field: **Enter** creates the alarm, **Up/Down** choose among address hits,
**Esc** clears. The main window focuses the field with a global shortcut (F2 / Ctrl+N).

A typed code that matches no elevator is not an alarm yet: the panel says so and keeps the
text for correction (nothing is written). An alarm the intake refuses (e.g. a passive alarm
without its source) is stored with its reason by the intake, as for any channel.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.models.incident_model import IncidentBoardModel
    from gis.incidents.centre import Received

#: A complete code as typed: 6-digit rescue code or registration code (see gis.incidents.intake).
CODE_PATTERN = re.compile(r"^(\d{6}|[0-9A-Za-z]{10,24})$")
#: Address hits listed (the operator narrows the text rather than scrolls).
MAX_HITS = 20
#: Pause in typing before an address is searched (a code is looked up at once).
SEARCH_DELAY_MS = 150
_ROW = Qt.ItemDataRole.UserRole


class _CodeEdit(QLineEdit):
    """The code field: Up/Down move through the hits list, Esc clears."""

    moved = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.moved.emit(1)
        elif event.key() == Qt.Key.Key_Up:
            self.moved.emit(-1)
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
        else:
            super().keyPressEvent(event)


class AlarmIntakePanel(QWidget):
    """Code/address field, channel, source, alarm type, trapped count; Enter creates the
    alarm. ``alarmReceived(Received)`` follows each accepted alarm (new or merged)."""

    alarmReceived = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: IncidentBoardModel | None = None
        self._failure = ""
        self.code = _CodeEdit(self)
        self.code.setPlaceholderText(self.tr("Rescue code (6 digits), registration code or "
                                             "address"))
        self.code.setClearButtonEnabled(True)
        self.channel = QComboBox(self)
        for key, label in (("active", self.tr("Active: passenger, car alarm, hotline")),
                           ("passive", self.tr("Passive: referral (110/119/12345/property)")),
                           ("automatic", self.tr("Automatic: IoT device"))):
            self.channel.addItem(label, key)
        self.source = QComboBox(self)
        self.alarm_type = QComboBox(self)  # filled with the first model (see set_model)
        self.trapped = QSpinBox(self, minimum=0, maximum=99)
        self.device = QLineEdit(self)
        self.device.setPlaceholderText(self.tr("IoT device id"))
        self.note = QLineEdit(self)
        self.hits = QListWidget(self)
        self.hits.setMaximumHeight(84)
        self.submit_button = QPushButton(self.tr("Create alarm (Enter)"), self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("&Code / address"), self.code)
        form.addRow(self.tr("C&hannel"), self.channel)
        form.addRow(self.tr("&Source"), self.source)
        form.addRow(self.tr("&Type"), self.alarm_type)
        row = QHBoxLayout()
        row.addWidget(self.trapped)
        row.addWidget(QLabel(self.tr("Device"), self))
        row.addWidget(self.device, 1)
        trapped_label = QLabel(self.tr("T&rapped"), self)
        trapped_label.setBuddy(self.trapped)  # a row of several widgets has no buddy
        form.addRow(trapped_label, row)
        form.addRow(self.tr("&Note"), self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addWidget(self.hits)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.status)
        layout.addStretch(1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.lookup)
        self.code.textChanged.connect(self._on_text)
        self.code.returnPressed.connect(self.submit)
        self.code.moved.connect(self._move_hit)
        self.submit_button.clicked.connect(self.submit)
        self.channel.currentIndexChanged.connect(self._fill_sources)
        self.set_model(None)

    def _type_labels(self) -> dict[str, str]:
        return {"entrapment": self.tr("Entrapment"), "fire_smoke": self.tr("Fire / smoke"),
                "injury_illness": self.tr("Injury / illness"),
                "water_ingress": self.tr("Water ingress"),
                "public_order": self.tr("Public order"),
                "power_failure": self.tr("Power failure"), "fault_stop": self.tr("Fault stop"),
                "door_fault": self.tr("Door fault"), "other": self.tr("Other")}

    # ------------------------------------------------------------------ context

    def set_model(self, model: IncidentBoardModel | None) -> None:
        """The board model whose command centre takes the alarms (None: no database)."""
        if self.model is not None:
            self.model.actionFailed.disconnect(self._on_failed)
        self.model = model
        self._failure = ""
        if model is not None:
            model.actionFailed.connect(self._on_failed)
        for w in (self.code, self.submit_button, self.hits):
            w.setEnabled(model is not None)
        if model is not None and not self.alarm_type.count():
            # gis.incidents.intake (and SQLAlchemy) is imported once a centre exists, not
            # before the first map frame
            from gis.incidents.intake import ALARM_TYPES

            for key, label in self._type_labels().items():  # both languages unless translated
                zh = ALARM_TYPES[key]
                self.alarm_type.addItem(label if label == zh else f"{label} · {zh}", key)
        self._fill_sources()
        self.hits.clear()
        self.status.setText("" if model is not None else self.tr(
            "Alarm intake needs an open database with a registry."))

    def _on_failed(self, message: str) -> None:
        self._failure = message

    def focus_code(self) -> None:
        self.code.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code.selectAll()

    def _fill_sources(self) -> None:
        self.source.clear()
        if self.model is None:
            self.source.setEnabled(False)
            return
        from gis.incidents.intake import ACTIVE_SOURCES, PASSIVE_SOURCES

        channel = self.channel.currentData()
        labels = {"car_alarm": self.tr("Car alarm button"),
                  "smart_code": self.tr("Smart-elevator code scan"),
                  "hotline": self.tr("Hotline call"), "110": "110", "119": "119",
                  "12345": "12345", "property": self.tr("Property platform")}
        keys = ACTIVE_SOURCES if channel == "active" else \
            PASSIVE_SOURCES if channel == "passive" else ()
        for key in keys:
            self.source.addItem(labels[key], key)
        self.source.setEnabled(bool(keys))
        self.device.setEnabled(channel == "automatic")

    # ------------------------------------------------------------------ look-up

    def _on_text(self, text: str) -> None:
        if CODE_PATTERN.match(text.strip()):
            self._search_timer.stop()
            self.lookup()
        elif len(text.strip()) >= 2 and not text.strip().isdigit():  # digits: a code so far
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.hits.clear()

    def lookup(self) -> pd.DataFrame:
        """Find the elevators for the text now (a code: at most one; else address hits) and
        list them; returns the rows found."""
        self._search_timer.stop()
        self.hits.clear()
        if self.model is None:
            return pd.DataFrame()
        index = self.model.centre.index
        text = self.code.text().strip()
        pos = index.position(text) if CODE_PATTERN.match(text) else -1
        if pos >= 0:
            found = index.elevators.iloc[[pos]]
        elif len(text) >= 2 and not text.isdigit():  # letters: maybe a long address word
            found = index.search_address(text, limit=MAX_HITS)
        else:
            found = index.elevators.iloc[:0]
        for el in found.to_dict("records"):  # at most MAX_HITS rows
            item = QListWidgetItem(f"{el['rescue_code']}  {el['district_name']} "
                                   f"{el['address']}  [{el['registration_code']}] "
                                   f"{el['maintenance_unit_id']}")
            item.setData(_ROW, str(el["registration_code"]))
            self.hits.addItem(item)
        if self.hits.count():
            self.hits.setCurrentRow(0)
            self.status.setText("")
        elif text:
            self.status.setText(self.tr("No elevator found for \"%1\": check the code or type "
                                        "part of the address.").replace("%1", text))
        return found

    def _move_hit(self, step: int) -> None:
        if self.hits.count():
            row = max(0, min(self.hits.count() - 1, self.hits.currentRow() + step))
            self.hits.setCurrentRow(row)

    # ------------------------------------------------------------------ submit

    def submit(self) -> Received | None:
        """Create the alarm for the chosen elevator (Enter); ``None`` when nothing was
        written (no elevator, no database) or the intake refused it."""
        from gis.incidents.intake import AlarmRejected, make_alarm

        if self.model is None:
            return None
        if self._search_timer.isActive() or not self.hits.count():
            self.lookup()
        item = self.hits.currentItem()
        if item is None:
            return None
        text = self.code.text().strip()
        typed = CODE_PATTERN.match(text) and self.model.centre.index.position(text) >= 0
        code = text if typed else str(item.data(_ROW))  # the operator's code when it is one
        alarm: Any
        try:
            alarm = make_alarm(str(self.channel.currentData()), code,
                               alarm_type=str(self.alarm_type.currentData()),
                               source=str(self.source.currentData() or ""),
                               trapped_count=self.trapped.value(),
                               device_id=self.device.text().strip()
                               if self.channel.currentData() == "automatic" else "",
                               note=self.note.text().strip())
        except AlarmRejected as exc:
            alarm = exc  # stored with its reason, like a bad message from any channel
        self._failure = ""
        got = self.model.receive(alarm)
        if got is None:  # not written (offline, database error): the text stays to retry
            self.status.setText(self.tr("Alarm not taken in: %1").replace("%1", self._failure))
            return None
        if not got.intake.accepted:
            self.status.setText(self.tr("Alarm rejected: %1").replace("%1", got.intake.reason))
            return None
        self.status.setText(self._result_text(got))
        self.code.clear()
        self.note.clear()
        self.trapped.setValue(0)
        self.hits.clear()
        self.alarmReceived.emit(got)
        return got

    def _result_text(self, got: Received) -> str:
        i = got.intake
        if i.duplicate:
            text = self.tr("Already received: incident #%1")
        elif i.merged:
            text = self.tr("Merged into incident #%1 (every source is kept)")
        else:
            text = self.tr("Incident #%1 opened")
        text = text.replace("%1", str(i.incident_id))
        rec = got.recommendation
        if rec is not None and rec.options:
            best = rec.options[0]
            text += " · " + self.tr("recommended %1, ETA %2 min").replace(
                "%1", best.station_id).replace("%2", f"{best.eta_s / 60:.1f}")
        if got.escalation is not None:
            text += " · " + self.tr("level %1: notify %2").replace(
                "%1", str(got.escalation.data.get("level", ""))).replace(
                "%2", ", ".join(got.escalation.data.get("agencies", [])))
        if got.routing_problem:
            text += " · " + got.routing_problem
        return text
