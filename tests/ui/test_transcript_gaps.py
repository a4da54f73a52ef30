"""Untranscribed speech in the window: the queue says how many passages need a listen, the editor
lists them (play, transcribe again, done) and exports mark them; the settings start recommended."""

from __future__ import annotations

import re

import transcription
from tests.ui.transcript_fixtures import jfk_project
from workbench.model.records import NewSpeechGap
from workbench.services.media_import import import_media
from workbench.services.transcription_queue import JobState
from workbench.store import participants
from workbench.store.speech_gaps import list_gaps, write_gaps
from workbench.ui.db_worker import database_worker
from workbench.ui.transcript.editor import TranscriptEditor
from workbench.ui.transcript.settings_form import RECOMMENDED

MUTED = (30_000, 37_000)  # the right channel's "I have a cold, so I probably sound quite different ..."


def test_a_passage_the_model_missed_is_listed_played_exported_and_transcribed_again(
    qtbot, make_window, project, shared_media, tmp_path
):
    import_media(project, [shared_media / "speech" / "mfa_michaelandsickmichael.wav"], "P001")
    (media,) = participants.find_participant(project.db, "P001").media
    window = make_window(project)
    panel = window.transcripts.queue
    with transcription.engines.muted(MUTED):
        job = panel.add(media.id)
        qtbot.waitUntil(lambda: job.state in (JobState.DONE, JobState.FAILED), timeout=180_000)
        qtbot.waitUntil(lambda: panel.task is None, timeout=5000)
    assert job.state is JobState.DONE, job.error
    assert panel.job_text(job.id) == "done — per channel (from the audio); 1 passage needs a listen"

    panel.jobs.setCurrentItem(panel.jobs.topLevelItem(0))
    panel.open_selected()
    editor = window.workspace.currentWidget()
    assert isinstance(editor, TranscriptEditor)
    assert editor.gaps_bar.isVisibleTo(editor)
    (row,) = editor.gaps_bar.rows
    assert re.fullmatch(r"00:3\d–00:3\d · Speaker 2", row.label.text()), row.label.text()
    assert "i have a cold" not in editor.view.toPlainText().lower()

    row.play_button.click()
    assert editor.playback.playing and abs(editor.playback.position_ms - (row.gap.start_ms - 1000)) < 500
    editor.playback.pause()

    text = editor.export_to(tmp_path / "interview.txt").read_text(encoding="utf-8")
    assert re.search(r"Speaker 2: \[untranscribed speech 00:00:3\d–00:00:3\d: listen to this passage\]", text)

    row.again_button.click()  # not muted now: the second try hears it
    qtbot.waitUntil(lambda: not editor.gaps_bar.rows, timeout=120_000)
    assert "i have a cold" in editor.view.toPlainText().lower()
    assert database_worker().wait_idle()
    editor.save_now()
    assert list_gaps(project.db, editor.record.id) == []
    assert [editor.stack.text(i) for i in range(editor.stack.count())] == ["Transcribe passage again"]
    editor.stack.undo()  # the words came in as one edit, and the marker goes back with them
    assert "i have a cold" not in editor.view.toPlainText().lower()
    assert editor.view.document().blockCount() == len(editor.draft.segments)
    qtbot.waitUntil(lambda: len(editor.gaps_bar.rows) == 1, timeout=10_000)
    assert len(list_gaps(project.db, editor.record.id)) == 1


def test_done_removes_the_marker_and_its_undo_brings_it_back(qtbot, make_window, project, jfk):
    media, record = jfk_project(project, jfk)
    with project.db.transaction() as session:
        write_gaps(session, record.id, [NewSpeechGap(10_600, 11_000, None)])
    window = make_window(project)
    editor = window.transcripts.open_transcript(record.id)
    (row,) = editor.gaps_bar.rows
    assert row.label.text() == "00:10–00:11"
    row.done_button.click()
    qtbot.waitUntil(lambda: not editor.gaps_bar.isVisibleTo(editor), timeout=10_000)
    assert database_worker().wait_idle()
    assert list_gaps(project.db, record.id) == []
    assert editor.stack.undoText().startswith("Resolved the untranscribed passage")
    editor.stack.undo()  # what Ctrl+Z does in the editor: the marker comes back, in the bar and stored
    qtbot.waitUntil(lambda: [r.label.text() for r in editor.gaps_bar.rows] == ["00:10–00:11"], timeout=10_000)
    assert [g.start_ms for g in list_gaps(project.db, record.id)] == [10_600]
    editor.stack.redo()
    qtbot.waitUntil(lambda: not editor.gaps_bar.rows, timeout=10_000)
    assert database_worker().wait_idle()
    assert list_gaps(project.db, record.id) == []


def test_the_settings_start_recommended_and_reach_the_job(qtbot, make_window, project, jfk):
    window = make_window(project)
    settings = window.transcripts.queue.settings
    options = settings.options()
    assert options.channels is None and options.vad and options.language == "en" and options.speakers == 2
    assert (options.vad_threshold, options.vad_speech_pad_ms, options.vad_min_silence_ms) == (
        RECOMMENDED.vad_threshold,
        RECOMMENDED.vad_speech_pad_ms,
        RECOMMENDED.vad_min_silence_ms,
    )
    settings.channels_box.setCurrentIndex(settings.channels_box.findData(False))
    settings.vad_box.setChecked(False)
    settings.threshold_spin.setValue(0.6)
    settings.model_box.setCurrentIndex(settings.model_box.findData("base"))
    changed = settings.options()
    assert (changed.channels, changed.vad, changed.vad_threshold, changed.model) == (
        False,
        False,
        0.6,
        "base",
    )
    settings.recommended_button.click()
    assert settings.options() == options
