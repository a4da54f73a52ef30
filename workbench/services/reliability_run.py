"""Build the reliability report for a project's material: the one function the CLI and the view call.

Qt-free long work (``progress``/``cancelled`` as ``workbench.model.tasks.TaskState`` takes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from workbench.coding.observation import format_ms
from workbench.coding.reliability.report import ReliabilityReport, build_report
from workbench.coding.side_by_side import Lane, Mark, SideBySide, event_lanes, lane_label, window_around
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.tasks import TaskState
from workbench.model.wording import counted
from workbench.store import reliability_data as rd
from workbench.store import visibility
from workbench.store.engine import Database, retrying

MATERIALS = rd.MATERIALS


@dataclass(frozen=True)
class Settings:
    """What to compare and how (time settings in ms; text overlap a fraction)."""

    material: str = "transcripts"
    coders: tuple[str, ...] | None = None
    unit_ms: int = 1000
    tolerance_ms: int = 0
    window_ms: int = 2000
    min_overlap: float = 0.9
    min_chars: int = 1
    plots: bool = True

    def check(self) -> None:
        if self.material not in MATERIALS:
            raise WorkbenchError(f"Unknown material {self.material!r}: use {', '.join(MATERIALS)}.")
        if self.unit_ms <= 0:
            raise WorkbenchError("The time unit must be a positive number of ms.")
        if self.tolerance_ms < 0 or self.window_ms < 0:
            raise WorkbenchError("The tolerance and the window must not be negative.")
        if not 0 < self.min_overlap <= 1:
            raise WorkbenchError("The minimum overlap is a fraction above 0 and at most 1.")
        if self.min_chars < 1:
            raise WorkbenchError("A code is present in a segment from at least 1 character.")


@dataclass(frozen=True)
class Outcome:
    report: ReliabilityReport
    material: rd.TextMaterial | rd.TimedMaterial | rd.RatingsMaterial  # ids behind the labels
    settings: Settings
    resolutions: dict[str, dict] = field(default_factory=dict)  # disagreement key -> what was decided


def load_material(db: Database, s: Settings):
    """The material's input (and ids) from the store."""
    s.check()
    coders: Sequence[str] | None = list(s.coders) if s.coders else None
    if s.material == "transcripts":
        return rd.text_material(db, coders, s.min_overlap, s.min_chars)
    if s.material == "observations":
        return rd.timed_material(db, coders, s.unit_ms, s.tolerance_ms, s.window_ms)
    return rd.ratings_material(db, coders)


def run_reliability(
    db: Database, settings: Settings, progress=None, cancelled=None, *, asked_by: int | None = None
) -> Outcome:
    """Read the material, compute every table (and plots) and return them with the ids behind them.
    ``asked_by`` (the window's and the command line's person) must be allowed to compare coders now:
    not a rater, nor a coder while independent coding hides the others' work."""
    if asked_by is not None:
        visibility.check_comparison(db, asked_by, settings.material)
    state = TaskState(progress, cancelled)
    state.report(0.0, f"Reading {settings.material}")
    material = load_material(db, settings)
    state.check()
    kwargs = {"transcripts": "text", "observations": "timed", "ratings": "ratings"}[settings.material]
    inp = material.input if hasattr(material, "input") else material
    if settings.material == "observations" and inp.pairs:
        inp = replace(inp, timeline=inp.pairs[0].id)
    try:
        report = build_report(
            **{kwargs: inp},
            plots=settings.plots,
            title=f"Inter-rater reliability: {settings.material}",
            progress=state.sub(0.1, 1.0).progress,
            cancelled=cancelled,
        )
    except ValueError as exc:  # bad material the statistics refuse: one clear line
        raise WorkbenchError(f"Cannot compare this material: {exc}") from None
    from workbench.store.consensus import resolution_details

    return Outcome(report, material, settings, resolution_details(db))


def show_timelines(outcome: Outcome, observation: str) -> str:
    """Draw the two raters' timelines of another observation in place of the report's timelines
    figure (so a saved report has the one shown); returns the new figure's caption."""
    from workbench.coding.reliability.report import TIMELINES, timeline_figure

    m = outcome.material
    if not isinstance(m, rd.TimedMaterial):
        raise WorkbenchError("Timelines are drawn for observations only.")
    if observation not in m.media_ids:
        raise WorkbenchError(f"No observation {observation!r} in this comparison.")
    caption, png = timeline_figure(m.input, observation)
    figures = outcome.report.figures
    replaced = {
        (caption if k.startswith(TIMELINES) else k): (png if k.startswith(TIMELINES) else v)
        for k, v in figures.items()
    }
    figures.clear()
    figures.update(replaced if caption in replaced else {caption: png, **replaced})
    return caption


