"""Half-open integer intervals [start, end) as sorted, disjoint numpy arrays.

Shared by the text (code points) and timed (milliseconds) comparisons. A coder's
overlapping codings of one code are merged first, so time or text coded twice by
the same coder is counted once (never subtracted twice).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

Spans = tuple[np.ndarray, np.ndarray]

EMPTY: Spans = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def merge(starts: Iterable[int], ends: Iterable[int]) -> Spans:
    """Union of intervals: sorted, disjoint, non-empty; touching intervals are joined."""
    s = np.asarray(list(starts) if not isinstance(starts, np.ndarray) else starts, dtype=np.int64)
    e = np.asarray(list(ends) if not isinstance(ends, np.ndarray) else ends, dtype=np.int64)
    keep = e > s
    s, e = s[keep], e[keep]
    if s.size == 0:
        return EMPTY
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    # a new run starts where the interval begins after everything before it ended
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > reach[:-1]
    idx = np.flatnonzero(new)
    run_end = np.append(idx[1:], s.size) - 1
    return s[idx], reach[run_end]


def length(spans: Spans) -> int:
    s, e = spans
    return int((e - s).sum())


def covered_before(spans: Spans, x: np.ndarray) -> np.ndarray:
    """How much of [0, x) each position x has covered (vectorised over x)."""
    s, e = spans
    x = np.asarray(x, dtype=np.int64)
    if s.size == 0:
        return np.zeros(x.shape, dtype=np.int64)
    lens = e - s
    before = np.concatenate([[0], np.cumsum(lens)])
    i = np.searchsorted(s, x, side="right") - 1
    inside = np.where(i >= 0, np.clip(x - s[np.maximum(i, 0)], 0, lens[np.maximum(i, 0)]), 0)
    return before[np.maximum(i, 0)] * (i >= 0) + inside


def overlap_with(spans: Spans, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Covered length inside each [starts[j], ends[j])."""
    return covered_before(spans, ends) - covered_before(spans, starts)


def intersection(a: Spans, b: Spans) -> int:
    """|a ∩ b| for two merged span sets."""
    if a[0].size == 0 or b[0].size == 0:
        return 0
    return int(overlap_with(a, b[0], b[1]).sum())


def depth_pieces(span_sets: list[Spans], total: int) -> tuple[np.ndarray, np.ndarray]:
    """Split [0, total) into pieces of constant depth; returns (piece lengths, depth).

    Depth is how many of the (merged) span sets cover the piece.
    """
    starts = [s for s, _ in span_sets]
    ends = [e for _, e in span_sets]
    pos = np.concatenate([np.array([0, total], dtype=np.int64), *starts, *ends])
    delta = np.concatenate(
        [np.zeros(2, dtype=np.int64)]
        + [np.ones(s.size, dtype=np.int64) for s in starts]
        + [-np.ones(e.size, dtype=np.int64) for e in ends]
    )
    order = np.argsort(pos, kind="stable")
    pos, delta = pos[order], delta[order]
    depth = np.cumsum(delta)
    lens = np.diff(pos)
    return lens, depth[:-1]
