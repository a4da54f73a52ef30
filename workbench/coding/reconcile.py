"""Disagreements between two coders, and what a resolution keeps (Qt-free, no storage).

Text: per transcript and code, the coders' codings are merged into spans; each
connected stretch of their union is either coded identically by both (an
agreement, copied to the consensus as it is) or a disagreement that the lead
resolves by keeping A's spans, B's spans, both (their union) or none.

Timed events: each rater's record is cut into units — point events and state
intervals (a start with its stop) — and units of the same behaviour and subject
are paired on onset within a window by the optimal alignment the event-based
kappa uses. A pair is an agreement (A's unit goes to the consensus); an unpaired
unit is a disagreement (keep it or not).

Ratings: per rated task epoch and scale, two raters who gave different values
(or one gave none) disagree; the lead keeps A's value, B's, or enters an agreed
value within the scale's range (``RATING_CHOICES``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.coding import observation as ob
from workbench.coding.reliability import _intervals as iv
from workbench.coding.reliability.events import align
from workbench.model.errors import WorkbenchError

CHOICES = ("A", "B", "both", "none")
Span = tuple[int, int]


@dataclass(frozen=True)
class TextDisagreement:
    transcript: str  # the transcript's label in the comparison
    code: str
    start: int  # the stretch of text in question
    end: int
    spans_a: tuple[Span, ...]
    spans_b: tuple[Span, ...]

    @property
    def key(self) -> str:
        return f"text|{self.transcript}|{self.code}|{self.start}|{self.end}"

    def kept(self, choice: str) -> tuple[Span, ...]:
        """The spans the consensus gets for a choice of ``CHOICES``."""
        return _kept(self.spans_a, self.spans_b, choice)


def _kept(a: tuple, b: tuple, choice: str) -> tuple:
    if choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}; use one of {CHOICES}")
    if choice == "both" and a and b and isinstance(a[0][0], (int, np.integer)):
        s, e = iv.merge([x for x, _ in a + b], [y for _, y in a + b])
        return tuple(zip(s.tolist(), e.tolist()))
    return {"A": a, "B": b, "both": a + b, "none": ()}[choice]


def text_disagreements(
    spans_a: Mapping[tuple[str, str], Iterable[Span]], spans_b: Mapping[tuple[str, str], Iterable[Span]]
) -> tuple[list[tuple[str, str, int, int]], list[TextDisagreement]]:
    """(agreed spans as (transcript, code, start, end), disagreements), keyed by (transcript, code)."""
    agreed, out = [], []
    for key in sorted(set(spans_a) | set(spans_b)):
        a, b = (iv.merge(*_columns(m.get(key, ()))) for m in (spans_a, spans_b))
        union = iv.merge(np.r_[a[0], b[0]], np.r_[a[1], b[1]])
        for s, e in zip(union[0].tolist(), union[1].tolist()):
            pa = tuple((x, y) for x, y in zip(a[0].tolist(), a[1].tolist()) if s <= x and y <= e)
            pb = tuple((x, y) for x, y in zip(b[0].tolist(), b[1].tolist()) if s <= x and y <= e)
            if pa == pb:
                agreed += [(key[0], key[1], x, y) for x, y in pa]
            else:
                out.append(TextDisagreement(key[0], key[1], s, e, pa, pb))
    return agreed, out


def _columns(spans: Iterable[Span]) -> tuple[list[int], list[int]]:
    spans = list(spans)
    return [s for s, _ in spans], [e for _, e in spans]


@dataclass(frozen=True)
class EventUnit:
    """A point event, or a state interval with its start and stop events."""

    behaviour: str
    subject: str | None
    onset_ms: int
    events: tuple[ob.Event, ...]

    @property
    def end_ms(self) -> int | None:
        return self.events[-1].time_ms if len(self.events) > 1 else None


@dataclass(frozen=True)
class EventDisagreement:
    observation: str  # the media's label in the comparison
    behaviour: str
    subject: str | None
    time_ms: int
    a: EventUnit | None
    b: EventUnit | None

    @property
    def key(self) -> str:
        side = "A" if self.a is not None else "B"
        return f"events|{self.observation}|{self.behaviour}|{self.subject or ''}|{side}|{self.time_ms}"

    def kept(self, choice: str) -> tuple[ob.Event, ...]:
        """The events the consensus gets for a choice of ``CHOICES``."""
        a = self.a.events if self.a is not None else ()
        b = self.b.events if self.b is not None else ()
        return _kept(a, b, choice)


def event_units(events: Iterable[ob.Event]) -> list[EventUnit]:
    """Point events and paired states as units; a start never stopped is a unit of its own."""
    events = list(events)
    pairing = ob.pair_states(events)
    units = [EventUnit(e.behaviour, e.subject, e.time_ms, (e,)) for e in events if e.event_type == "point"]
    units += [EventUnit(i.behaviour, i.subject, i.start_ms, (i.start, i.stop)) for i in pairing.intervals]
    units += [
        EventUnit(e.behaviour, e.subject, e.time_ms, (e,))
        for e in pairing.unpaired
        if e.event_type == "start"
    ]
    return sorted(units, key=lambda u: (u.onset_ms, u.behaviour, u.subject or ""))


def event_disagreements(
    observation: str, events_a: Sequence[ob.Event], events_b: Sequence[ob.Event], window_ms: int = 2000
) -> tuple[list[EventUnit], list[EventDisagreement]]:
    """(A's units that agree with B's, disagreements) for one recording rated by two raters."""
    groups: dict[tuple[str, str | None], tuple[list[EventUnit], list[EventUnit]]] = defaultdict(
        lambda: ([], [])
    )
    for side, events in ((0, events_a), (1, events_b)):
        for unit in event_units(events):
            groups[(unit.behaviour, unit.subject)][side].append(unit)
    agreed, out = [], []
    for (behaviour, subject), (ua, ub) in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        ta = np.array([u.onset_ms for u in ua], dtype=np.int64)
        tb = np.array([u.onset_ms for u in ub], dtype=np.int64)
        pairs = align(ta, np.zeros(ta.size, np.int64), tb, np.zeros(tb.size, np.int64), window_ms)
        matched_a, matched_b = {i for i, _ in pairs}, {j for _, j in pairs}
        agreed += [ua[i] for i, _ in pairs]
        out += [
            EventDisagreement(observation, behaviour, subject, u.onset_ms, u, None)
            for i, u in enumerate(ua)
            if i not in matched_a
        ]
        out += [
            EventDisagreement(observation, behaviour, subject, u.onset_ms, None, u)
            for j, u in enumerate(ub)
            if j not in matched_b
        ]
    return agreed, sorted(out, key=lambda d: (d.time_ms, d.behaviour))


# --- ratings ------------------------------------------------------------------------------------

RATING_CHOICES = ("A", "B", "value")


@dataclass(frozen=True)
class ScaleRange:
    """A rating scale's whole-number range and the description of each point."""

    code: str
    name: str
    minimum: int
    maximum: int
    anchors: tuple[tuple[int, str], ...] = ()

    def anchor(self, value: int | None) -> str:
        return dict(self.anchors).get(value, "") if value is not None else ""

    def point(self, value: int | None) -> str:
        """ "2: Minimally characteristic": the value with its anchor's head ("—" when not rated)."""
        if value is None:
            return "—"
        head = self.anchor(value).split(" - ")[0]
        return f"{value}: {head}" if head else str(value)

    def check(self, value) -> int:
        """The value as an int, or a one-line error when it is not a point of the scale."""
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or not self.minimum <= value <= self.maximum
        ):
            raise WorkbenchError(
                f"{self.name} takes a whole number from {self.minimum} to {self.maximum}, not {value!r}."
            )
        return int(value)


