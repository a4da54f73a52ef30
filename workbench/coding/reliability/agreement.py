"""Agreement coefficients for any number of raters with missing ratings.

Follows Gwet's framework (Handbook of Inter-Rater Reliability, 4th ed., 2014;
Gwet 2008, Br J Math Stat Psychol 61:29-48), as implemented in his irrCAC
package: observed agreement is averaged over units rated by two or more
raters; category prevalences over units rated at least once. Variances are
Gwet's linearised unit-level formulas; intervals use t with n-1 df.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._data import Coded, code_ratings, weight_matrix
from .results import ALL_ONE_CATEGORY, CHANCE_IS_ONE, ReliabilityResult, t_interval, undefined

NO_PAIRS = "no unit was rated by two or more raters, so there is nothing to compare"
ANALYTIC = "analytic: Gwet (2008/2014) linearised variance, t interval with n-1 df"


def _units_table(coded: Coded, counts: np.ndarray) -> pd.DataFrame:
    table = pd.DataFrame(
        counts.astype(int),
        index=pd.RangeIndex(counts.shape[0], name="unit"),
        columns=pd.Index(list(coded.categories), name="category"),
    )
    return table


class _Frame:
    """Unit-level quantities shared by all coefficients of this family."""

    def __init__(self, ratings: Any, categories: Sequence[Any] | None, weights: str | None):
        self.coded = code_ratings(ratings, categories)
        self.w, self.weights = weight_matrix(self.coded.scores(), weights)
        counts = self.coded.counts()
        self.table = _units_table(self.coded, counts)
        r = counts.sum(axis=1)
        rated = r >= 1
        self.n_input = counts.shape[0]
        self.counts = counts[rated]
        self.r = r[rated]
        self.n = int(rated.sum())  # units rated at least once
        self.pairable = self.r >= 2
        self.n_pairable = int(self.pairable.sum())
        self.n_used_categories = int((self.counts.sum(axis=0) > 0).sum())
        q = self.coded.q
        self.q = q
        if self.n_pairable == 0:
            return
        star = self.counts @ self.w.T  # n*_ik = sum_l w_kl n_il
        pa_i = np.zeros(self.n)
        rp, cp = self.r[self.pairable], self.counts[self.pairable]
        pa_i[self.pairable] = (cp * (star[self.pairable] - 1)).sum(axis=1) / (rp * (rp - 1))
        self.pa = float(pa_i[self.pairable].mean())
        # unit terms scaled so that their mean over the n rated units is pa
        self.scale = np.where(self.pairable, self.n / self.n_pairable, 0.0)
        self.pa_i = pa_i
        self.pa_ivec = pa_i * self.scale
        self.share = self.counts / self.r[:, None]  # n_ik / r_i
        self.pi = self.share.mean(axis=0)

    def undefined_reason(self) -> str:
        """Why no coefficient of this family can be computed (empty when one can)."""
        if self.n_pairable == 0:
            return NO_PAIRS
        return ""

    def common(self) -> dict[str, Any]:
        return {
            "n_units": self.n_pairable,
            "n_raters": self.coded.n_raters,
            "table": self.table,
            "weights": self.weights,
            "details": {
                "n_units_input": self.n_input,
                "n_units_rated": self.n,
                "n_units_pairable": self.n_pairable,
                "categories": self.coded.categories,
                "weight_matrix": self.w,
            },
        }

    def result(self, statistic: str, pe: float, pe_i: np.ndarray | None) -> ReliabilityResult:
        """Chance-corrected coefficient (pa - pe) / (1 - pe) with Gwet's variance."""
        reason = self.undefined_reason()
        if not reason and 1.0 - pe <= 1e-12:
            reason = ALL_ONE_CATEGORY if self.n_used_categories < 2 else CHANCE_IS_ONE
        if reason:
            return undefined(statistic, reason, **self.common())
        value = (self.pa - pe) / (1 - pe)
        # Gwet (2008): unit terms (n/n')(pa_i - pe)/(1 - pe) on pairable units, 0 elsewhere
        k_i = self.scale * (self.pa_i - pe) / (1 - pe)
        if pe_i is not None:
            k_i = k_i - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
        se = self._se(k_i, value)
        low, high = t_interval(value, se, self.n)
        return ReliabilityResult(
            statistic=statistic,
            value=float(value),
            observed=self.pa,
            chance=float(pe),
            se=se,
            ci_low=low,
            ci_high=high,
            ci_method=ANALYTIC,
            **self.common(),
        )

    def _se(self, x: np.ndarray, centre: float) -> float:
        if self.n < 2:
            return float("nan")
        return float(np.sqrt(((x - centre) ** 2).sum() / (self.n * (self.n - 1))))


