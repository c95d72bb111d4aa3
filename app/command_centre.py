"""The command centre in the main window: incident board, joint response, intake, live updates,
incident overlays on the map, the supervisor panel and the IoT (MQTT) intake.

:class:`CommandCentreController` is a QObject that owns the incident models and panels of one
:class:`gis.incidents.centre.CommandCentre` and binds them to the window's map canvas and docks.
It is built once by the main window; :meth:`CommandCentreController.set_centre` installs a
centre (after the database opened) or removes it. The incident modules bring SQLAlchemy, so
they are imported only when a centre is set (the first map frame does not wait for them).

Open incidents are drawn on the map as one overlay per urgency; the selected incident is
marked, with its crew's route and the recommended options' routes. Events written elsewhere
(other workstations, the simulator, ``liftguard iot listen``) arrive through :mod:`app.live`
and reload the board (coalesced); while the shared database is offline a banner says so and
writes are refused with a plain message.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QLabel

from app.incident_overlays import IncidentOverlays
from gis.errors import LiftGuardError, StoreError
from gis.registry import Registry

if TYPE_CHECKING:
    from app.iot import IotIntake
    from app.map.canvas import MapCanvas
    from app.models.incident_model import IncidentBoardModel, JointResponseModel
    from app.panels.alarm_intake import AlarmIntakePanel
    from app.panels.incident_board import IncidentBoard
    from app.panels.joint_response import JointResponsePanel
    from app.panels.supervisor import SupervisorPanel
    from app.settings import Settings
    from gis.config import Config
    from gis.incidents.centre import CommandCentre, Received
    from gis.incidents.log import Actor
    from gis.routing import RoutingEngine

#: Remote events within this many milliseconds are shown with one reload of the board.
REMOTE_REFRESH_MS = 100


def operator_actor(settings: Settings) -> Actor:
    """Who acts at this workstation: ``centre/operator`` (default: the login name) and
    ``centre/workstation`` (default: the host name) from the settings."""
    from gis.incidents.log import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without passwd entry)
        user = "operator"
    operator = settings.operator or user
    workstation = settings.workstation or socket.gethostname() or "workstation"
    return Actor(operator, workstation)


def build_command_centre(store: Any, registry: Registry, actor: Actor, config: Config,
                         engine: RoutingEngine | None = None) -> CommandCentre:
    """A command centre over ``store``'s incident log and ``registry`` on the system clock.

    The escalation rules come from ``config`` with every district of the registry, so county
    districts get their own limit (1 h) and the overrides and clock starts of the settings
    apply (:meth:`gis.incidents.escalation.EscalationRules.from_config`).
    """
    from gis.clock import SystemClock
    from gis.incidents.centre import CommandCentre
    from gis.incidents.escalation import EscalationRules
    from gis.incidents.log import IncidentLog

    districts = registry.districts["adcode"].astype(str).tolist() \
        if "adcode" in registry.districts else []
    return CommandCentre(IncidentLog(store), registry.elevators, registry.stations,
                         actor=actor, engine=engine, clock=SystemClock(),
                         rules=EscalationRules.from_config(config, districts=districts))


class CommandCentreController(QObject):
    """Binds one command centre to the window (module doc).

    Parameters
    ----------
    canvas
        The map canvas the incident overlays are drawn on.
    docks
        The window's docks; ``incidents``, ``joint``, ``intake`` and ``supervisor`` are used.
    intake
        The alarm intake panel (gets the board model).
    live_banner
        The label shown while the shared database is offline.
    iot_label
        The status bar's label for the IoT intake (hidden while it is off).
    show_message
        ``show_message(text, timeout_ms)``: the window's status bar.
    """

    #: The command centre was installed or removed (check :attr:`centre`).
    centreChanged = Signal()
    #: The IoT intake's state and its text for the status bar (see :class:`app.iot.IotIntake`).
    iotStatusChanged = Signal(str, str)

    def __init__(self, *, canvas: MapCanvas, docks: dict[str, QDockWidget],
                 intake: AlarmIntakePanel, live_banner: QLabel, iot_label: QLabel,
                 show_message: Callable[[str, int], None], settings: Settings,
                 language: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas, self.docks, self.intake = canvas, docks, intake
        self.live_banner, self.iot_label, self.show_message = live_banner, iot_label, show_message
        self.settings, self.language = settings, language
        self.centre: CommandCentre | None = None
        self.board_model: IncidentBoardModel | None = None
        self.joint_model: JointResponseModel | None = None
        self.board: IncidentBoard | None = None
        self.joint: JointResponsePanel | None = None
        self.supervisor: SupervisorPanel | None = None
        self.live: Any = None  # app.live.LiveUpdates over the centre's database
        self.iot: IotIntake | None = None
        self._offline = False
        self._refresh_soon = QTimer(self)  # remote events arrive in bursts: one reload
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(REMOTE_REFRESH_MS)
        self._refresh_soon.timeout.connect(self.refresh_incidents)
        self.overlays = IncidentOverlays(canvas, show_message, parent=self)
        self.intake.alarmReceived.connect(self._on_alarm_received)
        docks["supervisor"].visibilityChanged.connect(self._on_supervisor_visible)
        self.iotStatusChanged.connect(self._show_iot_status)

    # ------------------------------------------------------------------ centre
    def set_centre(self, centre: CommandCentre | None,
                   engine: RoutingEngine | None = None) -> None:
        """Show the incidents of ``centre`` (board, joint response, intake, supervisor, map
        layer, IoT intake when enabled); ``None`` removes them."""
        self.stop()
        self.centre = centre
        self.overlays.clear()
        if centre is None:
            self.board_model = self.joint_model = None
            self.board = self.joint = self.supervisor = None
            self.intake.set_model(None)
            self.centreChanged.emit()
            return
        # imported here: the incident modules bring SQLAlchemy, which the first frame skips
        from app.models.incident_model import IncidentBoardModel, JointResponseModel
        from app.panels.incident_board import IncidentBoard
        from app.panels.joint_response import JointResponsePanel
        from app.panels.supervisor import SupervisorPanel
        from gis.incidents.supervision import operator_actions

        if engine is not None:
            centre.engine = engine
        self.board_model = IncidentBoardModel(centre, language=self.language, parent=self)
        self.joint_model = JointResponseModel(centre, language=self.language, parent=self)
        self.board = IncidentBoard(self.board_model)
        self.joint = JointResponsePanel(self.joint_model)
        self.supervisor = SupervisorPanel(partial(operator_actions, centre.log))
        for key, widget in (("incidents", self.board), ("joint", self.joint),
                            ("supervisor", self.supervisor)):
            old = self.docks[key].widget()
            self.docks[key].setWidget(widget)
            if old is not None:
                old.deleteLater()
        self.board.incidentSelected.connect(self._show_incident)
        self.board.coverageLost.connect(self.overlays.show_coverage_lost)
        self.board_model.incidentsChanged.connect(self._on_incidents_changed)
        self.board_model.dataChanged.connect(lambda *_: self.draw_incidents())
        for model in (self.board_model, self.joint_model):
            model.actionFailed.connect(self._on_action_failed)
            model.eventCommitted.connect(self._refresh_supervisor)
        self.joint_model.eventCommitted.connect(lambda _ev: self._on_incidents_changed())
        self.joint.reportWritten.connect(
            lambda path: self.show_message(self.tr("Report written to %s") % path, 8000))
        self.supervisor.failed.connect(
            lambda exc: self.show_message(self.tr("Supervisor view not loaded: %s") % exc, 15000))
        self.intake.set_model(self.board_model)
        self.draw_incidents()
        self._refresh_supervisor()
        self._start_live()
        self.start_iot()
        self.centreChanged.emit()

    def set_engine(self, engine: RoutingEngine | None) -> None:
        """Route on ``engine`` (recommendations are computed again on the new graph)."""
        if self.centre is None or self.board_model is None:
            return
        self.centre.engine = engine
        self.centre.recommendations.clear()
        self.board_model.refresh()

    def set_actor(self, actor: Actor) -> None:
        """Act as ``actor`` from now on (the operator or workstation was changed)."""
        if self.centre is not None:
            from gis.incidents.centre import SYSTEM
            from gis.incidents.log import Actor

            self.centre.actor = actor
            self.centre.system = Actor(SYSTEM, actor.workstation)

    def stop(self) -> None:
        """Stop the board's timers, the live updates and the IoT intake (window closing or
        another centre coming)."""
        if self.board is not None:
            self.board.stop_timers()
        self.stop_iot()
        self._stop_live()

    def refresh_incidents(self) -> None:
        """Reload the board and the joint response from the database (remote events)."""
        if self.board_model is not None and self.joint_model is not None:
            self.board_model.refresh()
            self.joint_model.refresh()
        self._refresh_supervisor()

    # ------------------------------------------------------------------ live
    def _start_live(self) -> None:
        """Follow the centre's database for events written elsewhere with :mod:`app.live`."""
        from app.live import LiveUpdates

        assert self.centre is not None
        log = self.centre.log
        url = log.engine.url.render_as_string(hide_password=False)
        try:
            self.live = LiveUpdates(url, after_event_id=log.last_event_id(), parent=self)
        except LiftGuardError as exc:
            self.set_online(False, str(exc))
            return
        self.live.eventsArrived.connect(self._on_remote_events)
        self.live.onlineChanged.connect(self.set_online)
        self.live.start()
        for model in (self.board_model, self.joint_model):
            if model is not None:
                model.guard = self.require_online

    def require_online(self, action: str) -> None:
        """Refuse writes once the listener has reported the database offline (not while it
        is still connecting at start)."""
        if self._offline:
            reason = self.live.reason if self.live is not None else "no connection"
            raise StoreError(f"cannot {action}: this workstation is offline ({reason}). "
                             "Nothing was changed and what you typed is kept; try again when "
                             "the connection is back")

    def _stop_live(self) -> None:
        self._offline = False
        if self.live is not None:
            self.live.stop()
            self.live.deleteLater()
            self.live = None
        self.live_banner.hide()

    def _on_remote_events(self, events: list) -> None:
        if events:
            self._refresh_soon.start()

    def set_online(self, online: bool, reason: str = "") -> None:
        """Show or hide the offline banner (the board keeps the last known state)."""
        self._offline = not online
        if online:
            self.live_banner.hide()
            self._refresh_soon.start()
            return
        why = reason or (self.live.reason if self.live is not None else "")
        self.live_banner.setText(self.tr(
            "OFFLINE: the shared database cannot be reached (%s). The board shows the last "
            "known state; actions are refused until the connection is back.") % why)
        self.live_banner.show()

    # ------------------------------------------------------------------ IoT
    def start_iot(self) -> None:
        """Subscribe to the IoT alarm topics of the settings when the intake is enabled
        (:mod:`app.iot`); alarms go through :meth:`receive_iot_alarm`."""
        from app.iot import IotIntake

        self.stop_iot()
        iot = self.settings.iot()
        if self.centre is None or not iot.enabled:
            self.iotStatusChanged.emit("off", "")
            return
        self.iot = IotIntake(self.receive_iot_alarm, iot, parent=self)
        self.iot.statusChanged.connect(self.iotStatusChanged)
        self.iot.start()

    def stop_iot(self) -> None:
        if self.iot is not None:
            self.iot.stop()
            self.iot.deleteLater()
            self.iot = None

    def _show_iot_status(self, state: str, text: str) -> None:
        self.iot_label.setVisible(state != "off")
        self.iot_label.setText(text)
        colour = {"connected": "#0f5132", "refused": "#842029", "invalid": "#842029",
                  "reconnecting": "#664d03"}.get(state, "")
        self.iot_label.setStyleSheet(f"color:{colour}" if colour else "")

    def receive_iot_alarm(self, alarm: Any) -> Received:
        """Take an IoT alarm in through the centre's intake, on the UI thread (called by
        :class:`app.iot.IotIntake`). Raises :class:`StoreError` when it cannot be stored, so
        the message is not acknowledged and the broker delivers it again."""
        from sqlalchemy.exc import OperationalError

        from app.models.incident_model import unreachable

        if self.centre is None or self.board_model is None:
            raise StoreError("no command centre is open; the alarm stays with the broker")
        self.require_online("take the IoT alarm in")
        try:
            got = self.centre.receive(alarm)
        except OperationalError as exc:
            raise StoreError(unreachable(exc)) from exc
        if got.intake.accepted and not got.intake.duplicate:
            self.show_message(self.tr("IoT alarm: incident #%s") % got.intake.incident_id, 8000)
        self.board_model.refresh()
        self._refresh_supervisor()
        return got

    # ------------------------------------------------------------------ board
    def focus_board(self) -> None:
        self.docks["incidents"].show()
        self.docks["incidents"].raise_()
        if self.board is not None:
            self.board.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_alarm_received(self, got: Received) -> None:
        """Select the new (or merged) incident and put the focus on the board: the next
        Enter confirms the recommended dispatch."""
        if self.board is None or got.intake.incident_id is None:
            return
        self.board.select_incident(int(got.intake.incident_id))
        self.focus_board()

    def _on_incidents_changed(self) -> None:
        if self.joint_model is not None:
            self.joint_model.refresh()
        self.draw_incidents(force=True)
        shown = self.overlays.shown_incident
        if self.board is not None and shown is not None:
            iid = self.board.selected_incident()
            if iid is None or iid != shown:
                self.overlays.clear_marks()

    def _on_action_failed(self, message: str) -> None:
        self.show_message(message, 15000)
        if self.board is not None:
            self.board.hint.setText(message)

    def _refresh_supervisor(self, *_args: Any) -> None:
        """Reload the supervisor's view, only while its dock is shown (it reads the log)."""
        if self.supervisor is not None and self.docks["supervisor"].isVisible():
            self.supervisor.refresh()

    def _on_supervisor_visible(self, visible: bool) -> None:
        if visible:
            self._refresh_supervisor()

    # ------------------------------------------------------------------ map
    def draw_incidents(self, *, force: bool = False) -> None:
        """The open incidents on the map by urgency (see :class:`IncidentOverlays`)."""
        if self.board_model is not None:
            self.overlays.draw_incidents(self.board_model.map_points(), force=force)

    def _show_incident(self, incident_id: int, lon: float, lat: float, _route: object) -> None:
        if self.joint_model is not None:
            self.joint_model.set_incident(incident_id)
        if self.board_model is not None and self.canvas.renderer is not None:
            self.overlays.show_incident(incident_id, lon, lat,
                                        self.board_model.routes(incident_id))
