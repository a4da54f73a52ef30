"""Where speech is: Silero VAD's speech probability per 32 ms frame, and stretches of speech from it.

One :class:`SpeechActivity` per audio stream is computed once and read twice: with the decoding
threshold it says which stretches the model is given (long non-speech is skipped, so silence and
room tone reach no model), and with a lenient threshold the coverage check
(:mod:`transcription.coverage`) finds speech the transcript has no words for. Silero VAD ships
inside the faster-whisper wheel and runs on onnxruntime (telemetry off, see :mod:`.quiet`).
Silero's verdict depends on what it heard before (its recurrent state runs through the whole
recording): the second speaker of ``mfa_michaelandsickmichael.wav``, a quiet voice with a cold
alone on the right channel after 26 s of digital silence, reached 0.25 in 1 % of the frames of
their first sentence; the same voice after a loud one and a pause (the shared recordings played
one after another) in none, and the decoder never heard 20 words of it. So each stream is heard
in 8 s windows 6 s apart, each from a fresh state (where two overlap, a frame's probability is the
larger), brought to a common level (its loudest 2 % of 20 ms frames to -20 dBFS, at most
+20 dB, never quieter) with a -70 dBFS dither in place of digital silence: 54 % and 49 % of those
frames then reach 0.25, while silence, -50 dBFS white noise and room tone still reach none
(``tests/unit/test_speech_activity.py``). Windows also keep memory flat on long recordings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .types import SAMPLE_RATE

FRAME_SAMPLES = 512  # Silero VAD's window at 16 kHz
FRAME_MS = FRAME_SAMPLES * 1000 // SAMPLE_RATE  # 32
WINDOW_FRAMES = 250  # 8 s: Silero runs on overlapping windows from a fresh state (see the module text)
HOP_FRAMES = 187  # 6 s: each window overlaps the next by 2 s
TARGET_DB = -20.0
MAX_GAIN_DB = 20.0
DITHER = 10 ** (-70 / 20)

Span = tuple[int, int]  # (start_ms, end_ms)


def speech_probabilities(samples: np.ndarray) -> np.ndarray:
    """Silero VAD's speech probability for each 32 ms frame of 16 kHz mono ``samples``: the larger
    of the overlapping 8 s windows (each from a fresh state, 6 s apart) that hear it."""
    from faster_whisper.vad import get_vad_model

    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    n_frames = -(-samples.size // FRAME_SAMPLES)
    if n_frames == 0:
        return np.zeros(0, dtype=np.float32)
    model = get_vad_model()
    gain = np.float32(10 ** (level_gain_db(samples) / 20))
    noise = np.random.default_rng(0)
    out = np.zeros(n_frames, dtype=np.float32)
    for first in range(0, n_frames, HOP_FRAMES):
        block = samples[first * FRAME_SAMPLES : (first + WINDOW_FRAMES) * FRAME_SAMPLES]
        padded = noise.normal(0.0, DITHER, -(-block.size // FRAME_SAMPLES) * FRAME_SAMPLES).astype(np.float32)
        padded[: block.size] += block * gain
        found = np.asarray(model(padded), dtype=np.float32).reshape(-1)
        out[first : first + found.size] = np.maximum(out[first : first + found.size], found)
        if first + WINDOW_FRAMES >= n_frames:
            break
    return out


def level_gain_db(samples: np.ndarray) -> float:
    """The gain (0 to +20 dB) that brings the loudest 2 % of 20 ms frames to -20 dBFS."""
    from .speakers import frame_levels_db

    levels = frame_levels_db(samples)[0]
    levels = levels[levels > -100.0]
    if levels.size == 0:
        return 0.0
    return float(min(MAX_GAIN_DB, max(0.0, TARGET_DB - np.percentile(levels, 98))))


@dataclass(frozen=True)
class SpeechActivity:
    """Speech probabilities of one stream; frame 0 starts at ``offset_ms``, the stream lasts ``duration_ms``."""

    probabilities: np.ndarray
    offset_ms: int = 0
    duration_ms: int = 0

    @classmethod
    def of(cls, samples: np.ndarray, offset_ms: int = 0) -> SpeechActivity:
        return cls(speech_probabilities(samples), offset_ms, samples.size * 1000 // SAMPLE_RATE)

    def stretches(self, threshold: float, *, bridge_ms: int = 0, pad_ms: int = 0) -> list[Span]:
        """Stretches of speech in file time: frames from one at ``threshold`` until the probability
        falls below ``threshold - 0.15`` (Silero's own hysteresis), pauses under ``bridge_ms``
        joined, each widened by ``pad_ms`` (within the stream)."""
        spans = _raw_stretches(self.probabilities, threshold)
        spans = [(s * FRAME_MS, e * FRAME_MS) for s, e in spans]
        spans = bridge([(s - pad_ms, e + pad_ms) for s, e in spans], bridge_ms)
        end = self.duration_ms or self.probabilities.size * FRAME_MS
        return [
            (max(0, s) + self.offset_ms, min(end, e) + self.offset_ms)
            for s, e in spans
            if min(end, e) > max(0, s)
        ]


def _raw_stretches(probabilities: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """(first frame, end frame) of each run that reaches ``threshold`` and holds above ``threshold - 0.15``."""
    low = max(threshold - 0.15, 0.01)
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, value in enumerate(probabilities.tolist()):
        if start is None:
            if value >= threshold:
                start = i
        elif value < low:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(probabilities)))
    return spans


def bridge(spans: Sequence[Span], gap_ms: int) -> list[Span]:
    """Sorted ``spans`` with overlapping ones, and ones less than ``gap_ms`` apart, joined."""
    joined: list[Span] = []
    for start, end in sorted(spans):
        if joined and start - joined[-1][1] < max(gap_ms, 1):
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def union(*groups: Sequence[Span]) -> list[Span]:
    """All stretches of several streams as one sorted, non-overlapping list."""
    return bridge([span for group in groups for span in group], 0)


def subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """The parts of ``spans`` outside every one of ``holes`` (both sorted, non-overlapping)."""
    out: list[Span] = []
    holes = list(holes)
    j = 0
    for start, end in spans:
        while j < len(holes) and holes[j][1] <= start:
            j += 1
        cursor, k = start, j
        while k < len(holes) and holes[k][0] < end:
            if holes[k][0] > cursor:
                out.append((cursor, holes[k][0]))
            cursor = max(cursor, holes[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out
