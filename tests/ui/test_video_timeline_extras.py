"""The thumbnail strip (decoded off the GUI thread, cached, click to seek) and dragging an
epoch's edges on the timeline (with undo and redo)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QPoint, Qt

from tests.ui.video_helpers import FIRE_VFR, PERSON, add_video, open_view, saved, seek
from workbench.media.frames import FrameReader
from workbench.store.observations import observation_data
from workbench.ui.video import thumbnails as thumbs_module
from workbench.ui.video.thumbnails import COUNT, HEIGHT, ThumbnailStrip
from workbench.ui.video.timeline import AXIS_H, EPOCH_H


def test_thumbnails_are_decoded_off_the_gui_thread_cached_and_seek_on_click(
    qtbot, project, shared_media, monkeypatch
):
    video = shared_media / "video" / FIRE_VFR
    threads = []
    real = FrameReader.thumbnails

    def spy(reader, *args, **kwargs):
        threads.append(threading.get_ident())
        return real(reader, *args, **kwargs)

    monkeypatch.setattr(FrameReader, "thumbnails", spy)
    monkeypatch.setattr(thumbs_module, "_CACHE", type(thumbs_module._CACHE)())
    view = open_view(qtbot, project, add_video(project, video))
    strip = view.thumbnails
    qtbot.waitUntil(lambda: strip.ready, timeout=30_000)
    assert threads and threading.get_ident() not in threads
    with FrameReader(video) as reader:
        expected = [pts for pts, _ in real(reader, COUNT, HEIGHT)]
    assert [pts for pts, _ in strip.thumbs] == expected
    assert all(image.height() == HEIGHT for _, image in strip.thumbs)

    slot = 5
    x = round(strip.left + (slot + 0.5) * (strip.width() - strip.left) / COUNT)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, HEIGHT // 2))
    qtbot.waitUntil(lambda: view.player.settled and view.player.time_ms == expected[slot], timeout=10_000)
    assert view.player.current_pts_ms == expected[slot]
    assert strip.slot_at(strip.left - 1) is None

    again = ThumbnailStrip(view.player.path, left=10)  # the same file again: from the cache, no decode
    qtbot.addWidget(again)
    assert again.ready and again._thread is None and len(threads) == 1
    again.close_media()


def test_drag_an_epochs_edges_with_undo(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    timeline = view.timeline
    shown = []
    view.session.add_epoch("free_play", 2000, 6000, shown.append)
    saved(view)
    (epoch_id,) = shown
    timeline.set_view(0, 10_000)
    y = AXIS_H + EPOCH_H // 2
    tolerance = 10_000 / timeline._plot_w + 1

    def stored():
        saved(view)
        epoch = next(
            e
            for e in observation_data(view.session.db, view.session.observation_id).epochs
            if e.id == epoch_id
        )
        return epoch.start_ms, epoch.end_ms

    def drag(from_ms, to_ms):
        x0, x1 = round(timeline.x_of(from_ms)), round(timeline.x_of(to_ms))
        assert timeline.epoch_edge_at(x0, y) is not None
        qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x0, y))
        qtbot.mouseMove(timeline, QPoint(x1, y))
        qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x1, y))
        saved(view)

    drag(6000, 8000)
    start, end = stored()
    assert start == 2000 and abs(end - 8000) <= tolerance
    assert next(e for e in view.session.epochs if e.id == epoch_id).end_ms == end  # the band shows it
    drag(2000, 1000)
    assert abs(stored()[0] - 1000) <= tolerance and stored()[1] == end
    drag(stored()[0], 9500)  # a start cannot pass the end
    assert stored()[0] == end - 1

    stack = view.session.undo_stack
    stack.undo()
    assert abs(stored()[0] - 1000) <= tolerance
    stack.undo()
    stack.undo()
    assert stored() == (2000, 6000)
    stack.redo()
    assert stored() == (2000, end)

    seek(qtbot, view, 0)  # a click on the band (not on an edge) still seeks
    x = round(timeline.x_of(4000))
    assert timeline.epoch_edge_at(x, y) is None
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    qtbot.waitUntil(
        lambda: view.player.settled and abs(view.player.time_ms - 4000) <= tolerance, timeout=10_000
    )
