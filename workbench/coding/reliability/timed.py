"""Timed behaviour records: inputs, normalisation and time-unit agreement (Qt-free).

Input (the store adapter fills these): one :class:`Observation` per rater per
recording — point events, start/stop events and/or ready state intervals, in
integer milliseconds — compared in :class:`ObservationPair`s.

Time-unit rule (stated in every table this produces):

* The observation [0, duration) is cut into units of ``unit_ms`` (the last may be
  shorter). ``unit_ms`` is only the SAMPLING STEP, not a tolerance.
* A state is active in a unit when it covers the unit's midpoint
  (start <= midpoint < end); a point event is active in the unit containing it.
  A unit's category for a rater is the set of behaviours active in it.
* Tolerance (``tolerance_ms``, separate from the step): with k = tolerance_ms //
  unit_ms, a unit i where the raters differ still counts as agreement when A's
  category at i occurs in B's record somewhere in units i-k..i+k AND B's category
  at i occurs in A's record in units i-k..i+k — i.e. the difference is explained
  by shifting a boundary by at most k units. Such a unit is tallied half on A's
  category and half on B's, so neither rater's marginals are favoured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.model.wording import counted

from . import _intervals as iv
from ._binary import (
    Comparison,
    LazyResults,
    kappa_factory,
    pooled_kappa,
    record_rows,
    summary_row,
    with_pooled,
)

NONE_LABEL = "(none)"
KINDS = ("point", "start", "stop")


@dataclass(frozen=True)
class Event:
    behaviour: str
    time_ms: int
    kind: str = "point"  # point | start | stop
    subject: str = ""


@dataclass(frozen=True)
class State:
    behaviour: str
    start_ms: int
    end_ms: int
    subject: str = ""


@dataclass(frozen=True)
class Observation:
    """One rater's record of one recording."""

    duration_ms: int
    events: tuple[Event, ...] = ()
    states: tuple[State, ...] = ()


@dataclass(frozen=True)
class ObservationPair:
    id: str
    a: Observation
    b: Observation


def key_of(subject: str, behaviour: str) -> str:
    return f"{subject}: {behaviour}" if subject else behaviour


@dataclass(frozen=True)
class Record:
    """A rater's record normalised: merged state spans and point times per behaviour key."""

    duration_ms: int
    states: dict[str, iv.Spans]
    points: dict[str, np.ndarray]
    onsets: list[tuple[str, str, int]]  # (subject, key, onset ms): points and merged state starts


def normalise(obs: Observation, who: str = "rater") -> Record:
    """Pair start/stop events into states (an open state runs to the end), merge overlaps."""
    dur = int(obs.duration_ms)
    if dur <= 0:
        raise ValueError(f"{who}: the observation duration must be positive")
    spans: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    points: dict[str, list[int]] = defaultdict(list)
    onsets: list[tuple[str, str, int]] = []
    open_: dict[str, int] = {}
    subject_of: dict[str, str] = {}
    for st in obs.states:
        if not 0 <= st.start_ms <= st.end_ms <= dur:
            raise ValueError(
                f"{who}: state {st.behaviour!r} {st.start_ms}-{st.end_ms} ms lies outside 0-{dur} ms"
            )
        k = key_of(st.subject, st.behaviour)
        spans[k][0].append(st.start_ms)
        spans[k][1].append(st.end_ms)
        subject_of[k] = st.subject
    for ev in sorted(obs.events, key=lambda e: (e.time_ms, e.kind != "stop")):
        if ev.kind not in KINDS:
            raise ValueError(f"{who}: unknown event kind {ev.kind!r}; use point, start or stop")
        if not 0 <= ev.time_ms <= dur:
            raise ValueError(f"{who}: event {ev.behaviour!r} at {ev.time_ms} ms lies outside 0-{dur} ms")
        k = key_of(ev.subject, ev.behaviour)
        if ev.kind == "point":
            points[k].append(ev.time_ms)
            onsets.append((ev.subject, k, ev.time_ms))
        elif ev.kind == "start":
            if k in open_:
                raise ValueError(f"{who}: {k!r} started again at {ev.time_ms} ms without a stop")
            open_[k] = ev.time_ms
            subject_of[k] = ev.subject
        else:
            if k not in open_:
                raise ValueError(f"{who}: {k!r} stopped at {ev.time_ms} ms without a start")
            spans[k][0].append(open_.pop(k))
            spans[k][1].append(ev.time_ms)
    for k, start in open_.items():
        spans[k][0].append(start)
        spans[k][1].append(dur)
    merged = {k: iv.merge(s, e) for k, (s, e) in spans.items()}
    # a state's onset is the start of a merged span: a rater's overlapping states are one state
    onsets += [(subject_of[k], k, int(t)) for k, (s, _) in merged.items() for t in s]
    return Record(
        dur,
        merged,
        {k: np.sort(np.asarray(v, dtype=np.int64)) for k, v in points.items()},
        sorted(onsets, key=lambda x: x[2]),
    )


