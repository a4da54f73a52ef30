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

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from . import _intervals as iv
from ._binary import (
    Comparison,
    LazyResults,
    kappa_factory,
    pooled_kappa,
    record_rows,
    summary_row,
    table2,
    with_pooled,
)
from .icc import icc
from .timed import ObservationPair, Record, normalise_pair, rule_text, sharing_records, time_unit_agreement

NOTHING = "(nothing)"


def _cluster_ids(ta: np.ndarray, tb: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both raters' onsets in time order, cut where no pairing can cross a gap > window.

    Returns (cluster id, rater 0/1, index into ta or tb), each in time order.
    """
    t = np.concatenate([ta, tb])
    who = np.concatenate([np.zeros(ta.size, np.int64), np.ones(tb.size, np.int64)])
    idx = np.concatenate([np.arange(ta.size), np.arange(tb.size)])
    order = np.argsort(t, kind="stable")
    t, who, idx = t[order], who[order], idx[order]
    cid = np.concatenate([[0], np.cumsum(np.diff(t) > window)]) if t.size else np.zeros(0, np.int64)
    return cid, who, idx


def _costs(
    ta: np.ndarray, ka: np.ndarray, tb: np.ndarray, kb: np.ndarray, window: int, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(onset distances, assignment costs) of A's events (rows) against B's (columns), broadcast.

    Cost: distance / (window + 1) plus (n + 1) for a change of behaviour, where n is the
    smaller rater's event count; a pair beyond the window costs more than any full assignment
    without it. So an assignment first pairs as many events as it can, then keeps behaviours,
    then stays close.
    """
    d = np.abs(ta - tb).astype(float)
    cost = np.where(d <= window, d / (window + 1.0) + (ka != kb) * (n + 1.0), (n + 1.0) ** 2 + 1.0)
    return d, cost


def _hungarian(ia: np.ndarray, ib: np.ndarray, ta, ka, tb, kb, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The optimal pairs of one cluster (indices into ta/tb), within the window, by the Hungarian algorithm."""
    d, cost = _costs(
        ta[ia][:, None],
        ka[ia][:, None],
        tb[ib][None, :],
        kb[ib][None, :],
        window,
        np.array(min(ia.size, ib.size)),
    )
    r, col = linear_sum_assignment(cost)
    ok = d[r, col] <= window
    return ia[r[ok]], ib[col[ok]]


TIE = 1e-9  # cost differences below this go to the Hungarian algorithm, which breaks ties its own way


def _small(
    members_a: np.ndarray, members_b: np.ndarray, ta, ka, tb, kb, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clusters of 1 x 2, 2 x 1 or 2 x 2 events at once: (A index, B index, row of the cluster) of the
    strictly cheapest assignment, and which clusters tie (those are left to :func:`_hungarian`)."""
    na, nb = members_a.shape[1], members_b.shape[1]
    n = np.array(min(na, nb))
    d, cost = _costs(
        ta[members_a][:, :, None],
        ka[members_a][:, :, None],
        tb[members_b][:, None, :],
        kb[members_b][:, None, :],
        window,
        n,
    )
    rows = np.arange(len(members_a))
    if na == 2 and nb == 2:
        straight = cost[:, 0, 0] + cost[:, 1, 1]
        crossed = cost[:, 0, 1] + cost[:, 1, 0]
        tie = np.abs(straight - crossed) <= TIE
        flip = (crossed < straight).astype(np.int64)  # B's event for A's first; A's second gets the other
        cols = np.stack([flip, 1 - flip], axis=1)
        a_pos = np.tile([0, 1], (len(rows), 1))
    else:
        flat = cost.reshape(len(rows), -1)  # one row or one column of two
        tie = np.abs(flat[:, 0] - flat[:, 1]) <= TIE
        best = np.argmin(flat, axis=1)
        a_pos = (best if na == 2 else np.zeros_like(best))[:, None]
        cols = (best if nb == 2 else np.zeros_like(best))[:, None]
    dist = d[rows[:, None], a_pos, cols]
    keep = (dist <= window) & ~tie[:, None]
    cluster = np.broadcast_to(rows[:, None], keep.shape)[keep]
    return members_a[rows[:, None], a_pos][keep], members_b[rows[:, None], cols][keep], cluster, tie


def align(
    ta: np.ndarray, ka: np.ndarray, tb: np.ndarray, kb: np.ndarray, window: int
) -> list[tuple[int, int]]:
    """Optimal pairs (i, j) of A's and B's events (onset times t, behaviour codes k).

    Onsets further apart than the window split the events into independent clusters. A
    cluster of one event per rater pairs them at once; clusters of up to two per rater take
    their strictly cheapest assignment, computed for all at once; the rest (and exact ties)
    are solved by the Hungarian algorithm, cluster by cluster — the same pairs as the
    Hungarian algorithm on every cluster. Pairs come in time order of their clusters, then
    of A's events.
    """
    ta, tb = np.asarray(ta, dtype=np.int64), np.asarray(tb, dtype=np.int64)
    ka, kb = np.asarray(ka), np.asarray(kb)
    if ta.size == 0 or tb.size == 0:
        return []
    cid, who, idx = _cluster_ids(ta, tb, window)
    n_clusters = int(cid[-1]) + 1
    na = np.bincount(cid[who == 0], minlength=n_clusters)
    nb = np.bincount(cid[who == 1], minlength=n_clusters)
    single = (na == 1) & (nb == 1)
    in_single = single[cid]
    pair_cluster = [cid[in_single & (who == 0)]]
    pair_a, pair_b = [idx[in_single & (who == 0)]], [idx[in_single & (who == 1)]]
    hard = (na > 0) & (nb > 0) & ~single
    for sa, sb in ((1, 2), (2, 1), (2, 2)):
        chosen = (na == sa) & (nb == sb)
        if not chosen.any():
            continue
        mine = chosen[cid]
        members_a = idx[mine & (who == 0)].reshape(
            -1, sa
        )  # a cluster's members are contiguous, in time order
        members_b = idx[mine & (who == 1)].reshape(-1, sb)
        ia, ib, row, tie = _small(members_a, members_b, ta, ka, tb, kb, window)
        clusters = np.flatnonzero(chosen)
        pair_a.append(ia)
        pair_b.append(ib)
        pair_cluster.append(clusters[row])
        hard[clusters] = tie
    starts = np.searchsorted(cid, np.arange(n_clusters + 1))
    for c in np.flatnonzero(hard).tolist():
        w, i = who[starts[c] : starts[c + 1]], idx[starts[c] : starts[c + 1]]
        ia, ib = _hungarian(i[w == 0], i[w == 1], ta, ka, tb, kb, window)
        pair_a.append(ia)
        pair_b.append(ib)
        pair_cluster.append(np.full(ia.size, c))
    order = np.argsort(np.concatenate(pair_cluster), kind="stable")
    return list(zip(np.concatenate(pair_a)[order].tolist(), np.concatenate(pair_b)[order].tolist()))


def _onsets(rec: Record, keys: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    subj = np.array([s for s, _, _ in rec.onsets], dtype=object)
    k = np.array([keys[x] for _, x, _ in rec.onsets], dtype=np.int64)
    t = np.array([t for _, _, t in rec.onsets], dtype=np.int64)
    return subj, k, t


def _match_one(ra: Record, rb: Record, keys: dict[str, int], window: int, across: bool):
    """Both raters' onsets and the optimal pairs, aligned within each behaviour (or subject) group.

    The groups are laid end to end on one time axis, further apart than the window, so one
    call of :func:`align` pairs them all and no pair crosses a group.
    """
    sa, ka, ta = _onsets(ra, keys)
    sb, kb, tb = _onsets(rb, keys)
    group: dict[object, int] = {}  # in order of first appearance, A's events first
    ga = np.array([group.setdefault(x, len(group)) for x in (sa if across else ka.tolist())], dtype=np.int64)
    gb = np.array([group.setdefault(x, len(group)) for x in (sb if across else kb.tolist())], dtype=np.int64)
    if not (ka.size and kb.size):
        return (ka, ta), (kb, tb), []
    gap = int(max(ta.max(), tb.max())) + window + 2
    return (ka, ta), (kb, tb), align(ta + ga * gap, ka, tb + gb * gap, kb, window)


def event_agreement(
    pairs: Sequence[ObservationPair],
    names: tuple[str, str] = ("A", "B"),
    window_ms: int = 2000,
    across_behaviours: bool = False,
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
    tables, ev_rows = [], []
    for p, (ra, rb) in zip(pairs, records):
        (ka, ta), (kb, tb), matched = _match_one(ra, rb, keys, window_ms, across_behaviours)
        mi = np.array([i for i, _ in matched], dtype=np.int64)
        mj = np.array([j for _, j in matched], dtype=np.int64)
        used_a, used_b = np.zeros(ka.size, bool), np.zeros(kb.size, bool)
        used_a[mi], used_b[mj] = True, True
        cells = np.concatenate([ka[mi] * q + kb[mj], ka[~used_a] * q + none, none * q + kb[~used_b]])
        tables.append(np.bincount(cells, minlength=q * q).reshape(q, q).astype(float))
        ka_l, kb_l, ta_l, tb_l = ka.tolist(), kb.tolist(), ta.tolist(), tb.tolist()
        ev_rows += [
            (
                p.id,
                labels[ka_l[i]],
                ta_l[i],
                labels[kb_l[j]],
                tb_l[j],
                "agree" if ka_l[i] == kb_l[j] else "confused",
            )
            for i, j in matched
        ]
        ev_rows += [
            (p.id, labels[ka_l[i]], ta_l[i], NOTHING, None, f"{names[0]} only")
            for i in np.flatnonzero(~used_a).tolist()
        ]
        ev_rows += [
            (p.id, NOTHING, None, labels[kb_l[j]], tb_l[j], f"{names[1]} only")
            for j in np.flatnonzero(~used_b).tolist()
        ]
    ids = [p.id for p in pairs]
    stack = np.array(tables).reshape(-1, q, q)
    results = LazyResults({(pid,): kappa_factory(t, labels, names) for pid, t in zip(ids, stack)})
    per = record_rows({"observation": ids}, stack, extra={"events": [int(t.sum()) for t in stack]})
    pooled_rows = []
    if tables:
        pooled = pooled_kappa(stack, names, "observations", "observation", labels)
        results.put(("(pooled)",), pooled)
        pooled_rows.append(summary_row(pooled, observation="(pooled)", events=int(stack.sum())))
    how = (
        f"Onsets paired within ±{window_ms} ms by optimal assignment "
        f"{'within each subject (behaviours may be confused)' if across_behaviours else 'within each subject+behaviour'};"
        " unpaired events agree with '(nothing)'."
    )
    overall = Comparison(
        "Events: overall", with_pooled(per, pooled_rows, len(ids)) if tables else pd.DataFrame(), results, how
    )
    collapsed = np.array([[_collapse(t, j) for t in stack] for j in keys.values()]).reshape(
        len(keys), len(ids), 2, 2
    )
    bres = LazyResults()
    brow = record_rows(
        {"behaviour": [k for k in keys for _ in ids], "observation": ids * len(keys)},
        collapsed.reshape(-1, 2, 2),
        cells=True,
        tail={"event agreement": [_ev_pc(t) for t in collapsed.reshape(-1, 2, 2)]},
    )
    pooled_b_rows = []
    for j, key in enumerate(keys):
        for i, pid in enumerate(ids):
            bres.put((key, pid), kappa_factory(collapsed[j, i], ["present", "absent"], names))
        pooled_b = pooled_kappa(collapsed[j], names, "observations", "observation")
        bres.put((key, "(pooled)"), pooled_b)
        total = collapsed[j].sum(axis=0)
        pooled_b_rows.append(
            {
                **summary_row(pooled_b, total, behaviour=key, observation="(pooled)"),
                "event agreement": _ev_pc(total),
            }
        )
    per_behaviour = Comparison(
        "Events: per behaviour",
        with_pooled(brow, pooled_b_rows, len(ids)),
        bres,
        how + " Per behaviour: that behaviour vs everything else, from the confusion matrix.",
    )
    events = pd.DataFrame(
        ev_rows,
        columns=[
            "observation",
            f"behaviour {names[0]}",
            f"onset {names[0]} ms",
            f"behaviour {names[1]}",
            f"onset {names[1]} ms",
            "status",
        ],
    )
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
        rows.append(
            {
                **summary_row(res, behaviour=key),
                f"mean s {names[0]}": a.mean(),
                f"mean s {names[1]}": b.mean(),
            }
        )
    return Comparison(
        "Durations: ICC",
        pd.DataFrame(rows),
        results,
        "Per state behaviour: total seconds active in each observation (a rater's overlapping states "
        "merged, so double-coded time counts once), ICC(2,1) two-way absolute agreement over observations.",
    )


def side_by_side(time_units: Comparison, events: Comparison) -> pd.DataFrame:
    """Pooled time-unit and event-based kappa per behaviour, as Bakeman & Quera recommend."""
    tu = time_units.table[time_units.table["observation"] == "(pooled)"].set_index("behaviour")
    ev = events.table[events.table["observation"] == "(pooled)"].set_index("behaviour")
    out = pd.DataFrame(
        {
            "time-unit kappa": tu["value"],
            "time-unit ci_low": tu["ci_low"],
            "time-unit ci_high": tu["ci_high"],
            "time-unit % agreement": tu["percent agreement"],
            "event kappa": ev["value"],
            "event ci_low": ev["ci_low"],
            "event ci_high": ev["ci_high"],
            "event agreement": ev["event agreement"],
        }
    )
    out.index.name = "behaviour"
    return out.reset_index()


def compare_observations(
    pairs: Sequence[ObservationPair],
    names: tuple[str, str] = ("A", "B"),
    unit_ms: int = 1000,
    tolerance_ms: int = 0,
    window_ms: int = 2000,
    across_behaviours: bool = False,
) -> dict[str, Any]:
    """Everything for timed records: time-unit and event comparisons, durations, side-by-side."""
    with sharing_records():
        tu_all, tu_beh = time_unit_agreement(pairs, names, unit_ms, tolerance_ms)
        ev_all, ev_beh, ev_list = event_agreement(pairs, names, window_ms, across_behaviours)
        durations = duration_icc(pairs, names)
    return {
        "time_units": tu_all,
        "time_units_behaviour": tu_beh,
        "events": ev_all,
        "events_behaviour": ev_beh,
        "event_list": ev_list,
        "durations": durations,
        "side_by_side": side_by_side(tu_beh, ev_beh),
        "settings": rule_text(unit_ms, tolerance_ms) + " " + ev_all.explanation,
    }
