"""Two-rater coefficients computed from the contingency table: Cohen's kappa, Scott's pi.

Only units rated by both raters are compared. Standard errors are the
large-sample (delta-method) variances of Fleiss, Cohen & Everitt (1969) for
(weighted) kappa and the analogous one for Scott's pi (Gwet 2014, ch. 5);
intervals use t with n-1 df as Gwet's irrCAC does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._data import category_scores, code_ratings, two_raters, weight_matrix
from .results import ALL_ONE_CATEGORY, CHANCE_IS_ONE, ReliabilityResult, t_intervals, undefined

ANALYTIC = "analytic: Fleiss-Cohen-Everitt (1969) large-sample variance, t interval with n-1 df"


class _Pair:
    def __init__(self, a: Any, b: Any, categories: Sequence[Any] | None, weights: str | None):
        coded = code_ratings(two_raters(a, b), categories)
        codes = coded.codes
        both = (codes >= 0).all(axis=1)
        q = coded.q
        counts = np.zeros((q, q))
        np.add.at(counts, (codes[both, 0], codes[both, 1]), 1.0)
        self._setup(counts, coded.categories, coded.scores(), weights, codes.shape[0])

    @classmethod
    def from_counts(
        cls, counts: np.ndarray, categories: Sequence[Any], weights: str | None, names: tuple[str, str]
    ) -> _Pair:
        pair = cls.__new__(cls)
        counts = np.asarray(counts, dtype=float)
        if counts.ndim != 2 or counts.shape != (len(categories), len(categories)):
            raise ValueError("the table must be square with one row and column per category")
        if (counts < 0).any() or not np.isfinite(counts).all():
            raise ValueError("the table must hold non-negative finite counts")
        pair._setup(counts, tuple(categories), category_scores(categories), weights, None, names)
        return pair

    def _setup(
        self,
        counts: np.ndarray,
        categories: tuple[Any, ...],
        scores: np.ndarray,
        weights: str | None,
        n_input: int | None,
        names: tuple[str, str] = ("rater 1", "rater 2"),
    ) -> None:
        self.categories = categories
        self.w, self.weights = weight_matrix(scores, weights)
        total = float(counts.sum())
        self.n = int(round(total)) if n_input is not None or total == round(total) else total
        self.n_input = self.n if n_input is None else n_input
        self.counts = counts
        labels = list(self.categories)
        whole = np.allclose(counts, np.round(counts))
        self.table = pd.DataFrame(
            counts.round().astype(int) if whole else counts,
            index=pd.Index(labels, name=names[0]),
            columns=pd.Index(labels, name=names[1]),
        )
        self.used = int(((counts.sum(axis=0) + counts.sum(axis=1)) > 0).sum())

    def common(self) -> dict[str, Any]:
        return {
            "n_units": self.n,
            "n_raters": 2,
            "table": self.table,
            "weights": self.weights,
            "details": {
                "n_units_input": self.n_input,
                "n_units_pairable": self.n,
                "categories": self.categories,
                "weight_matrix": self.w,
            },
        }

    def reason(self) -> str:
        if self.n == 0:
            return REASONS[NO_UNITS]
        if self.used < 2:
            return REASONS[ONE_CATEGORY]
        return ""

    def result(self, statistic: str, chance: str) -> ReliabilityResult:
        reason = self.reason()
        if reason:
            return undefined(statistic, reason, **self.common())
        k = kappa_arrays(self.counts[None], np.array([float(self.n)]), self.w, chance)
        if k["code"][0] == CHANCE_ONE:
            return undefined(statistic, REASONS[CHANCE_ONE], **self.common())
        return ReliabilityResult(
            statistic=statistic,
            value=float(k["value"][0]),
            observed=float(k["observed"][0]),
            chance=float(k["chance"][0]),
            se=float(k["se"][0]),
            ci_low=float(k["ci_low"][0]),
            ci_high=float(k["ci_high"][0]),
            ci_method=ANALYTIC,
            **self.common(),
        )


OK, NO_UNITS, ONE_CATEGORY, CHANCE_ONE = 0, 1, 2, 3
REASONS = {
    NO_UNITS: "no unit was rated by both raters, so there is nothing to compare",
    ONE_CATEGORY: ALL_ONE_CATEGORY,
    CHANCE_ONE: CHANCE_IS_ONE,
}


def _lastsum(x: np.ndarray) -> np.ndarray:
    """Sum of each table's cells (N, q, q) -> (N,), reduced along one contiguous axis.

    Every quantity below is an elementwise product followed by a last-axis sum,
    so one table gives bit-for-bit the same numbers alone as inside a stack.
    """
    return np.ascontiguousarray(x).reshape(x.shape[0], -1).sum(axis=-1)


def kappa_arrays(
    counts: np.ndarray, n: np.ndarray, w: np.ndarray, chance: str = "cohen"
) -> dict[str, np.ndarray]:
    """Cohen's (``chance="cohen"``) or Scott's (``"scott"``) coefficient of a stack of tables at once.

    ``counts`` is (N, q, q), ``n`` each table's unit count. Returns arrays (N,)
    ``value, observed, chance, se, ci_low, ci_high`` and ``code`` (OK or the
    REASONS key why the value is NaN). The one formula behind every kappa here.
    """
    counts = np.asarray(counts, dtype=float)
    n = np.asarray(n, dtype=float)
    m = counts.shape[0]
    rows_sum, cols_sum = counts.sum(axis=-1), np.swapaxes(counts, -1, -2).sum(axis=-1)
    used = ((cols_sum + rows_sum) > 0).sum(axis=-1)
    code = np.where(n == 0, NO_UNITS, np.where(used < 2, ONE_CATEGORY, OK))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = counts / n[:, None, None]
        pa = _lastsum(w * p)
        rows = p.sum(axis=-1)
        cols = np.swapaxes(p, -1, -2).sum(axis=-1)
        if chance == "cohen":
            pe = _lastsum(rows[:, :, None] * w * cols[:, None, :])
            wc = (w[None] * cols[:, None, :]).sum(axis=-1)
            wr = (w.T[None] * rows[:, None, :]).sum(axis=-1)
            grad = wc[:, :, None] + wr[:, None, :]
        else:  # scott: pooled marginals
            pi = (rows + cols) / 2
            pe = _lastsum(pi[:, :, None] * w * pi[:, None, :])
            wpi = (((w + w.T) / 2)[None] * pi[:, None, :]).sum(axis=-1)
            grad = wpi[:, :, None] + wpi[:, None, :]
        code = np.where((code == OK) & (1 - pe <= 1e-12), CHANCE_ONE, code)
        value = (pa - pe) / (1 - pe)
        pg = _lastsum(p * grad)
        infl = (w[None] - pa[:, None, None] - (1 - value)[:, None, None] * (grad - pg[:, None, None])) / (
            1 - pe
        )[:, None, None]
        var = _lastsum(p * infl**2) / n
        se = np.sqrt(np.maximum(var, 0.0))
    ok = code == OK
    low, high = t_intervals(value, se, n)
    nan = np.full(m, np.nan)
    return {
        "value": np.where(ok, value, nan),
        "observed": np.where(ok, pa, nan),
        "chance": np.where(ok, pe, nan),
        "se": np.where(ok, se, nan),
        "ci_low": np.where(ok, low, nan),
        "ci_high": np.where(ok, high, nan),
        "code": code,
    }


def _name(base: str, weights: str) -> str:
    return base if weights == "unweighted" else f"{base} ({weights} weights)"


def cohen_kappa(
    a: Any, b: Any, weights: str | None = None, categories: Sequence[Any] | None = None
) -> ReliabilityResult:
    """Cohen's kappa (1960), or weighted kappa (Cohen 1968) with 'linear'/'quadratic' weights.

    ``a`` and ``b`` are the two raters' values for the same units, in order.
    """
    pair = _Pair(a, b, categories, weights)
    base = "Cohen's kappa" if pair.weights == "unweighted" else "Cohen's weighted kappa"
    return pair.result(_name(base, pair.weights), "cohen")


def cohen_kappa_from_table(
    table: Any,
    categories: Sequence[Any] | None = None,
    weights: str | None = None,
    names: tuple[str, str] = ("rater 1", "rater 2"),
) -> ReliabilityResult:
    """Cohen's (weighted) kappa from a ready contingency table (rows rater 1, columns rater 2).

    ``table`` is a square array of (possibly fractional) counts, or a DataFrame
    whose index gives the categories. Same formula, variance and interval as
    :func:`cohen_kappa`; the interval treats every counted unit as independent.
    """
    if isinstance(table, pd.DataFrame):
        categories = list(table.index) if categories is None else categories
        table = table.to_numpy(dtype=float)
    if categories is None:
        categories = list(range(np.asarray(table).shape[0]))
    pair = _Pair.from_counts(np.asarray(table, dtype=float), list(categories), weights, names)
    base = "Cohen's kappa" if pair.weights == "unweighted" else "Cohen's weighted kappa"
    return pair.result(_name(base, pair.weights), "cohen")


def scott_pi(
    a: Any, b: Any, weights: str | None = None, categories: Sequence[Any] | None = None
) -> ReliabilityResult:
    """Scott's pi (1955): chance agreement from the raters' pooled category shares."""
    pair = _Pair(a, b, categories, weights)
    return pair.result(_name("Scott's pi", pair.weights), "scott")
