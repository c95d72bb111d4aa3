"""Main window end to end: database opening worker, Chinese UI, snapshot command, translations."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTranslator
from PySide6.QtGui import QImage

from app.__main__ import main as liftguard
from app.main_window import MainWindow
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
#: The app modules with tr() texts (resources/translations/fill_zh_CN.py lists the same).
WINDOW_SOURCES = ["app/main_window.py", "app/menus.py", "app/docks.py", "app/map_controller.py",
                  "app/command_centre.py", "app/incident_overlays.py", "app/iot.py",
                  "app/dialogs/settings.py"]
SOURCES = [*WINDOW_SOURCES, *sorted(str(p.relative_to(ROOT)) for p in
                                         (ROOT / "app" / "panels").glob("*.py")),
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "map").glob("*.py"))]


@pytest.fixture(scope="module")
def saved_db(tmp_path_factory, small_registry):
    from gis.store import open_store

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lg.sqlite'}"
    open_store(url).save_registry(small_registry)
    return url


def _settings(tmp_path, **values):
    q = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for k, v in values.items():
        q.setValue(k, v)
    return Settings(q)


def test_open_database_worker_shows_map_banner_and_summary(qtbot, tmp_path, saved_db):
    win = MainWindow(_settings(tmp_path), saved_db)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.registry_loaded, timeout=30_000):
        win.open_database()
    assert win.canvas.renderer is not None and win.canvas.renderer.data.n == 6000
    assert win.banner.text().startswith("SYNTHETIC")
    assert "fff3cd" in win.banner.styleSheet()
    assert win.summary_model.rowCount() == 17  # 16 districts + total
    assert win.docks["summary"].widget() is win.summary_view
    with qtbot.waitSignal(win.canvas.frame_painted, timeout=10_000):
        win.canvas.update()


def test_map_columns_give_the_same_map_data_as_every_column(small_registry):
    import dataclasses

    import numpy as np

    from app.loading import MAP_COLUMNS
    from app.map.data import build_map_data
    from gis.config import Config
    from tests.conftest import AS_OF

    cfg = Config(as_of=AS_OF)
    part = dataclasses.replace(small_registry,
                               elevators=small_registry.elevators[list(MAP_COLUMNS)])
    first, full = build_map_data(part, cfg, index=False), build_map_data(small_registry, cfg,
                                                                         index=False)
    for name in ("x", "y", "valid", "outside"):
        np.testing.assert_array_equal(getattr(first, name), getattr(full, name))
    for field in dataclasses.fields(full.table):
        a, b = getattr(first.table, field.name), getattr(full.table, field.name)
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, field.name


def test_two_step_load_draws_first_and_details_follow(qtbot, tmp_path, saved_db,
                                                      small_registry):
    """The map is drawn from the map's columns; until the rest arrives the inspector says
    it is loading (no partial attributes), search and rescue wait; the selection made
    meanwhile is kept and then shown in full."""
    win = MainWindow(_settings(tmp_path), saved_db)
    qtbot.addWidget(win)
    win.show()
    order, seen = [], {}
    win.canvas.frame_painted.connect(lambda _ms: order.append("frame"))
    win.registry_loaded.connect(lambda: order.append("loaded"))

    def at_first(data):
        order.append("first")
        seen["columns"] = set(data.registry.elevators.columns)
        seen["loading"] = win.details_loading
        win.map_model.set_selected(7)
        seen["heading"] = win.inspector.heading.text()
        seen["rows"] = win.inspector.table.rowCount()
        seen["search"] = win.search.isEnabled()
        seen["rescue"] = win.rescue_action.isEnabled()
        seen["plan"] = win.map.plan_rescue(7)
        seen["banner"] = win.banner.text()

    with qtbot.waitSignal(win.registry_loaded, timeout=30_000):
        win.open_database()
        win._load_signals.first.connect(at_first)
    # (an empty frame may be painted before the data arrives: the window shows at once)
    first, loaded = order.index("first"), order.index("loaded")
    assert first < loaded and "frame" in order[first + 1:loaded], order
    assert "registration_code" not in seen["columns"] and "lon" in seen["columns"]
    assert seen["loading"] and seen["rows"] == 0 and seen["plan"] is None
    assert seen["heading"] == "Loading elevator details..."
    assert not seen["search"] and not seen["rescue"]
    assert seen["banner"].startswith("SYNTHETIC")
    # complete now, same rows, selection kept
    assert not win.details_loading and win.map_model.selected == 7
    assert win.inspector.value_of("registration_code") == \
        small_registry.elevators["registration_code"].iloc[7]
    assert win.search.isEnabled() and win.rescue_action.isEnabled()
    assert list(win.canvas.renderer.data.registry.elevators.columns) == \
        list(small_registry.elevators.columns)
    assert win.summary_model.rowCount() == 17


def test_broken_database_url_is_a_message_not_a_crash(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("app.main_window.show_error", lambda *a: shown.append(a[1]))
    win = MainWindow(_settings(tmp_path), "nosuchdb://x")
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.open_database().signals.failed, timeout=10_000):
        pass
    assert "could not be opened" in win.banner.text()
    assert shown and "could not be opened" in win.canvas.message


def test_chinese_ui_with_the_committed_translation(qtbot, tmp_path, small_registry):
    from app.map.data import build_map_data
    from gis.config import Config
    from tests.conftest import AS_OF

    app = QCoreApplication.instance()
    translator = QTranslator()
    assert translator.load("liftguard_zh_CN", str(TRANSLATIONS))
    app.installTranslator(translator)
    try:
        win = MainWindow(_settings(tmp_path, **{"ui/language": "zh_CN"}))
        qtbot.addWidget(win)
        win.set_map_data(build_map_data(small_registry, Config(as_of=AS_OF)))
        assert win.file_menu.title() == "文件(&F)"
        assert win.docks["legend"].windowTitle() == "图例"
        assert win.legend.title.text() == "电梯使用年限"
        assert "一类风险(停用)" in [e.label for e in (win.map_model.set_view("risk")
                                                    or win.canvas.renderer.legend())]
    finally:
        app.removeTranslator(translator)


def test_committed_qm_is_compiled_from_the_ts(tmp_path):
    ts = TRANSLATIONS / "liftguard_zh_CN.ts"
    tree = ET.parse(ts)
    unfinished = [m.findtext("source") for m in tree.getroot().iter("message")
                  if m.find("translation").get("type") in ("unfinished", "obsolete")
                  or not "".join(m.find("translation").itertext()).strip()]
    assert unfinished == []
    out = tmp_path / "check.qm"
    subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == (TRANSLATIONS / "liftguard_zh_CN.qm").read_bytes()


def test_every_tr_string_in_the_sources_is_in_the_ts(tmp_path):
    copy = tmp_path / "liftguard_zh_CN.ts"
    shutil.copy(TRANSLATIONS / "liftguard_zh_CN.ts", copy)
    before = {m.findtext("source") for m in ET.parse(copy).getroot().iter("message")}
    subprocess.run(["pyside6-lupdate", *SOURCES, "-ts", str(copy)], cwd=ROOT, check=True,
                   capture_output=True)
    after = {m.findtext("source") for m in ET.parse(copy).getroot().iter("message")
             if m.find("translation").get("type") != "vanished"
             and m.find("translation").get("type") != "obsolete"}
    assert after - before == set(), "run resources/translations/fill_zh_CN.py"


def test_snapshot_command(tmp_path, saved_db, capsys):
    out = tmp_path / "risk.png"
    code = liftguard(["snapshot", "--db", saved_db, "--out", str(out), "--view", "risk",
                      "--district", "310115", "--width", "640", "--height", "400"])
    assert code == 0
    assert "view risk" in capsys.readouterr().out
    img = QImage(str(out))
    assert (img.width(), img.height()) == (640, 400)
    colours = {img.pixel(x, y) for x in range(0, 640, 7) for y in range(0, 400, 7)}
    assert len(colours) > 20  # a drawn map, not a blank frame
    assert not list(tmp_path.glob(".liftguard-*"))


@pytest.mark.parametrize(("args", "message"), [
    (["--view", "heatmap"], "unknown map view 'heatmap'"),
    (["--district", "310999"], "unknown district code '310999'"),
    (["--out", "/no/such/folder/x.png"], "does not exist"),
])
def test_snapshot_bad_input_exits_2(tmp_path, saved_db, capsys, args, message):
    base = {"--out": str(tmp_path / "x.png")}
    argv = ["snapshot", "--db", saved_db]
    if "--out" not in args:
        argv += ["--out", base["--out"]]
    code = liftguard(argv + args)
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


# ---------------------------------------------------------------- worker helper (app.workers)

_CONCURRENT_PROJECT = """
import sys
import numpy as np
from PySide6.QtCore import QCoreApplication, QTimer
from app.workers import Worker, pool, start
from gis.crs import project, unproject

