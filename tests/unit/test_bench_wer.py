"""The WER normalisation and alignment of bench/transcription.py, on hand-worked cases."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for bench/
from bench.wer import alignment, edit_distance, errors_text, normalise  # noqa: E402


def test_normalise_case_punctuation_numbers_fillers_and_spellings():
    assert normalise("Um, so… Mr. Dashwood’s 21st—uh—1984 plan?") == [
        "so",
        "mister",
        "dashwood's",
        "twenty",
        "first",
        "one",
        "thousand",
        "nine",
        "hundred",
        "eighty",
        "four",
        "plan",
    ]
    assert normalise("we're just yknow, alright") == normalise("We're just, you know… all right.")
    assert normalise("'Hello,' she said. 'Hmm.'") == ["hello", "she", "said"]
    assert normalise("umbrella uhuru") == ["umbrella", "uhuru"]  # only whole filler words go
    assert (
        normalise("1st 2nd 3rd 4th 12th 40th 101st, St Mary's")
        == "first second third fourth twelfth fortieth one hundred first saint mary's".split()
    )


def test_alignment_and_distance():
    ref, hyp = "the cat sat on the mat".split(), "a cat sat on mat".split()
    assert edit_distance(ref, hyp) == 2
    assert [op for op, _r, _h in alignment(ref, hyp)] == ["S", "=", "=", "=", "D", "="]
    assert errors_text(ref, hyp) == "the→a -the" and errors_text(["a"], ["a", "b"]) == "+b"
    assert errors_text(ref, ref) == "(none)" and edit_distance([], hyp) == 5 and edit_distance(ref, []) == 6
