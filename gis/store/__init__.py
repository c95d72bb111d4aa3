"""Storage of the registry through SQLAlchemy 2: SQLite by default, PostgreSQL/PostGIS alike.

>>> store = open_store()                 # $LIFTGUARD_DB or the SQLite file in the data folder
>>> store.save_registry(registry)        # one transaction
>>> registry = store.load_registry()

See :mod:`gis.store.schema` for the tables and :mod:`gis.store.bulk` for the fast paths.
"""

from __future__ import annotations

from gis.errors import Cancelled, StoreError
from gis.store.schema import SCHEMA_VERSION
from gis.store.snapshot import RegistrySnapshot
from gis.store.store import Store, init_store, open_store, schema_status, upgrade_store
from gis.store.url import DB_ENV_VAR, default_db_url

__all__ = [
    "DB_ENV_VAR",
    "SCHEMA_VERSION",
    "Cancelled",
    "RegistrySnapshot",
    "Store",
    "StoreError",
    "default_db_url",
    "init_store",
    "open_store",
    "schema_status",
    "upgrade_store",
]
