"""Property tests (hypothesis) for the reliability statistics."""

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbench.coding import reliability as rel

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MULTI = [rel.percent_agreement, rel.fleiss_kappa, rel.brennan_prediger, rel.gwet_ac]


@st.composite
def tables(draw, min_raters=2, max_raters=5, missing=True, q=4):
    n = draw(st.integers(3, 20))
    r = draw(st.integers(min_raters, max_raters))
    values = st.integers(1, q)
    if missing:
        values = st.one_of(values, values, values, st.none())
    return [[draw(values) for _ in range(r)] for _ in range(n)]


def n_categories(table):
    return len({v for unit in table for v in unit if v is not None})


@SETTINGS
@given(st.lists(st.integers(1, 4), min_size=3, max_size=30), st.integers(2, 5))
def test_identical_ratings_give_one(truth, raters):
    assume(len(set(truth)) > 1)
    table = [[v] * raters for v in truth]
    for fn in MULTI:
        assert math.isclose(fn(table).value, 1.0)
    assert math.isclose(rel.cohen_kappa(truth, truth).value, 1.0)
    assert math.isclose(rel.scott_pi(truth, truth).value, 1.0)
    assert math.isclose(rel.cohen_kappa(truth, truth, weights="quadratic").value, 1.0)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert math.isclose(rel.krippendorff_alpha(table, level).value, 1.0)
    assert math.isclose(rel.icc(table).value, 1.0)


@SETTINGS
@given(tables(), st.randoms(use_true_random=False))
def test_symmetric_in_raters(table, random):
    assume(n_categories(table) > 1)
    order = list(range(len(table[0])))
    random.shuffle(order)
    shuffled = [[unit[j] for j in order] for unit in table]
    for fn in MULTI:
        a, b = fn(table), fn(shuffled)
        assert np.isclose(a.value, b.value, equal_nan=True)
        assert np.isclose(a.se, b.se, equal_nan=True) if a.se is not None else b.se is None
    for level in ("nominal", "interval"):
        assert np.isclose(
            rel.krippendorff_alpha(table, level).value,
            rel.krippendorff_alpha(shuffled, level).value,
            equal_nan=True,
        )


@SETTINGS
@given(tables(max_raters=2, min_raters=2))
def test_two_rater_coefficients_symmetric(table):
    a = [u[0] for u in table]
    b = [u[1] for u in table]
    for fn in (rel.cohen_kappa, rel.scott_pi):
        for weights in (None, "linear", "quadratic"):
            x, y = fn(a, b, weights=weights), fn(b, a, weights=weights)
            assert np.isclose(x.value, y.value, equal_nan=True)
            se_x = np.nan if x.se is None else x.se
            se_y = np.nan if y.se is None else y.se
            assert np.isclose(se_x, se_y, atol=1e-12, equal_nan=True)


@SETTINGS
@given(tables(), st.permutations(["w", "x", "y", "z"]))
def test_unweighted_invariant_under_relabelling(table, labels):
    mapping = {i + 1: labels[i] for i in range(4)}
    relabelled = [[None if v is None else mapping[v] for v in unit] for unit in table]
    for fn in MULTI:
        assert np.isclose(fn(table).value, fn(relabelled).value, equal_nan=True)
    assert np.isclose(
        rel.krippendorff_alpha(table).value, rel.krippendorff_alpha(relabelled).value, equal_nan=True
    )
    a, b = [u[0] for u in table], [u[1] for u in table]
    ra, rb = [u[0] for u in relabelled], [u[1] for u in relabelled]
    for fn in (rel.cohen_kappa, rel.scott_pi):
        assert np.isclose(fn(a, b).value, fn(ra, rb).value, equal_nan=True)


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from([0, 1, None]), st.sampled_from([0, 1, None])), min_size=3, max_size=40)
)
def test_weighted_equals_unweighted_with_two_categories(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    for fn in (rel.cohen_kappa, rel.scott_pi):
        base = fn(a, b, categories=[0, 1]).value
        for weights in ("linear", "quadratic"):
            assert np.isclose(fn(a, b, weights=weights, categories=[0, 1]).value, base, equal_nan=True)
    table = [list(p) for p in pairs]
    for fn in (rel.gwet_ac, rel.brennan_prediger, rel.percent_agreement):
        base = fn(table, categories=[0, 1]).value
        for weights in ("linear", "quadratic"):
            assert np.isclose(fn(table, weights=weights, categories=[0, 1]).value, base, equal_nan=True)


@SETTINGS
@given(tables(missing=True))
def test_missing_data_handled(table):
    """Missing ratings never raise; adding an all-missing unit or a lone rating changes nothing."""
    padded = table + [[None] * len(table[0])]
    for fn in MULTI:
        x, y = fn(table), fn(padded)
        assert np.isclose(x.value, y.value, equal_nan=True)
        assert math.isnan(x.value) == bool(x.reason)
    alpha = rel.krippendorff_alpha(table)
    assert math.isnan(alpha.value) == bool(alpha.reason)
    lone = table + [[1] + [None] * (len(table[0]) - 1)]
    assert np.isclose(rel.krippendorff_alpha(lone).value, alpha.value, equal_nan=True)
    assert np.isclose(rel.percent_agreement(lone).value, rel.percent_agreement(table).value, equal_nan=True)


@SETTINGS
@given(tables(missing=False, min_raters=2, max_raters=2))
def test_two_raters_complete_agree_across_functions(table):
    """With 2 raters and no missing data Fleiss = Scott, and percent agreement is the share of matches."""
    assume(n_categories(table) > 1)
    a, b = [u[0] for u in table], [u[1] for u in table]
    assert np.isclose(rel.fleiss_kappa(table).value, rel.scott_pi(a, b).value)
    share = np.mean([x == y for x, y in zip(a, b)])
    assert np.isclose(rel.percent_agreement(table).value, share)
    assert np.isclose(rel.cohen_kappa(a, b).observed, share)


@SETTINGS
@given(tables(missing=False, min_raters=2, max_raters=4, q=9))
def test_icc_bounds_and_ordering(table):
    result = rel.icc(table, "twoway", "consistency", "single")
    assume(result.defined)
    avg = rel.icc(table, "twoway", "consistency", "average")
    assert result.ci_low <= result.value <= result.ci_high
    if not avg.defined:  # single ICC -1/(k-1): the Spearman-Brown step-up divides by zero
        assert math.isclose(result.value, -1 / (len(table[0]) - 1)) and avg.reason
        return
    assert avg.ci_low <= avg.value <= avg.ci_high
    if result.value > 0:
        assert avg.value >= result.value
