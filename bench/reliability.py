"""Reliability report speed, beside well-kept libraries computing the same statistic in the same run.

Data (synthetic, seeded): 100 pairs of 10-minute observations with 300 events each at 0.1 s
resolution; 200 transcripts of 10,000 words coded by 2 coders; 100 units x 2 raters of a 1-7 scale.
Baselines: scikit-learn's cohen_kappa_score and the `krippendorff` package (both installed in the
venv for this bench; not runtime dependencies).

    .venv/bin/python bench/reliability.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from workbench.coding.reliability.events import compare_observations
from workbench.coding.reliability.ratings import Rating
from workbench.coding.reliability.report import (
    RatingsInput,
    TextInput,
    TimedInput,
    build_report,
)
from workbench.coding.reliability.text import POOLED, TextCoding, Transcript, character_agreement
from workbench.coding.reliability.timed import Event, Observation, ObservationPair, State, unit_matrix
from workbench.exchange.reliability_report import write_report

rng = np.random.default_rng(2024)
BEHAVIOURS = [f"b{i}" for i in range(6)]
CODES = [f"c{i}" for i in range(10)]


def observations(n=100, events=300, minutes=10):
    dur = minutes * 60_000
    pairs = []
    for i in range(n):
        times = np.sort(rng.choice(np.arange(0, dur - 2000, 100), events, replace=False))
        kinds = rng.choice(BEHAVIOURS, events)
        recs = []
        for r in range(2):
            jitter = rng.integers(-10, 11, events) * 100 if r else np.zeros(events, int)  # rater B: +-1 s
            lengths = rng.integers(5, 40, events) * 100
            evs, states = [], []
            for t, k, dt, ln in zip(times, kinds, jitter, lengths):
                t = int(np.clip(t + dt, 0, dur - 100))
                if k in BEHAVIOURS[:3]:
                    evs.append(Event(k, t))
                else:
                    states.append(State(k, t, min(dur, t + int(ln))))
            if r and rng.random() < 0.5:
                evs = evs[:-10]  # rater B misses some events
            recs.append(Observation(dur, tuple(evs), tuple(states)))
        pairs.append(ObservationPair(f"obs{i:03d}", *recs))
    return pairs


def transcripts(n=200, words=10_000):
    ts, codings = [], {"A": [], "B": []}
    for i in range(n):
        length = words * 6
        bounds = np.arange(0, length, 90)  # ~15-word sentences
        segs = tuple(zip(bounds.tolist(), np.append(bounds[1:], length).tolist()))
        ts.append(Transcript(f"t{i:03d}", length, segs))
        starts = rng.integers(0, length - 600, 60)
        for s in starts:
            code, e = str(rng.choice(CODES)), int(s + rng.integers(50, 600))
            codings["A"].append(TextCoding(ts[-1].id, code, int(s), e))
            if rng.random() < 0.8:
                bs = int(max(0, s + rng.integers(-30, 30)))
                codings["B"].append(
                    TextCoding(ts[-1].id, code, bs, max(bs + 1, int(e + rng.integers(-30, 30))))
                )
    return ts, codings


def ratings(n=100):
    out = []
    for u in range(n):
        true = rng.integers(1, 8)
        for r in ("A", "B"):
            out.append(
                Rating(f"u{u}", "sensitivity", r, int(np.clip(true + rng.integers(-1, 2), 1, 7)), "play")
            )
    return out


def clock(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    clock.cpu = time.process_time() - c0  # CPU seconds of this process: less sensitive to a busy machine
    return out, time.perf_counter() - t0


def main() -> None:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    pairs, (ts, codings), rs = observations(), transcripts(), ratings()
    text, timed, rat = TextInput(codings, ts, ["A", "B"]), TimedInput(pairs), RatingsInput(rs)
    build_report(ratings=RatingsInput(rs[:20]))  # warm imports (matplotlib) outside the timing

    print("Full report (text + timed + ratings):")
    report, t_tables = clock(lambda: build_report(text, timed, rat, plots=False))
    print(f"  tables only            {t_tables:6.2f} s  (CPU {clock.cpu:.2f} s)")
    report, t_all = clock(lambda: build_report(text, timed, rat))
    print(f"  tables + plots         {t_all:6.2f} s  (CPU {clock.cpu:.2f} s; target < 2 s)")
    with tempfile.TemporaryDirectory() as d:
        _, t_html = clock(lambda: write_report(report, Path(d) / "r.html"))
        c_html = clock.cpu
        _, t_xlsx = clock(lambda: write_report(report, Path(d) / "r.xlsx"))
    print(f"  write HTML             {t_html:6.2f} s  (CPU {c_html:.2f} s)")
    print(f"  write XLSX             {t_xlsx:6.2f} s  (CPU {clock.cpu:.2f} s)")

    print("\nSame statistic, ours vs library (value; time):")
    comp, t_ours = clock(lambda: character_agreement(codings, ts, ["A", "B"], codes=["c0"]))
    ours = comp.results[("c0", POOLED)].value

    def expand():
        a, b = [], []
        for t in ts:
            for who, out in (("A", a), ("B", b)):
                v = np.zeros(t.length, dtype=np.int8)
                for c in codings[who]:
                    if c.transcript == t.id and c.code == "c0":
                        v[max(c.start, 0) : min(c.end, t.length)] = 1
                out.append(v)
        return np.concatenate(a), np.concatenate(b)

    (ea, eb), t_expand = clock(expand)
    theirs, t_sk = clock(lambda: cohen_kappa_score(ea, eb))
    print(f"  character kappa, code c0, {ea.size:,} characters pooled")
    print(f"    workbench (with transcript bootstrap CI)   {ours:.6f}  {t_ours:.3f} s")
    print(
        f"    scikit-learn cohen_kappa_score             {theirs:.6f}  {t_sk:.3f} s (+{t_expand:.2f} s to expand)"
    )

    r, t_tu = clock(lambda: compare_observations(pairs, unit_ms=1000))
    ours_tu = r["time_units"].results[("(pooled)",)].value
    keys = sorted(
        {
            k
            for p in pairs
            for o in (p.a, p.b)
            for k in [e.behaviour for e in o.events] + [s.behaviour for s in o.states]
        }
    )
    from workbench.coding.reliability.timed import normalise_pair

    def labels():
        la, lb = [], []
        for p in pairs:
            ra, rb = normalise_pair(p)
            for rec, out in ((ra, la), (rb, lb)):
                m = unit_matrix(rec, keys, 1000)
                out += ["+".join(k for k, on in zip(keys, row) if on) for row in m]
        return la, lb

    (la, lb), _ = clock(labels)
    theirs_tu, t_sk2 = clock(lambda: cohen_kappa_score(la, lb))
    print(f"  time-unit kappa (1 s units, behaviour sets), {len(la):,} units pooled")
    print(f"    workbench (all timed tables)               {ours_tu:.6f}  {t_tu:.3f} s")
    print(f"    scikit-learn cohen_kappa_score             {theirs_tu:.6f}  {t_sk2:.3f} s")

    wide = report.sheets["Ratings"]
    ours_a = wide[wide.statistic == "Krippendorff's alpha (interval)"].value.iloc[0]
    mat = np.array([[r.value for r in rs if r.rater == who] for who in ("A", "B")], dtype=float)
    theirs_a, t_k = clock(lambda: krippendorff.alpha(reliability_data=mat, level_of_measurement="interval"))
    print("  Krippendorff's alpha (interval), 100 units x 2 raters")
    print(f"    workbench                                  {ours_a:.6f}")
    print(
        f"    krippendorff {krippendorff.__version__ if hasattr(krippendorff, '__version__') else ''}"
        f"                         {theirs_a:.6f}  {t_k:.4f} s"
    )


if __name__ == "__main__":
    main()
