"""Present/absent comparisons: 2x2 tables, their kappa, pooling with a cluster bootstrap.

The 2x2 table is always ordered ``present``, ``absent`` for both raters, so the
chance term is the SUM over both categories, p_e = pA(present) pB(present) +
pA(absent) pB(absent) (Cohen 1960) — not a product of the two (QualCoder's fault).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .kappas import cohen_kappa_from_table
from .results import NAN, ReliabilityResult, bootstrap_interval

NO_INTERVAL_UNITS = "none: the units (characters or time units) of one record are not independent"
CLUSTER_METHOD = "percentile bootstrap over {what} (1000 resamples, fixed seed); each {one}'s table resampled whole"


def table2(both: float, a_only: float, b_only: float, neither: float) -> np.ndarray:
    """Rows: rater A present/absent; columns: rater B present/absent."""
    return np.array([[both, a_only], [b_only, neither]], dtype=float)


def kappa_tables(cells: np.ndarray) -> np.ndarray:
    """Unweighted Cohen's kappa of many q x q tables at once (..., q, q); NaN where undefined."""
    n = cells.sum(axis=(-1, -2))
    with np.errstate(invalid="ignore", divide="ignore"):
        po = np.trace(cells, axis1=-2, axis2=-1) / n
        pe = (cells.sum(axis=-1) * cells.sum(axis=-2)).sum(axis=-1) / n**2
        out = (po - pe) / (1 - pe)
    return np.where(np.isclose(pe, 1.0) | (n == 0), NAN, out)


def binary_kappa(
    table: np.ndarray, names: tuple[str, str], labels: tuple[str, str] = ("present", "absent")
) -> ReliabilityResult:
    """Cohen's kappa of one 2x2 table, with the table labelled for display."""
    return cohen_kappa_from_table(table, list(labels), names=names)


def percent(table: np.ndarray) -> float:
    n = table.sum()
    return float(np.trace(table) / n) if n > 0 else NAN


def without_interval(result: ReliabilityResult, method: str = NO_INTERVAL_UNITS) -> ReliabilityResult:
    return dataclasses.replace(result, ci_low=NAN, ci_high=NAN, se=None, ci_method=method)


def pooled_kappa(
    tables: np.ndarray, names: tuple[str, str], what: str, one: str,
    labels: Sequence[Any] = ("present", "absent"),
) -> ReliabilityResult:
    """Kappa of the summed q x q tables; interval by resampling whole clusters (records)."""
    total = tables.sum(axis=0)
    result = cohen_kappa_from_table(total, list(labels), names=names)
    if not result.defined or len(tables) < 2:
        return without_interval(result, "none: fewer than two records to resample" if result.defined else "")
    q = tables.shape[-1]
    flat = tables.reshape(len(tables), q * q)

    def boot(mult: np.ndarray) -> np.ndarray:
        return kappa_tables((mult @ flat).reshape(-1, q, q))

    low, high, se = bootstrap_interval(len(tables), boot)
    return dataclasses.replace(
        result, ci_low=low, ci_high=high, se=se, ci_method=CLUSTER_METHOD.format(what=what, one=one)
    )


def summary_row(result: ReliabilityResult, table: np.ndarray | None = None, **keys: Any) -> dict[str, Any]:
    """One row of a results table: the keys, the value, its interval and how it was obtained."""
    row: dict[str, Any] = dict(keys)
    if table is not None and table.shape == (2, 2):
        row.update(
            {"both": table[0, 0], "A only": table[0, 1], "B only": table[1, 0], "neither": table[1, 1]}
        )
        row["percent agreement"] = percent(table)
    row.update(
        {
            "statistic": result.statistic,
            "value": result.value,
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "observed": result.observed,
            "chance": result.chance,
            "n_units": result.n_units,
            "interval": result.ci_method,
            "reason": result.reason,
        }
    )
    return row


@dataclasses.dataclass(frozen=True)
class Comparison:
    """A results table plus the result object (and its source table) behind each row."""

    title: str
    table: pd.DataFrame
    results: Mapping[tuple[Any, ...], ReliabilityResult]
    explanation: str
    data: Mapping[Any, pd.DataFrame] = dataclasses.field(default_factory=dict)

    def source_table(self, *key: Any) -> pd.DataFrame:
        """The contingency/coincidence table a number came from."""
        return self.results[tuple(key)].table
