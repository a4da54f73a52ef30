"""Reliability statistics against values published with their datasets.

Each test names its source. Tolerances follow the number of decimals printed.
"""

import math

import pytest
from rel_published_data import (
    ABSTRACTOR_CATEGORIES,
    CAC_RAW4RATERS,
    COHEN_1960_COUNTS,
    CONT3X3ABSTRACTORS,
    DIAGNOSES,
    FLEISS_1971,
    KRIPPENDORFF_2011,
    SHROUT_FLEISS_1979,
    expand_table,
)

from workbench.coding import reliability as rel


def close(x, published, decimals):
    return math.isclose(x, published, abs_tol=0.5 * 10**-decimals + 1e-12)


# --- Fleiss (1971) -----------------------------------------------------------------------


def test_fleiss_1971_diagnoses_kappa():
    """Fleiss (1971) p. 380: kappa = .430 for 30 subjects x 6 raters, 5 categories."""
    result = rel.fleiss_kappa(FLEISS_1971)
    assert close(result.value, 0.430, 3)
    assert result.n_units == 30 and result.n_raters == 6
    assert result.reason == ""
    assert result.table.shape == (30, 5)
    assert (result.table.sum(axis=1) == 6).all()


# irrCAC README, "distrib.6raters" (= the first 15 subjects of Fleiss 1971): coefficient, SE.
DIST6_UNWEIGHTED = {
    rel.gwet_ac: (0.4448007, 0.08418757, 0.5511111, 0.1914815),
    rel.fleiss_kappa: (0.4139265, 0.08119291, 0.5511111, 0.2340741),
    rel.brennan_prediger: (0.4388889, 0.08312142, 0.5511111, 0.2),
}
# irrCAC weighting vignette: the same data with quadratic.weights(1:5) on the column order.
DIST6_QUADRATIC = {
    rel.gwet_ac: (0.4837438, 0.1058227, 0.8544444, 0.7180556),
    rel.fleiss_kappa: (0.2511909, 0.1457381, 0.8544444, 0.8056173),
    rel.brennan_prediger: (0.4177778, 0.1067493, 0.8544444, 0.75),
}


@pytest.mark.parametrize("weights, expected", [(None, DIST6_UNWEIGHTED), ("quadratic", DIST6_QUADRATIC)])
def test_irrcac_distrib_6raters(weights, expected):
    """Gwet's irrCAC README and weighting vignette, dataset distrib.6raters."""
    data = FLEISS_1971[:15]
    for fn, (value, se, pa, pe) in expected.items():
        result = fn(data, weights=weights, categories=DIAGNOSES)
        assert close(result.value, value, 7), (fn.__name__, result.value)
        assert close(result.se, se, 7), (fn.__name__, result.se)
        assert close(result.observed, pa, 7)
        assert close(result.chance, pe, 7)


def test_irrcac_distrib_6raters_ci():
    """irrCAC README: AC1 (0.264,0.625), Fleiss (0.24,0.588), BP (0.261,0.617) - t, 14 df."""
    data = FLEISS_1971[:15]
    for fn, (low, high) in {
        rel.gwet_ac: (0.264, 0.625),
        rel.fleiss_kappa: (0.240, 0.588),
        rel.brennan_prediger: (0.261, 0.617),
    }.items():
        result = fn(data)
        assert close(result.ci_low, low, 3) and close(result.ci_high, high, 3)


def test_irrcac_distrib_6raters_krippendorff():
    """irrCAC README: krippen.alpha.dist 0.4204384; weighting vignette (quadratic) 0.259511."""
    data = FLEISS_1971[:15]
    assert close(rel.krippendorff_alpha(data).value, 0.4204384, 7)
    positions = {c: i + 1 for i, c in enumerate(DIAGNOSES)}
    numeric = [[positions[v] for v in unit] for unit in data]
    assert close(rel.krippendorff_alpha(numeric, "interval").value, 0.259511, 6)


# --- Krippendorff (2011) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "level, published",
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, published):
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', 4 coders x 12 units."""
    result = rel.krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert close(result.value, published, 3)
    assert result.n_units == 11  # unit 12 has a single value: not pairable
    assert result.ci_low <= result.value <= result.ci_high


def test_krippendorff_2011_coincidence_matrix():
    """Krippendorff (2011): coincidences o_11 = 7, o_12 = 4/3, o_22 = 10, n.. = 40."""
    table = rel.krippendorff_alpha(KRIPPENDORFF_2011).table
    assert table.loc[1, 1] == pytest.approx(7)
    assert table.loc[1, 2] == pytest.approx(4 / 3)
    assert table.loc[2, 2] == pytest.approx(10)
    assert table.to_numpy().sum() == pytest.approx(40)


