"""The interface every engine offers, the lookup by ``Options.engine``, and a test seam to mute it."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Protocol

import numpy as np

from ..errors import TranscriptionError
from ..types import SAMPLE_RATE, Options, Segment


class Engine(Protocol):
    """Turns 16 kHz mono float32 samples into segments, lazily."""

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        offset_ms: int = 0,
        temperature: Sequence[float] | None = None,
        vad: bool | None = None,
        clips: Sequence[tuple[int, int]] | None = None,
    ) -> Iterator[Segment]:
        """Yield segments in time order; times are ``offset_ms`` plus the position in ``audio``.

        ``temperature`` overrides the sampling temperatures (for re-decoding a window that
        looped); ``vad`` overrides ``Options.vad``; ``clips`` (milliseconds from the start of
        ``audio``) are the only stretches decoded, in place of the engine's own speech detection.
        """
        ...


_muted: list[tuple[int, int]] = []
_muted_lock = threading.Lock()


def get_engine(options: Options) -> Engine:
    """The (cached) engine for ``options``; loads the model on first use."""
    if options.engine == "faster-whisper":
        from .faster_whisper_engine import load_engine

        engine: Engine = load_engine(options)
    else:
        raise TranscriptionError(
            f"Unknown transcription engine '{options.engine}' (available: faster-whisper)"
        )
    with _muted_lock:
        spans = list(_muted)
    return MutedEngine(engine, spans) if spans else engine


@contextmanager
def muted(*spans: tuple[int, int]) -> Iterator[None]:
    """Test seam: engines made inside the block hear nothing in ``spans`` (file times in ms).

    The model gets silence there and anything it still says there is dropped, as if it had
    skipped that speech; the recording itself, and the coverage check listening to it, are
    untouched. Used to prove that lost speech is found, marked and reported.
    """
    with _muted_lock:
        _muted.extend(spans)
    try:
        yield
    finally:
        with _muted_lock:
            for span in spans:
                _muted.remove(span)


class MutedEngine:
    """An engine that hears silence in some file-time spans and reports no words there."""

    def __init__(self, engine: Engine, spans: Sequence[tuple[int, int]]):
        self.engine, self.spans = engine, list(spans)

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        offset_ms: int = 0,
        temperature: Sequence[float] | None = None,
        vad: bool | None = None,
        clips: Sequence[tuple[int, int]] | None = None,
    ) -> Iterator[Segment]:
        audio = np.array(audio, dtype=np.float32, copy=True)
        for start, end in self.spans:
            first = max(0, (start - offset_ms) * SAMPLE_RATE // 1000)
            last = max(0, (end - offset_ms) * SAMPLE_RATE // 1000)
            audio[first:last] = 0.0
        for segment in self.engine.transcribe(
            audio, offset_ms=offset_ms, temperature=temperature, vad=vad, clips=clips
        ):
            words = tuple(w for w in segment.words if not self._hides((w.start_ms + w.end_ms) // 2))
            if segment.words and not words:
                continue
            if not segment.words and self._hides((segment.start_ms + segment.end_ms) // 2):
                continue
            if len(words) != len(segment.words):
                segment = replace(segment, words=words, text=" ".join(w.text for w in words))
            yield segment

    def _hides(self, ms: int) -> bool:
        return any(start <= ms < end for start, end in self.spans)
