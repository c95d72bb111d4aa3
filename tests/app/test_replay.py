"""Replay in the app: controller, window (event list, board, slider) and the video export."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from app.replay.controller import ReplayController
from gis.errors import ConfigError
from tests.gis.test_replay import replay as replay
from tests.gis.test_replay import world as world


def test_controller_steps_jumps_loops_and_validates_speed(qtbot, replay) -> None:
    c = ReplayController()
    c.set_replay(replay)
    assert c.time_s == replay.start_s
    with qtbot.waitSignal(c.time_changed):
        c.step_next()
    assert c.time_s == replay.next_event_s(replay.start_s)
    c.jump(replay.start_s - 3600)
    assert c.time_s == replay.start_s  # clamped
    with pytest.raises(ConfigError, match=r"1x\.\.600x"):
        c.set_speed(1000)
    c.set_speed(600)
    c.play()
    assert c.playing
    c.advance(1.0)  # one real second at 600x
    assert c.time_s == pytest.approx(replay.start_s + 600)
    c.advance((replay.end_s - c.time_s) / 600 + 1)  # past the end: pauses at the end
    assert not c.playing and c.time_s == replay.end_s
    c.set_loop(True)
    c.play()
    c.advance(2.0)  # wraps to the start
    assert c.playing and replay.start_s <= c.time_s < replay.start_s + 1300
    c.pause()
    with qtbot.waitSignal(c.time_changed, timeout=2000):
        c.play()  # the timer moves the time on by itself
    c.pause()


def test_window_event_list_board_and_slider_follow_the_time(qtbot, world, replay,
                                                            tmp_path) -> None:
    from app.replay.window import ReplayWindow, _map_data

    w = ReplayWindow(world["url"])
    qtbot.addWidget(w)
    w.resize(1400, 850)
    w.show()
    w._loaded((replay, world["reg"], _map_data(world["reg"])))
    assert w.events.model_.rowCount() == len(replay.events)
    t = replay.start_s + 0.4 * (replay.end_s - replay.start_s)
    w.controller.jump(t)
    assert w.board.model_.rowCount() == replay.state_at(t).n_open
    row = w.events.currentIndex().row()
    assert row == replay.event_row_at(t)
    # a click on an event jumps there
    target = 5
    rect = w.events.visualRect(w.events.model_.index(target, 0))
    w.events.scrollTo(w.events.model_.index(target, 0))
    rect = w.events.visualRect(w.events.model_.index(target, 0))
    qtbot.mouseClick(w.events.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.controller.time_s == pytest.approx(replay.events["at_s"].iloc[target])
    # a click on the slider's middle jumps to the middle of the replay
    qtbot.mouseClick(w.slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(w.slider.width() // 2, w.slider.height() // 2))
    mid = (replay.start_s + replay.end_s) / 2
    assert abs(w.controller.time_s - mid) < (replay.end_s - replay.start_s) * 0.01
    img = w.grab()
    assert img.width() > 0
    img.save(str(tmp_path / "replay_window.png"))


def test_video_export_mp4_and_gif_headless(world, tmp_path, capsys) -> None:
    import imageio_ffmpeg

    from app.__main__ import main

    log = tmp_path / "shift.jsonl"
    assert main(["replay", "export-log", "--db", world["url"], "--out", str(log)]) == 0
    out = tmp_path / "shift.mp4"
    code = main(["replay", "export", "--db", world["url"], "--from", "2026-11-21T09:00",
                 "--to", "2026-11-21T09:40", "--speed", "120", "--fps", "5", "--width", "480",
                 "--height", "320", "--out", str(out)])
    assert code == 0 and out.stat().st_size > 1000
    frames, _secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 100  # 40 min / 120x * 5 fps
    gif = tmp_path / "shift.gif"
    assert main(["replay", "export", "--file", str(log), "--db", world["url"],
                 "--from", "2026-11-21T09:00", "--to", "2026-11-21T09:10", "--speed", "300",
                 "--fps", "5", "--width", "320", "--height", "200", "--out", str(gif)]) == 0
    assert gif.read_bytes()[:6] == b"GIF89a"
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    first = np.frombuffer(next(reader), np.uint8).reshape(meta["size"][1], meta["size"][0], 3)
    assert first.std() > 10  # a drawn map, not a blank frame


def test_export_refuses_bad_input_without_writing(world, tmp_path, capsys) -> None:
    from app.__main__ import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"incident": "1", "time": "2026-11-21T09:00", "event": "alarm", '
                   '"registration_code": "nope"}\n', encoding="utf-8")
    out = tmp_path / "x.mp4"
    assert main(["replay", "export", "--file", str(bad), "--db", world["url"],
                 "--out", str(out)]) == 2
    assert "unknown elevator nope" in capsys.readouterr().err
    assert main(["replay", "export", "--db", world["url"], "--out",
                 str(tmp_path / "x.avi")]) == 2
    assert main(["replay", "export", "--db", world["url"], "--speed", "0", "--out",
                 str(out)]) == 2
    assert not out.exists() and not list(tmp_path.glob(".liftguard-*"))
