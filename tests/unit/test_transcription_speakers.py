"""Channel attribution and speaker splitting on synthetic arrays."""

from __future__ import annotations

import numpy as np
import pytest

from transcription import Segment, Word
from transcription.speakers import (
    ChannelJudge,
    Turn,
    channel_labels,
    fill_gaps,
    frame_levels_db,
    frame_owners,
    labels_from_turns,
    max_correlation,
    split_by_speaker,
)

SR = 16000


def _voice(seconds: float, level: float, seed: int) -> np.ndarray:
    """Speech-like noise: random signal with a 4 Hz syllable envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    return (level * rng.standard_normal(t.size) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t) ** 2)).astype(
        np.float32
    )


def _db(x: float) -> float:
    return 10 ** (x / 20)


def _two_mics(left_db: float, right_db: float) -> np.ndarray:
    """1 s left talker, 1 s right talker, each heard on both mics at the given relative levels."""
    a, b = _voice(1, 0.1, 1), _voice(1, 0.1, 2)
    floor = np.random.default_rng(3).standard_normal((2, 2 * SR)).astype(np.float32) * 1e-4
    left = np.concatenate([a, b * _db(left_db)])
    right = np.concatenate([a * _db(right_db), b])
    return np.stack([left, right]) + floor


def _words(spans):
    return [Word(s, e, f"w{i}", 0.9) for i, (s, e) in enumerate(spans)]


def test_frame_levels_are_dbfs():
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(SR) / SR).astype(np.float32)
    levels = frame_levels_db(np.stack([tone, tone * 0.1]))
    assert levels.shape == (2, 50)
    assert levels[0, 10] == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.1)
    assert (levels[0] - levels[1])[5:45] == pytest.approx(np.full(40, 20.0), abs=0.1)


def test_each_word_goes_to_the_louder_mic_with_bleed_at_minus_12_db():
    mics = _two_mics(-12, -12)
    labels = channel_labels(mics, _words([(100, 400), (500, 900), (1100, 1400), (1600, 1900)]))
    assert labels == [0, 0, 1, 1]


def test_a_level_difference_under_the_margin_decides_nothing():
    mics = _two_mics(-3, -3)  # bleed only 3 dB down: too close to call
    owners = frame_owners(frame_levels_db(mics))
    assert (owners[5:45] == -1).all() and (owners[55:95] == -1).all()
    assert channel_labels(mics, _words([(100, 400)])) == [None]
    assert channel_labels(mics, _words([(100, 400)]), margin_db=2.0) == [0]


def test_silence_is_nobodys_and_undecided_words_borrow_from_neighbours():
    mics = np.concatenate([_two_mics(-15, -15), np.zeros((2, SR), np.float32)], axis=1)
    owners = frame_owners(frame_levels_db(mics))
    assert (owners[110:] == -1).all()
    # the third word lies in the silent tail: it takes its nearest decided neighbour's label
    assert channel_labels(mics, _words([(200, 500), (1200, 1500), (2300, 2600)])) == [0, 1, 1]
    assert fill_gaps([None, 1, None, None, 0, None]) == [1, 1, 1, 0, 0, 0]
    assert fill_gaps([None, None]) == [None, None]


def test_correlation_tells_bleed_from_overlapping_talkers():
    a, b = _voice(0.5, 0.1, 4), _voice(0.5, 0.1, 5)
    delayed = np.concatenate([np.zeros(24, np.float32), a[:-24]])  # 1.5 ms acoustic delay
    assert max_correlation(delayed * 0.2, a) > 0.9
    assert max_correlation(b, a) < 0.2
    assert max_correlation(np.zeros(100), a[:100]) == 0.0


def test_channel_judge_drops_bleed_but_keeps_both_sides_of_overlap():
    rng = np.random.default_rng(6)
    a, b = _voice(1, 0.1, 7), _voice(1, 0.1, 8)
    hiss = lambda n: rng.standard_normal(n).astype(np.float32) * 1e-4  # noqa: E731
    # second 0-1: A alone, bleeding into mic 2 at -15 dB; second 1-2: both talk at once,
    # B 8 dB quieter on its own mic than A on hers; second 2-3: silence
    left = np.concatenate([a, a, np.zeros(SR, np.float32)]) + hiss(3 * SR)
    right = np.concatenate([a * _db(-15), b * _db(-8), np.zeros(SR, np.float32)]) + hiss(3 * SR)
    judge = ChannelJudge(np.stack([left, right]))
    bleed_word, overlap_word, silent_word = Word(200, 600, "x"), Word(1200, 1600, "y"), Word(2300, 2600, "z")
    assert judge.is_bleed(1, bleed_word)
    assert not judge.is_bleed(0, bleed_word)
    assert not judge.is_bleed(1, overlap_word) and not judge.is_bleed(0, overlap_word)
    assert not judge.is_bleed(1, silent_word)  # nobody louder: not bleed (Whisper's business)

    segment = Segment(
        100, 1700, "x1 x2 y1", words=(Word(100, 300, "x1"), Word(400, 600, "x2"), Word(1200, 1600, "y1"))
    )
    pieces = judge.own_words(segment, 1)
    assert [(p.speaker, p.text, p.start_ms, p.end_ms) for p in pieces] == [("Speaker 2", "y1", 1200, 1700)]
    assert [p.text for p in judge.own_words(segment, 0)] == ["x1 x2 y1"]


def test_split_by_speaker_cuts_at_changes_and_keeps_confidence():
    words = tuple(_words([(0, 100), (100, 200), (300, 400), (500, 600)]))
    segment = Segment(
        0, 650, "w0 w1 w2 w3", words=words, avg_logprob=-0.2, no_speech_prob=0.1, compression_ratio=1.1
    )
    pieces = split_by_speaker(segment, [0, 0, 1, 0])
    assert [(p.speaker, p.text, p.start_ms, p.end_ms) for p in pieces] == [
        ("Speaker 1", "w0 w1", 0, 200),
        ("Speaker 2", "w2", 300, 400),
        ("Speaker 1", "w3", 500, 650),
    ]
    assert all(p.avg_logprob == -0.2 and p.compression_ratio == 1.1 for p in pieces)
    assert split_by_speaker(Segment(0, 10, "hm"), [1])[0].speaker == "Speaker 2"


def test_labels_from_turns_is_the_mono_diarizer_seam():
    turns = [Turn(0, 1000, 0), Turn(1000, 2000, 1)]
    words = _words([(100, 300), (900, 1200), (1500, 1700), (2500, 2600)])
    assert labels_from_turns(words, turns) == [0, 1, 1, 1]


def test_words_outside_every_turn_take_the_nearest_turn():
    """Segments whose words all fall in a pause between turns (or past the last) keep a speaker."""
    turns = [Turn(0, 1000, 0), Turn(3000, 4000, 1)]
    words = [Word(1200, 1400, "a"), Word(2600, 2900, "b"), Word(5000, 5200, "c")]
    assert labels_from_turns(words, turns) == [0, 1, 1]
