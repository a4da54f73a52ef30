"""The vectorised table rows equal the full result objects built one by one (the slow path)."""

import math

import numpy as np
import pytest

from workbench.coding.reliability._binary import kappa_columns, table2_columns
from workbench.coding.reliability.events import align, event_agreement
from workbench.coding.reliability.kappas import cohen_kappa, cohen_kappa_from_table
from workbench.coding.reliability.text import (
    POOLED,
    TextCoding,
    Transcript,
    character_agreement,
    segment_agreement,
)
from workbench.coding.reliability.timed import Event, Observation, ObservationPair, State, time_unit_agreement

FIELDS = {
    "value": "value",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "observed": "observed",
    "chance": "chance",
    "n_units": "n_units",
    "interval": "ci_method",
    "reason": "reason",
    "statistic": "statistic",
}


def same(x, y) -> bool:
    nan = lambda v: v is None or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return (nan(x) and nan(y)) or x == y


def check_rows(comp, key_cols):
    """Every row's numbers equal, exactly, those of the result object it stands for."""
    assert len(comp.table)
    for row in comp.table.to_dict("records"):
        res = comp.results[tuple(row[c] for c in key_cols)]
        for col, attr in FIELDS.items():
            assert same(row[col], getattr(res, attr)), (row, col, getattr(res, attr))
        if "both" in row and res.table.shape == (2, 2):
            assert row["both"] == res.table.iloc[0, 0] and row["neither"] == res.table.iloc[1, 1]


def random_tables(rng, n, q, fractional=False):
    t = rng.integers(0, 6, size=(n, q, q)).astype(float)
    t[rng.random(n) < 0.1] = 0  # empty tables
    t[rng.random(n) < 0.1, 1:, :] = 0  # one category only
    if fractional:
        t += rng.integers(0, 2, size=t.shape) * 0.5
    return t


@pytest.mark.parametrize("q", [2, 3, 5])
@pytest.mark.parametrize("fractional", [False, True])
def test_vectorised_kappa_equals_scalar_path(q, fractional):
    rng = np.random.default_rng(q)
    tables = random_tables(rng, 300, q, fractional)
    cols = kappa_columns(tables, interval=True)
    for i, t in enumerate(tables):
        res = cohen_kappa_from_table(t, list(range(q)))
        for col, attr in FIELDS.items():
            assert same(cols[col][i], getattr(res, attr)), (t, col)
    if q == 2:
        cells = table2_columns(tables)
        assert cells["both"] == tables[:, 0, 0].tolist() and cells["B only"] == tables[:, 1, 0].tolist()


def test_kappa_from_table_equals_kappa_from_ratings():
    rng = np.random.default_rng(7)
    for _ in range(50):
        a = rng.integers(0, 4, 60)
        b = np.where(rng.random(60) < 0.6, a, rng.integers(0, 4, 60))
        table = np.zeros((4, 4))
        np.add.at(table, (a, b), 1)
        r1, r2 = cohen_kappa(a.tolist(), b.tolist(), categories=[0, 1, 2, 3]), cohen_kappa_from_table(table)
        assert (r1.value, r1.se, r1.ci_low, r1.ci_high) == (r2.value, r2.se, r2.ci_low, r2.ci_high)


def random_text(rng, n_t=12, codes=("x", "y", "z")):
    ts = []
    codings = {"A": [], "B": []}
    for i in range(n_t):
        length = int(rng.integers(200, 2000))
        bounds = sorted(set(rng.integers(1, length, 12).tolist()))
        segs = tuple(zip([0] + bounds, bounds + [length])) if i % 5 else ()
        ts.append(Transcript(f"t{i}", length, segs))
        for _ in range(int(rng.integers(0, 12))):
            s = int(rng.integers(0, length - 1))
            e = int(min(length, s + rng.integers(0, 300)))
            code = str(rng.choice(codes))
            codings["A"].append(TextCoding(f"t{i}", code, s, e))
            if rng.random() < 0.7:
                d = int(rng.integers(-20, 20))
                codings["B"].append(
                    TextCoding(f"t{i}", code, max(0, s + d), min(length, max(0, s + d) + e - s))
                )
    return ts, codings


def test_text_rows_equal_result_objects():
    ts, codings = random_text(np.random.default_rng(3))
    for comp in (
        character_agreement(codings, ts, ["A", "B"]),
        segment_agreement(codings, ts, ["A", "B"], min_chars=3),
        character_agreement(codings, ts, ["A", "B"], codes=["x", "never used"]),
    ):
        check_rows(comp, ["code", "transcript"])
    seg = segment_agreement(codings, ts, ["A", "B"])
    shuffled = [Transcript(t.id, t.length, t.segments[::-1]) for t in ts]  # not in order: the general path
    assert seg.table.equals(segment_agreement(codings, shuffled, ["A", "B"]).table)
    assert seg.results[("x", "t0")].reason == "this transcript has no segments"
    assert not math.isnan(seg.results[("x", POOLED)].ci_low)


def random_pairs(rng, n=6, duration=60_000):
    pairs = []
    for i in range(n):
        recs = []
        base = np.sort(rng.integers(0, duration - 5000, 25))
        for r in range(2):
            t = np.clip(base + (rng.integers(-1500, 1500, base.size) if r else 0), 0, duration - 1)
            kinds = rng.choice(["p", "q", "s", "u"], base.size)
            evs = tuple(Event(str(k), int(x)) for k, x in zip(kinds, t) if k in "pq" and rng.random() < 0.9)
            sts = tuple(
                State(str(k), int(x), int(min(duration, x + rng.integers(100, 4000))))
                for k, x in zip(kinds, t)
                if k in "su"
            )
            recs.append(Observation(duration, evs, sts))
        pairs.append(ObservationPair(f"o{i}", *recs))
    return pairs


