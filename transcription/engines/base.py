"""The interface every engine offers, and the lookup by ``Options.engine``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np

from ..errors import TranscriptionError
from ..types import Options, Segment


class Engine(Protocol):
    """Turns 16 kHz mono float32 samples into segments, lazily."""

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        offset_ms: int = 0,
        temperature: Sequence[float] | None = None,
        vad: bool | None = None,
    ) -> Iterator[Segment]:
        """Yield segments in time order; times are ``offset_ms`` plus the position in ``audio``.

        ``temperature`` overrides the sampling temperatures (for re-decoding a window that
        looped); ``vad`` overrides ``Options.vad``.
        """
        ...


def get_engine(options: Options) -> Engine:
    """The (cached) engine for ``options``; loads the model on first use."""
    if options.engine == "faster-whisper":
        from .faster_whisper_engine import load_engine

        return load_engine(options)
    raise TranscriptionError(f"Unknown transcription engine '{options.engine}' (available: faster-whisper)")
