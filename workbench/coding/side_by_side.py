"""Two raters' coding of one recording side by side, lane by lane, around a disagreement (Qt-free).

A :class:`Lane` is one behaviour × subject (or one rating scale) with rater A's marks and rater
B's: points (no end), state intervals, or a rated epoch with its value as text. The reliability
view draws them on one timeline; nothing here reads or writes the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workbench.coding import observation as ob
from workbench.coding.reconcile import event_units

CONTEXT_MS = 10_000  # shown either side of the disagreement at first


@dataclass(frozen=True)
class Mark:
    """A point (``end_ms`` None) or a span on one rater's lane, with an optional text (a rating)."""

    start_ms: int
    end_ms: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Lane:
    label: str
    colour: str
    a: tuple[Mark, ...]
    b: tuple[Mark, ...]
    focus: bool = False  # the lane of the disagreement


@dataclass(frozen=True)
class SideBySide:
    """What the two raters coded, in lanes, and the stretch of time to show first."""

    title: str
    raters: tuple[str, str]
    time_ms: int
    start_ms: int
    end_ms: int
    duration_ms: int
    lanes: tuple[Lane, ...]


def lane_label(behaviour: str, subject: str | None, names: Mapping[str, str]) -> str:
    """ "Smile (Mother)": the behaviour's and the subject's names, not their codes."""
    name = names.get(behaviour, behaviour)
    return f"{name} ({names.get(subject, subject)})" if subject else name


def _marks(events: Iterable[ob.Event], duration_ms: int) -> dict[tuple[str, str | None], list[Mark]]:
    out: dict[tuple[str, str | None], list[Mark]] = {}
    for unit in event_units(events):
        first = unit.events[0]
        if first.event_type == "point":
            end = None
        elif len(unit.events) == 2:
            end = unit.events[1].time_ms
        else:  # a start never stopped runs to the end
            end = duration_ms
        out.setdefault((unit.behaviour, unit.subject), []).append(Mark(unit.onset_ms, end))
    return out


def event_lanes(
    events_a: Sequence[ob.Event],
    events_b: Sequence[ob.Event],
    duration_ms: int,
    names: Mapping[str, str],
    colours: Mapping[str, str],
    focus: tuple[str, str | None],
) -> tuple[Lane, ...]:
    """One lane per behaviour × subject either rater coded; the disagreement's lane first."""
    a, b = _marks(events_a, duration_ms), _marks(events_b, duration_ms)
    keys = sorted(set(a) | set(b) | {focus}, key=lambda k: (k != focus, lane_label(k[0], k[1], names)))
    return tuple(
        Lane(
            lane_label(behaviour, subject, names),
            colours.get(behaviour, "#808080"),
            tuple(a.get((behaviour, subject), ())),
            tuple(b.get((behaviour, subject), ())),
            (behaviour, subject) == focus,
        )
        for behaviour, subject in keys
    )


def window_around(time_ms: int, duration_ms: int, context_ms: int = CONTEXT_MS) -> tuple[int, int]:
    """The stretch shown first: ``context_ms`` either side of ``time_ms``, inside the recording."""
    start = max(0, time_ms - context_ms)
    end = max(start + 1, min(max(duration_ms, time_ms + 1), time_ms + context_ms))
    return start, end
