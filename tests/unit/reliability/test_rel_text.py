"""Text codings: character and segment kappa, alpha for more coders, MAXQDA-style matching."""

import numpy as np
import pytest

from workbench.coding import reliability as rel
from workbench.coding.reliability.text import (
    POOLED,
    TextCoding,
    Transcript,
    character_agreement,
    segment_agreement,
    segment_matching,
    text_alpha,
)


def C(t, code, s, e):
    return TextCoding(t, code, s, e)


def test_character_kappa_hand_computed_and_not_qualcoder():
    # Transcript of 100 code points. A codes 0-40 and 30-50 (overlapping: merged to 0-50, 50 chars),
    # B codes 10-50 (40 chars). Table: both = 40, A only = 10, B only = 0, neither = 50.
    # po = (40 + 50) / 100 = 0.9; pA(coded) = 0.5, pB(coded) = 0.4
    # pe = 0.5*0.4 + 0.5*0.6 = 0.2 + 0.3 = 0.5  -> kappa = (0.9 - 0.5) / (1 - 0.5) = 0.8
    # (QualCoder's product-only chance term 0.2 would give (0.9 - 0.2) / 0.8 = 0.875.)
    codings = {"A": [C("t", "x", 0, 40), C("t", "x", 30, 50)], "B": [C("t", "x", 10, 50)]}
    comp = character_agreement(codings, [Transcript("t", 100)], ["A", "B"])
    row = comp.table[(comp.table.code == "x") & (comp.table.transcript == "t")].iloc[0]
    assert (row["both"], row["A only"], row["B only"], row["neither"]) == (40, 10, 0, 50)
    assert row["percent agreement"] == pytest.approx(0.9)
    res = comp.results[("x", "t")]
    assert res.value == pytest.approx(0.8)
    assert res.chance == pytest.approx(0.5)
    assert res.value != pytest.approx(0.875)
    assert res.table.loc["coded", "coded"] == 40 and res.table.loc["coded", "not coded"] == 10
    assert np.isnan(res.ci_low)  # one transcript's characters are not independent units


def test_identical_and_disjoint_coders():
    ts = [Transcript("t", 100)]
    same = {"A": [C("t", "x", 5, 60)], "B": [C("t", "x", 5, 60)]}
    assert character_agreement(same, ts, ["A", "B"]).results[("x", "t")].value == pytest.approx(1.0)
    # disjoint halves: table [[0, 50], [50, 0]]; po = 0, pe = 0.5*0.5 + 0.5*0.5 = 0.5 -> kappa = -1
    apart = {"A": [C("t", "x", 0, 50)], "B": [C("t", "x", 50, 100)]}
    assert character_agreement(apart, ts, ["A", "B"]).results[("x", "t")].value == pytest.approx(-1.0)


def test_code_nobody_used_is_undefined_not_one():
    codings = {"A": [C("t", "x", 0, 10)], "B": [C("t", "x", 0, 10)]}
    comp = character_agreement(codings, [Transcript("t", 50)], ["A", "B"], codes=["x", "unused"])
    res = comp.results[("unused", "t")]
    assert np.isnan(res.value) and res.reason
    assert comp.table[comp.table.code == "unused"]["percent agreement"].iloc[0] == 1.0


def _random_codings(rng, coders, transcripts, codes, n=6):
    out = {c: [] for c in coders}
    for c in coders:
        for t in transcripts:
            for _ in range(n):
                s = int(rng.integers(0, t.length - 1))
                out[c].append(C(t.id, str(rng.choice(codes)), s, int(min(t.length, s + rng.integers(1, 80)))))
    return out


def _expand(codings, coder, t, code):
    v = np.zeros(t.length, dtype=int)
    for c in codings[coder]:
        if c.transcript == t.id and c.code == code:
            v[c.start : c.end] = 1
    return v


