"""Undefined cases, malformed input, the result object, and cross-checks."""

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from workbench.coding import reliability as rel

N = None
ALL_MULTI = [rel.percent_agreement, rel.fleiss_kappa, rel.brennan_prediger, rel.gwet_ac]
CHANCE_CORRECTED = [rel.fleiss_kappa, rel.brennan_prediger, rel.gwet_ac]


def test_one_category_only_is_nan_with_reason():
    """Fleiss' chance agreement is 1 there (pooled shares 1, 0); Brennan-Prediger's and Gwet's are
    not (see test_rel_one_category.py)."""
    result = rel.fleiss_kappa([["a", "a"], ["a", "a"], ["a", N]], categories=["a", "b"])
    assert math.isnan(result.value) and "one category" in result.reason


@pytest.mark.parametrize("fn", CHANCE_CORRECTED)
def test_one_known_category_is_nan_with_reason(fn):
    result = fn([["a", "a"], ["a", "a"], ["a", N]])  # no categories declared: q = 1
    assert math.isnan(result.value) and "one category" in result.reason


def test_one_category_two_raters_and_alpha():
    assert math.isnan(rel.cohen_kappa([1, 1, 1], [1, 1, 1]).value)
    assert rel.scott_pi([1, 1], [1, 1]).reason
    alpha = rel.krippendorff_alpha([[3, 3], [3, 3]], "interval")
    assert math.isnan(alpha.value) and alpha.reason


@pytest.mark.parametrize("fn", ALL_MULTI)
def test_no_pairable_units(fn):
    result = fn([[1, N], [N, 2], [N, N]])
    assert math.isnan(result.value) and "two or more" in result.reason
    assert result.n_units == 0


def test_no_pairable_two_raters_alpha_icc():
    assert "both" in rel.cohen_kappa([1, N], [N, 2]).reason
    assert rel.krippendorff_alpha([[1, N], [N, 2]]).reason
    icc = rel.icc([[1, N], [2, 3]])
    assert math.isnan(icc.value) and icc.reason
    assert math.isnan(rel.icc([[1], [2], [3]]).value)  # one rater
    assert rel.icc([[2, 2], [2, 2]]).reason  # no variance


@pytest.mark.parametrize(
    "call",
    [
        lambda: rel.fleiss_kappa([[1, 2], [1]]),
        lambda: rel.krippendorff_alpha([[1, 2, 3], [1, 2]]),
        lambda: rel.icc([[1, 2], [1, 2, 3]]),
        lambda: rel.cohen_kappa([1, 2, 3], [1, 2]),
        lambda: rel.gwet_ac([[1, 2]], weights="cubic"),
        lambda: rel.cohen_kappa([1, 2], [2, 1], weights="Quadratic"),
        lambda: rel.percent_agreement([[1, 2]], weights=3),
        lambda: rel.krippendorff_alpha([[1, 2]], level="circular"),
        lambda: rel.krippendorff_alpha([["a", "b"]], level="interval"),
        lambda: rel.icc([["a", "b"], ["c", "d"]]),
        lambda: rel.icc([[1, 2]], model="mixed"),
        lambda: rel.icc([[1, 2]], type="absolute"),
        lambda: rel.icc([[1, 2]], unit="mean"),
        lambda: rel.icc([[1, 2]], model="oneway", type="consistency"),
        lambda: rel.fleiss_kappa([]),
        lambda: rel.fleiss_kappa("abc"),
        lambda: rel.fleiss_kappa([[1, 2], [3, 9]], categories=[1, 2, 3]),
    ],
)
def test_malformed_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_missing_values_forms():
    base = rel.fleiss_kappa([[1, 2, N], [2, 2, 1], [1, 1, 1]]).value
    for missing in (float("nan"), np.nan, pd.NA):
        assert rel.fleiss_kappa([[1, 2, missing], [2, 2, 1], [1, 1, 1]]).value == pytest.approx(base)


