"""Training replay: historical incidents as features with a start and an end, queried in time.

A :class:`Replay` is built from flat **replay records** (one event per record; the exchange
format of ``docs/replay-format.md``), read either from the project's incident log
(:func:`load_replay_db`, always from a private read-only copy: a replay never writes to the
live record) or from a JSON Lines / CSV file (:func:`read_replay_file`) that another platform
may produce. Bad lines (unknown events, times out of order, unknown elevators...) become
:class:`gis.errors.RowProblem` entries; the good lines still build a replay, which the trainer
accepts or not.

Features with a start and an end:

* an **incident** is open from its first alarm (report) to its closure (closed, false alarm,
  cancelled; open to the end of the replay if the record stops before);
* a **crew trip** runs from departure (``en_route``; the dispatch if no departure was recorded)
  to arrival (``on_site``) or to being stood down; its position is interpolated along the
  recorded route (``route_lonlat`` of the dispatch), else a route recomputed with the routing
  engine, else the straight line, by the recorded times.

:meth:`Replay.state_at` answers "what did the board and the map show at ``t``" with a few
``searchsorted`` and fancy-indexing calls over event arrays sorted once at load (no per-event
Python loop per frame). :func:`what_if` compares, at a paused moment, what the routing engine
recommends now for each open incident with what was dispatched.

All times are epoch seconds UTC (``*_s``), as in the incident tables.

Modules: :mod:`~gis.replay.model` (the replay, its state in time), :mod:`~gis.replay.build`
(records → replay), :mod:`~gis.replay.files` (JSON Lines / CSV), :mod:`~gis.replay.log` (the
incident log, read-only), :mod:`~gis.replay.whatif`. Everything public is importable from
``gis.replay``.
"""

from gis.replay.build import RouteFinder, build_replay, route_finder
from gis.replay.files import (
    parse_time_s,
    read_replay_file,
    read_replay_records,
    write_replay_records,
)
from gis.replay.log import (
    _load_registry,
    export_log,
    load_replay_db,
    log_records,
    readonly_database,
)
from gis.replay.model import (
    AGENCY_STATUSES,
    CHINA_TZ,
    COLOUR_CLASSES,
    EVENT_KINDS,
    JOINT_AGENCIES,
    RECORD_FIELDS,
    STATE_EVENTS,
    STATES,
    TERMINAL,
    Replay,
    ReplayState,
    Trips,
    clock_text,
)
from gis.replay.whatif import what_if

__all__ = [
    "AGENCY_STATUSES",
    "CHINA_TZ",
    "COLOUR_CLASSES",
    "EVENT_KINDS",
    "JOINT_AGENCIES",
    "RECORD_FIELDS",
    "STATES",
    "STATE_EVENTS",
    "TERMINAL",
    "Replay",
    "ReplayState",
    "RouteFinder",
    "Trips",
    "_load_registry",
    "build_replay",
    "clock_text",
    "export_log",
    "load_replay_db",
    "log_records",
    "parse_time_s",
    "read_replay_file",
    "read_replay_records",
    "readonly_database",
    "route_finder",
    "what_if",
    "write_replay_records",
]
