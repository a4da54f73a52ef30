"""Timed events: time-unit kappa and its tolerance, event alignment, durations."""

import numpy as np
import pytest

from workbench.coding.reliability.events import compare_observations, duration_icc, event_agreement
from workbench.coding.reliability.timed import (
    Event,
    Observation,
    ObservationPair,
    State,
    normalise,
    time_unit_agreement,
)

TEN_S = 10_000


def pair(a_states=(), b_states=(), a_events=(), b_events=(), id="o1"):
    return ObservationPair(
        id,
        Observation(TEN_S, tuple(a_events), tuple(a_states)),
        Observation(TEN_S, tuple(b_events), tuple(b_states)),
    )


def look(start, end):
    return State("look", start, end)


def tu_look(p, **kw):
    _, per = time_unit_agreement([p], **kw)
    return per.results[("look", p.id)], per.table.iloc[0]


def test_time_unit_kappa_hand_computed():
    # 1 s units, midpoints 0.5 .. 9.5 s. A looks 1-4 s (units 1,2,3), B looks 2-4 s (units 2,3).
    # Table: both 2, A only 1, B only 0, neither 7. po = 0.9; pA = 0.3, pB = 0.2
    # pe = 0.3*0.2 + 0.7*0.8 = 0.06 + 0.56 = 0.62 -> kappa = (0.9 - 0.62) / 0.38 = 0.736842
    res, row = tu_look(pair([look(1000, 4000)], [look(2000, 4000)]))
    assert (row["both"], row["A only"], row["B only"], row["neither"]) == (2, 1, 0, 7)
    assert res.value == pytest.approx(0.28 / 0.38)


def test_tolerance_boundary_and_sampling_step_is_not_a_tolerance():
    p = pair([look(1000, 4000)], [look(2000, 4000)])  # onsets 1 s apart
    # tolerance 1 s = 1 unit: unit 1 (A look, B none) is explained by a 1-unit shift both ways ->
    # tallied half (look, look), half (none, none): both 2.5, neither 7.5 -> kappa 1
    res, row = tu_look(p, tolerance_ms=1000)
    assert (row["both"], row["neither"], row["A only"]) == (2.5, 7.5, 0)
    assert res.value == pytest.approx(1.0)
    # 999 ms is less than one unit: no tolerance at all
    assert tu_look(p, tolerance_ms=999)[0].value == pytest.approx(0.28 / 0.38)
    # onsets 2 s apart exceed a 1 s tolerance: A looks at units 1-3, B only at unit 3 -> both stay disagreements
    res2, row2 = tu_look(pair([look(1000, 4000)], [look(3000, 4000)]), tolerance_ms=1000)
    assert row2["A only"] == 2 and row2["both"] == 1
    # a finer sampling step does not tolerate anything: 0.5 s units, A only in 2 units (1.0-2.0 s)
    res3, row3 = tu_look(p, unit_ms=500)
    assert row3["A only"] == 2 and res3.value < 1


def test_identical_records_and_point_events():
    a = [look(1000, 4000), State("smile", 3000, 5000)]
    ev = [Event("touch", 6200), Event("touch", 6900)]
    overall, per = time_unit_agreement([pair(a, a, ev, ev)])
    assert overall.results[("o1",)].value == pytest.approx(1.0)
    # both touches fall in unit 6; the set categories include "look + smile" for units 3
    table = overall.results[("o1",)].table
    assert "look + smile" in table.index and table.loc["touch", "touch"] == 1


def test_double_coded_time_counts_once():
    # A codes look 0-5 s and again 2-6 s: 6 s of looking (not 9 s, and not 3 s by subtracting 3 s twice)
    rec = normalise(Observation(TEN_S, states=(look(0, 5000), look(2000, 6000))))
    s, e = rec.states["look"]
    assert list(s) == [0] and list(e) == [6000]
    pairs = [pair([look(0, 5000), look(2000, 6000)], [look(0, 6000)], id=f"o{i}") for i in range(3)]
    comp = duration_icc(pairs)
    assert comp.table.iloc[0]["mean s A"] == pytest.approx(6.0)
    # the onsets are merged too: one look event each, paired
    ev, _, _ = event_agreement(pairs[:1])
    assert ev.results[("o0",)].table.loc["look", "look"] == 1


