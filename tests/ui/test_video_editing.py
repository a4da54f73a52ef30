"""Fixing mistakes: the events table (typed time, current frame, subject, modifiers, comment,
delete) and the timeline (drag a state's edge, click to seek), all with undo and redo."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.ui.video_helpers import FIRE_VFR, PERSON, add_video, open_view, saved, seek
from workbench.coding import observation as ob
from workbench.media.frames import FrameReader
from workbench.store.observations import observation_data
from workbench.ui.video.events_model import COMMENT, MODIFIERS, TIME, parse_time
from workbench.ui.video.timeline import ROW_H


def _stored(view):
    saved(view)
    return {e.id: e for e in observation_data(view.session.db, view.session.observation_id).events}


def test_parse_time():
    assert parse_time("1234") == 1234
    assert parse_time("00:01.5") == 1500
    assert parse_time("1:02:03.004") == 3_723_004
    for bad in ("1:75", "abc", "-5"):
        try:
            parse_time(bad)
        except Exception as exc:  # noqa: BLE001
            assert "not a time" in str(exc)
        else:
            raise AssertionError(bad)


def test_table_edits_commit_and_undo_redo(qtbot, project, shared_media):
    video = shared_media / "video" / FIRE_VFR
    view = open_view(qtbot, project, add_video(project, video))
    model, panel = view.events_model, view.events
    seek(qtbot, view, 300)
    qtbot.keyClick(view, "o")  # object offer (point)
    saved(view)
    (event,) = view.session.events
    assert panel.selected_ids() == [event.id]  # a new event is selected in the table

    row = model.row_of(event.id)
    assert model.setData(model.index(row, TIME), "00:01.300")
    with FrameReader(video) as reader:
        expected_pts = reader.frame_at(1300).pts_ms
    moved = _stored(view)[event.id]
    assert (moved.time_ms, moved.frame_pts_ms) == (1300, expected_pts) == (1300, 1280)
    assert model.index(model.row_of(event.id), TIME).data() == "00:01.300"

    assert model.setData(model.index(model.row_of(event.id), COMMENT), "toy held out twice")
    saved(view)
    assert model.setData(model.index(model.row_of(event.id), MODIFIERS), "")
    assert _stored(view)[event.id].comment == "toy held out twice"
    assert not model.setData(model.index(model.row_of(event.id), TIME), "later")  # refused, unchanged
    assert "not a time" in view.message_label.text()

    seek(qtbot, view, 2000)  # "set to current frame"
    panel.select_event(event.id)
    panel.set_current_button.click()
    assert (_stored(view)[event.id].time_ms, _stored(view)[event.id].frame_pts_ms) == (2000, 1980)

    stack = view.session.undo_stack
    stack.undo()
    assert _stored(view)[event.id].time_ms == 1300
    stack.undo()
    stack.undo()
    assert _stored(view)[event.id].comment == "" and view.session.event_by_id(event.id).time_ms == 1300
    stack.undo()
    assert _stored(view)[event.id].time_ms == 300
    stack.redo()
    assert _stored(view)[event.id].time_ms == 1300
    assert model.index(model.row_of(event.id), TIME).data() == "00:01.300"

    panel.select_event(event.id)
    panel.delete_button.click()
    assert _stored(view) == {} and model.rowCount() == 0
    qtbot.keyClick(view, "z", Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z brings it back, same id
    assert list(_stored(view)) == [event.id] and model.rowCount() == 1
    qtbot.keyClick(view, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _stored(view) == {}


def test_subject_edit_is_checked_against_the_scheme(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    seek(qtbot, view, 5000)
    qtbot.keyClick(view, "s")
    saved(view)
    model = view.events_model
    from workbench.ui.video.events_model import SUBJECT

    model.setData(model.index(0, SUBJECT), "Infant")  # a mother's smile, by the scheme: refused
    saved(view)
    assert "not coded for subject" in view.message_label.text()
    assert model.setData(model.index(0, SUBJECT), "Mother")
    saved(view)
    assert model.index(0, SUBJECT).data() == "Mother"


def test_timeline_drag_edge_click_seek_and_zoom(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    timeline = view.timeline
    seek(qtbot, view, 10_000)
    qtbot.keyClick(view, "v")  # maternal vocalising 10 s .. 20 s
    seek(qtbot, view, 20_000)
    qtbot.keyClick(view, "v")
    saved(view)
    timeline.set_view(0, 40_000)
    row = timeline.tracks.index(("maternal_vocalising", "mother"))
    y = timeline.row_y(row) + ROW_H // 2
    x_stop = round(timeline.x_of(20_000))
    x_new = round(timeline.x_of(30_000))
    assert timeline.edge_at(x_stop, y)[0] == next(e.id for e in view.session.events if e.event_type == "stop")

    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_stop, y))
    qtbot.mouseMove(timeline, QPoint(x_new, y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_new, y))
    stop = next(e for e in _stored(view).values() if e.event_type == "stop")
    assert abs(stop.time_ms - 30_000) <= 40_000 / timeline._plot_w + 1
    assert stop.frame_pts_ms == view.player.frame_pts_at(stop.time_ms)
    assert ob.pair_states(_stored(view).values()).intervals[0].stop_ms == stop.time_ms

    x_click = round(timeline.x_of(5_000))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_click, timeline.row_y(0) - 2))
    qtbot.waitUntil(lambda: view.player.settled and abs(view.player.time_ms - 5_000) < 100, timeout=10_000)

    span = timeline.view_span
    timeline.set_view(timeline.view_start, span / 4)  # zoom in: the visible range shrinks
    assert timeline.view_span == span / 4
    view.session.undo_stack.undo()  # the drag is undone
    assert next(e for e in _stored(view).values() if e.event_type == "stop").time_ms == 20_000


def test_timeline_paints_thousands_of_events(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    from workbench.store.observations import add_events

    events = []
    for i in range(2000):
        t = i * 60
        events += [
            ob.Event("maternal_gaze_infant", "mother", "start", t, None),
            ob.Event("maternal_gaze_infant", "mother", "stop", t + 30, None),
            ob.Event("infant_vocalising", "infant", "point", t + 10, None),
        ]
    add_events(view.session.db, view.session.observation_id, events)
    view.session.reload()
    saved(view)
    assert view.events_model.rowCount() == 6000
    data = view.timeline.data()
    row = view.timeline.tracks.index(("maternal_gaze_infant", "mother"))
    assert len(data[row].starts) == 2000 and data[row].stops[0] == 30
    image = view.timeline.grab().toImage()
    assert not image.isNull()
