"""The replay window: map with the replay layer, time controls, slider and side panel.

Open it from the main window with one line::

    from app.replay.window import open_replay_window; open_replay_window(self, db_url=url)

It reads the database through a private read-only copy (a replay never writes to the live
record). Loading, routes and the what-if run on the worker pool; failures reach the one error
funnel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimeZone
from PySide6.QtGui import QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.map.canvas import MapCanvas
from app.map.data import MapData
from app.models.map_model import LayerModel, MapModel
from app.replay.controller import SPEEDS, ReplayController
from app.replay.layer import ReplayLayer, draw_clock, draw_replay_legend
from app.replay.panel import EventList, FrameModel, IncidentBoard, TimeSlider, minutes, table
from app.workers import Worker, start
from gis.replay import CHINA_TZ, Replay, clock_text, what_if

_TZ = QTimeZone(8 * 3600)


class ReplayOverlay(QWidget):
    """A transparent child of the canvas that paints the replay layer over the map."""

    def __init__(self, canvas: MapCanvas, controller: ReplayController) -> None:
        super().__init__(canvas)
        self.canvas, self.controller = canvas, controller
        self.layer: ReplayLayer | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        canvas.installEventFilter(self)
        canvas.transform_changed.connect(self.update)
        controller.time_changed.connect(lambda _t: self.update())
        self.resize(canvas.size())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self.resize(self.canvas.size())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        rp = self.controller.replay
        if rp is None or self.canvas.renderer is None:
            return
        if self.layer is None or self.layer.replay is not rp:
            self.layer = ReplayLayer(rp, self.canvas.renderer.data.epsg)
        state = rp.state_at(self.controller.time_s)
        p = QPainter(self)
        try:
            self.layer.paint(p, self.canvas.transform, state)
            draw_clock(p, state, width=self.width(),
                       speed=self.controller.speed if self.controller.playing else 0.0)
            draw_replay_legend(p, x=10, y=10)
        finally:
            p.end()


class ReplayWindow(QMainWindow):
    """Replay of the incident log in ``db_url`` (or of a replay file)."""

    def __init__(self, db_url: str, *, map_data: MapData | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("LiftGuard – training replay"))
        self.db_url = db_url
        self.registry: Any = None
        self.engine: Any = None
        self.controller = ReplayController(self)
        layers = LayerModel(parent=self)
        layers.set_opacity("elevators", 0.25)  # the registry fades under the incidents
        self.canvas = MapCanvas(MapModel(self), layers)
        if map_data is not None:
            self.canvas.set_data(map_data)
        self.overlay = ReplayOverlay(self.canvas, self.controller)
        self.slider = TimeSlider(self.controller)
        self.events = EventList(self.controller)
        self.board = IncidentBoard(self.controller)
        self.what_if_model = FrameModel(
            {"incident": "#", "state": "State", "dispatched_station": "Dispatched",
             "dispatched_eta_s": "ETA", "recommended_station": "Engine now",
             "recommended_eta_s": "ETA now", "eta_diff_s": "Δ ETA",
             "recommended_reason": "Reason", "problem": "Problem"},
            {c: minutes for c in ("dispatched_eta_s", "recommended_eta_s", "eta_diff_s")})
        self._build()
        self._workers: list[Worker] = []
        self.controller.time_changed.connect(self._show_time)
        self.controller.playing_changed.connect(
            lambda playing: self.play_button.setText(self.tr("Pause") if playing
                                                     else self.tr("Play")))

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        load = QHBoxLayout()
        now = QDateTime.currentDateTime(_TZ)
        self.from_edit = QDateTimeEdit(now.addDays(-1), self)
        self.to_edit = QDateTimeEdit(now, self)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setTimeZone(_TZ)
            edit.setCalendarPopup(True)
        self.district_edit = QLineEdit(self, placeholderText=self.tr("district adcode"))
        self.ids_edit = QLineEdit(self, placeholderText=self.tr("incident ids: 3,7,12"))
        load_button = QPushButton(self.tr("Load from log"), self)
        load_button.clicked.connect(self.load_from_log)
        file_button = QPushButton(self.tr("Open replay file…"), self)
        file_button.clicked.connect(self._choose_file)
        for w in (QLabel(self.tr("From")), self.from_edit, QLabel(self.tr("to")), self.to_edit,
                  self.district_edit, self.ids_edit, load_button, file_button):
            load.addWidget(w)
        controls = QHBoxLayout()
        self.play_button = QPushButton(self.tr("Play"), self)
        self.play_button.clicked.connect(self.controller.toggle)
        back = QPushButton(self.tr("‹ Prev"), self, toolTip=self.tr("previous event"))
        back.clicked.connect(self.controller.step_previous)
        nxt = QPushButton(self.tr("Next ›"), self, toolTip=self.tr("next event (N)"))
        nxt.clicked.connect(self.controller.step_next)
        self.speed_box = QComboBox(self)
        for s in SPEEDS:
            self.speed_box.addItem(f"{s:g}×", s)
        self.speed_box.setCurrentIndex(SPEEDS.index(60.0))
        self.speed_box.currentIndexChanged.connect(
            lambda i: self.controller.set_speed(float(self.speed_box.itemData(i))))
        self.loop_box = QCheckBox(self.tr("Loop"), self)
        self.loop_box.toggled.connect(self.controller.set_loop)
        self.time_label = QLabel("–", self)
        self.jump_edit = QDateTimeEdit(now, self)
        self.jump_edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.jump_edit.setTimeZone(_TZ)
        go = QPushButton(self.tr("Jump"), self)
        go.clicked.connect(lambda: self.controller.jump(
            self.jump_edit.dateTime().toSecsSinceEpoch()))
        for w in (self.play_button, back, nxt, QLabel(self.tr("Speed")), self.speed_box,
                  self.loop_box, self.time_label, self.jump_edit, go):
            controls.addWidget(w)
        controls.addStretch(1)
        left = QWidget(self)
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(load)
        col.addLayout(controls)
        col.addWidget(self.canvas, 1)
        col.addWidget(self.slider)
        tabs = QTabWidget(self)
        tabs.addTab(self.events, self.tr("Events"))
        tabs.addTab(self.board, self.tr("Board at this moment"))
        wi = QWidget(self)
        wl = QVBoxLayout(wi)
        ask = QPushButton(self.tr("What would the engine recommend now?"), wi)
        ask.clicked.connect(self.compute_what_if)
        wl.addWidget(ask)
        wl.addWidget(table(self.what_if_model, wi), 1)
        tabs.addTab(wi, self.tr("What-if"))
        self.tabs = tabs
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([1000, 520])
        self.setCentralWidget(split)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.controller.toggle)
        QShortcut(QKeySequence(Qt.Key.Key_N), self, self.controller.step_next)

    def _show_time(self, t_s: float) -> None:
        self.time_label.setText(clock_text(t_s))

    # ------------------------------------------------------------------ loading
    def _run(self, fn: Any, done: Any) -> Worker:
        worker = Worker(fn)
        worker.signals.finished.connect(done)
        worker.signals.failed.connect(lambda exc, details: show_error(self, exc, details))
        self._workers = [w for w in self._workers if not w.is_cancelled()] + [worker]
        return start(worker)

    def load_from_log(self) -> Worker:
        """Load the incidents reported in the chosen window (district / ids) from the log."""
        since = self.from_edit.dateTime().toSecsSinceEpoch()
        until = self.to_edit.dateTime().toSecsSinceEpoch()
        district = self.district_edit.text().strip() or None
        ids = [int(v) for v in self.ids_edit.text().replace(" ", "").split(",") if v.isdigit()]
        url, need_map = self.db_url, self.canvas.renderer is None

        def job(progress: Any, cancelled: Any) -> tuple[Replay, Any, Any]:
            from gis.replay import load_replay_db

            replay, registry = load_replay_db(url, since_s=float(since), until_s=float(until),
                                              district=district, incident_ids=ids or None)
            return replay, registry, _map_data(registry) if need_map else None

        return self._run(job, self._loaded)

    def load_file(self, path: str) -> Worker:
        """Load a replay file (elevators checked against this database's registry)."""
        url, need_map = self.db_url, self.canvas.renderer is None

        def job(progress: Any, cancelled: Any) -> tuple[Replay, Any, Any]:
            from app.replay_commands import _registry
            from gis.replay import read_replay_file

            registry = _registry(url)
            replay = read_replay_file(path, elevators=registry.elevators,
                                      stations=registry.stations)
            return replay, registry, _map_data(registry) if need_map else None

        return self._run(job, self._loaded)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open replay file"), "",
                                              self.tr("Replay files (*.jsonl *.csv)"))
        if path:
            self.load_file(path)

    def _loaded(self, result: tuple[Replay, Any, Any]) -> None:
        replay, registry, data = result
        if replay.problems and not self.accept_problems(replay):
            return
        self.registry = registry if registry is not None else self.registry
        if data is not None:
            self.canvas.set_data(data)
        self.controller.set_replay(replay)
        self.board.refresh(force=True)

    def accept_problems(self, replay: Replay) -> bool:
        """Ask the trainer whether to play the good lines of a source with bad ones."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Replay file has bad lines"),
                          self.tr("{n} line(s) cannot be replayed; {m} events are good.")
                          .format(n=len(replay.problems), m=len(replay.events)),
                          QMessageBox.StandardButton.Cancel, self)
        box.setDetailedText("\n".join(str(p) for p in replay.problems))
        play = box.addButton(self.tr("Play the good lines"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        return box.clickedButton() is play

    # ------------------------------------------------------------------ what-if
    def compute_what_if(self) -> Worker | None:
        """At the paused moment: the engine's recommendation for each open incident."""
        self.controller.pause()
        rp, registry = self.controller.replay, self.registry
        if rp is None or registry is None:
            return None
        t, url, engine = self.controller.time_s, self.db_url, self.engine

        def job(progress: Any, cancelled: Any) -> tuple[Any, Any]:
            from app.replay_commands import _engine, _roads
            from gis.errors import RoutingError

            eng = engine or _engine(_roads(url), registry)
            if eng is None:
                raise RoutingError("no road graph is linked to this database; run "
                                   "`liftguard roads import FILE.osm --db ...` first")
            return eng, what_if(rp, t, eng, registry.stations)

        def done(result: tuple[Any, Any]) -> None:
            self.engine, frame = result
            self.what_if_model.set_frame(frame)
            self.tabs.setCurrentIndex(2)

        return self._run(job, done)


def _map_data(registry: Any) -> MapData | None:
    if registry is None:
        return None
    from app.map.data import build_map_data
    from gis.config import Config

    as_of = registry.meta.get("as_of")
    return build_map_data(registry, Config(adcode=registry.meta.get("adcode", "310000"),
                                           as_of=dt.date.fromisoformat(as_of) if as_of
                                           else None))


def open_replay_window(parent: QWidget | None, *, db_url: str,
                       map_data: MapData | None = None) -> ReplayWindow:
    """Open (and return) a replay window over ``db_url``; ``map_data`` reuses the main
    window's projected registry (else it is built when a replay is loaded)."""
    window = ReplayWindow(db_url, map_data=map_data, parent=parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.resize(1500, 900)
    window.show()
    return window


__all__ = ["CHINA_TZ", "ReplayWindow", "open_replay_window"]
