"""The reliability report: every table, what was compared, plots (written as XLSX or HTML by
:mod:`workbench.exchange.reliability_report`).

Adapter seam: the store glue (later) turns project data into :class:`TextInput`,
:class:`TimedInput` and :class:`RatingsInput` (plain dataclasses of the input
types in ``text``, ``timed`` and ``ratings``) and calls :func:`build_report`,
then ``write_report``. The CLI and the reliability view do the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from workbench.model.tasks import TaskState
from workbench.model.wording import named

from ._binary import Comparison
from .events import compare_observations
from .ratings import Rating, rating_agreement
from .text import (
    TextCoding,
    Transcript,
    character_agreement,
    segment_agreement,
    segment_matching,
    sharing_index,
    text_alpha,
)
from .timed import ObservationPair, normalise_pair, sharing_records


@dataclass(frozen=True)
class TextInput:
    codings: Mapping[str, Sequence[TextCoding]]
    transcripts: Sequence[Transcript]
    coders: Sequence[str]
    min_overlap: float = 0.9
    min_chars: int = 1


@dataclass(frozen=True)
class TimedInput:
    pairs: Sequence[ObservationPair]
    names: tuple[str, str] = ("A", "B")
    unit_ms: int = 1000
    tolerance_ms: int = 0
    window_ms: int = 2000
    across_behaviours: bool = False
    timeline: str | None = None  # observation to draw (default: the first)
    labels: Mapping[str, str] = field(default_factory=dict)  # behaviour/subject code -> name, for plots


@dataclass(frozen=True)
class RatingsInput:
    ratings: pd.DataFrame | Sequence[Rating]
    raters: Sequence[str] | None = None
    scale_points: Mapping[str, Sequence[float]] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)  # task/scale code -> name, for plots


@dataclass
class ReliabilityReport:
    title: str
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    about: list[tuple[str, str]] = field(default_factory=list)  # (sheet, what was compared)
    figures: dict[str, bytes] = field(default_factory=dict)  # caption -> PNG
    comparisons: dict[str, Comparison] = field(default_factory=dict)  # sheet -> results behind its rows

    def add(self, name: str, table: pd.DataFrame, explanation: str) -> None:
        name = re.sub(r"[:\\/?*\[\]]", " -", name)[:31]  # characters and length Excel allows
        self.sheets[name] = table
        self.about.append((name, explanation))

    def add_comparison(self, comp: Comparison, name: str | None = None) -> None:
        self.add(name or comp.title, comp.table, comp.explanation)
        self.comparisons[list(self.sheets)[-1]] = comp

    KEY_COLUMNS = (
        ("code", "transcript"),
        ("behaviour", "observation"),
        ("observation",),
        ("behaviour",),
        ("task", "scale", "statistic"),
    )

    def result_of(self, sheet: str, row: int):
        """The result object behind row ``row`` of a sheet (with ``.table``, the table it came from), or None."""
        comp = self.comparisons.get(sheet)
        if comp is None or not 0 <= row < len(comp.table):
            return None
        values = comp.table.iloc[row]
        for cols in self.KEY_COLUMNS:
            if all(c in values.index for c in cols):
                key = tuple(values[c] for c in cols)
                if key in comp.results:
                    return comp.results[key]
        return None


def _text(report: ReliabilityReport, t: TextInput, plots: bool) -> None:
    with sharing_index():
        _text_tables(report, t, plots)


def _text_tables(report: ReliabilityReport, t: TextInput, plots: bool) -> None:
    if len(t.coders) == 2:
        chars = character_agreement(t.codings, t.transcripts, t.coders)
        segs = segment_agreement(t.codings, t.transcripts, t.coders, min_chars=t.min_chars)
        report.add_comparison(chars)
        report.add_comparison(segs)
        match, seg_rows = segment_matching(t.codings, t.transcripts, t.coders, min_overlap=t.min_overlap)
        report.add_comparison(match)
        unmatched = seg_rows[~seg_rows["matched"]] if len(seg_rows) else seg_rows
        report.add(
            "Text: unmatched segments",
            unmatched.reset_index(drop=True),
            "Every coded segment without a match at the minimum overlap: the disagreements to review.",
        )
        if plots:
            for comp, what in ((chars, "character"), (segs, "segment")):
                pooled = comp.table[comp.table["transcript"] == "(all transcripts)"]
                if len(pooled):
                    report.figures[
                        f"Per-code Cohen's kappa, {what} level, pooled over transcripts "
                        f"({t.coders[0]} vs {t.coders[1]})"
                    ] = _forest(pooled, "code", what)
    else:
        for level in ("character", "segment"):
            comp = text_alpha(t.codings, t.transcripts, t.coders, level=level, min_chars=t.min_chars)
            report.add_comparison(comp)
            if plots and len(comp.table):
                report.figures[f"Per-code Krippendorff's alpha, {level} level"] = _forest(
                    comp.table, "code", level
                )


def _forest(table: pd.DataFrame, label: str, what: str, names: Mapping[str, str] | None = None) -> bytes:
    from .plots import kappa_forest

    if names:
        table = table.assign(**{label: [named(str(v), names) for v in table[label]]})
    return kappa_forest(table, label, f"{what} level")


def _timed(report: ReliabilityReport, t: TimedInput, plots: bool) -> None:
    with sharing_records():
        _timed_tables(report, t, plots)


def _timed_tables(report: ReliabilityReport, t: TimedInput, plots: bool) -> None:
    r = compare_observations(t.pairs, t.names, t.unit_ms, t.tolerance_ms, t.window_ms, t.across_behaviours)
    settings = str(r["settings"])
    report.add(
        "Timed: side by side",
        r["side_by_side"],
        "Pooled over observations, per behaviour: time-unit "
        "kappa and event-based kappa side by side (Bakeman & Quera). " + settings,
    )
    for key in ("time_units", "time_units_behaviour", "events", "events_behaviour", "durations"):
        report.add_comparison(r[key])
    for key, name in (("time_units", "Time units: confusion"), ("events", "Events: confusion")):
        res = r[key].results.get(("(pooled)",))
        if res is not None:
            report.add(
                name,
                res.table.reset_index(),
                f"Pooled confusion matrix (rows {t.names[0]}, columns "
                f"{t.names[1]}) behind the pooled overall kappa. " + r[key].explanation,
            )
    ev = r["event_list"]
    report.add(
        "Events: disagreements",
        ev[ev["status"] != "agree"].reset_index(drop=True),
        "Every event that was not paired with the same behaviour: the disagreements to review.",
    )
    if plots and t.pairs:
        caption, png = timeline_figure(t, t.timeline)
        report.figures[caption] = png
        tu = r["time_units_behaviour"].table
        report.figures["Per-behaviour time-unit kappa, pooled"] = _forest(
            tu[tu["observation"] == "(pooled)"], "behaviour", "time-unit", t.labels
        )


TIMELINES = "Timelines of observation "


def timeline_figure(t: TimedInput, observation: str | None = None) -> tuple[str, bytes]:
    """(caption, PNG) of the two raters' timelines of one observation (default: the first), the time
    units where they differ highlighted."""
    from .plots import timelines

    if not t.pairs:
        raise ValueError("there are no observations to draw")
    pick = next((p for p in t.pairs if p.id == observation), t.pairs[0])
    ra, rb = normalise_pair(pick)
    labels = {k: named(k, t.labels) for k in {*ra.states, *ra.points, *rb.states, *rb.points}}
    return TIMELINES + pick.id, timelines(ra, rb, t.names, t.unit_ms, pick.id, labels)


def _ratings(report: ReliabilityReport, t: RatingsInput, plots: bool) -> None:
    comp = rating_agreement(t.ratings, t.raters, t.scale_points)
    report.add_comparison(comp)
    if plots:
        from .plots import scatter_bland_altman

        for (task, scale), wide in comp.data.items():
            if wide.shape[1] >= 2:
                label = named(f"{task}: {scale}" if task else str(scale), t.labels)
                report.figures[f"Ratings {label}"] = scatter_bland_altman(wide, label)


def build_report(
    text: TextInput | None = None,
    timed: TimedInput | None = None,
    ratings: RatingsInput | None = None,
    title: str = "Inter-rater reliability",
    plots: bool = True,
    progress=None,
    cancelled=None,
) -> ReliabilityReport:
    """Compute every table (and the plots) for the material given."""
    state = TaskState(progress, cancelled)
    report = ReliabilityReport(title)
    steps: list[tuple[str, Callable[[], None]]] = []
    if text is not None:
        steps.append(("text codings", partial(_text, report, text, plots)))
    if timed is not None:
        steps.append(("timed events", partial(_timed, report, timed, plots)))
    if ratings is not None:
        steps.append(("ratings", partial(_ratings, report, ratings, plots)))
    if not steps:
        raise ValueError("nothing to compare: give text codings, timed records or ratings")
    for i, (name, step) in enumerate(steps):
        state.check()
        state.report(i / len(steps), f"Comparing {name}")
        step()
    state.report(1.0, "Done")
    return report
