"""The result object every reliability statistic returns, and interval helpers."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

NAN = float("nan")
CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20_240_611


@dataclass(frozen=True)
class ReliabilityResult:
    """One reliability coefficient with what it was computed from.

    ``value`` is NaN when the coefficient is undefined for the data; ``reason``
    then says why (it is empty otherwise). ``observed``/``chance`` are the
    observed and chance agreement for chance-corrected coefficients (None where
    they do not apply). ``table`` is the table the number came from.
    """

    statistic: str
    value: float
    n_units: int
    n_raters: int
    ci_low: float = NAN
    ci_high: float = NAN
    observed: float | None = None
    chance: float | None = None
    se: float | None = None
    ci_method: str = ""
    reason: str = ""
    weights: str | None = None
    table: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    details: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @property
    def defined(self) -> bool:
        return not math.isnan(self.value)


ALL_ONE_CATEGORY = (
    "all ratings in one category: chance agreement is 1, so agreement beyond chance is undefined "
    "(observed agreement is trivially perfect)"
)
CHANCE_IS_ONE = "chance agreement is 1, so the coefficient is undefined"

# (words in a reason, the short form people read) — first match wins; see :func:`undefined_label`
_SHORT_REASONS = (
    (
        ("one category", "all pairable values are the same", "only one value", "identical"),
        "all ratings in one category",
    ),
    (("do not vary", "differ only by a constant"), "no variation between units"),
    (("nothing to compare", "no unit was", "fewer than two units", "no segments"), "nothing to compare"),
    (("at least two raters",), "fewer than two raters"),
    (("chance agreement is 1", "expected disagreement is zero"), "chance agreement is 1"),
)


def undefined_label(reason: str) -> str:
    """What a table shows instead of NaN: "undefined (all ratings in one category)" and the like."""
    low = reason.lower()
    for words, short in _SHORT_REASONS:
        if any(w in low for w in words):
            return f"undefined ({short})"
    return f"undefined ({reason})" if reason else "undefined"


def undefined(statistic: str, reason: str, **kwargs: Any) -> ReliabilityResult:
    """A result whose value is NaN, with the reason."""
    kwargs.setdefault("n_units", 0)
    kwargs.setdefault("n_raters", 0)
    return ReliabilityResult(statistic=statistic, value=NAN, reason=reason, **kwargs)


def t_interval(value: float, se: float, n: int, lo: float = -1.0, hi: float = 1.0) -> tuple[float, float]:
    """value +/- t(n-1) * se, clipped to [lo, hi] (as Gwet's irrCAC reports it)."""
    if n < 2 or not np.isfinite(se) or not np.isfinite(value):
        return NAN, NAN
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * se
    return max(lo, value - half), min(hi, value + half)


def t_intervals(
    value: np.ndarray, se: np.ndarray, n: np.ndarray, lo: float = -1.0, hi: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`t_interval` for arrays at once (one quantile call for all); same numbers."""
    value, se, n = (np.asarray(x, dtype=float) for x in (value, se, n))
    ok = (n >= 2) & np.isfinite(se) & np.isfinite(value)
    half = np.full(value.shape, NAN)
    if ok.any():
        half[ok] = stats.t.ppf(0.5 + CONFIDENCE / 2, n[ok] - 1) * se[ok]
    with np.errstate(invalid="ignore"):
        return np.where(ok, np.maximum(lo, value - half), NAN), np.where(
            ok, np.minimum(hi, value + half), NAN
        )


def bootstrap_interval(
    n_units: int,
    statistic: Callable[[np.ndarray], np.ndarray],
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    chunk: int = 100,
) -> tuple[float, float, float]:
    """Percentile bootstrap over units with a fixed seed; returns (low, high, se).

    ``statistic`` receives a (resamples x n_units) matrix of how often each unit
    was drawn and returns one value per row (NaN where undefined).
    """
    if n_units < 2:
        return NAN, NAN, NAN
    values = [np.asarray(statistic(mult), dtype=float) for mult in _draws(n_units, resamples, seed, chunk)]
    est = np.concatenate(values)
    est = est[np.isfinite(est)]
    if est.size < resamples // 2:
        return NAN, NAN, NAN
    alpha = (1 - CONFIDENCE) / 2
    low, high = np.quantile(est, [alpha, 1 - alpha])
    return float(low), float(high), float(est.std(ddof=1))


def _draws(n_units: int, resamples: int, seed: int, chunk: int) -> tuple[np.ndarray, ...]:
    """The resampling counts, chunk by chunk; the same for every statistic over as many units
    (fixed seed), so they are kept for reuse when small."""
    key = (n_units, resamples, seed, chunk)
    if key in _DRAWS:
        return _DRAWS[key]
    rng = np.random.default_rng(seed)
    out, done = [], 0
    while done < resamples:
        b = min(chunk, resamples - done)
        draws = rng.integers(0, n_units, size=(b, n_units))
        rows = np.repeat(np.arange(b) * n_units, n_units)
        mult = np.bincount(rows + draws.ravel(), minlength=b * n_units).reshape(b, n_units).astype(float)
        mult.flags.writeable = False
        out.append(mult)
        done += b
    if n_units * resamples <= _DRAWS_KEPT_CELLS:
        if len(_DRAWS) >= 8:
            _DRAWS.pop(next(iter(_DRAWS)))
        _DRAWS[key] = tuple(out)
    return tuple(out)


_DRAWS: dict[tuple[int, int, int, int], tuple[np.ndarray, ...]] = {}
_DRAWS_KEPT_CELLS = 2_000_000  # 16 MB of counts at most per entry


BOOTSTRAP_METHOD = f"percentile bootstrap over units ({BOOTSTRAP_RESAMPLES} resamples, seed {BOOTSTRAP_SEED})"