@pytest.mark.parametrize("tolerance", [0, 2000])
def test_timed_rows_equal_result_objects(tolerance):
    pairs = random_pairs(np.random.default_rng(11))
    overall, per = time_unit_agreement(pairs, unit_ms=500, tolerance_ms=tolerance)
    check_rows(overall, ["observation"])
    check_rows(per, ["behaviour", "observation"])
    ev_all, ev_beh, _ = event_agreement(pairs, window_ms=1500)
    check_rows(ev_all, ["observation"])
    check_rows(ev_beh, ["behaviour", "observation"])


def hungarian_per_cluster(ta, ka, tb, kb, window):
    """The reference: every cluster (onsets chained within the window) solved by the Hungarian algorithm."""
    from scipy.optimize import linear_sum_assignment

    events = sorted([(t, 0, i) for i, t in enumerate(ta)] + [(t, 1, j) for j, t in enumerate(tb)])
    clusters, pairs = [], []
    for k, ev in enumerate(events):
        if k == 0 or ev[0] - events[k - 1][0] > window:
            clusters.append([])
        clusters[-1].append(ev)
    for cl in clusters:
        ia = np.array([i for _, w, i in cl if w == 0], dtype=int)
        ib = np.array([i for _, w, i in cl if w == 1], dtype=int)
        if not (ia.size and ib.size):
            continue
        d = np.abs(ta[ia][:, None] - tb[ib][None, :]).astype(float)
        n = min(ia.size, ib.size)
        cost = np.where(
            d <= window,
            d / (window + 1.0) + (ka[ia][:, None] != kb[ib][None, :]) * (n + 1.0),
            (n + 1.0) ** 2 + 1.0,
        )
        r, c = linear_sum_assignment(cost)
        pairs += [(int(ia[x]), int(ib[y])) for x, y in zip(r, c) if d[x, y] <= window]
    return pairs


@pytest.mark.parametrize("grid", [1, 500])
def test_fast_alignment_equals_hungarian_on_every_cluster(grid):
    """The shortcuts (1 x 1 at once, up to 2 x 2 vectorised, ties to the Hungarian) change no pair."""
    rng = np.random.default_rng(grid)
    for _ in range(300):
        ta = np.sort(rng.integers(0, 40, rng.integers(0, 20)) * grid)  # a coarse grid makes ties
        tb = np.sort(rng.integers(0, 40, rng.integers(0, 20)) * grid)
        ka, kb = rng.integers(0, 2, ta.size), rng.integers(0, 2, tb.size)
        window = int(rng.integers(0, 4) * grid)
        assert align(ta, ka, tb, kb, window) == hungarian_per_cluster(ta, ka, tb, kb, window)


def test_fast_alignment_equals_hungarian_on_whole_groups():
    """Solving clusters one by one (singletons directly) gives the same pairs as one assignment."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(5)
    for _ in range(200):
        ta = np.sort(rng.integers(0, 30_000, rng.integers(0, 15)))
        tb = np.sort(rng.integers(0, 30_000, rng.integers(0, 15)))
        ka, kb = rng.integers(0, 2, ta.size), rng.integers(0, 2, tb.size)
        window = int(rng.integers(0, 3000))
        fast = align(ta, ka, tb, kb, window)
        if ta.size and tb.size:  # reference: the same costs over all events at once
            d = np.abs(ta[:, None] - tb[None, :]).astype(float)
            n = min(ta.size, tb.size)
            cost = np.where(
                d <= window,
                d / (window + 1.0) + (ka[:, None] != kb[None, :]) * (n + 1.0),
                (n + 1.0) ** 2 + 1.0,
            )
            r, c = linear_sum_assignment(cost)
            ok = d[r, c] <= window
            ref_cost = cost[r[ok], c[ok]].sum()
            assert len(fast) == int(ok.sum())
            assert sum(cost[i, j] for i, j in fast) == pytest.approx(ref_cost, abs=1e-9)
        else:
            assert fast == []


def test_xlsx_cells_of_every_kind(tmp_path):
    import pandas as pd

    from workbench.coding.reliability.report import ReliabilityReport
    from workbench.exchange.reliability_report import write_report

    report = ReliabilityReport("kinds")
    frame = pd.DataFrame(
        {
            "x": [1.5, np.inf, None, -np.inf],
            "text": ["s", None, "q", "r"],
            "flag": [True, False, True, False],
            "n": [1, 2, 3, 4],
        }
    )
    report.add("kinds", frame, "every kind of cell")
    write_report(report, tmp_path / "k.xlsx")
    back = pd.read_excel(tmp_path / "k.xlsx", sheet_name="kinds")
    assert back["x"][0] == 1.5 and float(back["x"][1]) == np.inf and float(back["x"][3]) == -np.inf
    assert pd.isna(back["x"][2])
    assert back["flag"].tolist() == [True, False, True, False] and back["n"].tolist() == [1, 2, 3, 4]
    assert pd.isna(back["text"][1]) and back["text"][3] == "r"
