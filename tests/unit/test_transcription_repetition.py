"""Repetition-loop detection on synthetic text, and the guard inside transcribe_array (fake engine)."""

from __future__ import annotations

import numpy as np

from transcription import Options, Segment, Word
from transcription.api import transcribe_array
from transcription.repetition import (
    LoopGuard,
    collapse_indices,
    collapse_text,
    find_repeated_run,
    is_repetitive,
)

JFK = "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


def test_plain_speech_is_not_repetitive():
    assert find_repeated_run(JFK.split()) is None
    assert not is_repetitive(JFK)
    assert not is_repetitive("No, no, no. I said yes.")  # three "no" is speech


def test_repeated_bigram_is_found_with_position_and_count():
    tokens = "well thank you thank you thank you thank you thank you bye".split()
    run = find_repeated_run(tokens)
    assert run is not None
    assert (run.start, run.size, run.count) == (1, 2, 5)
    assert run.end == 11


def test_single_word_loop_needs_six_copies():
    assert find_repeated_run("the the the the the".split()) is None
    run = find_repeated_run("and the the the the the the end".split())
    assert run is not None and (run.start, run.size, run.count) == (1, 1, 6)


def test_punctuation_and_case_do_not_hide_a_loop():
    text = "I'm sorry. I'm sorry, I'm SORRY! i'm sorry... I'm sorry"
    assert is_repetitive(text)
    assert collapse_text(text) == "I'm sorry."


def test_long_ngram_loop_and_compression_check():
    sentence = "we went down to the river to see the boats "
    assert is_repetitive("So " + sentence * 4)
    # no exact n-gram run, but gzip finds it: compression ratio over Whisper's 2.4
    varied = " ".join(f"item {i % 3} of the same list again and again" for i in range(12))
    assert find_repeated_run(varied.split()) is None
    assert is_repetitive(varied)


def test_collapse_keeps_one_copy_and_the_surrounding_words():
    tokens = "before one two three one two three one two three one two three after".split()
    kept = [tokens[i] for i in collapse_indices(tokens)]
    assert kept == ["before", "one", "two", "three", "after"]
    assert collapse_text("nothing to collapse here") == "nothing to collapse here"


def test_loop_guard_allows_two_identical_segments_then_flags():
    guard = LoopGuard(allowed=2)
    assert [guard.is_loop(t) for t in ["Yes.", "yes", "Yes!", "Yes.", "No."]] == [
        False,
        False,
        True,
        True,
        False,
    ]
    assert not guard.is_loop("Yes.")  # the run was broken by "No."
    assert not guard.is_loop("")


class FakeEngine:
    """Plays back scripted segments; records re-decode calls."""

    def __init__(self, first: list[Segment], redo: list[Segment]):
        self.first, self.redo, self.calls = first, redo, []

    def transcribe(self, audio, *, offset_ms=0, temperature=None, vad=None, clips=None):
        self.calls.append((len(audio), offset_ms, temperature))
        yield from (self.first if temperature is None else self.redo)


def _seg(start, end, text):
    words, step = [], (end - start) // max(1, len(text.split()))
    for i, token in enumerate(text.split()):
        words.append(Word(start + i * step, start + (i + 1) * step, token, 0.9))
    return Segment(
        start, end, text, words=tuple(words), avg_logprob=-0.3, no_speech_prob=0.01, compression_ratio=1.2
    )


LOOP = "thank you " * 8
NO_VAD = Options(vad=False)  # the fake engine's audio is silence: the speech detector would keep it all back


def test_guard_redecodes_a_looping_segment_with_temperature():
    audio = np.zeros(16000 * 10, dtype=np.float32)
    engine = FakeEngine(
        [_seg(0, 2000, "hello there"), _seg(2000, 6000, LOOP)], [_seg(2000, 5000, "thank you all")]
    )
    out = list(transcribe_array(audio, NO_VAD, engine=engine))
    assert [s.text for s in out] == ["hello there", "thank you all"]
    _, offset, temperature = engine.calls[1]
    assert offset == 2000 and temperature is not None and min(temperature) > 0
    assert engine.calls[1][0] == 4 * 16000  # only the segment's window is decoded again


def test_guard_collapses_when_the_redecode_loops_too():
    audio = np.zeros(16000 * 10, dtype=np.float32)
    engine = FakeEngine([_seg(0, 6000, "well " + LOOP + "bye")], [_seg(0, 6000, LOOP)])
    out = list(transcribe_array(audio, NO_VAD, engine=engine))
    assert len(out) == 1
    assert out[0].text == "well thank you bye"
    assert [w.text for w in out[0].words] == ["well", "thank", "you", "bye"]


def test_guard_drops_a_segment_repeated_across_consecutive_segments():
    audio = np.zeros(16000 * 20, dtype=np.float32)
    script = [_seg(i * 1000, i * 1000 + 900, "Thank you.") for i in range(6)] + [_seg(7000, 8000, "Goodbye.")]
    out = list(transcribe_array(audio, NO_VAD, engine=FakeEngine(script, [])))
    assert [s.text for s in out] == ["Thank you.", "Thank you.", "Goodbye."]


def test_cancel_stops_between_segments_and_progress_is_reported():
    audio = np.zeros(16000 * 10, dtype=np.float32)
    script = [_seg(i * 1000, i * 1000 + 900, f"part {i}") for i in range(5)]
    seen, calls = [], []

    def cancelled():
        return len(seen) >= 2

    gen = transcribe_array(
        audio,
        NO_VAD,
        engine=FakeEngine(script, []),
        cancelled=cancelled,
        progress=lambda f, m: calls.append(f),
    )
    for segment in gen:
        seen.append(segment)
    assert [s.text for s in seen] == ["part 0", "part 1"]
    assert calls == sorted(calls) and calls[-1] < 1.0

    calls.clear()
    list(
        transcribe_array(audio, NO_VAD, engine=FakeEngine(script, []), progress=lambda f, m: calls.append(f))
    )
    assert calls == sorted(calls) and calls[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in calls)