def test_character_kappa_matches_core_on_expanded_characters():
    rng = np.random.default_rng(7)
    ts = [Transcript(f"t{i}", int(rng.integers(200, 600))) for i in range(4)]
    codings = _random_codings(rng, ["A", "B"], ts, ["x", "y"])
    comp = character_agreement(codings, ts, ["A", "B"])
    for code in ("x", "y"):
        a = np.concatenate([_expand(codings, "A", t, code) for t in ts])
        b = np.concatenate([_expand(codings, "B", t, code) for t in ts])
        expected = rel.cohen_kappa(a.tolist(), b.tolist())
        assert comp.results[(code, POOLED)].value == pytest.approx(expected.value)
        assert comp.results[(code, POOLED)].ci_low <= comp.results[(code, POOLED)].value
        for t in ts:
            ea, eb = _expand(codings, "A", t, code), _expand(codings, "B", t, code)
            assert comp.results[(code, t.id)].value == pytest.approx(
                rel.cohen_kappa(ea.tolist(), eb.tolist()).value, nan_ok=True
            )


def test_alpha_three_coders_matches_core_on_expanded_characters():
    rng = np.random.default_rng(3)
    ts = [Transcript(f"t{i}", 300) for i in range(3)]
    coders = ["A", "B", "C"]
    codings = _random_codings(rng, coders, ts, ["x"])
    comp = text_alpha(codings, ts, coders)
    matrix = np.column_stack([np.concatenate([_expand(codings, c, t, "x") for t in ts]) for c in coders])
    expected = rel.krippendorff_alpha(matrix.tolist(), "nominal")
    res = comp.results[("x", POOLED)]
    assert res.value == pytest.approx(expected.value)
    assert res.ci_low <= res.value <= res.ci_high


def test_segment_level_hand_computed():
    # Four segments of 25; A codes 0-30 (segments 0 and 1: 5 chars of segment 1), B codes 60-70 (segment 2).
    # min_chars=1: A present in seg 0,1; B in seg 2. Table: both 0, A only 2, B only 1, neither 1.
    # po = 1/4; pA = 2/4, pB = 1/4; pe = 0.5*0.25 + 0.5*0.75 = 0.5 -> kappa = (0.25-0.5)/0.5 = -0.5
    t = Transcript("t", 100, ((0, 25), (25, 50), (50, 75), (75, 100)))
    codings = {"A": [C("t", "x", 0, 30)], "B": [C("t", "x", 60, 70)]}
    comp = segment_agreement(codings, [t], ["A", "B"])
    row = comp.table[comp.table.transcript == "t"].iloc[0]
    assert (row["both"], row["A only"], row["B only"], row["neither"]) == (0, 2, 1, 1)
    assert comp.results[("x", "t")].value == pytest.approx(-0.5)
    # min_chars=6: A's 5 chars in segment 1 no longer count -> both 0, A only 1, B only 1, neither 2
    # po = 0.5; pA = pB = 0.25; pe = 0.0625 + 0.5625 = 0.625 -> kappa = (0.5-0.625)/0.375 = -1/3
    comp6 = segment_agreement(codings, [t], ["A", "B"], min_chars=6)
    assert comp6.results[("x", "t")].value == pytest.approx(-1 / 3)


def test_segment_matching_overlap_threshold_boundary():
    # A codes 0-90, B codes 0-100: overlap 90 / union 100 = 0.9 exactly.
    codings = {"A": [C("t", "x", 0, 90)], "B": [C("t", "x", 0, 100)]}
    ts = [Transcript("t", 200)]
    at, _ = segment_matching(codings, ts, ["A", "B"], min_overlap=0.9)
    assert at.table["percent agreement"].iloc[0] == 1.0
    above, rows = segment_matching(codings, ts, ["A", "B"], min_overlap=0.91)
    assert above.table["percent agreement"].iloc[0] == 0.0
    assert list(rows["best overlap"]) == [pytest.approx(0.9)] * 2 and not rows["matched"].any()


def test_bad_coding_is_refused():
    with pytest.raises(ValueError, match="outside"):
        character_agreement({"A": [C("t", "x", 0, 101)], "B": []}, [Transcript("t", 100)], ["A", "B"])
    with pytest.raises(ValueError, match="exactly two"):
        character_agreement({"A": [], "B": [], "C": []}, [Transcript("t", 100)], ["A", "B", "C"])
