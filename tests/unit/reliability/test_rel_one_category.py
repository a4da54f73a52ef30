"""Every rating in one category: which chance-corrected coefficients are defined there, and what
the window shows for those that are not.

A coefficient (p_o - p_e) / (1 - p_e) is undefined only where its chance agreement p_e is 1.
Brennan-Prediger's (and Randolph's free-marginal kappa) p_e is 1/q whatever the marginals, and
Gwet's AC1 p_e is 0 when all ratings fall in one of q >= 2 categories, so both are defined there;
Cohen's, Scott's, Fleiss' p_e and Krippendorff's D_e are 1 and 0 there, so those are not.
"""

import math

import pytest
from rel_published_data import DIAGNOSES, FLEISS_1971

from workbench.coding import reliability as rel
from workbench.coding.reliability.results import undefined_label

N = None
ALL_A = [["a", "a", "a"], ["a", "a", "a"], ["a", "a", N], ["a", "a", "a"]]
UNDEFINED = "undefined (all ratings in one category)"


@pytest.mark.parametrize("q", [2, 3, 5])
def test_brennan_prediger_is_defined_in_one_of_q_declared_categories(q):
    """Brennan & Prediger (1981), Randolph (2005): kappa_free = (P_o - 1/q) / (1 - 1/q); with every
    rater agreeing P_o = 1, so kappa_free = 1 for any q >= 2 declared categories."""
    categories = ["a", "b", "c", "d", "e"][:q]
    result = rel.brennan_prediger(ALL_A, categories=categories)
    assert result.defined and result.reason == ""
    assert result.value == pytest.approx(1.0)
    assert result.chance == pytest.approx(1 / q) and result.observed == pytest.approx(1.0)
    assert result.ci_low <= result.value <= result.ci_high


def test_brennan_prediger_weighted_chance_is_sum_of_weights_over_q_squared():
    """Gwet, Handbook of Inter-Rater Reliability (4th ed., 2014), ch. 2: the Brennan-Prediger
    chance agreement with weights W is sum(W) / q^2. Quadratic weights on 1..3 sum to 6: p_e = 2/3."""
    ratings = [[2, 2], [2, 2], [2, 2]]
    result = rel.brennan_prediger(ratings, weights="quadratic", categories=[1, 2, 3])
    assert result.chance == pytest.approx(6 / 9) and result.value == pytest.approx(1.0)


def test_randolph_free_marginal_kappa_on_fleiss_1971():
    """Fleiss (1971) p. 380 publishes P-bar = .556 for the 30 patients x 6 psychiatrists; Randolph
    (2005) defines kappa_free = (P_o - 1/k) / (1 - 1/k), here with k = 5 diagnoses: .444."""
    result = rel.brennan_prediger(FLEISS_1971, categories=DIAGNOSES)
    assert round(result.observed, 3) == 0.556
    assert result.chance == pytest.approx(1 / 5)
    assert result.value == pytest.approx((result.observed - 1 / 5) / (1 - 1 / 5))
    assert round(result.value, 3) == 0.444


def test_gwet_ac1_is_the_observed_agreement_in_one_of_q_categories():
    """Gwet (2008, Br J Math Stat Psychol 61:29-48; Handbook 2014, ch. 4): p_e = 1/(q-1) *
    sum_k pi_k (1 - pi_k), which is 0 when pi = (1, 0, ...): AC1 = p_o = 1."""
    for q in (2, 4):
        result = rel.gwet_ac(ALL_A, categories=["a", "b", "c", "d"][:q])
        assert result.value == pytest.approx(1.0) and result.chance == pytest.approx(0.0)
    ac2 = rel.gwet_ac([[3, 3], [3, 3]], weights="linear", categories=[1, 2, 3, 4])
    assert ac2.value == pytest.approx(1.0)


@pytest.mark.parametrize("fn", [rel.brennan_prediger, rel.gwet_ac])
def test_one_known_category_only_is_undefined(fn):
    """With no categories declared only the one used is known (q = 1): p_e = 1, undefined."""
    result = fn(ALL_A)
    assert math.isnan(result.value) and undefined_label(result.reason) == UNDEFINED


def test_fleiss_cohen_scott_alpha_icc_are_undefined_there():
    """Fleiss (1971): P-bar_e = sum p_j^2 = 1; Cohen (1960) and Scott (1955): p_e = 1;
    Krippendorff (2011): D_e = 0; Shrout & Fleiss (1979): no variance between targets."""
    results = [
        rel.fleiss_kappa(ALL_A, categories=["a", "b"]),
        rel.cohen_kappa(["a"] * 4, ["a"] * 4, categories=["a", "b"]),
        rel.scott_pi(["a"] * 4, ["a"] * 4, categories=["a", "b"]),
        rel.krippendorff_alpha(ALL_A),
        rel.icc([[2, 2], [2, 2], [2, 2]]),
    ]
    for result in results:
        assert math.isnan(result.value), result.statistic
        assert undefined_label(result.reason) == UNDEFINED, result.reason


def test_each_rater_in_a_different_single_category_is_defined():
    """Not the same mistake the other way: A always 'a', B always 'b'. Cohen (1960): p_o = 0,
    p_e = 1*0 + 0*1 = 0, kappa = 0. Scott (1955): pooled shares .5/.5, p_e = .5, pi = -1.
    Krippendorff (2011), nominal: n units give alpha = 1 - (2n - 1)/n (here n = 3: -2/3)."""
    a, b = ["a"] * 3, ["b"] * 3
    assert rel.cohen_kappa(a, b).value == pytest.approx(0.0)
    assert rel.scott_pi(a, b).value == pytest.approx(-1.0)
    assert rel.krippendorff_alpha(list(zip(a, b))).value == pytest.approx(1 - 5 / 3)


@pytest.mark.parametrize(
    "reason, label",
    [
        (
            "no unit was rated by both raters, so there is nothing to compare",
            "undefined (nothing to compare)",
        ),
        ("the ICC needs at least two raters", "undefined (fewer than two raters)"),
        ("chance agreement is 1, so the coefficient is undefined", "undefined (chance agreement is 1)"),
        ("", "undefined"),
    ],
)
def test_undefined_labels_for_people(reason, label):
    assert undefined_label(reason) == label
