"""The rows of the reliability view's disagreements table, in words: the transcript's text (not
character positions), behaviour, subject and scale names, times, and what each coder did.

Plain functions over a comparison's material and its disagreements (no Qt, no database).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.coding.observation import format_ms
from workbench.coding.side_by_side import lane_label
from workbench.model.wording import counted
from workbench.services import reliability_run as rr
from workbench.store import reliability_data as rd

EXCERPT_CHARS = 70
NOT_CODED = "not coded"
CHOICE_LABELS = {"A": "Keep A", "B": "Keep B", "both": "Keep both", "none": "Keep none"}


@dataclass(frozen=True)
class Cell:
    text: str
    tip: str = ""


def excerpt(text: str, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
    """The passage text[start:end] on one line, quoted, its middle elided past ``limit`` characters."""
    passage = re.sub(r"\s+", " ", text[max(0, start) : max(start, end)]).strip()
    if len(passage) > limit:
        half = (limit - 1) // 2
        passage = f"{passage[:half].rstrip()} … {passage[-half:].lstrip()}"
    return f"“{passage}”" if passage else "(empty passage)"


def _spans(text: str, spans: Sequence[tuple[int, int]]) -> Cell:
    if not spans:
        return Cell(NOT_CODED)
    return Cell(
        " · ".join(excerpt(text, s, e) for s, e in spans),
        "\n".join(f"Characters {s}–{e}: {excerpt(text, s, e, 10_000)}" for s, e in spans),
    )


def _unit(unit) -> Cell:
    if unit is None:
        return Cell(NOT_CODED)
    end = unit.end_ms
    return Cell(format_ms(unit.onset_ms) + (f" to {format_ms(end)}" if end is not None else ""))


def resolution_text(done: dict | None) -> str:
    """The resolved column: the choice, with the value kept for a rating."""
    if not done:
        return ""
    value = done.get("value")
    if done["choice"] == "value":
        return f"Agreed value {value}"
    return CHOICE_LABELS.get(done["choice"], "") + (f" ({value})" if value is not None else "")


def headers(material, coders: tuple[str, str]) -> list[str]:
    a, b = f"A ({coders[0]})", f"B ({coders[1]})"
    if isinstance(material, rd.TimedMaterial):
        return ["Observation", "Behaviour", "Time", a, b, "Resolved"]
    if isinstance(material, rd.RatingsMaterial):
        return ["Rated epoch", "Scale", a, b, "Scale points", "Resolved"]
    return ["Transcript", "Code", "Passage", a, b, "Resolved"]


def coders_of(material) -> tuple[str, str]:
    if isinstance(material, rd.TimedMaterial):
        return material.input.names
    if isinstance(material, rd.RatingsMaterial):
        return material.raters
    return (material.input.coders[0], material.input.coders[1])


def row_cells(material, item) -> list[Cell]:
    """The cells of one disagreement before its resolved column."""
    if isinstance(material, rd.TimedMaterial):
        return [
            Cell(item.observation),
            Cell(lane_label(item.behaviour, item.subject, material.names)),
            Cell(format_ms(item.time_ms)),
            _unit(item.a),
            _unit(item.b),
        ]
    if isinstance(material, rd.RatingsMaterial):
        scale = item.range
        anchors = "\n".join(f"{v}: {t}" for v, t in scale.anchors) or f"{scale.minimum} to {scale.maximum}"
        return [
            Cell(material.unit_names.get(item.unit, item.unit)),
            Cell(scale.name),
            Cell(scale.point(item.value_a), anchors),
            Cell(scale.point(item.value_b), anchors),
            Cell(f"{scale.minimum}–{scale.maximum}", anchors),
        ]
    text = material.texts.get(item.transcript, "")
    return [
        Cell(item.transcript),
        Cell(item.code),
        Cell(excerpt(text, item.start, item.end), f"Characters {item.start}–{item.end}"),
        _spans(text, item.spans_a),
        _spans(text, item.spans_b),
    ]


def describe(outcome: rr.Outcome, count: int) -> str:
    """The status line after a comparison."""
    report = outcome.report
    return (
        f"{counted(len(report.sheets), 'table')}, {counted(len(report.figures), 'plot')}, "
        f"{counted(count, 'disagreement')}."
    )
