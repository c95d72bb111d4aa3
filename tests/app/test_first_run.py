"""First start on an empty database: the SYNTHETIC demo is created behind a progress dialog,
with a synthetic road network linked so that rescue planning works at once."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QProgressDialog

from app.main_window import MainWindow
from app.settings import Settings


def test_first_run_creates_the_demo_with_roads(qtbot, tmp_path, monkeypatch):
    import gis.demo as demo

    real = demo.create_demo
    calls = []

    def small_demo(*args, **kwargs):  # the real path, at a test-sized scale
        calls.append(kwargs)
        return real(*args, **{**kwargs, "n": 3000, "road_nodes": 4000})

    monkeypatch.setattr(demo, "create_demo", small_demo)
    url = f"sqlite:///{tmp_path / 'first.sqlite'}"
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(settings, url)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.registry_loaded, timeout=60_000):
        win.open_database()
        dialogs = win.findChildren(QProgressDialog)
        assert dialogs and "SYNTHETIC demo" in dialogs[0].labelText()
    assert calls, "the demo was not created"
    assert win.banner.text().startswith("SYNTHETIC")
    assert win.canvas.renderer is not None and win.canvas.renderer.data.n == 3000
    if win.engine is None:
        with qtbot.waitSignal(win.roads_loaded, timeout=60_000):
            pass
    assert win.engine is not None
    assert "SYNTHETIC" in win.roads.label

    # the demo's roads answer a rescue request from the command line as well
    from gis.cli import main
    from gis.store import open_store

    elevators = open_store(url).load_elevators()
    near = win.engine.nearest_stations(elevators)
    reachable = elevators.loc[~near["off_network"] & near["meets_limit"], "rescue_code"]
    assert len(reachable) > 0
    assert main(["route", "--db", url, "--elevator", reachable.iloc[0], "--k", "2",
                 "--free-flow"]) == 0
