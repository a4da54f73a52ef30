"""Intraclass correlation coefficients (Shrout & Fleiss 1979; McGraw & Wong 1996).

Computed from the two-way ANOVA of the units x raters matrix; units with a
missing rating are left out (listwise). Confidence intervals are the F-based
intervals of McGraw & Wong (1996), which for the six Shrout & Fleiss forms
coincide with theirs; the absolute-agreement interval uses Satterthwaite's
approximate degrees of freedom.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._data import is_missing, is_number, rectangular_units
from .results import CONFIDENCE, ReliabilityResult, undefined

MODELS = ("oneway", "twoway")
TYPES = ("agreement", "consistency")
UNITS = ("single", "average")

_SHROUT_FLEISS = {
    ("oneway", "agreement"): 1,
    ("twoway", "agreement"): 2,
    ("twoway", "consistency"): 3,
}


def _matrix(ratings: Any) -> tuple[np.ndarray, int]:
    units, k = rectangular_units(ratings)
    out = np.full((len(units), k), np.nan)
    for i, unit in enumerate(units):
        for j, v in enumerate(unit):
            if is_missing(v):
                continue
            if not is_number(v):
                raise ValueError(f"the ICC needs numeric ratings; got {v!r}")
            out[i, j] = float(v)
    return out, len(units)


def _anova(y: np.ndarray) -> dict[str, float]:
    n, k = y.shape
    grand = y.mean()
    ss_total = float(((y - grand) ** 2).sum())
    ss_rows = float(k * ((y.mean(axis=1) - grand) ** 2).sum())
    ss_cols = float(n * ((y.mean(axis=0) - grand) ** 2).sum())
    ss_within = ss_total - ss_rows
    ss_error = ss_total - ss_rows - ss_cols
    return {
        "SSR": ss_rows,
        "SSC": ss_cols,
        "SSE": max(ss_error, 0.0),
        "SSW": max(ss_within, 0.0),
        "MSR": ss_rows / (n - 1),
        "MSC": ss_cols / (k - 1),
        "MSE": max(ss_error, 0.0) / ((n - 1) * (k - 1)),
        "MSW": max(ss_within, 0.0) / (n * (k - 1)),
    }


def _anova_table(a: dict[str, float], n: int, k: int) -> pd.DataFrame:
    rows = [
        ("units (between)", a["SSR"], n - 1, a["MSR"]),
        ("raters", a["SSC"], k - 1, a["MSC"]),
        ("residual", a["SSE"], (n - 1) * (k - 1), a["MSE"]),
        ("within units", a["SSW"], n * (k - 1), a["MSW"]),
    ]
    return pd.DataFrame(rows, columns=["source", "SS", "df", "MS"]).set_index("source")


def _fq(df1: float, df2: float) -> float:
    """Upper (1 - alpha/2) quantile of F(df1, df2)."""
    return float(stats.f.ppf(0.5 + CONFIDENCE / 2, df1, df2))


def _single(
    model: str, type_: str, a: dict[str, float], n: int, k: int
) -> tuple[float, float, float, float, float, float]:
    """(icc, low, high, F, df1, df2) for the single-rater form."""
    msr, msc, mse, msw = a["MSR"], a["MSC"], a["MSE"], a["MSW"]
    if model == "oneway":
        value = (msr - msw) / (msr + (k - 1) * msw)
        f_obs, df1, df2 = msr / msw if msw > 0 else np.inf, n - 1, n * (k - 1)
    elif type_ == "consistency":
        value = (msr - mse) / (msr + (k - 1) * mse)
        f_obs, df1, df2 = msr / mse if mse > 0 else np.inf, n - 1, (n - 1) * (k - 1)
    else:
        value = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        f_obs, df1, df2 = msr / mse if mse > 0 else np.inf, n - 1, (n - 1) * (k - 1)
    if model == "oneway" or type_ == "consistency":
        if not np.isfinite(f_obs):  # no within-unit error at all
            return value, 1.0, 1.0, f_obs, df1, df2
        f_low = f_obs / _fq(df1, df2)
        f_high = f_obs * _fq(df2, df1)
        low = (f_low - 1) / (f_low + k - 1)
        high = (f_high - 1) / (f_high + k - 1)
        return value, low, high, f_obs, df1, df2
    # McGraw & Wong (1996) case 2A / Fleiss & Shrout (1978) approximate interval
    rho = value
    if rho >= 1.0:
        return value, 1.0, 1.0, f_obs, df1, df2
    aa = k * rho / (n * (1 - rho))
    bb = 1 + k * rho * (n - 1) / (n * (1 - rho))
    denominator = (aa * msc) ** 2 / (k - 1) + (bb * mse) ** 2 / ((n - 1) * (k - 1))
    if denominator <= 0:  # no rater or residual variance left: the approximate df is undefined
        return value, np.nan, np.nan, f_obs, df1, df2
    v = (aa * msc + bb * mse) ** 2 / denominator
    f_star, f_star2 = _fq(n - 1, v), _fq(v, n - 1)
    low = n * (msr - f_star * mse) / (f_star * (k * msc + (k * n - k - n) * mse) + n * msr)
    high = n * (f_star2 * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_star2 * msr)
    return value, low, high, f_obs, df1, df2


def _step_up(x: float, k: int) -> float:
    """Spearman-Brown: reliability of the mean of k raters."""
    d = 1 + (k - 1) * x
    return k * x / d if d != 0 else -np.inf  # x = -1/(k-1): no variance between units


def icc(
    ratings: Any, model: str = "twoway", type: str = "agreement", unit: str = "single"
) -> ReliabilityResult:
    """Intraclass correlation for a units x raters table of numeric ratings.

    model ``oneway``/``twoway``; type ``agreement``/``consistency`` (two-way
    only); unit ``single``/``average``. Shrout & Fleiss ICC(1,1) is
    oneway/single, ICC(2,1) twoway/agreement/single, ICC(3,1)
    twoway/consistency/single; ``average`` gives ICC(1,k), (2,k), (3,k).
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; use 'oneway' or 'twoway'")
    if type not in TYPES:
        raise ValueError(f"unknown type {type!r}; use 'agreement' or 'consistency'")
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; use 'single' or 'average'")
    if model == "oneway" and type == "consistency":
        raise ValueError("the one-way model has no consistency form; use type='agreement'")
    y_all, n_input = _matrix(ratings)
    k = y_all.shape[1]
    complete = ~np.isnan(y_all).any(axis=1)
    y = y_all[complete]
    n = int(y.shape[0])
    sf = _SHROUT_FLEISS[(model, type)]
    form = f"ICC({sf},{1 if unit == 'single' else 'k'})"
    mw = {"oneway": "one-way random", "twoway": "two-way"}[model]
    statistic = f"{form} {mw}, {'absolute agreement' if type == 'agreement' else 'consistency'}, {unit} rater{'s' if unit == 'average' else ''}"
    details: dict[str, Any] = {
        "form": form,
        "model": model,
        "type": type,
        "unit": unit,
        "n_units_input": n_input,
        "n_units_dropped": n_input - n,
    }
    base: dict[str, Any] = {"n_units": n, "n_raters": k, "details": details}
    if k < 2:
        return undefined(statistic, "the ICC needs at least two raters", **base)
    if n < 2:
        return undefined(
            statistic,
            "fewer than two units were rated by every rater (units with a missing rating are left out)",
            **base,
        )
    a = _anova(y)
    table = _anova_table(a, n, k)
    base["table"] = table
    if a["MSR"] + a["MSW"] <= 0 or (model == "twoway" and a["MSR"] + a["MSE"] + a["MSC"] <= 0):
        return undefined(statistic, "all ratings are identical, so there is no variance to apportion", **base)
    if type == "consistency" and a["MSR"] + a["MSE"] <= 0:
        return undefined(
            statistic,
            "the raters differ only by a constant and the units not at all, so consistency is undefined",
            **base,
        )
    value, low, high, f_obs, df1, df2 = _single(model, type, a, n, k)
    if unit == "average":
        value, low, high = _step_up(value, k), _step_up(low, k), _step_up(high, k)
        if not np.isfinite(value):
            return undefined(
                statistic,
                "the units do not vary at all (the single-rater ICC is -1/(k-1)), so the "
                "average-measure ICC is undefined",
                **base,
            )
    details.update({"F": f_obs, "df1": df1, "df2": df2, **{m: a[m] for m in ("MSR", "MSC", "MSE", "MSW")}})
    return ReliabilityResult(
        statistic=statistic,
        value=float(value),
        ci_low=float(low),
        ci_high=float(high),
        ci_method="analytic: F-based interval (Shrout & Fleiss 1979; McGraw & Wong 1996)",
        **base,
    )
