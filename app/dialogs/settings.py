"""File > Settings (Ctrl+,): language, who acts at this workstation, thresholds, IoT intake.

Everything is stored through :class:`app.settings.Settings` (QSettings). The values are checked
before anything is written: the thresholds by building the :class:`gis.config.Config` they make
(its :class:`gis.errors.ConfigError` says what is wrong), the broker URL with
:func:`gis.mqtt.parse_broker_url`. A wrong value is shown in the dialog, which stays open with
what was typed. ``applied(groups)`` tells the window which groups changed (``language``,
``operator``, ``thresholds``, ``iot``) so it applies them: the language at the next start, the
operator at once, thresholds by reloading the database, the IoT intake by reconnecting.
"""

from __future__ import annotations

import getpass
import re
import socket
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.iot import IotSettings, default_client_id
from app.settings import LANGUAGES, Settings, parse_district_map
from gis.config import Config
from gis.errors import LiftGuardError

#: Settings keys of each group (a group is "changed" when one of its keys is).
GROUP_KEYS = {
    "language": ("ui/language",),
    "operator": ("centre/operator", "centre/workstation"),
    "thresholds": ("thresholds/age_assess_years", "thresholds/age_replace_years",
                   "thresholds/rescue_limit_city_s", "thresholds/rescue_limit_other_s",
                   "thresholds/rescue_limits_by_district", "thresholds/rescue_clock_start"),
    "iot": ("iot/enabled", "iot/broker", "iot/topics", "iot/client_id"),
}


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box