def test_dataframe_and_array_input():
    table = [[1, 2, 2], [2, 2, 2], [3, 3, 1], [1, 1, 1]]
    base = rel.gwet_ac(table).value
    assert rel.gwet_ac(pd.DataFrame(table)).value == pytest.approx(base)
    assert rel.gwet_ac(np.array(table)).value == pytest.approx(base)


def test_result_is_frozen_and_complete():
    result = rel.cohen_kappa([1, 2, 3, 1], [1, 2, 2, 1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 0.0  # type: ignore[misc]
    assert result.reason == "" and result.statistic == "Cohen's kappa"
    assert result.n_units == 4 and result.n_raters == 2
    assert result.ci_low < result.value < result.ci_high
    assert isinstance(result.table, pd.DataFrame) and result.table.to_numpy().sum() == 4
    assert result.observed == pytest.approx(0.75)


def test_weighted_uses_numeric_values_not_order():
    """Gwet/irrCAC: weights come from the category values when they are numbers."""
    a, b = [0, 1, 10, 10, 0], [1, 0, 10, 1, 0]
    numeric = rel.cohen_kappa(a, b, weights="linear")
    as_text = rel.cohen_kappa(
        [str(v) for v in a], [str(v) for v in b], weights="linear", categories=["0", "1", "10"]
    )
    assert numeric.value != pytest.approx(as_text.value)  # 0-1-10 is not evenly spaced
    assert numeric.details["weight_matrix"][0, 1] == pytest.approx(0.9)
    assert as_text.details["weight_matrix"][0, 1] == pytest.approx(0.5)


def test_bootstrap_reproducible():
    table = [[1, 2, 2], [2, 2, 3], [3, 3, 1], [1, 1, 1], [2, 1, N], [3, 3, 3]]
    x, y = rel.krippendorff_alpha(table, "ordinal"), rel.krippendorff_alpha(table, "ordinal")
    assert (x.ci_low, x.ci_high) == (y.ci_low, y.ci_high)
    assert "bootstrap" in x.ci_method and str(rel.BOOTSTRAP_SEED) in x.ci_method


# --- cross-checks against simple independent implementations ---------------------------


def naive_alpha(table, metric):
    """Krippendorff's alpha by enumerating ordered value pairs within and across units."""
    units = [[v for v in u if v is not None] for u in table]
    units = [u for u in units if len(u) >= 2]
    pooled = [v for u in units for v in u]
    n = len(pooled)
    d_o = (
        sum(
            metric(u[i], u[j]) / (len(u) - 1)
            for u in units
            for i, j in itertools.permutations(range(len(u)), 2)
        )
        / n
    )
    d_e = sum(metric(pooled[i], pooled[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    return 1 - d_o / d_e


def naive_fleiss(table):
    """Fleiss (1971) formulas for complete data."""
    cats = sorted({v for u in table for v in u})
    m = len(table[0])
    n_ij = np.array([[u.count(c) for c in cats] for u in table], dtype=float)
    p_j = n_ij.sum(axis=0) / (len(table) * m)
    p_i = ((n_ij**2).sum(axis=1) - m) / (m * (m - 1))
    p_bar, p_e = p_i.mean(), (p_j**2).sum()
    return (p_bar - p_e) / (1 - p_e)


@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_naive_pair_enumeration(seed):
    rng = np.random.default_rng(seed)
    table = [[None if rng.random() < 0.2 else int(rng.integers(1, 5)) for _ in range(4)] for _ in range(15)]
    nominal = naive_alpha(table, lambda a, b: float(a != b))
    interval = naive_alpha(table, lambda a, b: float((a - b) ** 2))
    assert rel.krippendorff_alpha(table).value == pytest.approx(nominal)
    assert rel.krippendorff_alpha(table, "interval").value == pytest.approx(interval)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_matches_textbook_formula(seed):
    rng = np.random.default_rng(100 + seed)
    table = [[int(v) for v in rng.integers(1, 4, size=5)] for _ in range(20)]
    assert rel.fleiss_kappa(table).value == pytest.approx(naive_fleiss(table))