# --- disagreements and reconciliation ---------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a disagreement is, for the coding view or the video coder to jump to."""

    kind: str  # "text", "events" or "ratings" (a rated epoch: the video at its start)
    label: str  # transcript or observation label in the report
    transcript_id: int | None = None
    code_id: int | None = None
    start: int | None = None  # text positions (code points)
    end: int | None = None
    media_id: int | None = None
    time_ms: int | None = None
    behaviour: str | None = None  # or the rating scale
    key: str = ""  # the disagreement's key (to find it again in the comparison)


def disagreements(outcome: Outcome) -> tuple[list, list]:
    """(agreements, disagreements) between the first two coders of the outcome's material.

    Text: ``reconcile.TextDisagreement`` items; agreements as (transcript, code, start, end).
    Events: ``reconcile.EventDisagreement`` items; agreements as (label, EventUnit).
    Ratings: ``reconcile.RatingDisagreement`` items; agreements as (unit, task, scale, value).
    """
    from workbench.coding import reconcile

    m = outcome.material
    if isinstance(m, rd.TextMaterial):
        a, b = m.input.coders[0], m.input.coders[1]
        spans: dict[str, dict[tuple[str, str], list[tuple[int, int]]]] = {who: {} for who in (a, b)}
        for who in (a, b):
            for c in m.input.codings[who]:
                spans[who].setdefault((c.transcript, c.code), []).append((c.start, c.end))
        return reconcile.text_disagreements(spans[a], spans[b])
    if isinstance(m, rd.TimedMaterial):
        agreed, out = [], []
        for label, (ea, eb) in m.events.items():
            ok, bad = reconcile.event_disagreements(label, ea, eb, m.input.window_ms)
            agreed += [(label, unit) for unit in ok]
            out += bad
        return agreed, out
    if isinstance(m, rd.RatingsMaterial):
        return reconcile.rating_disagreements(m.input.ratings, m.raters[0], m.raters[1], m.scales)
    return [], []


def target_of(outcome: Outcome, item) -> Target:
    m = outcome.material
    if isinstance(m, rd.TextMaterial):
        return Target(
            "text",
            item.transcript,
            m.transcript_ids[item.transcript],
            m.code_ids[item.code],
            item.start,
            item.end,
            key=item.key,
        )
    if isinstance(m, rd.RatingsMaterial):
        epoch = _rated_epoch(m, item.unit)
        return Target(
            "ratings",
            item.unit,
            media_id=epoch.media_id,
            time_ms=epoch.start_ms,
            behaviour=item.scale,
            key=item.key,
        )
    return Target(
        "events",
        item.observation,
        media_id=m.media_ids[item.observation],
        time_ms=item.time_ms,
        behaviour=item.behaviour,
        key=item.key,
    )


def side_by_side(outcome: Outcome, item) -> SideBySide:
    """Both raters' coding around a timed or rating disagreement, lane by lane (read-only)."""
    m = outcome.material
    if isinstance(m, rd.TimedMaterial):
        ea, eb = m.events[item.observation]
        duration = m.durations.get(item.observation, 0) or max([e.time_ms for e in ea + eb], default=0) + 1
        lanes = event_lanes(ea, eb, duration, m.names, m.colours, (item.behaviour, item.subject))
        who = m.input.names
        only = who[0] if item.a is not None else who[1]
        title = (
            f"{item.observation}: {lane_label(item.behaviour, item.subject, m.names)} at "
            f"{format_ms(item.time_ms)}, coded by {only} only"
        )
        return SideBySide(title, who, item.time_ms, *window_around(item.time_ms, duration), duration, lanes)
    if isinstance(m, rd.RatingsMaterial):
        return _ratings_side_by_side(m, item)
    raise WorkbenchError("A text disagreement is shown in the coding view.")


