"""Exact cosine ranking over unit vectors, in numpy (no approximate index).

Vectors are L2-normalised, so cosine similarity is a dot product: ranking ``n`` passages against
one query is one ``(n, 384) @ (384,)`` product and a partial sort, O(n) per query. Measured with
``bench/suggestions.py --part scale`` (2 shared cores): the 200 interviews x 10,000 words benchmark
project has 80,000 passages, 117 MiB of float32 vectors; ranking them takes 15 ms, but reading them
from the store for each query takes 1.1 s (SQLite), so a whole Find similar takes 1.2 s. Where it
stops being enough: both grow linearly, so at a few hundred thousand passages (about 600 such
interviews and more) a query spends seconds reading vectors and holds ~0.5 GB; the next steps would be
keeping the matrix in memory between queries (read only what changed) and then an approximate index
(HNSW or IVF) on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.coding.retrieval import KwicHit


@dataclass(frozen=True)
class SimilarPassage:
    """A ranked passage: where it is, its text in context, and its cosine similarity (-1..1)."""

    hit: KwicHit
    score: float
    version: int | None = None  # the transcript version the span refers to (accepting checks it)

    def as_dict(self) -> dict[str, Any]:
        h = self.hit
        return {
            "source": h.transcript_name,
            "participant": h.participant,
            "start": h.start_pos,
            "end": h.end_pos,
            "text": h.match,
            "score": round(self.score, 4),
            "speaker": h.speaker,
            "time_ms": h.time_ms,
        }


def overlaps(starts: np.ndarray, ends: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """For passages ``[starts, ends)``, whether each overlaps any of ``spans`` (same transcript)."""
    hit = np.zeros(len(starts), dtype=bool)
    for start, end in spans:
        hit |= (starts < end) & (ends > start)
    return hit


def top_k(matrix: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    """Row indices of ``matrix`` most similar to ``query`` (best first); ``allowed`` a boolean mask."""
    if len(matrix) == 0 or k <= 0:
        return []
    scores = matrix @ query
    return best(scores, k, allowed)


def best(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    """Indices of the ``k`` highest ``scores`` (ties: the earlier first), restricted to ``allowed``."""
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
        k = min(k, int(allowed.sum()))
    k = min(k, len(scores))
    if k <= 0:
        return []
    chosen = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return sorted(chosen.tolist(), key=lambda i: (-float(scores[i]), i))


def exemplar_scores(
    matrix: np.ndarray, definition: np.ndarray | None, exemplars: Sequence[np.ndarray], nearest: int = 3
) -> np.ndarray:
    """How well each row fits a code: the higher of its similarity to the code's definition and the
    mean of its ``nearest`` best similarities to the coder's own coded passages (``exemplars``).
    Taking a few nearest exemplars, not their centroid, keeps a code with several distinct senses
    (e.g. "Feeling judged" by staff and by family) from averaging into neither."""
    scores = np.full(len(matrix), -1.0, dtype=np.float32)
    if definition is not None:
        scores = np.maximum(scores, matrix @ definition)
    if exemplars:
        against = matrix @ np.stack(exemplars).T  # (n, exemplars)
        m = min(nearest, against.shape[1])
        top = -np.sort(-against, axis=1)[:, :m]
        scores = np.maximum(scores, top.mean(axis=1))
    return scores
