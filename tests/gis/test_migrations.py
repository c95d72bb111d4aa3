"""Schema migrations on both back ends: the migrations make exactly the tables the code uses,
an older (version 1) database is refused with a clear message and upgraded in place by
``liftguard db init`` without losing a row, and a newer one is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from gis.cli import main
from gis.clock import SimulatedClock
from gis.errors import StoreError
from gis.incidents import schema as incident_schema
from gis.incidents.centre import CommandCentre
from gis.incidents.intake import make_alarm
from gis.incidents.log import Actor, IncidentLog
from gis.store import open_store, schema_status, upgrade_store
from gis.store import schema as store_schema
from gis.store.migrate import HEAD_REVISION, REVISION_TABLE, upgrade_connection
from gis.store.store import Store
from gis.store.url import parse_db_url
from tests.gis.incident_world import START, make_registry
from tests.pg_fixture import pg_server, pg_url, store_url  # noqa: F401  (fixtures)


def _downgrade_to_v1(url: str) -> None:
    """Turn a current database into one LiftGuard 1 made: the 0001 schema, no revision."""
    from alembic.runtime.environment import EnvironmentContext

    from gis.store.migrate import _script

    config, script = _script()

    def steps(rev, _ctx):
        return script._downgrade_revs("0001_v1", rev)

    with Store(parse_db_url(url)) as store, store._begin() as conn:
        with EnvironmentContext(config, script, fn=steps, destination_rev="0001_v1") as env:
            env.configure(connection=conn, version_table=REVISION_TABLE)
            env.run_migrations()
        conn.exec_driver_sql(f"DROP TABLE {REVISION_TABLE}")


@pytest.mark.filterwarnings("ignore:Did not recognize type .geometry.")
def test_migrations_make_exactly_the_tables_of_the_code(store_url: str) -> None:  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import MetaData

    open_store(store_url).close()
    both = MetaData()
    for table in [*store_schema.metadata.tables.values(),
                  *incident_schema.metadata.tables.values()]:
        table.to_metadata(both)
    engine = create_engine(store_url)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), both)
        names = set(inspect(conn).get_table_names())
        revision = conn.execute(text(f"SELECT version_num FROM {REVISION_TABLE}")).scalar()
    engine.dispose()
    # PostGIS's own tables and the generated geom columns are not in the metadata
    diffs = [d for d in diffs if not (d[0] == "remove_table" and d[1].name not in both.tables)
             and not (d[0] == "remove_column" and d[3].name == "geom")
             and not (d[0] == "remove_index" and d[1].name.endswith("_geom_gix"))]
    assert diffs == []
    assert set(both.tables) <= names and revision == HEAD_REVISION


def _v1_world(url: str) -> tuple[int, int]:
    """A version-1 database with a registry, a dispatched and a closed incident."""
    reg = make_registry()
    with open_store(url) as store:
        store.save_registry(reg)
        log = IncidentLog(store)
        cc = CommandCentre(log, reg.elevators, reg.stations, actor=Actor("张三", "WS-1"),
                           clock=SimulatedClock(START))
        a = cc.receive(make_alarm("active", "100100")).intake.incident_id
        cc.dispatch(a, {"station_id": "MS0001", "eta_s": 600.0, "unit_id": "MU001"})
        b = cc.receive(make_alarm("active", "100101")).intake.incident_id
        cc.advance(b, "false_alarm")
        log.close()
    _downgrade_to_v1(url)
    return a, b


def test_old_database_is_refused_then_upgraded_in_place(store_url: str, capsys) -> None:  # noqa: F811
    open_id, closed_id = _v1_world(store_url)
    status = schema_status(store_url)
    assert (status["state"], status["version"], status["revision"]) == ("old", 1, None)
    with pytest.raises(StoreError, match=r"older LiftGuard schema version 1.*liftguard db init"):
        open_store(store_url)

    assert main(["db", "init", "--db", store_url]) == 0
    assert "from schema version 1 to 2" in capsys.readouterr().out
    with open_store(store_url) as store:
        assert store.count_elevators() == 400 and store.load_stations()["station_id"].size
        log = IncidentLog(store)
        assert {r["incident_id"] for r in log.incident_rows()} == {open_id, closed_id}
        assert len(log.events(open_id)) == 2 and log.events(closed_id)[-1].to_state == \
            "false_alarm"
        with log.read() as conn:  # the committed crew was carried over
            rows = conn.execute(text("SELECT station_id, incident_id FROM crew_assignments")
                                ).all()
        assert [tuple(r) for r in rows] == [("MS0001", open_id)]
        log.close()
    assert schema_status(store_url)["state"] == "current"
    assert main(["db", "init", "--db", store_url]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_v1_store_without_incident_tables_is_upgraded(store_url: str) -> None:  # noqa: F811
    with Store(parse_db_url(store_url)) as store, store._begin() as conn:
        upgrade_connection(conn, target="0001_v1")
        conn.exec_driver_sql(f"DROP TABLE {REVISION_TABLE}")
        for table in ("incident_events", "alarms", "agency_status", "incidents",
                      "incident_schema_info"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
    with Store(parse_db_url(store_url)) as store:  # LiftGuard 1 wrote its registry like this
        store.save_registry(make_registry())
    before, after = upgrade_store(store_url)
    assert (before.state, after.state, after.version) == ("old", "current", 2)
    with open_store(store_url) as store:
        assert store.count_elevators() == 400
        assert IncidentLog(store).count_open() == 0


def test_newer_database_is_refused(store_url: str) -> None:  # noqa: F811
    open_store(store_url).close()
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {REVISION_TABLE} SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer LiftGuard"):
        open_store(store_url)
    with pytest.raises(StoreError, match="newer LiftGuard"):
        upgrade_store(store_url)


@pytest.mark.postgres
def test_postgres_trigger_and_status(pg_url: str, capsys) -> None:  # noqa: F811
    assert main(["db", "init", "--db", pg_url]) == 0
    assert main(["db", "status", "--db", pg_url]) == 0
    out = capsys.readouterr().out
    assert "live updates trigger present" in out and "postgis   3." in out


@pytest.mark.postgres
def test_bad_urls_are_messages_not_tracebacks(pg_server, pg_url: str, capsys) -> None:  # noqa: F811
    database = pg_url.rsplit("/", 1)[1]
    assert main(["db", "init", "--db", pg_server.url(database, password="nope")]) == 2
    err = capsys.readouterr().err
    assert "password authentication failed" in err and "nope" not in err
    assert main(["db", "status", "--db", "mysql://x@y/z"]) == 2
    assert "not supported" in capsys.readouterr().err
    assert main(["db", "init", "--recreate", "--db", pg_url]) == 2
    assert "--yes" in capsys.readouterr().err
