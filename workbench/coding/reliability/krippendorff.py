"""Krippendorff's alpha for any number of coders, missing values and four metrics.

Follows Krippendorff (2011), "Computing Krippendorff's alpha-reliability":
alpha = 1 - D_o / D_e from the coincidence matrix of pairable values. The
interval is a percentile bootstrap over units with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._data import code_ratings, is_number
from .results import BOOTSTRAP_METHOD, ReliabilityResult, bootstrap_interval, undefined

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _delta(level: str, values: np.ndarray | None, n_c: np.ndarray) -> np.ndarray:
    """Squared difference function delta^2_ck for the level of measurement."""
    q = len(n_c)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        # (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 with values in rank order
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        lo = np.minimum.outer(np.arange(q), np.arange(q))
        hi = np.maximum.outer(np.arange(q), np.arange(q))
        between = cum[hi + 1] - cum[lo]
        return (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2 * (lo != hi)
    assert values is not None
    diff = values[:, None] - values[None, :]
    if level == "interval":
        return diff**2
    total = values[:, None] + values[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(total == 0, 0.0, (diff / np.where(total == 0, 1.0, total)) ** 2)
    return d


def _alpha_from(coincidence: np.ndarray, level: str, values: np.ndarray | None) -> tuple[float, float, float]:
    """(alpha, D_o, D_e) with delta^2 scaled so its largest value among used values is 1."""
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return float("nan"), float("nan"), float("nan")
    delta = _delta(level, values, n_c)
    used = n_c > 0
    dmax = delta[np.ix_(used, used)].max() if used.any() else 0.0
    if dmax <= 0:
        return float("nan"), 0.0, 0.0
    delta = delta / dmax
    d_o = float((coincidence * delta).sum() / n)
    d_e = float((np.outer(n_c, n_c) * delta).sum() / (n * (n - 1)))
    if d_e <= 0:
        return float("nan"), d_o, d_e
    return 1.0 - d_o / d_e, d_o, d_e


def krippendorff_alpha(
    ratings: Any, level: str = "nominal", categories: Sequence[Any] | None = None
) -> ReliabilityResult:
    """Krippendorff's alpha; ``level`` is nominal, ordinal, interval or ratio.

    ``categories`` fixes the order of non-numeric values for the ordinal level.
    ``observed``/``chance`` are 1 - D_o and 1 - D_e with the difference function
    scaled to a maximum of 1, so that alpha = (observed - chance) / (1 - chance).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    coded = code_ratings(ratings, categories)
    cats = coded.categories
    values: np.ndarray | None = None
    if level in ("interval", "ratio"):
        if not all(is_number(c) for c in cats):
            raise ValueError(f"the {level} level needs numeric values; got {list(cats)[:5]!r}")
        values = np.array([float(c) for c in cats])
        if level == "ratio" and (values < 0).any():
            raise ValueError("the ratio level needs non-negative values")
    statistic = f"Krippendorff's alpha ({level})"
    counts = coded.counts()
    m = counts.sum(axis=1)
    pairable = m >= 2
    cu, mu = counts[pairable], m[pairable]
    # per-unit coincidences: (n_uc n_uk - [c == k] n_uc) / (m_u - 1)
    contrib = (cu[:, :, None] * cu[:, None, :] - cu[:, :, None] * np.eye(coded.q)[None]) / (mu - 1)[
        :, None, None
    ]
    coincidence = contrib.sum(axis=0)
    labels = list(cats)
    table = pd.DataFrame(
        coincidence,
        index=pd.Index(labels, name="value"),
        columns=pd.Index(labels, name="value"),
    )
    common: dict[str, Any] = {
        "n_units": int(pairable.sum()),
        "n_raters": coded.n_raters,
        "table": table,
        "details": {
            "n_units_input": counts.shape[0],
            "n_units_pairable": int(pairable.sum()),
            "n_pairable_values": float(coincidence.sum()),
            "level": level,
            "categories": cats,
        },
    }
    if not pairable.any():
        return undefined(
            statistic, "no unit was coded by two or more coders, so there is nothing to compare", **common
        )
    if (coincidence.sum(axis=1) > 0).sum() < 2:
        return undefined(
            statistic,
            "all pairable values are the same; alpha is undefined (no variation to agree on)",
            **common,
        )
    value, d_o, d_e = _alpha_from(coincidence, level, values)
    if np.isnan(value):
        return undefined(statistic, "expected disagreement is zero; alpha is undefined", **common)

    flat = contrib.reshape(len(cu), -1)

    def boot(mult: np.ndarray) -> np.ndarray:
        mats = (mult @ flat).reshape(-1, coded.q, coded.q)
        return np.array([_alpha_from(c, level, values)[0] for c in mats])

    low, high, se = bootstrap_interval(len(cu), boot)
    return ReliabilityResult(
        statistic=statistic,
        value=float(value),
        observed=1.0 - d_o,
        chance=1.0 - d_e,
        se=se,
        ci_low=low,
        ci_high=high,
        ci_method=BOOTSTRAP_METHOD,
        **common,
    )