app = QCoreApplication([])
results = []

def job(progress, cancelled):
    rng = np.random.default_rng()
    lon, lat = rng.uniform(121.0, 122.0, 3000), rng.uniform(30.8, 31.6, 3000)
    x, y = project(lon, lat, 32651)
    back, _ = unproject(x, y, 32651)
    return float(np.abs(back - lon).max())

def launch(n):
    for _ in range(n):  # references dropped at once: the pool keeps the workers alive
        start(Worker(job)).signals.finished.connect(results.append)

launch(12)
QTimer.singleShot(50, lambda: launch(12))  # second wave reuses the same threads

def check():
    if len(results) == 24 and pool().active == 0:
        print("ok", max(results))
        app.quit()

timer = QTimer()
timer.timeout.connect(check)
timer.start(10)
QTimer.singleShot(60_000, lambda: app.exit(3))
sys.exit(app.exec())
"""


def test_workers_project_coordinates_concurrently_without_crashing(tmp_path):
    """Several workers calling gis.crs.project at once, in two waves on reused threads. On
    QThreadPool threads this segfaulted (pyproj frees a thread's PROJ context with the Python
    thread state PySide drops after each job); run in a child process so a crash is a failure,
    not the end of the test session."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", _CONCURRENT_PROJECT], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"exit {out.returncode}\n{out.stderr[-2000:]}"
    status, err = out.stdout.split()
    assert status == "ok" and float(err) < 1e-9


