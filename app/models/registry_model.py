"""The loaded registry as a QObject: views listen to ``changed`` instead of holding copies."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from gis.config import Config
from gis.registry import Registry


class RegistryModel(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._registry: Registry | None = None
        self._config = Config()

    @property
    def registry(self) -> Registry | None:
        return self._registry

    @property
    def config(self) -> Config:
        return self._config

    def set_registry(self, registry: Registry | None, config: Config | None = None) -> None:
        if registry is self._registry and (config is None or config == self._config):
            return
        self._registry = registry
        if config is not None:
            self._config = config
        self.changed.emit()

    def set_config(self, config: Config) -> None:
        if config == self._config:
            return
        self._config = config
        self.changed.emit()