# --- Gwet's irrCAC: cac.raw4raters -------------------------------------------------------

# irrCAC README (unweighted) and weighting vignette (weights="quadratic"):
# coefficient, SE, pa, pe, CI low (upper bound prints as 1).
RAW4_UNWEIGHTED = {
    rel.percent_agreement: (0.8181818, 0.12561, 0.8181818, None, 0.542),
    rel.gwet_ac: (0.77544, 0.14295, 0.8181818, 0.1903212, 0.461),
    rel.fleiss_kappa: (0.76117, 0.15302, 0.8181818, 0.2387153, 0.424),
    rel.brennan_prediger: (0.77273, 0.14472, 0.8181818, 0.2, 0.454),
}
RAW4_QUADRATIC = {
    rel.percent_agreement: (0.9753788, 0.09062, 0.9753788, None, 0.776),
    rel.gwet_ac: (0.914, 0.10396, 0.9753788, 0.7137044, 0.685),
    rel.fleiss_kappa: (0.86494, 0.14603, 0.9753788, 0.8177083, 0.544),
    rel.brennan_prediger: (0.90152, 0.11089, 0.9753788, 0.75, 0.657),
}


@pytest.mark.parametrize("weights, expected", [(None, RAW4_UNWEIGHTED), ("quadratic", RAW4_QUADRATIC)])
def test_irrcac_raw4raters(weights, expected):
    """Gwet's irrCAC README / weighting vignette, dataset cac.raw4raters (missing ratings)."""
    for fn, (value, se, pa, pe, low) in expected.items():
        decimals = len(repr(value).split(".")[1])
        result = fn(CAC_RAW4RATERS, weights=weights)
        assert close(result.value, value, decimals), (fn.__name__, result.value)
        assert close(result.se, se, 5), (fn.__name__, result.se)
        assert close(result.observed, pa, 7)
        if pe is not None:
            assert close(result.chance, pe, 7)
        assert close(result.ci_low, low, 3)
        assert result.ci_high == 1.0


def test_irrcac_raw4raters_krippendorff():
    """irrCAC README krippen.alpha.raw 0.74342; vignette (quadratic weights) 0.84911."""
    assert close(rel.krippendorff_alpha(CAC_RAW4RATERS).value, 0.74342, 5)
    assert close(rel.krippendorff_alpha(CAC_RAW4RATERS, "interval").value, 0.84911, 5)


# --- Gwet's irrCAC: cont3x3abstractors (two raters) ---------------------------------------

# irrCAC README (unweighted) and weighting vignette (quadratic.weights(1:3)): value, SE, CI.
ABSTRACTORS_TWO_RATER = {
    (rel.cohen_kappa, None): (0.7964094, 0.05891072, (0.680, 0.913)),
    (rel.scott_pi, None): (0.7962397, 0.05905473, (0.679, 0.913)),
    (rel.cohen_kappa, "quadratic"): (0.8921569, 0.03535151, (0.822, 0.962)),
    (rel.scott_pi, "quadratic"): (0.8921093, 0.03539506, (0.822, 0.962)),
}
ABSTRACTORS_MULTI = {
    (rel.gwet_ac, None): 0.8493305,
    (rel.brennan_prediger, None): 0.835,
    (rel.percent_agreement, None): 0.89,
    (rel.gwet_ac, "quadratic"): 0.9402369,
    (rel.brennan_prediger, "quadratic"): 0.9175,
    (rel.percent_agreement, "quadratic"): 0.9725,
}


@pytest.mark.parametrize("key", list(ABSTRACTORS_TWO_RATER))
def test_irrcac_cont3x3abstractors_kappa_scott(key):
    """irrCAC kappa2.table / scott2.table on cont3x3abstractors (SE: Fleiss-Cohen-Everitt form)."""
    fn, weights = key
    value, se, (low, high) = ABSTRACTORS_TWO_RATER[key]
    a, b = expand_table(CONT3X3ABSTRACTORS, ABSTRACTOR_CATEGORIES)
    result = fn(a, b, weights=weights, categories=ABSTRACTOR_CATEGORIES)
    assert close(result.value, value, 7)
    assert close(result.se, se, 8)
    assert close(result.ci_low, low, 3) and close(result.ci_high, high, 3)
    assert result.n_units == 100
    assert result.table.to_numpy().tolist() == CONT3X3ABSTRACTORS


