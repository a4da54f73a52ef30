"""Diarization error rate and word-level speaker accuracy, with RTTM / UEM / STM readers.

Used by ``bench/diarization.py`` and the diarization tests. Times are integer milliseconds;
scoring is done on a 1 ms grid.

DER follows pyannote.metrics / NIST: within the scored region (the UEM, less a collar around
every reference segment boundary — ``collar_ms`` in all, half before and half after), with
``r`` reference and ``h`` hypothesis speakers active at an instant, missed speech is
``max(0, r - h)``, false alarm ``max(0, h - r)`` and confusion ``min(r, h) - correct``, where
``correct`` counts the reference speakers whose mapped hypothesis speaker is also active. The
mapping is the one-to-one assignment of hypothesis to reference speakers that maximises their
overlap (Hungarian algorithm). DER = (miss + false alarm + confusion) / reference speech.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

Span = tuple[int, int, str]  # start_ms, end_ms, speaker


def read_rttm(path: Path) -> list[Span]:
    """``SPEAKER file chan onset duration <NA> <NA> name ...`` lines as spans."""
    spans = []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start = round(float(parts[3]) * 1000)
            spans.append((start, start + round(float(parts[4]) * 1000), parts[7]))
    return spans


def read_uem(path: Path) -> list[tuple[int, int]]:
    """``file chan start end`` lines as scored regions."""
    regions = []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4:
            regions.append((round(float(parts[2]) * 1000), round(float(parts[3]) * 1000)))
    return regions


def read_stm(path: Path) -> list[tuple[int, int, str, str]]:
    """``file chan speaker start end text`` lines as ``(start_ms, end_ms, speaker, text)``."""
    rows = []
    for line in Path(path).read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) >= 5 and not line.startswith(";;"):
            rows.append(
                (
                    round(float(parts[3]) * 1000),
                    round(float(parts[4]) * 1000),
                    parts[2],
                    parts[5] if len(parts) > 5 else "",
                )
            )
    return rows


@dataclass(frozen=True)
class DerResult:
    """Components in milliseconds; ``der`` is their sum over ``total`` reference speech."""

    miss: int
    false_alarm: int
    confusion: int
    total: int

    @property
    def der(self) -> float:
        return (self.miss + self.false_alarm + self.confusion) / self.total if self.total else 0.0


def _activity(spans: Sequence[Span], end: int) -> tuple[list[str], np.ndarray]:
    names = sorted({s for _, _, s in spans})
    active = np.zeros((len(names), end), dtype=bool)
    for start, stop, speaker in spans:
        active[names.index(speaker), max(0, start) : max(0, min(stop, end))] = True
    return names, active


def diarization_error(
    reference: Sequence[Span],
    hypothesis: Sequence[Span],
    uem: Sequence[tuple[int, int]] | None = None,
    collar_ms: int = 250,
) -> DerResult:
    """DER components of ``hypothesis`` against ``reference`` (see the module docstring)."""
    end = max([e for _, e, _ in reference] + [e for _, e, _ in hypothesis] + [e for _, e in uem or []] + [0])
    scored = np.zeros(end, dtype=bool)
    for start, stop in uem or [(min([s for s, _, _ in reference], default=0), end)]:
        scored[max(0, start) : stop] = True
    half = collar_ms // 2
    for start, stop, _ in reference:
        for edge in (start, stop):
            scored[max(0, edge - half) : edge + (collar_ms - half)] = False
    _, ref = _activity(reference, end)
    _, hyp = _activity(hypothesis, end)
    ref, hyp = ref[:, scored], hyp[:, scored]
    r, h = ref.sum(axis=0), hyp.sum(axis=0)
    correct = np.zeros_like(r)
    if len(ref) and len(hyp):
        overlap = ref.astype(np.int64) @ hyp.T.astype(np.int64)
        rows, cols = linear_sum_assignment(-overlap)
        for i, j in zip(rows, cols):
            correct += ref[i] & hyp[j]
    return DerResult(
        miss=int(np.maximum(0, r - h).sum()),
        false_alarm=int(np.maximum(0, h - r).sum()),
        confusion=int((np.minimum(r, h) - correct).sum()),
        total=int(r.sum()),
    )


def one_speaker(reference: Sequence[Span]) -> list[Span]:
    """The "everyone is one speaker" hypothesis: one label over all reference speech."""
    return [(s, e, "everyone") for s, e, _ in reference]


def word_speaker_accuracy(
    words: Sequence[tuple[int, int, str | None]], stm: Sequence[tuple[int, int, str, str]]
) -> tuple[float, float]:
    """Share of words whose speaker is right, and the share a single label would get.

    Each word ``(start_ms, end_ms, label)`` belongs to the STM utterance nearest its midpoint
    (containing it, else closest). Hypothesis labels are mapped one-to-one onto reference
    speakers to maximise agreement; unlabelled words count as wrong.
    """
    if not words or not stm:
        return 0.0, 0.0
    truth = []
    for start, end, _ in words:
        mid = (start + end) / 2
        gap = [0 if s <= mid <= e else min(abs(mid - s), abs(mid - e)) for s, e, _, _ in stm]
        truth.append(stm[int(np.argmin(gap))][2])
    refs = sorted(set(truth))
    hyps = sorted({label for _, _, label in words if label is not None})
    counts = np.zeros((len(refs), max(1, len(hyps))), dtype=np.int64)
    for (_, _, label), ref in zip(words, truth):
        if label is not None:
            counts[refs.index(ref), hyps.index(label)] += 1
    rows, cols = linear_sum_assignment(-counts)
    right = int(counts[rows, cols].sum())
    majority = max(truth.count(r) for r in refs)
    return right / len(words), majority / len(words)
