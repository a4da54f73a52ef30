"""Build the reliability report for a project's material: the one function the CLI and the view call.

Qt-free long work (``progress``/``cancelled`` as ``workbench.tasks.TaskState`` takes them).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional, Sequence, Union

from workbench.coding.reliability.report import ReliabilityReport, build_report
from workbench.errors import WorkbenchError
from workbench.store import reliability_data as rd
from workbench.store.engine import Database
from workbench.tasks import TaskState

MATERIALS = rd.MATERIALS


@dataclass(frozen=True)
class Settings:
    """What to compare and how (time settings in ms; text overlap a fraction)."""

    material: str = "transcripts"
    coders: Optional[tuple[str, ...]] = None
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
    material: Union[rd.TextMaterial, rd.TimedMaterial, None]  # ids behind the labels (None for ratings)
    settings: Settings


def load_material(db: Database, s: Settings):
    """The material's input (and ids) from the store."""
    s.check()
    coders: Optional[Sequence[str]] = list(s.coders) if s.coders else None
    if s.material == "transcripts":
        return rd.text_material(db, coders, s.min_overlap, s.min_chars)
    if s.material == "observations":
        return rd.timed_material(db, coders, s.unit_ms, s.tolerance_ms, s.window_ms)
    return rd.ratings_input(db, coders)


def run_reliability(db: Database, settings: Settings, progress=None, cancelled=None) -> Outcome:
    """Read the material, compute every table (and plots) and return them with the ids behind them."""
    state = TaskState(progress, cancelled)
    state.report(0.0, f"Reading {settings.material}")
    material = load_material(db, settings)
    state.check()
    kwargs = {"transcripts": "text", "observations": "timed", "ratings": "ratings"}[settings.material]
    inp = material.input if hasattr(material, "input") else material
    if settings.material == "observations" and inp.pairs:
        inp = replace(inp, timeline=inp.pairs[0].id)
    try:
        report = build_report(**{kwargs: inp}, plots=settings.plots,
                              title=f"Inter-rater reliability: {settings.material}",
                              progress=state.sub(0.1, 1.0).progress, cancelled=cancelled)
    except ValueError as exc:  # bad material the statistics refuse: one clear line
        raise WorkbenchError(f"Cannot compare this material: {exc}") from None
    return Outcome(report, material if settings.material != "ratings" else None, settings)