def normalise_pair(pair: ObservationPair) -> tuple[Record, Record]:
    """Both records normalised (inside :func:`sharing_records`, once per pair object)."""
    memo = _SHARED.get()
    if memo is None:
        return _normalise_pair(pair)
    if id(pair) not in memo:  # the pair is kept with its records, so its id stays its own
        memo[id(pair)] = (pair, _normalise_pair(pair))
    return memo[id(pair)][1]


_SHARED: ContextVar[dict | None] = ContextVar("shared_records", default=None)


@contextmanager
def sharing_records() -> Iterator[None]:
    """Within this block, each (unchanged) pair object is normalised once, however many comparisons use it."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _normalise_pair(pair: ObservationPair) -> tuple[Record, Record]:
    ra, rb = normalise(pair.a, f"{pair.id} rater A"), normalise(pair.b, f"{pair.id} rater B")
    if ra.duration_ms != rb.duration_ms:
        raise ValueError(
            f"{pair.id}: the two records have different durations ({ra.duration_ms} and {rb.duration_ms} ms)"
        )
    return ra, rb


def unit_matrix(rec: Record, keys: Sequence[str], unit_ms: int) -> np.ndarray:
    """Units x keys: is the behaviour active in the unit (midpoint rule for states)."""
    dur = rec.duration_ms
    n = -(-dur // unit_ms)
    lo = np.arange(n, dtype=np.int64) * unit_ms
    twomid = lo + np.minimum(lo + unit_ms, dur)
    out = np.zeros((n, len(keys)), dtype=bool)
    for j, k in enumerate(keys):
        if k in rec.states:
            s, e = rec.states[k]
            diff = np.zeros(n + 1, dtype=np.int64)
            np.add.at(diff, np.searchsorted(twomid, 2 * s, "left"), 1)
            np.add.at(diff, np.searchsorted(twomid, 2 * e, "left"), -1)
            out[:, j] |= np.cumsum(diff)[:n] > 0
        if k in rec.points:
            out[np.minimum(rec.points[k] // unit_ms, n - 1), j] = True
    return out


def _within(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """For each i: does x[i] occur in y[i-k .. i+k]?"""
    hit = x == y
    for s in range(1, k + 1):
        hit[:-s] |= x[:-s] == y[s:]
        hit[s:] |= x[s:] == y[:-s]
    return hit


def tally(ca: np.ndarray, cb: np.ndarray, q: int, k: int) -> np.ndarray:
    """q x q table of unit categories under the tolerance rule (module docstring)."""
    exact = ca == cb
    if k <= 0:  # every unit counts once in cell (A's, B's); the sums are whole numbers, exact in any order
        return np.bincount(ca * q + cb, minlength=q * q).reshape(q, q).astype(float)
    tolerated = ~exact & _within(ca, cb, k) & _within(cb, ca, k)
    plain = ~exact & ~tolerated
    cells = np.concatenate(
        [ca[exact] * (q + 1), ca[tolerated] * (q + 1), cb[tolerated] * (q + 1), ca[plain] * q + cb[plain]]
    )
    weight = np.concatenate([np.ones(exact.sum()), np.full(2 * tolerated.sum(), 0.5), np.ones(plain.sum())])
    return np.bincount(cells, weights=weight, minlength=q * q).reshape(q, q)


def _encode(mats: list[np.ndarray], keys: Sequence[str]) -> tuple[list[np.ndarray], list[str]]:
    """Code each unit's set of active behaviours as a category index; labels in first-seen order."""
    if not keys:
        return [np.zeros(len(m), dtype=np.int64) for m in mats], [NONE_LABEL]
    allrows = np.concatenate(mats)
    if len(keys) <= 62:  # a row as bits, first key most significant: sorts as np.unique(axis=0) does
        bits = allrows.astype(np.int64) @ (np.int64(1) << np.arange(len(keys) - 1, -1, -1, dtype=np.int64))
        packed, inverse = np.unique(bits, return_inverse=True)
        uniq = ((packed[:, None] >> np.arange(len(keys) - 1, -1, -1)) & 1).astype(bool)
    else:
        uniq, inverse = np.unique(allrows, axis=0, return_inverse=True)
    labels = [" + ".join(k for k, on in zip(keys, row) if on) or NONE_LABEL for row in uniq]
    inverse = inverse.ravel()
    out, start = [], 0
    for m in mats:
        out.append(inverse[start : start + len(m)])
        start += len(m)
    return out, labels