def test_worker_signals_arrive_on_the_ui_thread_even_if_connected_after_start(qtbot):
    import threading

    from PySide6.QtCore import QThread

    from app.workers import Worker, pool, start

    seen: list[tuple[str, object]] = []
    ui = QThread.currentThread()

    def job(progress, cancelled):
        progress(0.5)
        return threading.current_thread().name

    def failing(progress, cancelled):
        raise ValueError("bad input row 3")

    worker = start(Worker(job))
    # connected after start(): the job only begins once the event loop runs
    worker.signals.progress.connect(lambda f: seen.append(("progress", QThread.currentThread())))
    with qtbot.waitSignal(worker.signals.finished, timeout=10_000) as got:
        pass
    assert got.args[0].startswith("liftguard-worker")  # ran on a pool Python thread
    assert seen == [("progress", ui)]
    bad = start(Worker(failing))
    with qtbot.waitSignal(bad.signals.failed, timeout=10_000) as got:
        pass
    exc, details = got.args
    assert isinstance(exc, ValueError) and "bad input row 3" in details
    qtbot.waitUntil(lambda: pool().active == 0, timeout=5_000)


def test_cancelled_worker_sees_the_flag(qtbot):
    import threading

    from app.workers import Worker, start

    gate = threading.Event()

    def job(progress, cancelled):
        gate.wait(5)
        return cancelled()

    worker = start(Worker(job))
    worker.cancel()
    gate.set()
    with qtbot.waitSignal(worker.signals.finished, timeout=10_000) as got:
        pass
    assert got.args == [True]


@pytest.mark.skipif(not Path("/usr/sbin/mosquitto").exists(), reason="Mosquitto not installed")
def test_iot_status_says_refused_with_the_reason_after_a_refused_reconnect(qtbot, tmp_path,
                                                                          broker):
    """The broker comes back requiring passwords: the status bar says why it refuses this
    workstation ("refused (Not authorized)"), not "reconnecting"; then connected again."""
    from tests.app.test_iot_intake import _iot_threads, _window
    from tests.gis.test_mqtt import _require_password

    win = _window(qtbot, tmp_path, broker.url)
    with qtbot.waitSignal(win.centre_changed, timeout=30_000):
        win.open_database()
    qtbot.waitUntil(lambda: "connected to" in win.iot_label.text(), timeout=15_000)
    broker.stop()
    qtbot.waitUntil(lambda: "reconnecting" in win.iot_label.text(), timeout=15_000)
    _require_password(broker, on=True)
    broker.start()
    qtbot.waitUntil(lambda: "refused" in win.iot_label.text(), timeout=30_000)
    assert win.iot_label.text() == "IoT: refused (Not authorized); retrying"
    assert win.command.iot.state == "refused"
    broker.stop()
    _require_password(broker, on=False)
    broker.start()
    qtbot.waitUntil(lambda: "connected to" in win.iot_label.text(), timeout=30_000)
    win.close()
    assert _iot_threads() == []
