"""A state started and stopped on the same frame: stored, listed, drawn and checked as a start
then a stop, through the coder (key presses, undo, redo) and the store."""

from __future__ import annotations

from tests.ui.video_helpers import PERSON, add_video, open_view, saved, seek
from workbench.store.observations import observation_data
from workbench.ui.video.events_model import TYPE


def _types(events) -> list[str]:
    return [e.event_type for e in events if e.behaviour == "maternal_vocalising"]


def test_same_frame_start_and_stop_is_stored_and_shown_in_order(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    seek(qtbot, view, 2000)
    at = view.player.time_ms
    qtbot.keyClick(view, "s")  # a point at the same time, in between the two
    qtbot.keyClick(view, "v")  # maternal vocalising starts ...
    qtbot.keyClick(view, "v")  # ... and stops on the same frame
    saved(view)

    stored = observation_data(view.session.db, view.session.observation_id).events
    assert _types(stored) == ["start", "stop"]
    assert _types(view.session.events) == ["start", "stop"]
    assert list(stored) == view.session.events  # the view's rows are the store's order
    model = view.events_model
    assert [model.index(r, TYPE).data() for r in range(model.rowCount())] == ["start", "point", "stop"]

    row = view.timeline.tracks.index(("maternal_vocalising", "mother"))
    track = view.timeline.data()[row]
    assert (track.starts, track.stops, track.open_starts) == ([at], [at], [])

    assert view.session.done_problems() == []
    view.ratings.mark_done()
    saved(view)
    assert view.ratings.problems.text() == ""
    assert view.session.status == "done"

    view.session.set_status("in_progress")
    saved(view)
    view.session.undo_stack.undo()  # the reopening
    view.session.undo_stack.undo()  # the status "done"
    view.session.undo_stack.undo()  # the stop
    saved(view)
    assert _types(view.session.events) == ["start"]
    assert view.timeline.data()[row].open_starts == [at]
    view.session.undo_stack.redo()
    saved(view)
    assert _types(view.session.events) == ["start", "stop"]
    assert view.timeline.data()[row].open_starts == []
    stored = observation_data(view.session.db, view.session.observation_id).events
    assert list(stored) == view.session.events
