"""Reading the registry in steps from one transaction: :class:`RegistrySnapshot`.

Made by :meth:`gis.store.Store.snapshot`. The map reads its few columns first and draws; the
other columns come later from the same snapshot, so both frames hold the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Connection, select

from gis.errors import StoreError
from gis.registry import Registry
from gis.store import schema
from gis.store.bulk import read_rows
from gis.store.codec import (
    ELEVATOR_KINDS,
    STATION_KINDS,
    UNIT_KINDS,
    decode_columns,
    decode_districts,
    decode_stations,
    decode_units,
)

if TYPE_CHECKING:
    import geopandas as gpd


def elevator_kinds(columns: Sequence[str] | None) -> dict[str, str]:
    """``ELEVATOR_KINDS`` limited to ``columns`` (all when ``None``), in contract order.

    Raises
    ------
    StoreError
        A name is not an elevator column.
    """
    if columns is None:
        return dict(ELEVATOR_KINDS)
    unknown = sorted(set(columns) - set(ELEVATOR_KINDS))
    if unknown:
        raise StoreError(f"unknown elevator column(s) {', '.join(unknown)}; the columns are "
                         f"{', '.join(ELEVATOR_KINDS)}")
    return {c: k for c, k in ELEVATOR_KINDS.items() if c in set(columns)}


class RegistrySnapshot:
    """The registry as one read transaction sees it (made by :meth:`Store.snapshot`).

    Elevator columns are read on demand and kept, so a later call reads only the columns
    not read yet; the small tables are read once.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._elevators: dict[str, pd.Series] = {}
        self._rest: tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame, dict[str, str]] | None
        self._rest = None

    def load_elevators(self, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Elevators with ``columns`` (all when ``None``), contract order and dtypes."""
        wanted = elevator_kinds(columns)
        missing = {c: k for c, k in wanted.items() if c not in self._elevators}
        if missing:
            frame = decode_columns(read_rows(self._conn, "elevators", missing), missing)
            self._elevators.update({c: frame[c] for c in missing})
        return pd.DataFrame({c: self._elevators[c] for c in wanted}, copy=False)

    def load_registry(self, *, columns: Sequence[str] | None = None) -> Registry:
        """The registry; its elevators limited to ``columns`` (all when ``None``)."""
        elevators = self.load_elevators(columns=columns)
        if self._rest is None:
            conn = self._conn
            self._rest = (decode_stations(read_rows(conn, "stations", STATION_KINDS)),
                          decode_units(read_rows(conn, "units", UNIT_KINDS)),
                          read_districts(conn), read_meta(conn))
        stations, units, districts, meta = self._rest
        return Registry(elevators=elevators, stations=stations, units=units,
                        districts=districts, meta=dict(meta))


def read_districts(conn: Connection) -> gpd.GeoDataFrame:
    """Districts in stored order (adcode, name, name_en, geometry; EPSG:4326)."""
    t = schema.districts
    rows = conn.execute(
        select(t.c.adcode, t.c.name, t.c.name_en, t.c.geom_wkb).order_by(t.c.row_id)
    ).all()
    return decode_districts(rows)


def read_meta(conn: Connection) -> dict[str, str]:
    """The registry's metadata, by key."""
    t = schema.registry_meta
    return dict(conn.execute(select(t.c.key, t.c.value).order_by(t.c.key)).all())  # type: ignore[arg-type]