@dataclass(frozen=True)
class RatingDisagreement:
    unit: str  # the rated epoch's label in the comparison (media, task and epoch number)
    task: str
    scale: str
    value_a: int | None
    value_b: int | None
    range: ScaleRange

    @property
    def key(self) -> str:
        return f"ratings|{self.unit}|{self.scale}"

    def kept(self, choice: str, value: int | None = None) -> int:
        """The value the consensus gets: A's, B's, or ``value`` (an agreed value on the scale)."""
        if choice not in RATING_CHOICES:
            raise ValueError(f"unknown choice {choice!r}; use one of {RATING_CHOICES}")
        if choice == "value":
            return self.range.check(value)
        kept = self.value_a if choice == "A" else self.value_b
        if kept is None:
            raise WorkbenchError(
                f"Rater {choice} gave no {self.range.name} rating here: keep the other "
                "rater's value or enter an agreed one."
            )
        return self.range.check(kept)


def _value(v) -> int | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return int(v)


def rating_disagreements(
    ratings: Iterable, rater_a: str, rater_b: str, scales: Mapping[str, ScaleRange]
) -> tuple[list[tuple[str, str, str, int]], list[RatingDisagreement]]:
    """(agreed ratings as (unit, task, scale, value), disagreements) between two raters.

    ``ratings`` are rows with ``unit``, ``scale``, ``rater``, ``value`` and ``task`` (as
    ``reliability.ratings.Rating``); an epoch and scale rated by neither rater is left out.
    """
    values: dict[tuple[str, str, str], dict[str, int | None]] = defaultdict(dict)
    for r in ratings:
        if r.rater in (rater_a, rater_b):
            values[(r.unit, r.task, r.scale)][r.rater] = _value(r.value)
    agreed, out = [], []
    for (unit, task, scale), got in sorted(values.items()):
        a, b = got.get(rater_a), got.get(rater_b)
        if a is None and b is None:
            continue
        if a is not None and a == b:
            agreed.append((unit, task, scale, a))
        else:
            rng = scales.get(scale) or ScaleRange(
                scale, scale, min(x for x in (a, b) if x is not None), max(x for x in (a, b) if x is not None)
            )
            out.append(RatingDisagreement(unit, task, scale, a, b, rng))
    return agreed, out