class SettingsDialog(QDialog):
    """Edit ``settings`` (module doc)."""

    applied = Signal(set)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("LiftGuard settings"))
        self.setMinimumWidth(560)
        self.language = QComboBox()
        for code, label in zip(LANGUAGES, (self.tr("System"), "English", "中文"), strict=True):
            self.language.addItem(label, code)
        self.operator = QLineEdit()
        self.workstation = QLineEdit()
        self.age_assess = _spin(1, 98, self.tr(" years"))
        self.age_replace = _spin(2, 99, self.tr(" years"))
        self.limit_city = _spin(1, 24 * 60, self.tr(" min"))
        self.limit_other = _spin(1, 24 * 60, self.tr(" min"))
        self.district_limits = QLineEdit()
        self.dispatch_districts = QLineEdit()
        self.iot_enabled = QCheckBox(self.tr("Take IoT alarms in from an MQTT broker"))
        self.broker = QLineEdit()
        self.topics = QLineEdit()
        self.client_id = QLineEdit()
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#842029;font-weight:bold")
        self.error.hide()
        self._lay_out()
        self._load()

    def _lay_out(self) -> None:
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "operator"
        self.operator.setPlaceholderText(self.tr("default: %s (login name)") % login)
        self.workstation.setPlaceholderText(self.tr("default: %s (host name)")
                                            % socket.gethostname())
        self.district_limits.setPlaceholderText("310115=45, 310151=60")
        self.dispatch_districts.setPlaceholderText("310115, 310116")
        self.broker.setPlaceholderText("mqtt://user:password@host:1883")
        self.topics.setPlaceholderText("elevator/alarm/#, gateway/+/alarm")
        self.client_id.setPlaceholderText(self.tr("default: %s") % default_client_id())
        general = QFormLayout()
        general.addRow(self.tr("Language"), self.language)
        note = QLabel(self.tr("The language changes when LiftGuard is started again."))
        note.setObjectName("languageNote")
        general.addRow("", note)
        general.addRow(self.tr("Operator name"), self.operator)
        general.addRow(self.tr("Workstation id"), self.workstation)
        limits = QFormLayout()
        limits.addRow(self.tr("Safety assessment at"), self.age_assess)
        limits.addRow(self.tr("Replacement priority at"), self.age_replace)
        limits.addRow(self.tr("Rescue limit, cities"), self.limit_city)
        limits.addRow(self.tr("Rescue limit, counties"), self.limit_other)
        limits.addRow(self.tr("Limits per district (min)"), self.district_limits)
        limits.addRow(self.tr("Clock starts at dispatch in"), self.dispatch_districts)
        limits.addRow("", QLabel(self.tr("Changed thresholds reload the database.")))
        iot = QFormLayout()
        iot.addRow(self.iot_enabled)
        iot.addRow(self.tr("Broker URL"), self.broker)
        iot.addRow(self.tr("Topics"), self.topics)
        iot.addRow(self.tr("Client id"), self.client_id)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        for title, form in ((self.tr("General"), general), (self.tr("Thresholds"), limits),
                            (self.tr("IoT alarms (MQTT)"), iot)):
            box = QGroupBox(title)
            box.setLayout(form)
            layout.addWidget(box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _load(self) -> None:
        s = self.settings
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
        self.operator.setText(s.operator)
        self.workstation.setText(s.workstation)
        try:
            cfg = s.config()
        except LiftGuardError:  # broken stored overrides: start from the defaults
            cfg = Config()
        self.age_assess.setValue(cfg.age_assess_years)
        self.age_replace.setValue(cfg.age_replace_years)
        self.limit_city.setValue(round(cfg.rescue_limit_city_s / 60))
        self.limit_other.setValue(round(cfg.rescue_limit_other_s / 60))
        self.district_limits.setText(", ".join(
            f"{c}={v / 60:g}" for c, v in sorted(cfg.rescue_limits_by_district.items())))
        self.dispatch_districts.setText(", ".join(
            c for c, start in sorted(cfg.rescue_clock_start.items()) if start == "dispatch"))
        iot = s.iot()
        self.iot_enabled.setChecked(iot.enabled)
        self.broker.setText(iot.broker_url)
        self.topics.setText(", ".join(iot.topics))
        self.client_id.setText(iot.client_id)
        try:
            self._initial = self.values()
        except LiftGuardError:  # something stored is wrong: every value counts as changed
            self._initial = {}

    def values(self) -> dict[str, Any]:
        """The settings keys and values as entered, checked (raises a LiftGuardError that
        says what to fix)."""
        from gis.mqtt import MqttError, parse_broker_url

        limits = parse_district_map(self.district_limits.text(), key="limits per district")
        try:
            limits_s = {c: float(v) * 60 for c, v in limits.items()}
        except ValueError:
            raise LiftGuardError("limits per district must be minutes, e.g. 310115=45") \
                from None
        dispatch = [c for c in re.split(r"[,;\s]+", self.dispatch_districts.text()) if c]
        bad = [c for c in dispatch if not re.fullmatch(r"\d{6}", c)]
        if bad:
            raise LiftGuardError(f"'{bad[0]}' is not a 6-digit district code (clock starts "
                                 "at dispatch in)")
        Config(age_assess_years=self.age_assess.value(),
               age_replace_years=self.age_replace.value(),
               rescue_limit_city_s=self.limit_city.value() * 60.0,
               rescue_limit_other_s=self.limit_other.value() * 60.0,
               rescue_limits_by_district=limits_s,
               rescue_clock_start=dict.fromkeys(dispatch, "dispatch"))  # raises ConfigError
        topics = tuple(t for t in re.split(r"[,\s]+", self.topics.text()) if t)
        iot = IotSettings(enabled=self.iot_enabled.isChecked(),
                          broker_url=self.broker.text().strip(), topics=topics,
                          client_id=self.client_id.text().strip())
        if iot.enabled or iot.broker_url:
            try:
                parse_broker_url(iot.broker_url)
            except MqttError as exc:
                raise LiftGuardError(str(exc)) from None
        if iot.enabled and not topics:
            raise LiftGuardError("give at least one MQTT topic to subscribe to, e.g. "
                                 "elevator/alarm/#")
        return {
            "ui/language": self.language.currentData(),
            "centre/operator": self.operator.text().strip(),
            "centre/workstation": self.workstation.text().strip(),
            "thresholds/age_assess_years": self.age_assess.value(),
            "thresholds/age_replace_years": self.age_replace.value(),
            "thresholds/rescue_limit_city_s": self.limit_city.value() * 60,
            "thresholds/rescue_limit_other_s": self.limit_other.value() * 60,
            "thresholds/rescue_limits_by_district": ", ".join(
                f"{c}={v:g}" for c, v in sorted(limits_s.items())),
            "thresholds/rescue_clock_start": ", ".join(f"{c}=dispatch" for c in dispatch),
            "iot/enabled": "true" if iot.enabled else "false",
            "iot/broker": iot.broker_url,
            "iot/topics": ", ".join(iot.topics),
            "iot/client_id": iot.client_id,
        }

    def apply(self) -> set[str] | None:
        """Check and store the values; returns the changed groups, or ``None`` (the problem
        is shown in the dialog and nothing is written)."""
        try:
            values = self.values()
        except LiftGuardError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return None
        self.error.hide()
        changed: set[str] = set()
        for group, keys in GROUP_KEYS.items():
            for key in keys:
                if self._initial.get(key) != values[key]:
                    changed.add(group)
                    self.settings.set_value(key, values[key])
        self.settings.sync()
        self._initial = values
        self.applied.emit(changed)
        return changed

    def _ok(self) -> None:
        if self.apply() is not None:
            self.accept()