def _ratings_side_by_side(m: rd.RatingsMaterial, item) -> SideBySide:
    """One lane per scale rated in the epoch: each rater's epoch with the value given."""
    values: dict[tuple[str, str], int | None] = {}
    ratings = m.input.ratings
    rows: Iterable[Any] = ratings.itertuples() if isinstance(ratings, pd.DataFrame) else ratings
    for r in rows:
        if r.unit == item.unit and r.rater in m.raters:
            values[(str(r.scale), str(r.rater))] = None if pd.isna(r.value) else int(r.value)
    epochs = [m.epochs.get((item.unit, rater)) for rater in m.raters]
    lanes = []
    for code in sorted({s for s, _ in values}, key=lambda c: (c != item.scale, m.scales[c].name)):
        scale = m.scales[code]
        marks = [
            tuple([Mark(e.start_ms, e.end_ms, scale.point(values.get((code, rater))))] if e else [])
            for e, rater in zip(epochs, m.raters)
        ]
        lanes.append(Lane(scale.name, "#6A8CAF", marks[0], marks[1], code == item.scale))
    spans = [e for e in epochs if e is not None]
    start, end = min(e.start_ms for e in spans), max(e.end_ms for e in spans)
    unit = m.unit_names.get(item.unit, item.unit)
    title = (
        f"{unit}: {item.range.name} rated {item.range.point(item.value_a)} by {m.raters[0]}, "
        f"{item.range.point(item.value_b)} by {m.raters[1]}"
    )
    return SideBySide(title, m.raters, start, start, end, end, tuple(lanes))


def _rated_epoch(m: rd.RatingsMaterial, unit: str) -> rd.RatedEpoch:
    """Rater A's epoch of a unit (else B's): the span the consensus epoch mirrors."""
    for rater in m.raters:
        if (unit, rater) in m.epochs:
            return m.epochs[(unit, rater)]
    raise WorkbenchError(f"No rated epoch {unit!r} in this comparison.")


def _rating_target(m: rd.RatingsMaterial, unit: str):
    from workbench.store.consensus import RatingTarget

    e = _rated_epoch(m, unit)
    return RatingTarget(e.media_id, e.scheme, e.task, e.start_ms, e.end_ms)


def resolve(db: Database, lead_id: int, outcome: Outcome, item, choice: str, value: int | None = None):
    """Store the lead's choice for one disagreement as Consensus codings/events/a rating (one transaction).

    For a rating, ``choice`` is "A", "B" or "value" (then ``value`` is the agreed value on the scale)."""
    from workbench.store import consensus

    m = outcome.material
    if isinstance(m, rd.RatingsMaterial):
        kept = item.kept(choice, value)
        return consensus.resolve_rating(
            db, lead_id, item.key, choice, _rating_target(m, item.unit), item.scale, kept
        )
    if isinstance(m, rd.TextMaterial):
        return consensus.resolve_text(
            db,
            lead_id,
            item.key,
            choice,
            m.transcript_ids[item.transcript],
            m.code_ids[item.code],
            item.kept(choice),
        )
    return consensus.resolve_events(
        db,
        lead_id,
        item.key,
        choice,
        m.media_ids[item.observation],
        m.scheme[item.observation],
        item.kept(choice),
    )


@retrying
def copy_agreements(db: Database, lead_id: int, outcome: Outcome, agreed: list):
    """What both coders agree on, into the Consensus coder (rater A's version of agreed events), in
    one transaction: every observation's agreements or none of them."""
    from workbench.store import consensus

    m = outcome.material
    if isinstance(m, rd.TextMaterial):
        return consensus.copy_agreed_text(
            db, lead_id, [(m.transcript_ids[t], m.code_ids[c], s, e) for t, c, s, e in agreed]
        )
    if isinstance(m, rd.RatingsMaterial):
        return consensus.copy_agreed_ratings(
            db, lead_id, [(_rating_target(m, unit), scale, value) for unit, _task, scale, value in agreed]
        )
    by_label: dict[str, list] = {}
    for label, unit in agreed:
        by_label.setdefault(label, []).extend(unit.events)
    with db.transaction():
        changes = [
            consensus.copy_agreed_events(db, lead_id, m.media_ids[label], m.scheme[label], events)
            for label, events in by_label.items()
        ]
    if not changes:
        return None
    made = tuple(i for c in changes for i in c.created.get("events", ()))
    return Change(
        f"Copied {counted(len(made), 'agreed event')} to {rd.CONSENSUS}",
        created={"events": made},
        updated={"observations": tuple(i for c in changes for i in c.updated.get("observations", ()))},
    )
