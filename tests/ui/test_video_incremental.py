"""Key presses, edits, deletes, undo and redo update the events table row by row and the timeline
track by track (no reset, no rebuild), and both always equal what the store holds."""

from __future__ import annotations

from tests.ui.video_helpers import PERSON, add_video, open_view, saved, seek
from workbench.coding import observation as ob
from workbench.store.observations import add_events, observation_data
from workbench.ui.video.events_model import TIME
from workbench.ui.video.track_index import TrackIndex


def _agrees_with_store(view) -> None:
    saved(view)
    stored = list(observation_data(view.session.db, view.session.observation_id).events)
    assert view.session.events == stored
    model = view.events_model
    assert [model.event_at(r).id for r in range(model.rowCount())] == [e.id for e in stored]
    assert [model.index(r, TIME).data() for r in range(model.rowCount())] == [
        ob.format_ms(e.time_ms) for e in stored
    ]
    fresh = TrackIndex(view.timeline.tracks)
    fresh.build(stored)
    got = view.timeline.data()
    for mine, theirs in zip(got, fresh.tracks):
        assert (mine.starts, mine.stops, mine.ids, mine.open_starts, mine.points) == (
            theirs.starts,
            theirs.stops,
            theirs.ids,
            theirs.open_starts,
            theirs.points,
        )


def test_changes_are_applied_row_by_row_and_stay_exact(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    background = [ob.Event("infant_vocalising", "infant", "point", 100 + 37 * i) for i in range(300)]
    add_events(view.session.db, view.session.observation_id, background)
    view.session.reload()
    saved(view)
    view.timeline.repaint()  # built once, from the reload
    resets, inserted, removed = [], [], []
    view.events_model.modelAboutToBeReset.connect(lambda: resets.append(1))
    view.events_model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    view.events_model.rowsRemoved.connect(lambda _p, first, _last: removed.append(first))
    rebuilt = []
    build = view.timeline.index.build
    view.timeline.index.build = lambda events: (rebuilt.append(1), build(events))

    seek(qtbot, view, 2000)
    qtbot.keyClick(view, "g")  # maternal gaze starts
    seek(qtbot, view, 3000)
    qtbot.keyClick(view, "g")  # ... and stops
    qtbot.keyClick(view, "s")  # a smile (point)
    saved(view)
    assert len(inserted) == 3 and not removed
    view.timeline.repaint()
    _agrees_with_store(view)

    stop = next(e for e in view.session.events if e.event_type == "stop")
    assert view.session.edit_event(stop.id, time_ms=4000, frame_pts_ms=view.player.frame_pts_at(4000))
    saved(view)
    row = view.timeline.tracks.index(("maternal_gaze_infant", "mother"))
    assert view.timeline.data()[row].stops == [4000]
    _agrees_with_store(view)
    smile = next(e for e in view.session.events if e.behaviour == "maternal_smile")
    assert view.session.delete_events([smile.id])
    _agrees_with_store(view)

    stack = view.session.undo_stack
    for step in ("undo", "undo", "undo", "redo", "redo", "undo", "undo", "redo"):
        getattr(stack, step)()
        view.timeline.repaint()
        _agrees_with_store(view)
    assert not resets and not rebuilt  # nothing was rebuilt from scratch
    assert removed and len(inserted) > 3


def test_epochs_and_ratings_do_not_reset_the_events(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    qtbot.keyClick(view, "o")
    saved(view)
    resets, shown = [], []
    view.events_model.modelAboutToBeReset.connect(lambda: resets.append(1))
    view.session.add_epoch("free_play", 0, 5000, shown.append)
    saved(view)
    (epoch,) = shown
    assert view.session.epochs[0].id == epoch  # shown once saved and read again
    assert view.session.rate(epoch, "maternal_sensitivity", 4)
    saved(view)
    assert view.session.rating(epoch, "maternal_sensitivity") == 4
    assert not resets
    _agrees_with_store(view)
