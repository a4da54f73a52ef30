"""Transcribing project media with the real tiny.en model: store, provenance, resume, errors, CLI."""

from __future__ import annotations

import re
import shutil

import pytest

import transcription
from workbench.cli import main
from workbench.exchange.transcripts import import_transcript
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled
from workbench.services.media_import import import_media
from workbench.services.project import Project
from workbench.services.transcribing import (
    free_name,
    job_path,
    pending_job,
    rename_speakers,
    transcribe_media,
)
from workbench.store import participants, transcripts
from workbench.store.transcript_list import list_transcripts

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def project(tmp_path):
    opened = Project.create(tmp_path / "study")
    yield opened
    opened.close()


def _import(project, path, pseudonym="P001"):
    change = import_media(project, [path], pseudonym)
    media_id = change.created_id("media")
    media = next(m for m in participants.find_participant(project.db, pseudonym).media if m.id == media_id)
    return media


def _words(text):
    return " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())


def test_media_transcribed_into_the_project_with_provenance(project, shared_media):
    media = _import(project, shared_media / "speech" / "whisper_jfk.flac")
    reports = []
    change = transcribe_media(project, media.id, progress=lambda f, m: reports.append(f))
    transcript_id = change.created_id("transcripts")
    segments = transcripts.load_segments(project.db, transcript_id)
    assert "ask not what your country can do for you" in _words(" ".join(s.text for s in segments))
    assert all(0 < s.confidence <= 1 for s in segments) and all(s.words for s in segments)
    assert reports[-1] == 1.0 and reports == sorted(reports)
    assert not job_path(project, media, transcription.Options()).exists()
    with project.db.reading() as session:  # provenance as stored
        from workbench.store.schema import Transcript

        row = session.get(Transcript, transcript_id)
        assert (row.engine, row.model, row.media_id) == ("faster-whisper", "tiny.en", media.id)
        assert row.engine_version.startswith("faster-whisper 1.")
        assert {"beam_size", "vad", "faster_whisper", "transcribed_at", "transcription_package"} <= set(
            row.settings
        )


def test_two_mic_speakers_kept_and_renamed(project, shared_media):
    media = _import(project, shared_media / "speech" / "fasterwhisper_stereo_diarization.wav")
    change = transcribe_media(project, media.id, transcription.Options(channels=True))
    transcript_id = change.created_id("transcripts")
    assert {s.speaker for s in transcripts.load_segments(project.db, transcript_id)} == {
        "Speaker 1",
        "Speaker 2",
    }
    rename_speakers(project, transcript_id, {"Speaker 1": "Interviewer", "Speaker 2": "Participant"})
    by_speaker = {s.speaker: _words(s.text) for s in transcripts.load_segments(project.db, transcript_id)}
    assert "wizard" in by_speaker["Interviewer"] and "horizon" in by_speaker["Participant"]


def test_cancelled_job_resumes_from_its_checkpoint(project, shared_media):
    media = _import(project, shared_media / "speech" / "whisper_jfk.flac")
    options = transcription.Options()
    done = []

    def progress(fraction, message):
        if message.startswith("Transcribed"):
            done.append(fraction)

    with pytest.raises(Cancelled):
        transcribe_media(project, media.id, options, progress=progress, cancelled=lambda: bool(done))
    assert transcripts_of(project) == []
    kept = transcription.read_checkpoint(job_path(project, media, options))
    assert kept is not None and kept.segments and not kept.complete
    assert pending_job(project, media, options) == kept.resume_ms > 0
    change = transcribe_media(project, media.id, options)
    segments = transcripts.load_segments(project.db, change.created_id("transcripts"))
    assert segments[: len(kept.segments)] == [s for s in _as_new(kept.segments)]
    starts = [s.start_ms for s in segments]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert "your country" in _words(segments[-1].text)
    assert not job_path(project, media, options).exists()


def _as_new(segments):
    from workbench.services.transcribing import to_new_segments

    return to_new_segments(segments)


def transcripts_of(project):
    with project.db.reading() as session:
        from sqlalchemy import select

        from workbench.store.schema import Transcript

        return session.scalars(select(Transcript.id)).all()


def test_corrupt_media_and_missing_model_give_one_line_and_no_transcript(project, shared_media):
    media = _import(project, shared_media / "speech" / "whisper_jfk.flac")
    with pytest.raises(WorkbenchError, match="not installed|Unknown Whisper model|not found"):
        transcribe_media(project, media.id, transcription.Options(model="/nowhere/model"))
    stored = project.media_path(media)
    stored.write_bytes(b"this is not audio at all" * 100)
    with pytest.raises(WorkbenchError) as caught:
        transcribe_media(project, media.id)
    assert "\n" not in str(caught.value) and "whisper_jfk.flac" in str(caught.value)
    assert transcripts_of(project) == []
    assert not any((project.folder / "jobs").glob("*.jsonl"))


def test_cli_writes_a_file_and_stores_in_a_project(tmp_path, shared_media, capsys):
    jfk = tmp_path / "jfk.flac"
    shutil.copy(shared_media / "speech" / "whisper_jfk.flac", jfk)
    out = tmp_path / "jfk.json"
    assert main(["transcribe", str(jfk), "--out", str(out)]) == 0
    imported = import_transcript(out)
    assert "ask not what your country" in _words(" ".join(s.text for s in imported.segments))
    assert imported.segments[0].words and imported.provenance["model"] == "tiny.en"
    assert not list(tmp_path.glob(".*.jsonl"))
    Project.create(tmp_path / "p").close()
    assert main(["transcribe", str(jfk), "--project", str(tmp_path / "p"), "--participant", "P009"]) == 0
    assert "Added transcript jfk (tiny.en)" in capsys.readouterr().out
    assert main(["transcribe", str(jfk), "--model", "no-such-model", "--out", str(tmp_path / "x.txt")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("workbench: error: Unknown Whisper model 'no-such-model'") and "\n" not in err


def test_a_recording_transcribed_again_gets_a_name_of_its_own(project, shared_media):
    media = _import(project, shared_media / "speech" / "whisper_jfk.flac")
    first = transcribe_media(project, media.id).created_id("transcripts")
    second = transcribe_media(project, media.id).created_id("transcripts")
    names = {t.id: t.name for t in list_transcripts(project.db, media.id)}
    assert names == {first: "whisper_jfk (tiny.en)", second: "whisper_jfk (tiny.en) 2"}


def test_free_name_counts_past_every_taken_name():
    assert free_name("a (base)", set()) == "a (base)"
    assert free_name("a (base)", {"a (base)", "a (base) 2"}) == "a (base) 3"