def test_event_kappa_hand_computed():
    # A: X at 1 s, Y at 5 s; B: X at 1.5 s, Z at 9 s; window 2 s.
    # Pairs: (X, X); Y unpaired -> (Y, nothing); Z unpaired -> (nothing, Z). n = 3, po = 1/3.
    # Row shares X,Y,Z,nothing = 1,1,0,1 (/3); column shares = 1,0,1,1 (/3)
    # pe = (1*1 + 1*0 + 0*1 + 1*1) / 9 = 2/9 -> kappa = (1/3 - 2/9) / (7/9) = 1/7
    p = pair(a_events=[Event("X", 1000), Event("Y", 5000)], b_events=[Event("X", 1500), Event("Z", 9000)])
    overall, per, events = event_agreement([p], window_ms=2000)
    res = overall.results[("o1",)]
    assert res.value == pytest.approx(1 / 7)
    assert res.table.loc["Y", "(nothing)"] == 1 and res.table.loc["(nothing)", "Z"] == 1
    assert res.table.loc["(nothing)", "(nothing)"] == 0
    assert sorted(events.status) == ["A only", "B only", "agree"]


def test_event_window_boundary():
    def matched(dt):
        p = pair(a_events=[Event("X", 1000)], b_events=[Event("X", 1000 + dt)])
        return event_agreement([p], window_ms=2000)[0].results[("o1",)].table.loc["X", "X"]

    assert matched(2000) == 1  # |dt| equal to the window pairs
    assert matched(2001) == 0


def test_alignment_is_optimal_not_greedy():
    # Closest-pair-first would pair A 2.0 s with B 1.9 s and leave A 1.0 s and B 2.9 s unpaired
    # (1.9 s apart > 1 s window). The optimal assignment pairs 1.0-1.9 and 2.0-2.9: two agreements.
    p = pair(a_events=[Event("X", 1000), Event("X", 2000)], b_events=[Event("X", 1900), Event("X", 2900)])
    res = event_agreement([p], window_ms=1000)[0].results[("o1",)]
    assert res.table.loc["X", "X"] == 2 and res.table.loc["X", "(nothing)"] == 0


def test_across_behaviours_gives_confusions():
    p = pair(a_events=[Event("X", 1000)], b_events=[Event("Y", 1200)])
    same = event_agreement([p], window_ms=1000)[0].results[("o1",)].table
    assert same.loc["X", "(nothing)"] == 1 and same.loc["(nothing)", "Y"] == 1
    cross = event_agreement([p], window_ms=1000, across_behaviours=True)[0].results[("o1",)].table
    assert cross.loc["X", "Y"] == 1
    # a same-behaviour partner within the window is preferred over a closer other behaviour
    p2 = pair(a_events=[Event("X", 1000)], b_events=[Event("Y", 1000), Event("X", 1800)])
    t2 = event_agreement([p2], window_ms=1000, across_behaviours=True)[0].results[("o1",)].table
    assert t2.loc["X", "X"] == 1 and t2.loc["(nothing)", "Y"] == 1


def test_side_by_side_and_pooled_interval():
    rng = np.random.default_rng(1)
    pairs = []
    for i in range(6):
        starts = np.sort(rng.choice(np.arange(0, 9000, 100), 4, replace=False))
        a = [look(int(s), int(s) + 800) for s in starts]
        b = [look(int(s) + int(rng.integers(-300, 300)) + 300, int(s) + 900) for s in starts]
        pairs.append(pair(a, b, id=f"o{i}"))
    r = compare_observations(pairs, tolerance_ms=0, window_ms=1000)
    sbs = r["side_by_side"]
    assert list(sbs.behaviour) == ["look"]
    pooled = r["time_units_behaviour"].results[("look", "(pooled)")]
    assert pooled.ci_low <= pooled.value <= pooled.ci_high
    assert "sampling step, not a tolerance" in r["settings"]


@pytest.mark.parametrize(
    "events, message",
    [
        ([Event("X", 1000, "stop")], "without a start"),
        ([Event("X", 1000, "start"), Event("X", 2000, "start")], "without a stop"),
        ([Event("X", 20_000)], "outside"),
        ([Event("X", 10, "begin")], "unknown event kind"),
    ],
)
def test_malformed_records_are_refused(events, message):
    with pytest.raises(ValueError, match=message):
        normalise(Observation(TEN_S, tuple(events)))


def test_open_state_runs_to_the_end():
    rec = normalise(Observation(TEN_S, (Event("X", 4000, "start"),)))
    assert list(rec.states["X"][1]) == [TEN_S]
