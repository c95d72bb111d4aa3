"""`liftguard generate` and `liftguard info` as a planner uses them, headless."""

from __future__ import annotations

import json

import pytest

from gis.cli import main


@pytest.fixture
def generated(sqlite_url, capsys):
    assert main(["generate", "--db", sqlite_url, "-n", "3000", "--seed", "5",
                 "--as-of", "2026-11-21"]) == 0
    capsys.readouterr()
    return sqlite_url


def test_generate_saves_a_labelled_synthetic_registry(generated):
    from gis.store import open_store

    reg = open_store(generated).load_registry()
    assert len(reg.elevators) == 3000
    assert reg.is_synthetic
    assert reg.meta["as_of"] == "2026-11-21" and reg.meta["seed"] == "5"
    assert len(reg.districts) == 16 and len(reg.units) == 315


def test_generate_refuses_to_overwrite_without_replace(generated, capsys):
    assert main(["generate", "--db", generated, "-n", "100"]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["generate", "--db", generated, "-n", "100", "--replace"]) == 0


def test_info_table_and_json(generated, capsys):
    assert main(["info", "--db", generated]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "Pudong New Area" in out and "Total" in out
    assert main(["info", "--db", generated, "--chinese"]) == 0
    assert "浦东新区" in capsys.readouterr().out
    assert main(["info", "--db", generated, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    total = next(d for d in payload["districts"] if d["adcode"] == "total")
    assert total["elevators"] == 3000
    assert sum(d["elevators"] for d in payload["districts"] if d["adcode"] != "total") == 3000
    assert 0.2 < total["share_old"] < 0.32


def test_info_on_an_empty_database_is_a_clear_error(sqlite_url, capsys):
    assert main(["info", "--db", sqlite_url]) == 2
    err = capsys.readouterr().err
    assert "liftguard generate" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["generate", "-n", "-5"], "must be positive"),
    (["generate", "-n", "many"], "whole number"),
    (["generate", "--as-of", "21/11/2026"], "YYYY-MM-DD"),
    (["info", "--bogus"], "unrecognized arguments"),
    (["no-such-command"], "invalid choice"),
])
def test_bad_arguments_exit_2(argv, message, sqlite_url, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--db", sqlite_url])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_area_code_exit_2(sqlite_url, capsys):
    assert main(["generate", "--db", sqlite_url, "--adcode", "990000", "-n", "10"]) == 2
    assert "unknown administrative code" in capsys.readouterr().err


def test_other_province(sqlite_url, capsys):
    assert main(["generate", "--db", sqlite_url, "--adcode", "370100", "-n", "2000"]) == 0
    capsys.readouterr()
    assert main(["info", "--db", sqlite_url, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    codes = [d["adcode"] for d in payload["districts"] if d["adcode"] != "total"]
    assert codes and all(c.startswith("3701") for c in codes)


def test_no_command_prints_help_and_exit_2(capsys):
    assert main([]) == 2
    assert "generate" in capsys.readouterr().out


def test_generate_with_synthetic_roads_routes_at_once(tmp_path, monkeypatch, capsys):
    """The demo roads are linked under the database's absolute path, so a relative --db in
    one directory and an absolute one elsewhere find the same graph."""
    from gis.store import open_store

    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--db", "sqlite:///rel.sqlite", "-n", "1500", "--seed", "2",
                 "--synth-roads"]) == 0
    assert "SYNTHETIC road network" in capsys.readouterr().out
    absolute = f"sqlite:///{tmp_path / 'rel.sqlite'}"
    elevators = open_store(absolute).load_elevators()
    monkeypatch.chdir("/")
    codes = elevators.loc[elevators["district_adcode"] == "310101", "rescue_code"]
    ok = sum(main(["route", "--db", absolute, "--elevator", c, "--k", "1", "--free-flow"]) == 0
             for c in codes.iloc[:5])
    assert ok >= 1  # central elevators lie on the synthetic network
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out
