"""Present/absent comparisons: 2x2 tables, their kappa, pooling with a cluster bootstrap.

The 2x2 table is always ordered ``present``, ``absent`` for both raters, so the
chance term is the SUM over both categories, p_e = pA(present) pB(present) +
pA(absent) pB(absent) (Cohen 1960) — not a product of the two (QualCoder's fault).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .kappas import ANALYTIC, REASONS, cohen_kappa_from_table, kappa_arrays
from .results import NAN, ReliabilityResult, bootstrap_interval

NO_INTERVAL_UNITS = "none: the units (characters or time units) of one record are not independent"
CLUSTER_METHOD = (
    "percentile bootstrap over {what} (1000 resamples, fixed seed); each {one}'s table resampled whole"
)


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


def percent(table: np.ndarray) -> float:
    n = table.sum()
    return float(np.trace(table) / n) if n > 0 else NAN


def without_interval(result: ReliabilityResult, method: str = NO_INTERVAL_UNITS) -> ReliabilityResult:
    return dataclasses.replace(result, ci_low=NAN, ci_high=NAN, se=None, ci_method=method)


def pooled_kappa(
    tables: np.ndarray,
    names: tuple[str, str],
    what: str,
    one: str,
    labels: Sequence[Any] = ("present", "absent"),
) -> ReliabilityResult:
    """Kappa of the summed q x q tables; interval by resampling whole clusters (records)."""
    total = tables.sum(axis=0)
    result = cohen_kappa_from_table(total, list(labels), names=names)
    if not result.defined or len(tables) < 2:
        return without_interval(result, "none: fewer than two records to resample" if result.defined else "")
    # a resampled sum of tables has the resampled sums of their margins and diagonals: compute kappa
    # from those (the counts are whole or half numbers, so every sum is exact, as in kappa_tables)
    n_, diag = tables.sum(axis=(-1, -2)), np.trace(tables, axis1=-2, axis2=-1)
    rows_, cols_ = tables.sum(axis=-1), tables.sum(axis=-2)

    def boot(mult: np.ndarray) -> np.ndarray:
        n = mult @ n_
        with np.errstate(invalid="ignore", divide="ignore"):
            po = (mult @ diag) / n
            pe = ((mult @ rows_) * (mult @ cols_)).sum(axis=-1) / n**2
            out = (po - pe) / (1 - pe)
        return np.where(np.isclose(pe, 1.0) | (n == 0), NAN, out)

    low, high, se = bootstrap_interval(len(tables), boot)
    return dataclasses.replace(
        result, ci_low=low, ci_high=high, se=se, ci_method=CLUSTER_METHOD.format(what=what, one=one)
    )


class LazyResults(Mapping):
    """Result objects built only when one is looked up (each with its DataFrame table).

    ``factories`` maps a key to a function returning its :class:`ReliabilityResult`;
    ``ready`` holds results already built. The table rows are computed in one
    vectorised pass; opening a row builds its full result by the scalar path.
    """

    def __init__(
        self,
        factories: Mapping[tuple[Any, ...], Callable[[], ReliabilityResult]] | None = None,
        ready: Mapping[tuple[Any, ...], ReliabilityResult] | None = None,
    ):
        self._factories: dict[tuple[Any, ...], Callable[[], ReliabilityResult]] = dict(factories or {})
        self._built: dict[tuple[Any, ...], ReliabilityResult] = dict(ready or {})
        self._order = list(self._factories) + [k for k in self._built if k not in self._factories]

    def put(self, key: tuple[Any, ...], value: ReliabilityResult | Callable[[], ReliabilityResult]) -> None:
        if key not in self._factories and key not in self._built:
            self._order.append(key)
        if isinstance(value, ReliabilityResult):
            self._built[key] = value
        else:
            self._factories[key] = value

    def __getitem__(self, key: tuple[Any, ...]) -> ReliabilityResult:
        if key not in self._built:
            self._built[key] = self._factories[key]()  # KeyError for unknown keys
        return self._built[key]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._built or key in self._factories


ROW_FIELDS = (
    "statistic",
    "value",
    "ci_low",
    "ci_high",
    "observed",
    "chance",
    "n_units",
    "interval",
    "reason",
)


def kappa_columns(tables: np.ndarray, interval: bool = True) -> dict[str, list[Any]]:
    """The summary-row fields of Cohen's kappa for a stack of tables (N, q, q), vectorised.

    Equal, value for value, to :func:`summary_row` of :func:`cohen_kappa_from_table`
    for each table (``interval=False``: as :func:`without_interval` leaves it).
    """
    tables = np.asarray(tables, dtype=float)
    n_tab, q = tables.shape[0], tables.shape[-1]
    total = tables.reshape(n_tab, -1).sum(axis=-1)
    whole = total == np.round(total)
    n = np.where(whole, np.round(total), total)
    k = kappa_arrays(tables, n, np.eye(q))
    ok = k["code"] == 0
    n_units: list[Any] = [int(x) if w else float(x) for x, w in zip(n.tolist(), whole.tolist())]
    if interval:
        low, high, how = k["ci_low"], k["ci_high"], [ANALYTIC if o else "" for o in ok.tolist()]
    else:
        low = high = np.full(n_tab, NAN)
        how = [NO_INTERVAL_UNITS] * n_tab
    nones = [None] * n_tab
    return {
        "statistic": ["Cohen's kappa"] * n_tab,
        "value": k["value"].tolist(),
        "ci_low": low.tolist(),
        "ci_high": high.tolist(),
        "observed": [v if o else None for v, o in zip(k["observed"].tolist(), ok.tolist())]
        if n_tab
        else nones,
        "chance": [v if o else None for v, o in zip(k["chance"].tolist(), ok.tolist())] if n_tab else nones,
        "n_units": n_units,
        "interval": how,
        "reason": [REASONS.get(c, "") for c in k["code"].tolist()],
    }


def table2_columns(tables: np.ndarray) -> dict[str, list[Any]]:
    """The cell and percent-agreement fields :func:`summary_row` adds for 2x2 tables."""
    t = np.asarray(tables, dtype=float).reshape(-1, 2, 2)
    n = t.reshape(len(t), 4).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pc = np.where(n > 0, (t[:, 0, 0] + t[:, 1, 1]) / n, NAN)
    return {
        "both": t[:, 0, 0].tolist(),
        "A only": t[:, 0, 1].tolist(),
        "B only": t[:, 1, 0].tolist(),
        "neither": t[:, 1, 1].tolist(),
        "percent agreement": pc.tolist(),
    }


def kappa_factory(
    table: np.ndarray, labels: Sequence[Any], names: tuple[str, str], interval: bool = True
) -> Callable[[], ReliabilityResult]:
    """The deferred scalar-path result of one table (see :class:`LazyResults`)."""

    def build() -> ReliabilityResult:
        res = cohen_kappa_from_table(table, list(labels), names=names)
        return res if interval else without_interval(res)

    return build


def record_rows(
    keys: Mapping[str, Sequence[Any]],
    tables: np.ndarray,
    *,
    interval: bool = True,
    cells: bool = False,
    extra: Mapping[str, Sequence[Any]] | None = None,
    tail: Mapping[str, Sequence[Any]] | None = None,
) -> dict[str, list[Any]]:
    """Columns of :func:`summary_row` rows for many records at once, in the same column order:
    ``keys``, the 2x2 cells (``cells``), ``extra``, the kappa fields, then ``tail``."""
    out: dict[str, list[Any]] = {k: list(v) for k, v in keys.items()}
    if cells:
        out.update(table2_columns(tables))
    out.update({k: list(v) for k, v in (extra or {}).items()})
    out.update(kappa_columns(tables, interval))
    out.update({k: list(v) for k, v in (tail or {}).items()})
    return out


def with_pooled(per: Mapping[str, list[Any]], pooled: Sequence[Mapping[str, Any]], size: int) -> pd.DataFrame:
    """Rows ``per`` in blocks of ``size``, each block followed by its pooled row (same columns)."""
    cols = list(per) or (list(pooled[0]) if pooled else [])
    out: dict[str, list[Any]] = {c: [] for c in cols}
    for i, row in enumerate(pooled):
        for c in cols:
            out[c].extend(per[c][i * size : (i + 1) * size] if c in per else [None] * size)
            out[c].append(row.get(c))
    return pd.DataFrame(out, columns=cols) if cols else pd.DataFrame()


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