def _keys(records: list[tuple[Record, Record]]) -> list[str]:
    keys: set[str] = set()
    for ra, rb in records:
        for r in (ra, rb):
            keys.update(r.states)
            keys.update(r.points)
    return sorted(keys)


def rule_text(unit_ms: int, tolerance_ms: int) -> str:
    k = tolerance_ms // unit_ms
    tol = (
        f"tolerance {tolerance_ms} ms = {counted(k, 'unit')} of {unit_ms} ms (effective ±{k * unit_ms} ms): a differing "
        "unit counts as agreement when each rater's category there occurs in the other's record within "
        f"±{counted(k, 'unit')}, tallied half on each rater's category"
        if k
        else "no tolerance"
    )
    return (
        f"Time units of {unit_ms} ms (the sampling step, not a tolerance); a state is active in a unit when "
        "it covers the unit's midpoint, a point event in the unit containing it; a unit's category is the set "
        f"of active behaviours. {tol}."
    )


def time_unit_agreement(
    pairs: Sequence[ObservationPair],
    names: tuple[str, str] = ("A", "B"),
    unit_ms: int = 1000,
    tolerance_ms: int = 0,
) -> tuple[Comparison, Comparison]:
    """Time-unit kappa: (overall over behaviour sets, per behaviour present/absent).

    Rows per observation and pooled (tables summed over observations; the pooled
    interval resamples whole observations; one observation's units are not
    independent, so its rows carry no interval).
    """
    if unit_ms <= 0 or tolerance_ms < 0:
        raise ValueError("unit_ms must be positive and tolerance_ms non-negative")
    records = [normalise_pair(p) for p in pairs]
    keys = _keys(records)
    k = tolerance_ms // unit_ms
    mats = [(unit_matrix(ra, keys, unit_ms), unit_matrix(rb, keys, unit_ms)) for ra, rb in records]
    codes, labels = _encode([m for pair in mats for m in pair], keys)
    q = len(labels)
    ids = [p.id for p in pairs]
    tables = np.array([tally(codes[2 * i], codes[2 * i + 1], q, k) for i in range(len(pairs))]).reshape(
        -1, q, q
    )
    results = LazyResults(
        {(pid,): kappa_factory(t, labels, names, interval=False) for pid, t in zip(ids, tables)}
    )
    per = record_rows(
        {"observation": ids},
        tables,
        interval=False,
        extra={
            "units": [len(codes[2 * i]) for i in range(len(pairs))],
            "percent agreement": [_pc(t) for t in tables],
        },
    )
    pooled_rows = []
    if len(tables):
        pooled = pooled_kappa(tables, names, "observations", "observation", labels)
        results.put(("(pooled)",), pooled)
        pooled_keys: dict[str, Any] = {
            "observation": "(pooled)",
            "units": int(sum(t.sum() for t in tables)),
            "percent agreement": _pc(sum(tables)),
        }
        pooled_rows.append(summary_row(pooled, **pooled_keys))
        table = with_pooled(per, pooled_rows, len(ids))
    else:
        table = pd.DataFrame()
    overall = Comparison("Time units: overall", table, results, rule_text(unit_ms, tolerance_ms))

    # per behaviour: present (index 0) / absent
    per_key = np.array(
        [
            [
                tally(1 - mats[i][0][:, j].astype(np.int64), 1 - mats[i][1][:, j].astype(np.int64), 2, k)
                for i in range(len(pairs))
            ]
            for j in range(len(keys))
        ]
    ).reshape(len(keys), len(pairs), 2, 2)
    bres = LazyResults()
    brow = record_rows(
        {"behaviour": [key for key in keys for _ in ids], "observation": ids * len(keys)},
        per_key.reshape(-1, 2, 2),
        interval=False,
        cells=True,
    )
    pooled_b_rows = []
    for j, key in enumerate(keys):
        for i, pid in enumerate(ids):
            bres.put((key, pid), kappa_factory(per_key[j, i], ["present", "absent"], names, interval=False))
        pooled_b = pooled_kappa(per_key[j], names, "observations", "observation")
        bres.put((key, "(pooled)"), pooled_b)
        pooled_b_rows.append(
            summary_row(pooled_b, per_key[j].sum(axis=0), behaviour=key, observation="(pooled)")
        )
    per_behaviour = Comparison(
        "Time units: per behaviour",
        with_pooled(brow, pooled_b_rows, len(ids)),
        bres,
        rule_text(unit_ms, tolerance_ms),
    )
    return overall, per_behaviour


def _pc(tab: np.ndarray) -> float:
    return float(np.trace(tab) / tab.sum()) if tab.sum() else float("nan")
