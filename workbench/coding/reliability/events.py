"""Event-based agreement, duration ICC and the time-unit vs event side-by-side (Qt-free).

Event alignment: onsets (point events and state starts) of the two raters are
paired within ``window_ms`` (|tA - tB| <= window) by an optimal assignment
(Hungarian algorithm) within each subject+behaviour — or, with
``across_behaviours=True``, within each subject, so that one rater's X aligned
with the other's Y is a confusion. The assignment first maximises the number of
pairs, then (across behaviours) the number of same-behaviour pairs, then
minimises the summed onset distance. An event left unpaired agrees with
"(nothing)"; the (nothing, nothing) cell is structurally zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ._binary import Comparison, pooled_kappa, summary_row, table2
from .icc import icc
from .kappas import cohen_kappa_from_table
from . import _intervals as iv
from .timed import ObservationPair, Record, normalise_pair, rule_text, time_unit_agreement

NOTHING = "(nothing)"


def _clusters(ta: np.ndarray, tb: np.ndarray, window: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split both raters' onsets (indices into ta/tb) where no pairing can cross a gap > window."""
    t = np.concatenate([ta, tb])
    who = np.concatenate([np.zeros(ta.size, int), np.ones(tb.size, int)])
    idx = np.concatenate([np.arange(ta.size), np.arange(tb.size)])
    order = np.argsort(t, kind="stable")
    t, who, idx = t[order], who[order], idx[order]
    cuts = np.flatnonzero(np.diff(t) > window) + 1
    out = []
    for w, i in zip(np.split(who, cuts), np.split(idx, cuts)):
        out.append((i[w == 0], i[w == 1]))
    return out


def align(ta: np.ndarray, ka: np.ndarray, tb: np.ndarray, kb: np.ndarray, window: int) -> list[tuple[int, int]]:
    """Optimal pairs (i, j) of A's and B's events (onset times t, behaviour codes k)."""
    pairs: list[tuple[int, int]] = []
    for ia, ib in _clusters(ta, tb, window):
        if ia.size == 0 or ib.size == 0:
            continue
        d = np.abs(ta[ia][:, None] - tb[ib][None, :]).astype(float)
        n = min(ia.size, ib.size)
        frac = d / (window + 1.0)
        cross = ka[ia][:, None] != kb[ib][None, :]
        forbidden = (n + 1.0) ** 2 + 1.0
        cost = np.where(d <= window, frac + cross * (n + 1.0), forbidden)
        r, c = linear_sum_assignment(cost)
        ok = d[r, c] <= window
        pairs.extend(zip(ia[r[ok]].tolist(), ib[c[ok]].tolist()))
    return pairs


