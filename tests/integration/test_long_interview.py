"""A long two-speaker interview (generated at test time from the shared recordings; bench/interview.py)
transcribes block by block with progress, resumes from its checkpoint, and gets each turn's words as
right as the turn transcribed alone. The 90-minute run, with its real-time factor and peak memory,
is bench/long_interview.py; here a 4-minute one with 1-minute blocks keeps CI quick on two cores."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import transcription
from transcription import Options, read_checkpoint, run_job

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for bench/
from bench.interview import build_interview, clips, errors_by_part, write_wav  # noqa: E402
from bench.wer import edit_distance, normalise  # noqa: E402

pytestmark = pytest.mark.slow
BLOCK_MS = 60_000


@pytest.fixture(scope="module")
def interview(tmp_path_factory):
    samples, parts = build_interview(minutes=4, seed=1)
    return write_wav(tmp_path_factory.mktemp("long") / "interview.wav", samples), parts


@pytest.fixture(scope="module")
def alone():
    """Each clip's word errors when transcribed on its own (the same settings)."""
    errors = {}
    for clip in clips()[0] + clips()[1]:
        segments = list(transcription.transcribe_array(clip.samples, Options()))
        errors[clip.name] = edit_distance(clip.words, normalise(" ".join(s.text for s in segments)))
    return errors


class Blocks:
    """Wraps the engine and records how much audio each call hands to the model."""

    def __init__(self, engine):
        self.engine, self.seconds = engine, []

    def transcribe(self, audio, **kwargs):
        self.seconds.append(audio.size / transcription.SAMPLE_RATE)
        return self.engine.transcribe(audio, **kwargs)


def test_a_long_interview_in_blocks_resumes_and_keeps_each_turn(interview, alone, tmp_path, monkeypatch):
    path, parts = interview
    monkeypatch.setattr(transcription.blocks, "MAX_BLOCK_MS", BLOCK_MS)
    spy = Blocks(transcription.engines.get_engine(Options()))
    monkeypatch.setattr(transcription.api, "get_engine", lambda options: spy)  # what run_job loads
    checkpoint = tmp_path / "interview.jsonl"

    first = []
    for segment in run_job(
        path, Options(), checkpoint, cancelled=lambda: bool(first) and first[-1].end_ms > 100_000
    ):
        first.append(segment)
    assert not read_checkpoint(checkpoint).complete and 100_000 < first[-1].end_ms < 180_000

    reports: list[tuple[float, str]] = []
    resumed = list(run_job(path, Options(), checkpoint, progress=lambda f, m: reports.append((f, m))))
    fractions = [f for f, _m in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(re.fullmatch(r"Transcribed 0:0[2-4]:\d\d of 0:04:\d\d", m) for _f, m in reports)
    assert resumed[: len(first)] == first
    done = read_checkpoint(checkpoint)
    assert done.complete and done.transcript.gaps == []

    # memory stays flat: the model never gets more than one block of audio at a time
    assert len(spy.seconds) >= 4 and max(spy.seconds) <= BLOCK_MS / 1000 + 1

    # each turn's words are as right as that clip transcribed alone (the text aligned turn by turn, so
    # a word the decoder timed across a pause still counts for its turn): Whisper's output shifts by a
    # word or two with what else is in its 30 s window, so a turn may differ by 3 words (10 % of a
    # long one), and all turns together by 15 %
    errors = errors_by_part(parts, done.transcript.segments)
    worse = [
        (part.clip.name, part.start_ms, got, alone[part.clip.name])
        for part, got in zip(parts, errors)
        if got > alone[part.clip.name] + max(3, len(part.clip.words) // 10)
    ]
    assert not worse, worse
    assert sum(errors) <= sum(alone[p.clip.name] for p in parts) * 1.15 + 3
