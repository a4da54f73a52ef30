"""Report figures as PNG bytes (matplotlib, Agg backend; no window, no Qt)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .timed import Record, unit_matrix  # noqa: E402


@dataclass(frozen=True)
class AxesLabels:
    """What one plot of a figure shows: its title and axis titles."""

    title: str
    xlabel: str
    ylabel: str


class Png(bytes):
    """A figure's PNG bytes that also say what its plots show (``axes``, ``suptitle``): a viewer or a
    test can tell which plot it is without reading pixels. Plain bytes everywhere else."""

    axes: tuple[AxesLabels, ...] = ()
    suptitle: str = ""


def _png(fig: Figure) -> Png:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    out = Png(buf.getvalue())
    out.axes = tuple(AxesLabels(ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes)
    out.suptitle = fig.get_suptitle()
    plt.close(fig)
    return out


def kappa_forest(table: pd.DataFrame, label: str, title: str) -> Png:
    """Point estimates with their intervals, one row per ``label`` (NaN values shown as gaps)."""
    t = table.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(t) + 1.2))
    y = np.arange(len(t))[::-1]
    v, lo, hi = (t[c].to_numpy(dtype=float) for c in ("value", "ci_low", "ci_high"))
    has = np.isfinite(lo) & np.isfinite(hi)
    # a percentile bootstrap interval need not contain the estimate: draw the interval, mark the estimate
    ax.hlines(y[has], lo[has], hi[has], color="#1f5f8b")
    ax.plot(v[has], y[has], "o", color="#1f5f8b")
    ax.plot(v[~has], y[~has], "o", color="#1f5f8b", mfc="white")
    ax.set_yticks(y, [str(s) for s in t[label]])
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlim(min(-0.1, np.nanmin(np.r_[lo, v, 0]) - 0.05), 1.05)
    ax.set_xlabel("value (95 % CI; open circle: no interval)")
    ax.set_title(title, fontsize=10)
    return _png(fig)


def timelines(
    ra: Record,
    rb: Record,
    names: tuple[str, str],
    unit_ms: int,
    title: str,
    labels: dict[str, str] | None = None,
) -> Png:
    """Two raters' records one above the other; time units where they differ shaded red; ``labels``
    names the behaviour keys (default: the keys)."""
    keys = sorted(set(ra.states) | set(ra.points) | set(rb.states) | set(rb.points))
    ma, mb = unit_matrix(ra, keys, unit_ms), unit_matrix(rb, keys, unit_ms)
    differ = np.r_[False, (ma != mb).any(axis=1), False].astype(np.int8)
    edges = np.diff(differ)  # runs of differing units, drawn as one bar each
    first, last = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    spans = [
        (i * unit_ms / 1000, min(j * unit_ms / 1000, ra.duration_ms / 1000) - i * unit_ms / 1000)
        for i, j in zip(first.tolist(), last.tolist())
    ]
    fig, axes = plt.subplots(2, 1, figsize=(9, 0.35 * max(len(keys), 1) * 2 + 1.5), sharex=True)
    end = ra.duration_ms / 1000
    for ax, rec, name in zip(axes, (ra, rb), names):
        for j, k in enumerate(keys):
            if k in rec.states:
                s, e = rec.states[k]
                ax.broken_barh(list(zip(s / 1000, (e - s) / 1000)), (j - 0.35, 0.7), color=f"C{j % 10}")
            if k in rec.points:
                ax.plot(rec.points[k] / 1000, np.full(rec.points[k].size, j), "|", ms=10, color=f"C{j % 10}")
        ylim = ax.get_ylim()
        ax.broken_barh(spans, (0, 1), transform=ax.get_xaxis_transform(), color="red", alpha=0.15, lw=0)
        ax.set_ylim(ylim)
        ax.set_yticks(range(len(keys)), [(labels or {}).get(k, k) for k in keys])
        ax.set_ylabel(name)
        ax.set_xlim(0, end)
    axes[0].set_title(title, fontsize=10)
    axes[1].set_xlabel(f"seconds (red: {unit_ms} ms units whose behaviour sets differ)")
    return _png(fig)


def scatter_bland_altman(wide: pd.DataFrame, title: str) -> Png:
    """Rater 1 vs rater 2 (with the identity line) and the Bland-Altman plot of their differences."""
    both = wide.iloc[:, :2].dropna()
    a, b = both.iloc[:, 0].to_numpy(float), both.iloc[:, 1].to_numpy(float)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    ax1.scatter(a, b, alpha=0.6)
    lo, hi = (np.nanmin(np.r_[a, b]), np.nanmax(np.r_[a, b])) if a.size else (0, 1)
    ax1.plot([lo, hi], [lo, hi], color="grey", lw=0.8)
    ax1.set_xlabel(str(both.columns[0]))
    ax1.set_ylabel(str(both.columns[1]))
    ax1.set_title("Scatter (grey: identity line)", fontsize=9)
    mean, diff = (a + b) / 2, a - b
    ax2.scatter(mean, diff, alpha=0.6)
    if diff.size >= 2:
        bias, sd = diff.mean(), diff.std(ddof=1)
        for yv, style in ((bias, "-"), (bias + 1.96 * sd, "--"), (bias - 1.96 * sd, "--")):
            ax2.axhline(yv, color="grey", ls=style, lw=0.8)
    ax2.set_xlabel("mean of the two raters")
    ax2.set_ylabel(f"{both.columns[0]} - {both.columns[1]}")
    ax2.set_title("Bland-Altman (bias, ±1.96 SD)", fontsize=9)
    fig.suptitle(title, fontsize=10)
    return _png(fig)