@pytest.mark.parametrize("key", list(ABSTRACTORS_MULTI))
def test_irrcac_cont3x3abstractors_other_coefficients(key):
    """irrCAC gwet.ac1.table / bp2.table / pa2.table on cont3x3abstractors."""
    fn, weights = key
    a, b = expand_table(CONT3X3ABSTRACTORS, ABSTRACTOR_CATEGORIES)
    result = fn(list(zip(a, b)), weights=weights, categories=ABSTRACTOR_CATEGORIES)
    assert close(result.value, ABSTRACTORS_MULTI[key], 7)


def test_irrcac_cont3x3abstractors_krippendorff():
    """irrCAC krippen2.table: 0.7972585 unweighted, 0.8926487 with quadratic weights."""
    a, b = expand_table(CONT3X3ABSTRACTORS, ABSTRACTOR_CATEGORIES)
    assert close(rel.krippendorff_alpha(list(zip(a, b))).value, 0.7972585, 7)
    pos = {c: i + 1 for i, c in enumerate(ABSTRACTOR_CATEGORIES)}
    numeric = [[pos[x], pos[y]] for x, y in zip(a, b)]
    assert close(rel.krippendorff_alpha(numeric, "interval").value, 0.8926487, 7)


# --- Cohen (1960) ------------------------------------------------------------------------


def test_cohen_1960_example():
    """Cohen (1960): p_o = .70, p_c = .41, kappa = .492 (table reconstructed from proportions)."""
    a, b = expand_table(COHEN_1960_COUNTS, ("1", "2", "3"))
    result = rel.cohen_kappa(a, b)
    assert close(result.observed, 0.70, 2)
    assert close(result.chance, 0.41, 2)
    assert close(result.value, 0.492, 3)


# --- Shrout & Fleiss (1979) -------------------------------------------------------------

SF_FORMS = {
    ("oneway", "agreement", "single"): (0.17, (-0.133, 0.72)),
    ("twoway", "agreement", "single"): (0.29, (0.019, 0.76)),
    ("twoway", "consistency", "single"): (0.71, (0.342, 0.95)),
    ("oneway", "agreement", "average"): (0.44, (-0.884, 0.91)),
    ("twoway", "agreement", "average"): (0.62, (0.071, 0.93)),
    ("twoway", "consistency", "average"): (0.91, (0.676, 0.99)),
}


@pytest.mark.parametrize("form", list(SF_FORMS))
def test_shrout_fleiss_1979(form):
    """Shrout & Fleiss (1979) Table 4: ICC(1,1) .17, (2,1) .29, (3,1) .71, (1,k) .44,
    (2,k) .62, (3,k) .91. Intervals: R psych::ICC() on the same data (lower bound to 3
    decimals, upper to 2), which implements the Shrout & Fleiss / McGraw & Wong F intervals."""
    value, (low, high) = SF_FORMS[form]
    result = rel.icc(SHROUT_FLEISS_1979, *form)
    assert close(result.value, value, 2)
    assert close(result.ci_low, low, 3)
    assert close(result.ci_high, high, 2)
    assert result.n_units == 6 and result.n_raters == 4


def test_shrout_fleiss_1979_anova():
    """Shrout & Fleiss (1979) Table 3: BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02."""
    d = rel.icc(SHROUT_FLEISS_1979).details
    assert close(d["MSR"], 11.24, 2)
    assert close(d["MSW"], 6.26, 2)
    assert close(d["MSC"], 32.49, 2)
    assert close(d["MSE"], 1.02, 2)


MCGRAW_WONG_TABLE6 = [
    [103, 119],
    [82, 65],
    [116, 106],
    [102, 102],
    [99, 105],
    [98, 100],
    [104, 107],
    [62, 85],
    [97, 101],
    [107, 110],
]


@pytest.mark.parametrize(
    "form, expected",
    [
        (("oneway", "agreement", "single"), (0.722, 0.241, 0.922)),
        (("twoway", "agreement", "single"), (0.720, 0.228, 0.922)),
        (("twoway", "consistency", "single"), (0.714, 0.197, 0.920)),
        (("oneway", "agreement", "average"), (0.838, 0.389, 0.959)),
        (("twoway", "agreement", "average"), (0.837, 0.371, 0.959)),
        (("twoway", "consistency", "average"), (0.833, 0.329, 0.959)),
    ],
)
def test_mcgraw_wong_1996_table6(form, expected):
    """McGraw & Wong (1996) Table 6 example (10 x 2); values and 95% intervals as printed by
    R psych::ICC in the header of f_ICC.m (R. P. Matthew, 2018) - a secondary source."""
    value, low, high = expected
    result = rel.icc(MCGRAW_WONG_TABLE6, *form)
    assert close(result.value, value, 3)
    assert close(result.ci_low, low, 3)
    assert close(result.ci_high, high, 3)
