"""``transcribe()``: audio file in, segments out as they are produced."""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import speakers as spk
from .audio import decode_audio
from .engines import Engine, get_engine
from .errors import TranscriptionError
from .repetition import LoopGuard, collapse_indices, collapse_text, is_repetitive
from .types import SAMPLE_RATE, Options, Segment, Word

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]
REDECODE_TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0)


def transcribe(
    source: str | os.PathLike[str],
    options: Options = Options(),
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Iterator[Segment]:
    """Yield the segments of ``source`` (any audio or video file) in time order, lazily.

    ``progress(fraction, message)`` is called with 0..1 as the work advances;
    ``cancelled()`` is polled between segments and stops the generator cleanly when True.
    Raises :class:`AudioError`, :class:`ModelMissingError` or :class:`TranscriptionError`
    (on the first ``next()``).
    """
    yield from transcribe_from(source, options, start_ms=0, progress=progress, cancelled=cancelled)


def transcribe_from(
    source: str | os.PathLike[str],
    options: Options = Options(),
    *,
    start_ms: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Generator[Segment, None, bool]:
    """Like :func:`transcribe`, but decode only from ``start_ms`` on (times stay file times).

    The generator's return value is True when it ran to the end, False when cancelled.
    """
    _check_options(options)
    if start_ms <= 0:
        _report(progress, 0.0, "Reading audio")  # on resume the first report waits for the duration
    if options.channels:
        channels = decode_audio(source, per_channel=True, start_ms=start_ms)
        if channels.shape[0] < 2:
            raise TranscriptionError(
                f"Speakers by channel need one microphone per channel; {Path(source).name} has only one channel"
            )
        samples: np.ndarray = channels
    else:
        samples = decode_audio(source, start_ms=start_ms)
    if cancelled is not None and cancelled():
        return False
    total_ms = start_ms + samples.shape[-1] * 1000 // SAMPLE_RATE
    turns = None
    if start_ms > 0 and _wants_turns(options):
        # A resumed job diarizes the whole recording, so speaker numbers match the part done before.
        _report(progress, _fraction(start_ms, total_ms), "Telling speakers apart")
        turns = _mono_turns(decode_audio(source), options, offset_ms=0)
    _report(progress, _fraction(start_ms, total_ms), "Loading the speech model")
    engine = get_engine(options)
    return (
        yield from transcribe_array(
            samples,
            options,
            engine=engine,
            offset_ms=start_ms,
            total_ms=total_ms,
            progress=progress,
            cancelled=cancelled,
            turns=turns,
        )
    )


def transcribe_array(
    samples: np.ndarray,
    options: Options = Options(),
    *,
    engine: Engine | None = None,
    offset_ms: int = 0,
    total_ms: int | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    turns: Sequence[spk.Turn] | None = None,
) -> Generator[Segment, None, bool]:
    """Transcribe 16 kHz float32 samples: 1-D mono, or ``(channels, samples)`` with ``options.channels``.

    Sample 0 is at ``offset_ms``; ``total_ms`` (for progress) defaults to the end of ``samples``.
    ``turns`` (file times) are speaker turns found beforehand; by default a mono recording that
    should have several speakers is diarized here.
    Returns True when it ran to the end, False when cancelled.
    """
    _check_options(options)
    samples = np.asarray(samples, dtype=np.float32)
    if options.channels and (samples.ndim != 2 or samples.shape[0] < 2):
        raise TranscriptionError(
            "Speakers by channel need an array of shape (channels, samples) with 2+ channels"
        )
    engine = engine or get_engine(options)
    total_ms = total_ms or offset_ms + samples.shape[-1] * 1000 // SAMPLE_RATE
    if options.channels:
        judge = spk.ChannelJudge(samples, offset_ms=offset_ms)
        streams = [_channel_groups(engine, judge, c, offset_ms) for c in range(samples.shape[0])]
        groups: Iterator[list[Segment]] = heapq.merge(*streams, key=lambda group: group[0].start_ms)
    else:
        mono = samples.mean(axis=0) if samples.ndim == 2 else samples
        streams = [_mono_groups(engine, mono, options, offset_ms, turns)]
        groups = streams[0]
    done_ms = offset_ms
    try:
        while True:
            if cancelled is not None and cancelled():
                _report(progress, _fraction(done_ms, total_ms), "Cancelled")
                return False
            group = next(groups, None)
            if group is None:
                break
            yield from group
            done_ms = max(done_ms, group[-1].end_ms)
            _report(
                progress, _fraction(done_ms, total_ms), f"Transcribed {_clock(done_ms)} of {_clock(total_ms)}"
            )
    finally:
        for stream in streams:
            stream.close()
    _report(progress, 1.0, "Transcription finished")
    return True


def _mono_groups(
    engine: Engine,
    mono: np.ndarray,
    options: Options,
    offset_ms: int,
    turns: Sequence[spk.Turn] | None = None,
) -> Generator[list[Segment], None, None]:
    """Per decoded segment, its final pieces (loop-guarded, speaker-labelled when asked)."""
    if turns is None:
        turns = _mono_turns(mono, options, offset_ms)
    loops = LoopGuard()
    raw = engine.transcribe(mono, offset_ms=offset_ms)
    try:
        for segment in raw:
            group = [
                p
                for fixed in _guard(segment, engine, mono, offset_ms, loops)
                for p in _label(fixed, options, turns)
            ]
            if group:
                yield group
    finally:
        _close(raw)


def _channel_groups(
    engine: Engine, judge: spk.ChannelJudge, index: int, offset_ms: int
) -> Generator[list[Segment], None, None]:
    """One microphone's segments, without the words that are bleed from another microphone."""
    loops = LoopGuard()
    channel = judge.channels[index]
    raw = engine.transcribe(channel, offset_ms=offset_ms)
    try:
        for segment in raw:
            group: list[Segment] = []
            for fixed in _guard(segment, engine, channel, offset_ms, loops):
                group.extend(judge.own_words(fixed, index))
            if group:
                yield group
    finally:
        _close(raw)


def _close(iterator: object) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


def _check_options(options: Options) -> None:
    if not 0.0 < options.vad_threshold < 1.0:
        raise TranscriptionError(f"The VAD threshold must be between 0 and 1, not {options.vad_threshold}")
    if options.vad_speech_pad_ms < 0:
        raise TranscriptionError(
            f"The VAD speech padding must be 0 ms or more, not {options.vad_speech_pad_ms}"
        )
    if options.speakers is not None and options.speakers < 1:
        raise TranscriptionError("The number of speakers must be 1 or more")
    if options.speakers and options.speakers > 1 and not options.channels and spk.get_mono_diarizer() is None:
        raise TranscriptionError(
            "Telling speakers apart on a one-microphone recording is not available yet; "
            "use channels=True for recordings with one microphone per speaker"
        )


def _wants_turns(options: Options) -> bool:
    return not options.channels and options.speakers is not None and options.speakers > 1


def _mono_turns(mono: np.ndarray, options: Options, offset_ms: int) -> list[spk.Turn] | None:
    """Diarizer turns (in file time: sample 0 of ``mono`` is at ``offset_ms``) when several speakers
    are expected on a mono recording, else None."""
    if not _wants_turns(options):
        return None
    diarizer = spk.get_mono_diarizer()
    assert diarizer is not None  # _check_options ensured it
    return [
        replace(t, start_ms=t.start_ms + offset_ms, end_ms=t.end_ms + offset_ms)
        for t in diarizer(mono, SAMPLE_RATE, options.speakers)
    ]


def _guard(
    segment: Segment, engine: Engine, mono: np.ndarray, offset_ms: int, loops: LoopGuard
) -> list[Segment]:
    """Drop looping repeats of earlier segments; re-decode (or collapse) a segment that loops inside."""
    if loops.is_loop(segment.text):
        return []
    if not is_repetitive(segment.text):
        return [segment]
    first = max(0, (segment.start_ms - offset_ms) * SAMPLE_RATE // 1000)
    last = max(first, (segment.end_ms - offset_ms) * SAMPLE_RATE // 1000)
    redone = list(
        engine.transcribe(
            mono[first:last],
            offset_ms=offset_ms + first * 1000 // SAMPLE_RATE,
            temperature=REDECODE_TEMPERATURES,
            vad=False,
        )
    )
    if redone and not any(is_repetitive(s.text) for s in redone):
        return [_clamp(s, segment.start_ms, segment.end_ms) for s in redone]
    return [collapse_segment(segment)]


def collapse_segment(segment: Segment) -> Segment:
    """``segment`` with each looping run of words kept once."""
    if not segment.words:
        return replace(segment, text=collapse_text(segment.text))
    keep = collapse_indices([w.text for w in segment.words])
    words = tuple(segment.words[i] for i in keep)
    return replace(segment, words=words, text=" ".join(w.text for w in words))


def _clamp(segment: Segment, start_ms: int, end_ms: int) -> Segment:
    start, end = max(segment.start_ms, start_ms), min(segment.end_ms, end_ms)
    words = tuple(
        replace(w, start_ms=min(max(w.start_ms, start), end), end_ms=min(max(w.end_ms, start), end))
        for w in segment.words
    )
    return replace(segment, start_ms=start, end_ms=max(start, end), words=words)


def _label(segment: Segment, options: Options, turns: Sequence[spk.Turn] | None) -> list[Segment]:
    """Label (and split) a mono segment by speaker when the options ask for it."""
    if turns is None:
        return [replace(segment, speaker=spk.speaker_name(0))] if options.speakers == 1 else [segment]
    words = segment.words or (Word(segment.start_ms, segment.end_ms, segment.text),)
    return spk.split_by_speaker(segment, spk.labels_from_turns(words, turns))


def _fraction(ms: int, total_ms: int) -> float:
    return min(1.0, max(0.0, ms / total_ms)) if total_ms > 0 else 1.0


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)
