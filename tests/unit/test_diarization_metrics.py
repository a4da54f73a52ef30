"""The DER and word-speaker accuracy used by the diarization bench and tests, on hand-worked cases."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for bench/
from bench.diarization_metrics import (  # noqa: E402
    diarization_error,
    one_speaker,
    read_rttm,
    read_stm,
    read_uem,
    word_speaker_accuracy,
)

TWO = [(0, 1000, "A"), (1000, 2000, "B")]


def test_perfect_answer_under_any_names():
    result = diarization_error(TWO, [(0, 1000, "y"), (1000, 2000, "x")], collar_ms=0)
    assert (result.miss, result.false_alarm, result.confusion, result.total) == (0, 0, 0, 2000)
    assert result.der == 0.0


def test_one_speaker_is_half_confusion_with_and_without_collar():
    plain = diarization_error(TWO, one_speaker(TWO), collar_ms=0)
    assert (plain.confusion, plain.total, plain.der) == (1000, 2000, 0.5)
    # collar 250 ms removes 125 ms each side of 0, 1000 and 2000: 1500 ms scored, 750 of it B
    collared = diarization_error(TWO, one_speaker(TWO), collar_ms=250)
    assert (collared.confusion, collared.total) == (750, 1500)


def test_miss_false_alarm_and_overlap():
    shifted = diarization_error([(0, 1000, "A")], [(500, 1500, "x")], collar_ms=0)
    assert (shifted.miss, shifted.false_alarm, shifted.confusion, shifted.der) == (500, 500, 0, 1.0)
    overlap = diarization_error([(0, 1000, "A"), (0, 1000, "B")], [(0, 1000, "x")], collar_ms=0)
    assert (overlap.miss, overlap.confusion, overlap.total, overlap.der) == (1000, 0, 2000, 0.5)
    nothing = diarization_error([(0, 1000, "A")], [], collar_ms=0)
    assert nothing.der == 1.0


def test_uem_limits_the_scored_region():
    result = diarization_error([(0, 1000, "A")], [], uem=[(0, 500)], collar_ms=0)
    assert (result.miss, result.total) == (500, 500)


def test_word_accuracy_maps_labels_and_gives_the_single_label_share():
    stm = [(0, 3000, "A", "one two three"), (3000, 4000, "B", "four")]
    words = [(0, 900, "s2"), (1000, 1900, "s2"), (2000, 2900, "s1"), (3100, 3900, "s1")]
    accuracy, chance = word_speaker_accuracy(words, stm)
    assert accuracy == pytest.approx(0.75) and chance == pytest.approx(0.75)
    right = [(0, 900, "s2"), (1000, 1900, "s2"), (2000, 2900, "s2"), (4100, 4500, "s1")]  # last one nearest B
    assert word_speaker_accuracy(right, stm) == (1.0, 0.75)


def test_readers(tmp_path):
    rttm = tmp_path / "a.rttm"
    rttm.write_text("SPEAKER f 1 1.440 11.872 <NA> <NA> MEE009 <NA> <NA>\n")
    assert read_rttm(rttm) == [(1440, 13312, "MEE009")]
    uem = tmp_path / "a.uem"
    uem.write_text("f NA 0.000 30.000\n")
    assert read_uem(uem) == [(0, 30000)]
    stm = tmp_path / "a.stm"
    stm.write_text("f 1 Diane 8.916 9.798 I didn't know you were there.\n")
    assert read_stm(stm) == [(8916, 9798, "Diane", "I didn't know you were there.")]
