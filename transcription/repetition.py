"""Detect Whisper's repetition loops ("thank you thank you thank you ...") in decoded text.

Two checks: a run of the same n-gram repeated many times within a segment
(:func:`find_repeated_run`), and the same segment text coming back over and over in
consecutive segments (:class:`LoopGuard`).
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

_WORD_CHARS = re.compile(r"[^\w']+", re.UNICODE)

MAX_NGRAM = 8
MIN_REPEATS_SINGLE = 6  # "no no no no" is speech; six of a kind in a row is a loop
MIN_REPEATS_NGRAM = 4
COMPRESSION_LIMIT = 2.4  # the figure Whisper itself uses for its temperature fallback
COMPRESSION_MIN_CHARS = 60


def normalise(token: str) -> str:
    """Lower-case a token and strip punctuation, for comparison only."""
    return _WORD_CHARS.sub("", token.lower())


@dataclass(frozen=True)
class RepeatedRun:
    """``count`` consecutive copies of an ``size``-token n-gram starting at token ``start``."""

    start: int
    size: int
    count: int

    @property
    def end(self) -> int:
        return self.start + self.size * self.count


def find_repeated_run(tokens: Sequence[str]) -> RepeatedRun | None:
    """The longest (in tokens covered) run of a repeated n-gram that counts as a loop, or None."""
    norm = [normalise(t) for t in tokens]
    best: RepeatedRun | None = None
    n_tokens = len(norm)
    for size in range(1, MAX_NGRAM + 1):
        needed = MIN_REPEATS_SINGLE if size == 1 else MIN_REPEATS_NGRAM
        if size * needed > n_tokens:
            break
        i = 0
        while i + size <= n_tokens:
            gram = norm[i : i + size]
            if not any(gram):
                i += 1
                continue
            count = 1
            while norm[i + count * size : i + (count + 1) * size] == gram:
                count += 1
            if count >= needed and (best is None or size * count > best.size * best.count):
                best = RepeatedRun(i, size, count)
            i += size * (count - 1) + 1 if count > 1 else 1
    return best


def compression_ratio(text: str) -> float:
    """Text length over zlib-compressed length (high for repetitive text)."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def is_repetitive(text: str) -> bool:
    """True when ``text`` contains a repetition loop (n-gram run, or gzip-compressible like one)."""
    if find_repeated_run(text.split()) is not None:
        return True
    return len(text) >= COMPRESSION_MIN_CHARS and compression_ratio(text) > COMPRESSION_LIMIT


def collapse_indices(tokens: Sequence[str]) -> list[int]:
    """Indices of ``tokens`` to keep so that every looping run is reduced to one copy."""
    keep = list(range(len(tokens)))
    while True:
        run = find_repeated_run([tokens[i] for i in keep])
        if run is None:
            return keep
        keep = keep[: run.start + run.size] + keep[run.end :]


def collapse_text(text: str) -> str:
    """``text`` with looping runs reduced to a single copy."""
    tokens = text.split()
    return " ".join(tokens[i] for i in collapse_indices(tokens))


class LoopGuard:
    """Flags a segment whose text repeats the previous segments' text too many times in a row.

    ``allowed`` identical segments in a row pass (people do say "Yes." twice); later copies
    are loops.
    """

    def __init__(self, allowed: int = 2) -> None:
        self.allowed = allowed
        self._recent: deque[str] = deque(maxlen=allowed)

    def is_loop(self, text: str) -> bool:
        key = " ".join(normalise(t) for t in text.split() if normalise(t))
        if not key:
            return False
        loop = len(self._recent) == self.allowed and all(prev == key for prev in self._recent)
        if not loop:
            self._recent.append(key)
        return loop

    def reset(self) -> None:
        self._recent.clear()
