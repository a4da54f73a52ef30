"""Saving from the transcript editor: on the task runner without losing keystrokes, and a save
refused because someone else saved meanwhile (two Database handles on one SQLite project)."""

from __future__ import annotations

import pytest

from tests.ui.transcript_fixtures import jfk_project
from workbench.coding.codebook import Code, Codebook
from workbench.model.records import NewSegment
from workbench.store import codebooks, coding_ops
from workbench.store.engine import Database
from workbench.store.retrieval import open_transcript
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.transcripts import load_segments
from workbench.store.visibility import Viewer
from workbench.ui.runner import TaskRunner
from workbench.ui.transcript.editor import TranscriptEditor


@pytest.fixture
def opened(project, jfk):
    media, record = jfk_project(project, jfk)
    return project, media, record


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def make_editor(qtbot, project, media, record, runner=None):
    editor = TranscriptEditor(
        project.db,
        record,
        project.media_path(media),
        media.duration_ms,
        coder_id=project.coder.id,
        sound=False,
        runner=runner,
    )
    qtbot.addWidget(editor)
    editor.resize(900, 400)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def type_at(qtbot, editor, before: str, text: str) -> None:
    view = editor.view
    view.place_cursor(view.draft.text.index(before))
    qtbot.keyClicks(view, text)


def test_autosave_runs_on_the_runner_and_typing_meanwhile_is_saved_next(qtbot, opened, runner):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record, runner)
    saver = editor.saver
    type_at(qtbot, editor, " Americans", " British")
    saver.save_later()  # the pause is over: a save starts on a worker thread
    assert saver.saving and any(t.label == "Saving transcript" for t in runner.tasks())
    assert editor.save_label.text() == "Saving…"
    type_at(qtbot, editor, " country can", " own")  # typed while that save is in flight
    qtbot.waitUntil(lambda: not saver.saving and not saver.dirty, timeout=15000)
    assert editor.save_label.text() == "Saved"
    stored = load_segments(project.db, record.id)[0].text
    assert "fellow British Americans" in stored and "your own country can" in stored
    assert transcript_version(project.db, record.id) == saver.version == record.version + 2


def test_save_now_waits_for_the_save_in_flight(qtbot, opened, runner):
    project, media, record = opened
    editor = make_editor(qtbot, project, media, record, runner)
    type_at(qtbot, editor, " Americans", " British")
    editor.saver.save_later()
    type_at(qtbot, editor, " country can", " own")
    assert editor.close_editor()  # closing: both edits written, one after the other, no conflict
    assert "British Americans ask not what your own country" in load_segments(project.db, record.id)[0].text
    qtbot.wait(50)  # the first save's late callback changes nothing
    assert not editor.saver.dirty and not editor.saver.conflicted


def refused(qtbot, project, media, record, runner):
    """My editor and a colleague's save on a second handle to the same project file."""
    editor = make_editor(qtbot, project, media, record, runner)
    other = Database(project.db.url)
    theirs = load_segments(other, record.id)
    theirs[1] = NewSegment(
        theirs[1].start_ms, theirs[1].end_ms, "ask what you can do for your nation.", theirs[1].speaker
    )
    update_transcript_text(other, record.id, theirs, record.version)
    type_at(qtbot, editor, " Americans", " British")
    assert not editor.save_now()
    assert editor.saver.conflicted and editor.conflict_bar.isVisible()
    assert "changed elsewhere" in editor.conflict_bar.label.text()
    assert "fellow British Americans" in editor.view.toPlainText()  # my text is kept
    type_at(qtbot, editor, " not", " ever")  # keeps typing: still nothing overwrites theirs
    editor.saver.save_later()
    assert not editor.save_now() and not editor.saver.saving
    assert load_segments(project.db, record.id)[0].text.startswith("And so, my fellow Americans")
    return editor, other


def test_refused_save_then_reload_discards_mine(qtbot, opened, runner):
    project, media, record = opened
    editor, other = refused(qtbot, project, media, record, runner)
    editor.conflict_bar.reload_button.click()
    assert not editor.conflict_bar.isVisible() and not editor.saver.dirty
    assert editor.view.toPlainText() == "\n".join(s.text for s in load_segments(other, record.id))
    assert "your nation." in editor.view.toPlainText() and "British" not in editor.view.toPlainText()
    assert editor.stack.count() == 0  # nothing to undo into the discarded text
    type_at(qtbot, editor, " fellow", " dear")  # and editing goes on from their version
    assert editor.save_now()
    assert load_segments(other, record.id)[0].text.startswith("And so, my dear fellow Americans")
    other.dispose()


def test_refused_save_then_keep_mine_saves_over_their_version(qtbot, opened, runner):
    project, media, record = opened
    editor, other = refused(qtbot, project, media, record, runner)
    book = codebooks.add_codebook(
        other, Codebook("B", [Code("b0000000-0000-0000-0000-000000000001", "Duty")])
    )
    text = open_transcript(other, Viewer(project.coder.id, "all"), record.id).text.text
    start = text.index("your nation")
    coding_ops.apply_code(other, record.id, book.created["codes"][0], project.coder.id, start, start + 11)
    editor.conflict_bar.keep_button.click()
    assert not editor.conflict_bar.isVisible() and not editor.saver.dirty
    stored = [s.text for s in load_segments(other, record.id)]
    assert stored == [s.text for s in editor.draft.segments]  # mine, over theirs
    assert "fellow British Americans ask ever not" in stored[0]
    view = open_transcript(other, Viewer(project.coder.id, "all"), record.id)
    (coding,) = view.codings  # their coding followed my text
    assert view.text.text[coding.start_pos : coding.end_pos] == "your country"
    assert transcript_version(other, record.id) == editor.saver.version
    other.dispose()