def _suffix(name: str, weights: str) -> str:
    return name if weights == "unweighted" else f"{name} ({weights} weights)"


def percent_agreement(
    ratings: Any, weights: str | None = None, categories: Sequence[Any] | None = None
) -> ReliabilityResult:
    """Share of agreeing rater pairs, averaged over units rated by 2+ raters.

    With two raters this is the proportion of pairable units on which they
    agree (weighted: the mean agreement weight).
    """
    f = _Frame(ratings, categories, weights)
    name = _suffix("Percent agreement", f.weights)
    if f.n_pairable == 0:
        return undefined(name, f.undefined_reason(), **f.common())
    se = f._se(f.pa_ivec, f.pa)
    low, high = t_interval(f.pa, se, f.n, lo=0.0)
    return ReliabilityResult(
        statistic=name,
        value=f.pa,
        observed=f.pa,
        se=se,
        ci_low=low,
        ci_high=high,
        ci_method=ANALYTIC,
        **f.common(),
    )


def fleiss_kappa(
    ratings: Any, categories: Sequence[Any] | None = None, weights: str | None = None
) -> ReliabilityResult:
    """Fleiss' kappa (1971), generalised by Gwet to missing ratings and weights.

    Chance agreement is sum_kl w_kl pi_k pi_l over the pooled category shares.
    """
    f = _Frame(ratings, categories, weights)
    name = _suffix("Fleiss' kappa", f.weights)
    if f.undefined_reason():
        return f.result(name, 1.0, None)
    # all ratings in one category: pi = (1, 0, ...), so chance agreement is 1 and kappa undefined
    pi_w = f.w @ f.pi
    pe = float(f.pi @ pi_w)
    pe_i = f.share @ pi_w
    return f.result(name, pe, pe_i)


def brennan_prediger(
    ratings: Any, weights: str | None = None, categories: Sequence[Any] | None = None
) -> ReliabilityResult:
    """Brennan & Prediger (1981) coefficient (Randolph's 2005 free-marginal kappa, unweighted):
    chance agreement sum(W) / q^2, i.e. 1/q unweighted, whatever the raters' marginals.

    q is the number of categories: the ``categories`` given, else those used. So with two or more
    declared categories the coefficient is defined even when every rating falls in one of them
    (1.0 when all agree); with a single known category chance agreement is 1 and it is undefined.
    """
    f = _Frame(ratings, categories, weights)
    name = _suffix("Brennan-Prediger kappa", f.weights)
    if f.undefined_reason():
        return f.result(name, 1.0, None)
    pe = float(f.w.sum() / f.q**2)
    return f.result(name, pe, None)


def gwet_ac(
    ratings: Any, weights: str | None = None, categories: Sequence[Any] | None = None
) -> ReliabilityResult:
    """Gwet's AC1 (unweighted) or AC2 (weighted).

    Chance agreement is sum(W) / (q(q-1)) * sum_k pi_k (1 - pi_k): 0 when every rating falls in
    one of q >= 2 categories, so the coefficient is then the observed agreement (Gwet 2014, ch. 4).
    With a single known category (q = 1) it is undefined.
    """
    f = _Frame(ratings, categories, weights)
    name = "Gwet's AC1" if f.weights == "unweighted" else f"Gwet's AC2 ({f.weights} weights)"
    if f.undefined_reason():
        return f.result(name, 1.0, None)
    if f.q < 2:
        return f.result(name, 1.0, None)
    c = f.w.sum() / (f.q * (f.q - 1))
    pe = float(c * (f.pi * (1 - f.pi)).sum())
    pe_i = c * (f.share @ (1 - f.pi))
    return f.result(name, pe, pe_i)