def _onsets(rec: Record, keys: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    subj = np.array([s for s, _, _ in rec.onsets], dtype=object)
    k = np.array([keys[x] for _, x, _ in rec.onsets], dtype=np.int64)
    t = np.array([t for _, _, t in rec.onsets], dtype=np.int64)
    return subj, k, t


def _match_one(ra: Record, rb: Record, keys: dict[str, int], window: int, across: bool):
    sa, ka, ta = _onsets(ra, keys)
    sb, kb, tb = _onsets(rb, keys)
    groups: dict[object, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in range(ka.size):
        groups[sa[i] if across else ka[i]][0].append(i)
    for j in range(kb.size):
        groups[sb[j] if across else kb[j]][1].append(j)
    pairs = []
    for ia, ib in groups.values():
        ia, ib = np.array(ia, dtype=np.int64), np.array(ib, dtype=np.int64)
        if ia.size and ib.size:
            local = align(ta[ia], ka[ia], tb[ib], kb[ib], window)
            pairs.extend((int(ia[i]), int(ib[j])) for i, j in local)
    return (ka, ta), (kb, tb), pairs


def event_agreement(pairs: Sequence[ObservationPair], names: tuple[str, str] = ("A", "B"),
                    window_ms: int = 2000, across_behaviours: bool = False
                    ) -> tuple[Comparison, Comparison, pd.DataFrame]:
    """Event-based kappa: (overall confusion per observation and pooled, per behaviour, event list).

    Per behaviour rows collapse the confusion matrix to that behaviour vs all other
    rows/columns; "event agreement" = paired / (paired + A only + B only).
    """
    if window_ms < 0:
        raise ValueError("window_ms must be non-negative")
    records = [normalise_pair(p) for p in pairs]
    keylist = sorted({k for ra, rb in records for r in (ra, rb) for _, k, _ in r.onsets})
    keys = {k: i for i, k in enumerate(keylist)}
    labels = keylist + [NOTHING]
    q, none = len(labels), len(keylist)
    tables, rows, results, ev_rows = [], [], {}, []
    for p, (ra, rb) in zip(pairs, records):
        (ka, ta), (kb, tb), matched = _match_one(ra, rb, keys, window_ms, across_behaviours)
        tab = np.zeros((q, q))
        used_a, used_b = np.zeros(ka.size, bool), np.zeros(kb.size, bool)
        for i, j in matched:
            tab[ka[i], kb[j]] += 1
            used_a[i] = used_b[j] = True
            ev_rows.append((p.id, labels[ka[i]], ta[i], labels[kb[j]], tb[j],
                            "agree" if ka[i] == kb[j] else "confused"))
        np.add.at(tab, (ka[~used_a], none), 1)
        np.add.at(tab, (none, kb[~used_b]), 1)
        ev_rows += [(p.id, labels[ka[i]], ta[i], NOTHING, None, f"{names[0]} only") for i in np.flatnonzero(~used_a)]
        ev_rows += [(p.id, NOTHING, None, labels[kb[j]], tb[j], f"{names[1]} only") for j in np.flatnonzero(~used_b)]
        tables.append(tab)
        res = cohen_kappa_from_table(tab, labels, names=names)
        results[(p.id,)] = res
        rows.append(summary_row(res, observation=p.id, events=int(tab.sum())))
    stack = np.array(tables) if tables else np.zeros((0, q, q))
    if tables:
        pooled = pooled_kappa(stack, names, "observations", "observation", labels)
        results[("(pooled)",)] = pooled
        rows.append(summary_row(pooled, observation="(pooled)", events=int(stack.sum())))
    how = (f"Onsets paired within ±{window_ms} ms by optimal assignment "
           f"{'within each subject (behaviours may be confused)' if across_behaviours else 'within each subject+behaviour'};"
           " unpaired events agree with '(nothing)'.")
    overall = Comparison("Events: overall", pd.DataFrame(rows), results, how)
    brow, bres = [], {}
    for key, j in keys.items():
        per = np.array([_collapse(t, j) for t in tables])
        for p, t in zip(pairs, per):
            r = cohen_kappa_from_table(t, ["present", "absent"], names=names)
            bres[(key, p.id)] = r
            brow.append({**summary_row(r, t, behaviour=key, observation=p.id), "event agreement": _ev_pc(t)})
        pooled_b = pooled_kappa(per, names, "observations", "observation")
        bres[(key, "(pooled)")] = pooled_b
        brow.append({**summary_row(pooled_b, per.sum(axis=0), behaviour=key, observation="(pooled)"),
                     "event agreement": _ev_pc(per.sum(axis=0))})
    per_behaviour = Comparison("Events: per behaviour", pd.DataFrame(brow), bres,
                               how + " Per behaviour: that behaviour vs everything else, from the confusion matrix.")
    events = pd.DataFrame(ev_rows, columns=["observation", f"behaviour {names[0]}", f"onset {names[0]} ms",
                                            f"behaviour {names[1]}", f"onset {names[1]} ms", "status"])
    return overall, per_behaviour, events


def _collapse(tab: np.ndarray, j: int) -> np.ndarray:
    both = tab[j, j]
    a_only, b_only = tab[j].sum() - both, tab[:, j].sum() - both
    return table2(both, a_only, b_only, tab.sum() - both - a_only - b_only)


def _ev_pc(t: np.ndarray) -> float:
    d = t[0, 0] + t[0, 1] + t[1, 0]
    return float(t[0, 0] / d) if d else float("nan")


def duration_icc(pairs: Sequence[ObservationPair], names: tuple[str, str] = ("A", "B")) -> Comparison:
    """ICC(2,1) of each state behaviour's total duration (overlaps merged, counted once) over observations."""
    records = [normalise_pair(p) for p in pairs]
    keys = sorted({k for ra, rb in records for r in (ra, rb) for k in r.states})
    rows, results = [], {}
    for key in keys:
        vals = [[iv.length(r.states.get(key, iv.EMPTY)) / 1000.0 for r in pair] for pair in records]
        res = icc(vals, model="twoway", type="agreement", unit="single")
        results[(key,)] = res
        a, b = np.array(vals).T if vals else (np.zeros(0), np.zeros(0))
        rows.append({**summary_row(res, behaviour=key), f"mean s {names[0]}": a.mean(), f"mean s {names[1]}": b.mean()})
    return Comparison("Durations: ICC", pd.DataFrame(rows), results,
                      "Per state behaviour: total seconds active in each observation (a rater's overlapping states "
                      "merged, so double-coded time counts once), ICC(2,1) two-way absolute agreement over observations.")


def side_by_side(time_units: Comparison, events: Comparison) -> pd.DataFrame:
    """Pooled time-unit and event-based kappa per behaviour, as Bakeman & Quera recommend."""
    tu = time_units.table[time_units.table["observation"] == "(pooled)"].set_index("behaviour")
    ev = events.table[events.table["observation"] == "(pooled)"].set_index("behaviour")
    out = pd.DataFrame({
        "time-unit kappa": tu["value"], "time-unit ci_low": tu["ci_low"], "time-unit ci_high": tu["ci_high"],
        "time-unit % agreement": tu["percent agreement"],
        "event kappa": ev["value"], "event ci_low": ev["ci_low"], "event ci_high": ev["ci_high"],
        "event agreement": ev["event agreement"],
    })
    out.index.name = "behaviour"
    return out.reset_index()


def compare_observations(pairs: Sequence[ObservationPair], names: tuple[str, str] = ("A", "B"),
                         unit_ms: int = 1000, tolerance_ms: int = 0, window_ms: int = 2000,
                         across_behaviours: bool = False) -> dict[str, object]:
    """Everything for timed records: time-unit and event comparisons, durations, side-by-side."""
    tu_all, tu_beh = time_unit_agreement(pairs, names, unit_ms, tolerance_ms)
    ev_all, ev_beh, ev_list = event_agreement(pairs, names, window_ms, across_behaviours)
    return {
        "time_units": tu_all, "time_units_behaviour": tu_beh, "events": ev_all, "events_behaviour": ev_beh,
        "event_list": ev_list, "durations": duration_icc(pairs, names),
        "side_by_side": side_by_side(tu_beh, ev_beh),
        "settings": rule_text(unit_ms, tolerance_ms) + " " + ev_all.explanation,
    }
