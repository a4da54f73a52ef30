"""``transcribe()``: audio file in, segments out as they are produced."""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import speakers as spk
from .audio import decode_audio
from .blocks import decode_blocks
from .channels import ChannelPlan
from .engines import Engine, get_engine
from .errors import TranscriptionError
from .recording import Recording, prepare, shifted
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
    """Yield the decoded segments of ``source`` (any audio or video file) in time order, lazily.

    ``progress(fraction, message)`` is called with 0..1 as the work advances;
    ``cancelled()`` is polled between segments and stops the generator cleanly when True.
    Raises :class:`AudioError`, :class:`ModelMissingError` or :class:`TranscriptionError`
    (on the first ``next()``). The coverage check runs in :func:`transcription.transcribe_file`
    and :func:`transcription.run_job`, which build on this.
    """
    yield from transcribe_from(source, options, start_ms=0, progress=progress, cancelled=cancelled)


def transcribe_from(
    source: str | os.PathLike[str],
    options: Options = Options(),
    *,
    start_ms: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    plan: ChannelPlan | None = None,
) -> Generator[Segment, None, bool]:
    """Like :func:`transcribe`, but decode only from ``start_ms`` on (times stay file times).

    The generator's return value is True when it ran to the end, False when cancelled.
    """
    check_options(options)
    recording = read_recording(source, options, progress, plan)
    if cancelled is not None and cancelled():
        return False
    return (
        yield from transcribe_recording(
            recording, options, start_ms=start_ms, progress=progress, cancelled=cancelled
        )
    )


def read_recording(
    source: str | os.PathLike[str],
    options: Options,
    progress: Progress | None = None,
    plan: ChannelPlan | None = None,
) -> Recording:
    """Decode the whole of ``source`` and prepare it (channel plan, speech detector)."""
    check_options(options)
    _report(progress, 0.0, "Reading audio")
    audio = decode_audio(source, per_channel=True, grid=False)
    if audio.shape[0] > 1 and plan is None:
        _report(progress, 0.0, "Listening to the channels")
    recording = prepare(audio, options, plan, Path(source).name, owned=True)
    del audio
    _report(progress, 0.0, _describe(recording.plan))
    return recording


def read_with_engine(
    source: str | os.PathLike[str],
    options: Options,
    progress: Progress | None = None,
    plan: ChannelPlan | None = None,
) -> tuple[Recording, Engine]:
    """:func:`read_recording` and :func:`get_engine` at once: the audio is decoded and listened to on
    its own thread while the model loads (each takes a few tenths of a second, mostly outside the
    GIL), which is most of the fixed start-up a short file waits for. The model loads on the calling
    thread: CTranslate2 decoded about half as fast with a model loaded on a thread that then ended.
    An unreadable file is reported before a missing model, as when they ran one after the other."""
    with ThreadPoolExecutor(1, thread_name_prefix="read-recording") as pool:
        reading = pool.submit(read_recording, source, options, progress, plan)
        try:
            engine = get_engine(options)
        except BaseException:
            reading.result()
            raise
        return reading.result(), engine


def _describe(plan: ChannelPlan) -> str:
    if plan.channels < 2:
        return "Finding speech"
    return f"{plan.channels} channels: {plan.reason}"


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
    """Transcribe 16 kHz float32 samples: 1-D mono, or ``(channels, samples)``.

    Sample 0 is at ``offset_ms``; ``total_ms`` (for progress) defaults to the end of ``samples``.
    ``turns`` (file times) are speaker turns found beforehand; by default a mono recording that
    should have several speakers is diarized here.
    Returns True when it ran to the end, False when cancelled.
    """
    check_options(options)
    samples = np.asarray(samples, dtype=np.float32)
    if options.channels and (samples.ndim != 2 or samples.shape[0] < 2):
        raise TranscriptionError(
            "Speakers by channel need an array of shape (channels, samples) with 2+ channels"
        )
    recording = shifted(prepare(samples, options), offset_ms)
    return (
        yield from transcribe_recording(
            recording,
            options,
            engine=engine,
            start_ms=offset_ms,
            total_ms=total_ms,
            progress=progress,
            cancelled=cancelled,
            turns=turns,
        )
    )


