"""Marking task epochs, rating each applicable scale with one click, and the check before "done"."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel

from tests.ui.video_helpers import PERSON, add_video, open_view, saved, seek
from workbench.store.observations import observation_data


def test_rate_an_epoch_and_mark_done(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    panel, session = view.ratings, view.session
    assert panel.status_label.text() == "Status: Not started"

    panel.task_box.setCurrentIndex(panel.task_box.findData("book_sharing"))
    seek(qtbot, view, 12_000)
    panel.start_button.click()
    seek(qtbot, view, 70_000)
    qtbot.keyClick(view, "d")  # infant distress starts and is never stopped
    panel.end_button.click()
    saved(view)
    (epoch,) = session.epochs
    assert (epoch.task, epoch.start_ms, epoch.end_ms) == ("book_sharing", 12_000, 70_000)
    assert panel.status_label.text() == "Status: In progress"

    scales = [s.code for s in session.scheme.scales_for_task("book_sharing")]
    boxes = {b.objectName(): b for b in panel.scales.findChildren(QGroupBox)}
    assert sorted(boxes) == sorted(f"scale_{c}" for c in scales)
    sensitivity = boxes["scale_maternal_sensitivity"]
    anchors = [label.text() for label in sensitivity.findChildren(QLabel)]
    assert any(text.startswith("Highly characteristic") for text in anchors)

    panel.rate_groups["maternal_sensitivity"].button(3).click()  # one click rates
    saved(view)
    stored = observation_data(session.db, session.observation_id).ratings
    assert [(r.epoch_id, r.scale, r.value) for r in stored] == [(epoch.id, "maternal_sensitivity", 3)]
    assert panel.rate_groups["maternal_sensitivity"].checkedId() == 3  # shown after the refresh
    panel.rate_groups["maternal_sensitivity"].button(4).click()  # re-rating replaces
    saved(view)
    assert [r.value for r in observation_data(session.db, session.observation_id).ratings] == [4]

    assert not panel.mark_done()  # problems are listed, the status stays
    problems = panel.problems.text()
    assert "Infant distress (infant) starts at 01:10.000 but is never stopped." in problems
    assert "Intrusiveness" in problems and "Maternal sensitivity" not in problems
    assert observation_data(session.db, session.observation_id).record.status == "in_progress"

    seek(qtbot, view, 80_000)
    view.choose_modifier = lambda modifier_set, event: view.set_modifier(event.id, "crying")
    qtbot.keyClick(view, "d")
    saved(view)
    assert session.events[-1].modifiers == ("crying",)
    for code in scales:
        panel.rate_groups[code].button(2).click()
        saved(view)
    assert (
        "rated" in panel.epoch_list.item(0).text()
        and f"({len(scales)}/{len(scales)} rated)" in panel.epoch_list.item(0).text()
    )
    assert panel.mark_done()
    saved(view)
    assert panel.status_label.text() == "Status: Done" and panel.problems.text() == ""
    assert observation_data(session.db, session.observation_id).record.status == "done"
    assert not panel.done_button.isEnabled() and panel.reopen_button.isEnabled()
    session.undo_stack.undo()  # back to in progress
    saved(view)
    assert observation_data(session.db, session.observation_id).record.status == "in_progress"


def test_epoch_needs_a_start_and_can_be_deleted_and_restored(qtbot, project, shared_media):
    view = open_view(qtbot, project, add_video(project, shared_media / "video" / PERSON))
    panel, session = view.ratings, view.session
    panel.end_button.click()
    assert "Mark the start" in view.message_label.text() and not session.epochs
    seek(qtbot, view, 5000)
    panel.start_button.click()
    seek(qtbot, view, 9000)
    panel.end_button.click()
    saved(view)
    panel.rate_groups["infant_positive_mood"].button(5).click()
    saved(view)
    panel.delete_button.click()
    saved(view)
    assert not session.epochs and not observation_data(session.db, session.observation_id).epochs
    session.undo_stack.undo()  # the epoch comes back with its rating
    saved(view)
    (epoch,) = session.epochs
    assert session.rating(epoch.id, "infant_positive_mood") == 5
    assert view.timeline.grab().toImage().isNull() is False


def test_the_epoch_task_defaults_to_the_media_task(qtbot, make_window, project, shared_media):
    from workbench.ui.video.coder_view import VideoCoderView

    book = add_video(project, shared_media / "video" / PERSON, task="book sharing")
    window = make_window(project)
    window.participants.media_activated.emit(book)  # a lead opens it from the participants tree
    view = window.workspace.currentWidget()
    assert isinstance(view, VideoCoderView)
    saved(view)
    assert view.ratings.task_box.currentData() == "book_sharing"
    seek(qtbot, view, 1000)
    view.ratings.mark_start()
    seek(qtbot, view, 3000)
    view.ratings.mark_end()
    saved(view)
    assert [e.task for e in view.session.epochs] == ["book_sharing"]
    view.close_media()


def test_an_unknown_media_task_leaves_the_first_task(qtbot, project, shared_media):
    media = add_video(project, shared_media / "video" / PERSON, task="tidy-up game")
    view = open_view(qtbot, project, media)
    assert view.ratings.task_box.currentData() == view.scheme.tasks[0].code
