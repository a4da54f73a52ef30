"""The transcription queue in the window: a real tiny.en job, cancel and resume, the transcript in
the participants tree, opening it in the editor, import/export, and a screenshot."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.transcript_fixtures import jfk_project
from workbench.services.media_import import import_media
from workbench.services.transcription_queue import JobState
from workbench.store import participants
from workbench.store.transcript_list import list_transcripts
from workbench.ui.participants_model import KEY_ROLE
from workbench.ui.transcript.editor import TranscriptEditor


def _find_row(model, key):
    stack = [model.index(r, 0) for r in range(model.rowCount())]
    while stack:
        index = stack.pop()
        if index.data(KEY_ROLE) == key:
            return index
        stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))
    return None


def test_a_real_job_runs_shows_done_and_opens_in_the_editor(qtbot, make_window, project, jfk):
    import_media(project, [jfk], "P001", timepoint="baseline", task="interview")
    (media,) = participants.find_participant(project.db, "P001").media
    window = make_window(project)
    panel = window.transcripts.queue
    assert panel.media_box.count() == 1 and panel.media_box.currentData() == media.id
    panel.model_box.setCurrentIndex(panel.model_box.findData("tiny.en"))
    panel.speakers_box.setCurrentIndex(panel.speakers_box.findData(1))  # one speaker: no diarizer, quicker
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    (job,) = panel.queue.jobs
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=120_000)
    qtbot.waitUntil(lambda: panel.task is None, timeout=5000)
    assert panel.job_text(job.id).startswith("done")
    assert panel.progress_bar(job.id).value() == 1000
    assert not window.messages.errors
    (stored,) = list_transcripts(project.db, media.id)
    assert stored.model == "tiny.en" and stored.engine == "faster-whisper"
    assert stored.settings["speakers"] == 1 and "transcribed_at" in stored.settings  # provenance
    row = _find_row(window.participants_model, ("tr", stored.id))
    assert row is not None and row.parent().data(KEY_ROLE) == ("m", media.id)
    window.participants.tree.setCurrentIndex(row)
    window.participants.tree.activated.emit(row)  # double-click / Enter
    editor = window.workspace.currentWidget()
    assert isinstance(editor, TranscriptEditor)
    assert "ask not what your country can do for you" in editor.view.toPlainText().lower()
    panel.jobs.setCurrentItem(panel.jobs.topLevelItem(0))
    window.workspace.setCurrentIndex(0)
    panel.open_selected()
    assert window.workspace.currentWidget() is editor


def test_cancel_then_retry_resumes(qtbot, make_window, project, jfk):
    import_media(project, [jfk], "P001", timepoint="baseline", task="interview")
    (media,) = participants.find_participant(project.db, "P001").media
    window = make_window(project)
    panel = window.transcripts.queue
    panel.speakers_box.setCurrentIndex(panel.speakers_box.findData(1))
    job = panel.add(media.id)
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING, timeout=30_000)
    panel.jobs.setCurrentItem(panel.jobs.topLevelItem(0))
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=60_000)
    qtbot.waitUntil(lambda: panel.task is None, timeout=5000)
    assert panel.job_text(job.id).startswith("cancelled")
    assert list_transcripts(project.db, media.id) == []  # nothing half-saved
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=120_000)
    assert len(list_transcripts(project.db, media.id)) == 1


def test_cancel_from_the_status_bar_cancels_the_job(qtbot, make_window, project, jfk):
    import_media(project, [jfk], "P001")
    (media,) = participants.find_participant(project.db, "P001").media
    window = make_window(project)
    panel = window.transcripts.queue
    panel.speakers_box.setCurrentIndex(panel.speakers_box.findData(1))
    job = panel.add(media.id)
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING, timeout=30_000)
    panel.task.cancel()  # what the task panel's cancel button does
    qtbot.waitUntil(lambda: job.state in (JobState.CANCELLED, JobState.DONE), timeout=60_000)
    assert job.state is JobState.CANCELLED or job.fraction > 0.9  # it may finish before the next report


def test_audio_opens_its_transcript_import_export_and_screenshot(
    qtbot, make_window, project, jfk, tmp_path, output_dir
):
    media, record = jfk_project(project, jfk)
    window = make_window(project)
    window.resize(1400, 850)
    window.show()
    qtbot.waitExposed(window)
    editor = window.transcripts.media_activated(media)
    assert editor.record.id == record.id and window.workspace.currentWidget() is editor
    editor.rename_speakers({"Speaker 1": "Interviewer", "Speaker 2": "Participant"})
    out = window.transcripts.export_current(tmp_path / "jfk.vtt")
    text = out.read_text(encoding="utf-8")
    assert "<v Interviewer>And so, my fellow Americans" in text and "<v Participant>ask what you" in text
    window.participants.tree.setCurrentIndex(_find_row(window.participants_model, ("m", media.id)))
    imported = window.transcripts.import_for_selected(out)
    assert imported is not editor and imported.draft.speakers() == editor.draft.speakers()
    assert [s.text for s in imported.draft.segments] == [s.text for s in editor.draft.segments]
    window.workspace.setCurrentWidget(editor)
    editor.view.set_threshold(0.7)
    editor.playback.seek(2300)
    editor.find_bar.open_bar()
    qtbot.keyClicks(editor.find_bar.find_edit, "country")
    editor.find_next()
    qtbot.wait(50)
    assert window.grab().save(str(output_dir / "transcript_editor.png"))
    # closing the tab saves what was typed last
    editor.view.place_cursor(0)
    qtbot.keyClicks(editor.view, "Well, ")
    window.workspace.tabCloseRequested.emit(window.workspace.indexOf(editor))
    assert list_transcripts(project.db, media.id)[0].version > record.version
    from workbench.store.transcripts import load_segments

    assert load_segments(project.db, record.id)[0].text.startswith("Well, And so")
