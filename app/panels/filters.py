"""Filter panel: district, building type, add-on, age range, risk, IoT, retrofit, complaints.

Every change builds a new frozen :class:`gis.thematic.MapFilter` and hands it to the map model;
the map, the legend counts and the district figures follow.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.models.map_model import MapModel
from gis.registry import BUILDING_TYPES, IOT_DEVICES, RETROFIT_STAGES, RISK_CLASSES
from gis.thematic import MapFilter

_ANY = "__any__"
_OVERDUE = "__overdue__"


class FilterPanel(QWidget):
    zoom_to_district = Signal(str)

    def __init__(self, model: MapModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.district = QComboBox()
        self.zoom = QPushButton(self.tr("Zoom"))
        self.building = QComboBox()
        self.building.addItem(self.tr("All building types"), _ANY)
        names = {"residential": self.tr("Residential"), "office": self.tr("Office"),
                 "commercial": self.tr("Commercial"), "hospital": self.tr("Hospital"),
                 "school": self.tr("School"), "rail_transit": self.tr("Rail transit"),
                 "tourist_site": self.tr("Tourist site"), "industrial": self.tr("Industrial"),
                 "other": self.tr("Other")}
        for key in BUILDING_TYPES:
            self.building.addItem(names[key], key)
        self.addon = QComboBox()
        self.addon.addItem(self.tr("All elevators"), None)
        self.addon.addItem(self.tr("Add-on elevators only"), True)
        self.addon.addItem(self.tr("No add-on elevators"), False)
        self.age_min = QDoubleSpinBox()
        self.age_max = QDoubleSpinBox()
        for box in (self.age_min, self.age_max):
            box.setRange(0, 100)
            box.setDecimals(0)
            box.setSuffix(self.tr(" y"))
        self.age_min.setSpecialValueText(self.tr("any"))
        self.age_max.setSpecialValueText(self.tr("any"))
        self.risk = {k: QCheckBox(t) for k, t in zip(RISK_CLASSES, (
            self.tr("None"), self.tr("Class II"), self.tr("Class I")), strict=True)}
        self.iot = {k: QCheckBox(t) for k, t in zip(IOT_DEVICES, (
            self.tr("No device"), self.tr("Monitoring"), self.tr("E-bike blocking")),
            strict=True)}
        self.retrofit = QComboBox()
        self.retrofit.addItem(self.tr("Any retrofit status"), _ANY)
        self.retrofit.addItem(self.tr("Retrofit open (any stage)"), "open")
        stages = {"none": self.tr("No retrofit"), "assessment": self.tr("Safety assessment"),
                  "plan": self.tr("Plan"), "approval": self.tr("Approval"),
                  "works": self.tr("Works"), "inspection": self.tr("Supervision inspection"),
                  "back_in_service": self.tr("Back in service")}
        for key in RETROFIT_STAGES:
            self.retrofit.addItem(stages[key], key)
        self.retrofit.addItem(self.tr("Overdue stage only"), _OVERDUE)
        self.complaints = QSpinBox()
        self.complaints.setRange(0, 999)
        self.complaints.setSpecialValueText(self.tr("any"))
        self.reset_button = QPushButton(self.tr("Reset filters"))

        form = QFormLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.district, 1)
        row.addWidget(self.zoom)
        form.addRow(self.tr("District"), row)
        form.addRow(self.tr("Building"), self.building)
        form.addRow(self.tr("Add-on"), self.addon)
        ages = QHBoxLayout()
        ages.addWidget(self.age_min)
        ages.addWidget(self.age_max)
        form.addRow(self.tr("Age from / below"), ages)
        for label, boxes in ((self.tr("Risk class"), self.risk), (self.tr("IoT"), self.iot)):
            line = QHBoxLayout()
            for box in boxes.values():
                box.setChecked(True)
                line.addWidget(box)
            form.addRow(label, line)
        form.addRow(self.tr("Retrofit"), self.retrofit)
        form.addRow(self.tr("Complaints at least"), self.complaints)
        form.addRow(self.reset_button)

        self.set_districts([], [])
        for combo in (self.district, self.building, self.addon, self.retrofit):
            combo.currentIndexChanged.connect(self.apply)
        for spin in (self.age_min, self.age_max, self.complaints):
            spin.valueChanged.connect(self.apply)
        for box in (*self.risk.values(), *self.iot.values()):
            box.toggled.connect(self.apply)
        self.reset_button.clicked.connect(self.reset)
        self.zoom.clicked.connect(self._zoom)

    def set_districts(self, adcodes: list[str], names: list[str]) -> None:
        self.district.blockSignals(True)
        self.district.clear()
        self.district.addItem(self.tr("All districts"), _ANY)
        for code, name in zip(adcodes, names, strict=True):
            self.district.addItem(f"{name} ({code})", code)
        self.district.blockSignals(False)

    def build_filter(self) -> MapFilter:
        def chosen(boxes: dict[str, QCheckBox]) -> frozenset[str] | None:
            keys = frozenset(k for k, b in boxes.items() if b.isChecked())
            return None if len(keys) == len(boxes) else keys

        district = self.district.currentData()
        stage = self.retrofit.currentData()
        stages: frozenset[str] | None = None
        if stage == "open":
            stages = frozenset(set(RETROFIT_STAGES) - {"none", "back_in_service"})
        elif stage not in (_ANY, _OVERDUE, None):
            stages = frozenset({stage})
        building = self.building.currentData()
        return MapFilter(
            districts=None if district in (_ANY, None) else frozenset({district}),
            building_types=None if building == _ANY else frozenset({building}),
            addon=self.addon.currentData(),
            age_min_years=self.age_min.value() or None,
            age_max_years=self.age_max.value() or None,
            risk_classes=chosen(self.risk), iot_devices=chosen(self.iot),
            retrofit_stages=stages, overdue_only=stage == _OVERDUE,
            min_complaints=self.complaints.value())

    def apply(self, *_: object) -> None:
        self.model.set_filter(self.build_filter())

    def reset(self) -> None:
        widgets = [self.district, self.building, self.addon, self.retrofit, self.age_min,
                   self.age_max, self.complaints, *self.risk.values(), *self.iot.values()]
        for w in widgets:
            w.blockSignals(True)
        for combo in (self.district, self.building, self.addon, self.retrofit):
            combo.setCurrentIndex(0)
        for spin in (self.age_min, self.age_max, self.complaints):
            spin.setValue(0)
        for box in (*self.risk.values(), *self.iot.values()):
            box.setChecked(True)
        for w in widgets:
            w.blockSignals(False)
        self.apply()

    def _zoom(self) -> None:
        code = self.district.currentData()
        if code not in (_ANY, None):
            self.zoom_to_district.emit(str(code))
