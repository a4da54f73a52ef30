"""What the decoding pass gives the model, in blocks of at most two minutes.

A stream is decoded block by block, each block cut where nobody speaks (between two stretches of
speech, or failing that at the quietest moment the speech detector saw). So a long interview never
needs the engine's spectrogram of the whole recording at once and memory stays flat; and the text
the decoder is prompted with (``Options.condition_on_previous_text``) starts afresh with each block,
so one misheard stretch cannot lead the next minutes astray. Measured with tiny.en on a generated
30-minute interview (bench/interview.py; 3,747 words): 10-minute blocks 325 word errors, 2-minute
blocks 259, the same turns transcribed one by one 252, plain faster-whisper 337. Within a block
the model hears the stretches the VAD settings keep (:meth:`Recording.decoded`), or all of it with
VAD off.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .recording import Recording
from .speech import FRAME_MS, Span
from .types import Options

MAX_BLOCK_MS = 120_000


def decode_blocks(
    recording: Recording, index: int, options: Options, start_ms: int = 0, max_ms: int | None = None
) -> Iterator[tuple[int, int, list[Span] | None]]:
    """(first ms, end ms, clips relative to the first ms or None for all) of each block, from
    ``start_ms``; blocks last at most ``max_ms`` (default :data:`MAX_BLOCK_MS`)."""
    max_ms = max_ms or MAX_BLOCK_MS
    end_ms = recording.end_ms
    decoded = recording.decoded(index, options)
    spans = [(start_ms, end_ms)] if decoded is None else decoded
    spans = [(max(s, start_ms), min(e, end_ms)) for s, e in spans if e > start_ms and s < end_ms]
    for block in _group(_split_long(recording, index, spans, max_ms), max_ms):
        first, last = block[0][0], block[-1][1]
        clips = None if decoded is None else [(s - first, e - first) for s, e in block]
        yield first, last, clips


def _group(spans: list[Span], max_ms: int) -> Iterator[list[Span]]:
    block: list[Span] = []
    for span in spans:
        if block and span[1] - block[0][0] > max_ms:
            yield block
            block = []
        block.append(span)
    if block:
        yield block


def _split_long(recording: Recording, index: int, spans: list[Span], max_ms: int) -> list[Span]:
    """``spans`` with each one longer than ``max_ms`` cut at its quietest moments."""
    out: list[Span] = []
    for start, end in spans:
        while end - start > max_ms:
            cut = quietest(recording, index, start + max_ms * 3 // 4, start + max_ms)
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def quietest(recording: Recording, index: int, low_ms: int, high_ms: int) -> int:
    """The file time between ``low_ms`` and ``high_ms`` where stream ``index`` is least likely speech."""
    probabilities, origin = recording.probabilities(index)
    first = max(0, (low_ms - origin) // FRAME_MS)
    last = min(probabilities.size, (high_ms - origin) // FRAME_MS)
    if last <= first:
        return high_ms
    return origin + (first + int(np.argmin(probabilities[first:last]))) * FRAME_MS
