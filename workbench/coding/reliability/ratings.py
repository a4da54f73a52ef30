"""Agreement on global rating scales, per task and scale (Qt-free).

Input: a long table, one row per rating — columns ``unit`` (the rated epoch,
e.g. participant x timepoint x task), ``scale``, ``rater``, ``value`` and
optionally ``task`` — as a DataFrame or a sequence of :class:`Rating`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ._binary import Comparison, summary_row
from .agreement import percent_agreement
from .icc import icc
from .kappas import cohen_kappa
from .krippendorff import krippendorff_alpha
from .results import ReliabilityResult, undefined

COLUMNS = ("unit", "scale", "rater", "value")


@dataclass(frozen=True)
class Rating:
    unit: str
    scale: str
    rater: str
    value: float | None
    task: str = ""


def _frame(ratings: pd.DataFrame | Sequence[Rating]) -> pd.DataFrame:
    df = ratings.copy() if isinstance(ratings, pd.DataFrame) else pd.DataFrame([asdict(r) for r in ratings])
    missing = [c for c in COLUMNS if c not in df.columns]
    if df.empty:
        raise ValueError("there are no ratings to compare")
    if missing:
        raise ValueError(f"the ratings table lacks column(s) {missing}")
    if "task" not in df.columns:
        df["task"] = ""
    df["value"] = pd.to_numeric(df["value"], errors="raise")
    dup = df.duplicated(["task", "scale", "unit", "rater"])
    if dup.any():
        r = df[dup].iloc[0]
        raise ValueError(f"rater {r['rater']!r} rated unit {r['unit']!r} on scale {r['scale']!r} twice")
    return df


def within(matrix: np.ndarray, distance: float, table: pd.DataFrame | None = None) -> ReliabilityResult:
    """Share of rater pairs within ``distance`` of each other, averaged over units rated by 2+ raters;
    ``table`` (the units x raters values) is kept as the table the share came from."""
    shares = []
    for row in matrix:
        v = row[~np.isnan(row)]
        if v.size >= 2:
            shares.append(np.mean([abs(x - y) <= distance + 1e-9 for x, y in combinations(v, 2)]))
    name = "Exact agreement" if distance == 0 else f"Agreement within {distance:g}"
    kept: dict[str, Any] = {} if table is None else {"table": table}
    if not shares:
        return undefined(name, "no unit was rated by two or more raters", n_raters=matrix.shape[1], **kept)
    return ReliabilityResult(
        statistic=name,
        value=float(np.mean(shares)),
        observed=float(np.mean(shares)),
        n_units=len(shares),
        n_raters=matrix.shape[1],
        ci_method="none (a descriptive share)",
        **kept,
    )


def _scale_stats(wide: pd.DataFrame, categories: Sequence[float] | None) -> list[ReliabilityResult]:
    m = wide.to_numpy(dtype=float)
    rows = m.tolist()
    out = [
        icc(rows, model="twoway", type="agreement", unit="single"),
        icc(rows, model="twoway", type="agreement", unit="average"),
    ]
    if m.shape[1] == 2:
        a, b = m[:, 0].tolist(), m[:, 1].tolist()
        cats = None if categories is None else list(categories)
        out += [
            cohen_kappa(a, b, weights="linear", categories=cats),
            cohen_kappa(a, b, weights="quadratic", categories=cats),
        ]
    out.append(percent_agreement(rows, categories=None if categories is None else list(categories)))
    out[-1] = dataclasses.replace(out[-1], statistic="Exact agreement")
    out.append(within(m, 1, wide))
    for level in ("ordinal", "interval"):
        out.append(krippendorff_alpha(rows, level=level))
    return out


def rating_agreement(
    ratings: pd.DataFrame | Sequence[Rating],
    raters: Sequence[str] | None = None,
    scale_points: Mapping[str, Sequence[float]] | None = None,
) -> Comparison:
    """Per task and scale: ICC(2,1), ICC(2,k), weighted kappa (linear, quadratic; two raters),
    exact and within-one agreement, Krippendorff's alpha (ordinal, interval).

    ``scale_points`` gives each scale's possible values (e.g. 1..7) so that the
    kappa weights span the whole scale, not just the values used.
    """
    df = _frame(ratings)
    if raters is not None:
        df = df[df["rater"].isin(list(raters))]
    order = list(raters) if raters is not None else sorted(df["rater"].unique())
    rows, results, data = [], {}, {}
    for (task, scale), g in df.groupby(["task", "scale"], sort=True):
        wide = g.pivot(index="unit", columns="rater", values="value").reindex(columns=order)
        data[(task, scale)] = wide
        pts = None if scale_points is None else scale_points.get(str(scale))
        if pts is not None:
            bad = sorted(set(g["value"].dropna()) - set(pts))
            if bad:
                raise ValueError(f"scale {scale!r} has values {bad[:5]} outside its points")
        for res in _scale_stats(wide, pts):
            results[(task, scale, res.statistic)] = res
            rows.append(summary_row(res, task=task, scale=scale, raters=len(order)))
    return Comparison(
        "Ratings",
        pd.DataFrame(rows),
        results,
        "Per task and scale, the units x raters table of values. ICC: two-way, absolute agreement "
        "(Shrout & Fleiss ICC(2,1) single and ICC(2,k) average), units with a missing rating left out. "
        "Weighted kappa (two raters) uses the numeric values (or the scale's points) for the weights. Exact / "
        "within-one agreement: share of rater pairs whose values are equal / differ by at most 1, averaged over "
        "units. Krippendorff's alpha keeps units with missing ratings.",
        data=data,
    )
