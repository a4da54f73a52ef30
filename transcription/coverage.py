"""The coverage check: no stretch of speech may leave the transcript without a trace.

After the decoding pass, a lenient speech detector (Silero VAD's probabilities, already computed
for the recording, read at :data:`HEARD_THRESHOLD`) says where anyone may be talking, per channel;
the words' times say where the transcript has text. A stretch of heard speech of at least
:data:`MIN_GAP_MS` with no word in it is a gap. Each gap is decoded once more on its own, with a
second of context either side and no VAD (:func:`retry_span`); words that land inside the gap
fill it, unless most of them are already in the transcript close by (then only their times were
placed elsewhere, and nothing is added or marked). What is still empty afterwards becomes a
:class:`~transcription.types.Gap`, an
"untranscribed speech" marker kept with the transcript, so a listener checks it instead of
trusting silence.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

import numpy as np

from . import speakers as spk
from .audio import decode_audio, to_16_bit_grid
from .engines import Engine, get_engine
from .recording import Recording
from .repetition import collapse_text, is_repetitive, normalise
from .speech import Span, bridge, subtract
from .types import SAMPLE_RATE, Gap, Options, Segment, Word

HEARD_THRESHOLD = 0.25  # lenient: quiet and distant speech counts (decoding uses Options.vad_threshold)
HEARD_BRIDGE_MS = 300  # pauses shorter than this belong to the speech around them
WORD_REACH_MS = 300  # a word accounts for this much audio either side of its own times
MIN_GAP_MS = 1_500
RETRY_CONTEXT_MS = 1_000
NEARBY_MS = 15_000  # a second try's words found this close in the transcript are the same words

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Coverage:
    """What the check did: segments that filled gaps, gaps left, and how many gaps it found."""

    fills: list[Segment]
    gaps: list[Gap]
    found: int


def find_gaps(heard: Sequence[Span], words: Sequence[Word], min_ms: int = MIN_GAP_MS) -> list[Span]:
    """Stretches of ``heard`` speech of at least ``min_ms`` that no word reaches."""
    reached = bridge([(w.start_ms - WORD_REACH_MS, w.end_ms + WORD_REACH_MS) for w in words], 0)
    return [(s, e) for s, e in subtract(heard, reached) if e - s >= min_ms]


def words_of(segments: Sequence[Segment], speaker: str | None = None, split: bool = False) -> list[Word]:
    """Every word of ``segments`` (a segment without word times counts as one word), of ``speaker``
    only when channels are split."""
    return [
        word
        for s in segments
        if not split or s.speaker == speaker
        for word in (s.words or (Word(s.start_ms, s.end_ms, s.text),))
    ]


def check_coverage(
    recording: Recording,
    segments: Sequence[Segment],
    engine: Engine,
    options: Options,
    *,
    turns: Sequence[spk.Turn] | None = None,
    progress: Progress | None = None,
) -> Coverage:
    """Find the gaps of ``segments`` over ``recording``, decode each once more, keep what is left."""
    fills: list[Segment] = []
    gaps: list[Gap] = []
    found = 0
    judge = (
        spk.ChannelJudge(recording.channels, offset_ms=recording.offset_ms) if recording.plan.split else None
    )
    for index in range(len(recording.streams)):
        speaker = recording.speaker(index)
        heard = recording.heard(index, HEARD_THRESHOLD, HEARD_BRIDGE_MS)
        own = words_of(segments, speaker, recording.plan.split)
        spans = find_gaps(heard, own)
        found += len(spans)
        for number, span in enumerate(spans, 1):
            if progress is not None:
                progress(number / len(spans), f"Listening again to {_clock(span[0])}–{_clock(span[1])}")
            new = retry_span(recording, index, span, engine, judge=judge, turns=turns, options=options)
            if new and already_there(words_of(new), own, span):
                continue  # the words are in the transcript, their times are only placed elsewhere
            fills.extend(new)
            left = find_gaps(subtract(heard, [(0, span[0]), (span[1], recording.end_ms)]), words_of(new))
            gaps.extend(Gap(s, e, speaker) for s, e in left)
    return Coverage(sorted(fills, key=lambda s: s.start_ms), sorted(gaps, key=lambda g: g.start_ms), found)


def already_there(found: Sequence[Word], transcript: Sequence[Word], span: Span) -> bool:
    """True when most of the words a second try found in ``span`` are already in the transcript, in
    the same order, within :data:`NEARBY_MS` of it: the alignment put their times elsewhere (word
    times can drift at a turn's edge), and the text must not be written twice."""
    near = [w for w in transcript if w.end_ms > span[0] - NEARBY_MS and w.start_ms < span[1] + NEARBY_MS]
    tokens = [t for t in (normalise(w.text) for w in found) if t]
    if not tokens:
        return False
    matcher = SequenceMatcher(
        None, tokens, [t for t in (normalise(w.text) for w in near) if t], autojunk=False
    )
    return sum(block.size for block in matcher.get_matching_blocks()) >= 0.6 * len(tokens)


def retry_span(
    recording: Recording,
    index: int,
    span: Span,
    engine: Engine,
    *,
    judge: spk.ChannelJudge | None = None,
    turns: Sequence[spk.Turn] | None = None,
    options: Options | None = None,
) -> list[Segment]:
    """Decode stream ``index`` around ``span`` (file time) without VAD; the segments of the words
    that fall inside ``span``, bleed from another microphone left out, labelled like the rest."""
    first = max(recording.offset_ms, span[0] - RETRY_CONTEXT_MS)
    last = min(recording.end_ms, span[1] + RETRY_CONTEXT_MS)
    audio = recording.streams[index]
    lo, hi = ((t - recording.offset_ms) * SAMPLE_RATE // 1000 for t in (first, last))
    kept: list[Segment] = []
    for segment in engine.transcribe(np.asarray(audio[lo:hi]), offset_ms=first, vad=False):
        inside = _inside(segment, span)
        if inside is None:
            continue
        if judge is not None:
            kept.extend(judge.own_words(inside, index))
        elif turns is not None or (options is not None and options.speakers == 1):
            kept.extend(_labelled(inside, turns))
        else:
            kept.append(inside)
    return kept


def _inside(segment: Segment, span: Span) -> Segment | None:
    """The part of ``segment`` whose words' middles lie in ``span``; None when nothing does."""
    words = segment.words or (Word(segment.start_ms, segment.end_ms, segment.text),)
    kept = tuple(w for w in words if span[0] <= (w.start_ms + w.end_ms) // 2 < span[1])
    if not kept:
        return None
    text = " ".join(w.text for w in kept) if segment.words else segment.text
    if is_repetitive(text):
        text = collapse_text(text)
    return replace(
        segment,
        start_ms=kept[0].start_ms,
        end_ms=kept[-1].end_ms,
        text=text,
        words=kept if segment.words else (),
    )


def _labelled(segment: Segment, turns: Sequence[spk.Turn] | None) -> list[Segment]:
    if turns is None:
        return [replace(segment, speaker=spk.speaker_name(0))]
    words = segment.words or (Word(segment.start_ms, segment.end_ms, segment.text),)
    return spk.split_by_speaker(segment, spk.labels_from_turns(words, turns))


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def transcribe_span(
    source: str | os.PathLike[str],
    options: Options,
    start_ms: int,
    end_ms: int,
    speaker: str | None = None,
    context_ms: int = 3 * RETRY_CONTEXT_MS,
) -> list[Segment]:
    """Decode one passage of ``source`` again ("transcribe this part again"): a few seconds either
    side for context, no VAD, the channel of ``speaker`` when channels were split; the segments of
    the words inside ``start_ms``..``end_ms``, labelled ``speaker``."""
    first = max(0, start_ms - context_ms)
    audio = decode_audio(source, per_channel=True, start_ms=first)
    audio = audio[:, : (end_ms + context_ms - first) * SAMPLE_RATE // 1000]
    index = _channel_of(speaker, audio.shape[0])
    stream = audio[index] if index is not None else to_16_bit_grid(audio.mean(axis=0, dtype=np.float32))
    engine = get_engine(replace(options, vad=False))
    found = []
    for segment in engine.transcribe(np.ascontiguousarray(stream), offset_ms=first, vad=False):
        inside = _inside(segment, (start_ms, end_ms))
        if inside is not None:
            found.append(replace(inside, speaker=speaker))
    return found


def _channel_of(speaker: str | None, channels: int) -> int | None:
    """The channel index of "Speaker k" when the file has that many channels (else None: the mix)."""
    if speaker is None or channels < 2 or not speaker.startswith("Speaker "):
        return None
    number = speaker.removeprefix("Speaker ")
    return int(number) - 1 if number.isdigit() and 1 <= int(number) <= channels else None
