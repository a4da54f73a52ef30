"""Input normalisation: ratings tables, categories, weights.

A *ratings table* is a sequence of units, each a sequence holding one value per
rater (the same number of raters for every unit). ``None``, NaN and ``pd.NA``
mean "this rater did not rate this unit".
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

WEIGHT_NAMES = ("unweighted", "linear", "quadratic")


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    if isinstance(result, (bool, np.bool_)):
        return bool(result)
    raise ValueError(f"a rating must be a single value, got {value!r}")


def is_number(value: Any) -> bool:
    """True for real numbers (bool counts as 0/1); strings are not numbers."""
    return isinstance(value, numbers.Real)


def _as_units(ratings: Any) -> list[list[Any]]:
    """Turn a table-like input into a list of units (lists of raw values)."""
    if isinstance(ratings, pd.DataFrame):
        return [list(row) for row in ratings.itertuples(index=False, name=None)]
    if isinstance(ratings, np.ndarray):
        if ratings.ndim != 2:
            raise ValueError(
                f"ratings must be 2-dimensional (units x raters), got {ratings.ndim} dimension(s)"
            )
        return [list(row) for row in ratings.tolist()]
    if isinstance(ratings, (str, bytes)) or not isinstance(ratings, Sequence | pd.Series):
        raise ValueError("ratings must be a sequence of units, each a sequence of the raters' values")
    units: list[list[Any]] = []
    for i, unit in enumerate(ratings):
        if isinstance(unit, (str, bytes)) or not isinstance(unit, Sequence | np.ndarray | pd.Series):
            raise ValueError(f"unit {i} is {unit!r}; each unit must be a sequence with one value per rater")
        units.append(list(unit))
    return units


@dataclass(frozen=True)
class Coded:
    """Ratings coded as category indices (-1 = missing)."""

    codes: np.ndarray  # int, units x raters
    categories: tuple[Any, ...]
    n_raters: int

    @property
    def q(self) -> int:
        return len(self.categories)

    def counts(self) -> np.ndarray:
        """Units x categories table: how many raters put unit i in category k."""
        n = self.codes.shape[0]
        out = np.zeros((n, self.q), dtype=float)
        rows, cols = np.nonzero(self.codes >= 0)
        np.add.at(out, (rows, self.codes[rows, cols]), 1.0)
        return out

    def scores(self) -> np.ndarray:
        """Numeric position of each category: its value if all are numbers, else 1..q."""
        return category_scores(self.categories)


def category_scores(categories: Sequence[Any]) -> np.ndarray:
    if categories and all(is_number(c) for c in categories):
        return np.array([float(c) for c in categories], dtype=float)
    return np.arange(1, len(categories) + 1, dtype=float)


def _order_categories(observed: list[Any]) -> tuple[Any, ...]:
    try:
        return tuple(sorted(observed))
    except TypeError:
        return tuple(observed)  # mixed types: order of first appearance


def rectangular_units(ratings: Any) -> tuple[list[list[Any]], int]:
    """The units of a ratings table and the number of raters; ValueError when empty or ragged."""
    units = _as_units(ratings)
    if not units:
        raise ValueError("ratings is empty: there are no units")
    widths = {len(u) for u in units}
    if len(widths) != 1:
        raise ValueError(
            "ragged ratings: every unit must have one entry per rater (use None for a missing "
            f"rating); found units with {sorted(widths)} entries"
        )
    return units, widths.pop()


def code_ratings(ratings: Any, categories: Sequence[Any] | None = None) -> Coded:
    """Validate a ratings table and code it against the categories.

    Raises ValueError for ragged units, an empty table, or a value outside the
    given ``categories``.
    """
    units, n_raters = rectangular_units(ratings)
    if n_raters == 0:
        raise ValueError("ratings has no raters (units are empty)")

    index: dict[Any, int] = {}
    if categories is not None:
        cats = list(categories)
        for c in cats:
            if is_missing(c):
                raise ValueError("categories must not contain a missing value")
            if c in index:
                raise ValueError(f"category {c!r} is listed twice")
            index[c] = len(index)
    observed: list[Any] = []
    seen: set[Any] = set()
    raw = [[None if is_missing(v) else v for v in unit] for unit in units]
    for unit in raw:
        for v in unit:
            if v is None:
                continue
            try:
                new = v not in seen
            except TypeError as exc:
                raise ValueError(f"rating {v!r} is not a hashable single value") from exc
            if new:
                seen.add(v)
                observed.append(v)
    if categories is None:
        cats = list(_order_categories(observed))
        index = {c: i for i, c in enumerate(cats)}
    else:
        unknown = [v for v in observed if v not in index]
        if unknown:
            raise ValueError(f"ratings contain values not in categories: {unknown[:5]!r}")
    codes = np.full((len(raw), n_raters), -1, dtype=np.int64)
    for i, unit in enumerate(raw):
        for j, v in enumerate(unit):
            if v is not None:
                codes[i, j] = index[v]
    return Coded(codes=codes, categories=tuple(cats), n_raters=n_raters)


def two_raters(a: Any, b: Any) -> list[list[Any]]:
    """Zip two raters' sequences into a units x 2 table (equal lengths required)."""
    for name, seq in (("a", a), ("b", b)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence | np.ndarray | pd.Series):
            raise ValueError(f"{name} must be a sequence of one rater's values")
    a_list, b_list = list(a), list(b)
    if len(a_list) != len(b_list):
        raise ValueError(
            f"the two raters rated different numbers of units ({len(a_list)} and {len(b_list)}); "
            "use None for a missing rating"
        )
    return [[x, y] for x, y in zip(a_list, b_list, strict=True)]


def weight_matrix(scores: np.ndarray, weights: str | None) -> tuple[np.ndarray, str]:
    """Agreement weights (1 on the diagonal) as Gwet defines them; returns (W, name)."""
    name = "unweighted" if weights is None else weights
    if not isinstance(name, str) or name not in WEIGHT_NAMES:
        raise ValueError(f"unknown weights {weights!r}; use None, 'linear' or 'quadratic'")
    q = len(scores)
    if name == "unweighted" or q < 2:
        return np.eye(q), name
    span = float(scores.max() - scores.min())
    diff = np.abs(scores[:, None] - scores[None, :]) / span
    w = 1.0 - diff if name == "linear" else 1.0 - diff**2
    return w, name
