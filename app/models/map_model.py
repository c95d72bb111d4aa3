"""Map state as QObjects: what the map shows (view, filter, selection) and its layer stack.

Widgets hold no copy of this state: the canvas, legend, filter and inspector panels read it
from here and listen to the change signals. Setters validate and emit only on a real change.
The layer stack (visibility, opacity, order) is saved to the settings on every change and read
back at start, so it is remembered between runs.
"""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from app.map.renderer import DEFAULT_LAYERS, LAYER_IDS, LayerState
from app.settings import Settings
from gis.thematic import MapFilter, check_view

_LAYERS_KEY = "map/layers"


class MapModel(QObject):
    """Current view, filter and selected elevator row (-1: none)."""

    view_changed = Signal(str)
    filter_changed = Signal(object)
    selection_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, *, view: str = "age") -> None:
        super().__init__(parent)
        self._view = check_view(view)
        self._filter = MapFilter()
        self._selected = -1

    @property
    def view(self) -> str:
        return self._view

    def set_view(self, view: str) -> None:
        """Switch the thematic view; raises ConfigError for an unknown name."""
        if check_view(view) != self._view:
            self._view = view
            self.view_changed.emit(view)

    @property
    def filter(self) -> MapFilter:
        return self._filter

    def set_filter(self, flt: MapFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.filter_changed.emit(flt)

    @property
    def selected(self) -> int:
        return self._selected

    def set_selected(self, row: int) -> None:
        if int(row) != self._selected:
            self._selected = int(row)
            self.selection_changed.emit(self._selected)


class LayerModel(QObject):
    """Ordered layer states (bottom first), persisted in :class:`app.settings.Settings`."""

    changed = Signal()

    def __init__(self, settings: Settings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._layers: list[LayerState] = list(DEFAULT_LAYERS)
        if settings is not None:
            self._layers = _restore(settings.value(_LAYERS_KEY, ""))

    @property
    def layers(self) -> tuple[LayerState, ...]:
        return tuple(self._layers)

    def layer(self, layer_id: str) -> LayerState:
        return self._layers[self._position(layer_id)]

    def _position(self, layer_id: str) -> int:
        for i, layer in enumerate(self._layers):
            if layer.id == layer_id:
                return i
        raise KeyError(f"unknown layer {layer_id!r}; layers: {', '.join(LAYER_IDS)}")

    def set_visible(self, layer_id: str, visible: bool) -> None:
        self._update(layer_id, visible=bool(visible))

    def set_opacity(self, layer_id: str, opacity: float) -> None:
        self._update(layer_id, opacity=min(max(float(opacity), 0.0), 1.0))

    def move(self, layer_id: str, steps: int) -> None:
        """Move a layer up (positive: drawn later, on top) or down the stack."""
        i = self._position(layer_id)
        j = min(max(i + steps, 0), len(self._layers) - 1)
        if i != j:
            self._layers.insert(j, self._layers.pop(i))
            self._changed()

    def reset(self) -> None:
        if self._layers != list(DEFAULT_LAYERS):
            self._layers = list(DEFAULT_LAYERS)
            self._changed()

    def _update(self, layer_id: str, **changes: object) -> None:
        i = self._position(layer_id)
        new = replace(self._layers[i], **changes)  # type: ignore[arg-type]
        if new != self._layers[i]:
            self._layers[i] = new
            self._changed()

    def _changed(self) -> None:
        if self._settings is not None:
            self._settings.set_value(_LAYERS_KEY, json.dumps(
                [{"id": s.id, "visible": s.visible, "opacity": s.opacity} for s in self._layers]))
        self.changed.emit()


def _restore(text: object) -> list[LayerState]:
    """Saved layers in their saved order; unknown ids dropped, new layers appended."""
    try:
        saved = json.loads(str(text)) if text else []
        layers = [LayerState(str(d["id"]), bool(d["visible"]),
                             min(max(float(d["opacity"]), 0.0), 1.0))
                  for d in saved if d.get("id") in LAYER_IDS]
    except (ValueError, TypeError, KeyError, AttributeError):
        layers = []
    seen = {s.id for s in layers}
    if len(seen) != len(layers):
        layers = []
        seen = set()
    return layers + [s for s in DEFAULT_LAYERS if s.id not in seen]