def transcribe_recording(
    recording: Recording,
    options: Options,
    *,
    engine: Engine | None = None,
    start_ms: int = 0,
    total_ms: int | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    turns: Sequence[spk.Turn] | None = None,
) -> Generator[Segment, None, bool]:
    """The decoding pass over ``recording`` from ``start_ms`` (file time) on, segment groups in time order."""
    total_ms = total_ms or recording.end_ms
    _report(progress, _fraction(start_ms, total_ms), "Loading the speech model")
    engine = engine or get_engine(options)
    if not recording.plan.split and turns is None:
        turns = speaker_turns(recording, options, progress, _fraction(start_ms, total_ms))
    speakers: spk.ChannelJudge | Sequence[spk.Turn] | None = turns
    if recording.plan.split:
        speakers = spk.ChannelJudge(recording.channels, offset_ms=recording.offset_ms)
    streams = [
        _stream_groups(engine, recording, index, options, start_ms, speakers)
        for index in range(len(recording.streams))
    ]
    groups: Iterator[list[Segment]] = (
        heapq.merge(*streams, key=lambda group: group[0].start_ms) if len(streams) > 1 else streams[0]
    )
    done_ms = start_ms
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


def _stream_groups(
    engine: Engine,
    recording: Recording,
    index: int,
    options: Options,
    start_ms: int,
    speakers: spk.ChannelJudge | Sequence[spk.Turn] | None,
) -> Generator[list[Segment], None, None]:
    """One stream's segments from ``start_ms`` on, block by block: loop-guarded, then stripped of
    the words that are bleed from another microphone (``speakers`` a judge: per channel) or
    labelled by speaker (``speakers`` the diarizer's turns, or None)."""
    loops = LoopGuard()
    audio, origin = recording.streams[index], recording.offset_ms
    judge = speakers if isinstance(speakers, spk.ChannelJudge) else None
    turns = speakers if not isinstance(speakers, spk.ChannelJudge) else None
    for first_ms, last_ms, clips in decode_blocks(recording, index, options, start_ms):
        piece = audio[(first_ms - origin) * SAMPLE_RATE // 1000 : (last_ms - origin) * SAMPLE_RATE // 1000]
        raw = engine.transcribe(piece, offset_ms=first_ms, clips=clips)
        try:
            for segment in raw:
                group = [
                    piece_
                    for fixed in _guard(segment, engine, audio, origin, loops)
                    for piece_ in (
                        judge.own_words(fixed, index) if judge is not None else _label(fixed, options, turns)
                    )
                ]
                if group:
                    yield group
        finally:
            _close(raw)


def _close(iterator: object) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


def check_options(options: Options) -> None:
    """Refuse settings out of range (raises :class:`TranscriptionError` with one line)."""
    if not 0.0 < options.vad_threshold < 1.0:
        raise TranscriptionError(f"The VAD threshold must be between 0 and 1, not {options.vad_threshold}")
    if options.vad_speech_pad_ms < 0:
        raise TranscriptionError(
            f"The VAD speech padding must be 0 ms or more, not {options.vad_speech_pad_ms}"
        )
    if options.vad_min_silence_ms < 0:
        raise TranscriptionError(
            f"The shortest pause the VAD leaves out must be 0 ms or more, not {options.vad_min_silence_ms}"
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


def speaker_turns(
    recording: Recording, options: Options, progress: Progress | None = None, fraction: float = 0.0
) -> list[spk.Turn] | None:
    """Diarizer turns over the whole mixed recording (file time) when several speakers are expected."""
    if recording.plan.split or not _wants_turns(options):
        return None
    diarizer = spk.get_mono_diarizer()
    assert diarizer is not None  # check_options ensured it
    _report(progress, fraction, "Telling speakers apart")
    return [
        replace(t, start_ms=t.start_ms + recording.offset_ms, end_ms=t.end_ms + recording.offset_ms)
        for t in diarizer(recording.streams[0], SAMPLE_RATE, options.speakers)
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
