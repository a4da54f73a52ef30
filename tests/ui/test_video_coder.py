"""Keyboard coding in the video coder view on real shared videos (constant and variable frame rate)."""

from __future__ import annotations

import pytest
import yaml
from PySide6.QtCore import Qt

from tests.ui.video_helpers import (
    FIRE_VFR,
    PERSON,
    SCHEME_FILE,
    add_video,
    open_view,
    saved,
    seek,
    wait_settled,
)
from workbench.coding.scheme import scheme_from_mapping
from workbench.media.frames import FrameReader
from workbench.store.observations import observation_data


def _stored(view):
    saved(view)
    return observation_data(view.session.db, view.session.observation_id).events


@pytest.mark.parametrize(
    "name, times", [(PERSON, [0, 1234, 60_050, 139_399]), (FIRE_VFR, [0, 555, 595, 1379, 2379])]
)
def test_keys_code_at_the_frame_on_screen(qtbot, project, shared_media, name, times):
    video = shared_media / "video" / name
    view = open_view(qtbot, project, add_video(project, video))
    reader = FrameReader(video)
    for ms in times:
        seek(qtbot, view, ms)
        qtbot.keyClick(view, "s")  # point: maternal smile
        saved(view)
        made = [e for e in view.session.events if e.time_ms == ms and e.behaviour == "maternal_smile"]
        assert len(made) == 1
        event = made[0]
        truth = reader.frame_at(ms)
        assert event.frame_pts_ms == truth.pts_ms == view.player.shown.pts_ms
        assert view.player.shown.index == truth.index
        assert event.event_type == "point" and event.subject == "mother"
    stored = _stored(view)
    assert sorted(e.time_ms for e in stored) == sorted(times)
    assert {e.id for e in stored} == {e.id for e in view.session.events}
    assert view.events_model.rowCount() == len(times)
    reader.close()


def test_state_toggles_frame_steps_and_exclusive_gaze(qtbot, project, shared_media):
    video = shared_media / "video" / FIRE_VFR  # variable frame rate: steps follow the timestamps
    view = open_view(qtbot, project, add_video(project, video))
    index = view.player.index
    seek(qtbot, view, 500)
    qtbot.keyClick(view, "g")  # gaze to infant starts
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    wait_settled(qtbot, view)
    assert view.player.time_ms == index.pts_ms[index.at(500) + 3] == 770  # 500, 590, 680, 770
    qtbot.keyClick(view, "g")  # ... and stops
    qtbot.keyClick(view, "f")  # infant gaze to mother starts
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # +1 s
    wait_settled(qtbot, view)
    assert view.player.time_ms == 1770
    qtbot.keyClick(view, "a")  # gaze away: stops gaze to mother at the same frame
    rows = [(e.behaviour, e.event_type, e.time_ms, e.frame_pts_ms) for e in _stored(view)]
    assert rows == [
        ("maternal_gaze_infant", "start", 500, 500),
        ("maternal_gaze_infant", "stop", 770, 770),
        ("infant_gaze_mother", "start", 770, 770),
        ("infant_gaze_mother", "stop", 1770, 1680),
        ("infant_gaze_away", "start", 1770, 1680),
    ]
    assert view.player.shown.pts_ms == 1680
    qtbot.keyClick(view, Qt.Key.Key_PageUp)  # previous event
    wait_settled(qtbot, view)
    assert view.player.time_ms == 770
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    wait_settled(qtbot, view)
    assert view.player.time_ms == 1770
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # -5 s, clamped to 0
    wait_settled(qtbot, view)
    assert view.player.time_ms == 0 and view.player.shown.index == 0


