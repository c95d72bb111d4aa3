"""Command centre: alarms from three channels, incidents tracked to closure, escalation.

Modules: :mod:`~gis.incidents.schema` (tables), :mod:`~gis.incidents.log` (durable event log),
:mod:`~gis.incidents.intake` (alarms → incidents), :mod:`~gis.incidents.lifecycle` (states),
:mod:`~gis.incidents.escalation` (three-level response, the clock),
:mod:`~gis.incidents.dispatch` (recommendations from the routing engine, move-up warning),
:mod:`~gis.incidents.centre` (the operator's actions in one object),
:mod:`~gis.incidents.simulator`, :mod:`~gis.incidents.stats`, :mod:`~gis.incidents.report`.
"""