def test_modifiers_are_asked_at_start_or_stop(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    asked = []

    def answer(modifier_set, event):
        asked.append((modifier_set.name, event.behaviour, event.event_type))
        view.set_modifier(event.id, modifier_set.values[-1])

    view.choose_modifier = answer

    seek(qtbot, view, 2000)
    qtbot.keyClick(view, "t")  # maternal touch: asked at start
    seek(qtbot, view, 3000)
    qtbot.keyClick(view, "t")
    qtbot.keyClick(view, "d")  # infant distress: asked at stop
    seek(qtbot, view, 4000)
    qtbot.keyClick(view, "d")
    saved(view)  # the question comes once the event is saved (it names the event's id)
    assert asked == [
        ("touch type", "maternal_touch", "start"),
        ("distress intensity", "infant_distress", "stop"),
    ]
    stored = {(e.behaviour, e.event_type): e.modifiers for e in _stored(view)}
    assert stored == {
        ("maternal_touch", "start"): ("playful",),
        ("maternal_touch", "stop"): (),
        ("infant_distress", "start"): (),
        ("infant_distress", "stop"): ("screaming",),
    }


def test_subject_keys_choose_who_does_a_shared_behaviour(qtbot, project, shared_media):
    data = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))
    data["behaviours"].append(
        {
            "code": "laugh",
            "name": "Laughs",
            "kind": "point",
            "key": "x",
            "colour": "#123456",
            "subjects": ["mother", "infant"],
        }
    )
    scheme = scheme_from_mapping(data)
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON, scheme=scheme))
    seek(qtbot, view, 1000)
    qtbot.keyClick(view, "x")  # no subject chosen: refused with a message, nothing stored
    assert not _stored(view) and "Choose a subject" in view.message_label.text()
    qtbot.keyClick(view, "2")
    assert view.subject == "infant"
    qtbot.keyClick(view, "x")
    qtbot.keyClick(view, "1")
    seek(qtbot, view, 1500)
    qtbot.keyClick(view, "x")
    qtbot.keyClick(view, "s")  # a mother-only behaviour needs no choice
    assert [(e.subject, e.time_ms) for e in _stored(view) if e.behaviour == "laugh"] == [
        ("infant", 1000),
        ("mother", 1500),
    ]
    assert any(e.behaviour == "maternal_smile" for e in _stored(view))


def test_playback_with_sound_and_speed_shows_exact_frames(qtbot, project, shared_media, output_dir):
    video = shared_media / "video" / FIRE_VFR
    view = open_view(qtbot, project, add_video(project, video), sound=True)  # no audio device: must not fail
    view.player.set_rate(2.0)
    assert view.player.rate_box.currentText() == "2×"
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert view.player.playing
    qtbot.waitUntil(lambda: view.player.time_ms >= 800, timeout=10_000)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not view.player.playing
    wait_settled(qtbot, view)
    with FrameReader(video) as reader:
        assert view.player.shown.pts_ms == reader.frame_at(view.player.time_ms).pts_ms
    qtbot.keyClick(view, "g")
    seek(qtbot, view, 1900)
    qtbot.keyClick(view, "g")
    qtbot.keyClick(view, "s")
    assert view.player.position_label.text().startswith("00:01.900 (1900 ms)")
    assert "at 1880 ms" in view.player.position_label.text()
    view.grab().save(str(output_dir / "video_coder.png"))
    assert (output_dir / "video_coder.png").stat().st_size > 10_000


def test_behaviours_without_a_key_are_coded_from_the_filtered_list(qtbot, project, shared_media):
    data = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))
    data["behaviours"].append(
        {"code": "yawn", "name": "Yawns", "kind": "point", "colour": "#123456", "subjects": ["mother"]}
    )
    scheme = scheme_from_mapping(data)
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON, scheme=scheme))
    panel = view.behaviours
    assert panel.isVisible()  # shown first: some behaviours can only be coded from it
    assert panel.list.count() == len(scheme.behaviours)
    seek(qtbot, view, 1000)
    qtbot.keyClicks(panel.filter, "yaw")  # 'a' is a behaviour's key: typed into the filter, not coded
    assert panel.shown() == ["yawn"]
    qtbot.keyClick(panel.filter, Qt.Key.Key_Return)
    assert [(e.behaviour, e.event_type, e.time_ms) for e in _stored(view)] == [("yawn", "point", 1000)]
    panel.filter.clear()
    item = panel.list.item(panel.shown().index("maternal_smile"))
    panel.list.itemActivated.emit(item)
    assert sorted(e.behaviour for e in _stored(view)) == ["maternal_smile", "yawn"]
