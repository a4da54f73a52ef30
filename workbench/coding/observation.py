"""One rater's coding of one recording, as plain data: timed events, task epochs and ratings.

Qt-free rules the coder view and the store share: pairing state starts and stops into intervals
(unpaired ones reported), what a key press does at a time (point event, start or stop of a state,
exclusive groups), which modifier set is asked and when, and the check before "done".
Times are integer milliseconds of presentation time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from workbench.coding.scheme import ModifierSet, Scheme
from workbench.model.errors import WorkbenchError
from workbench.model.timing import MAX_TIME_MS

EVENT_TYPES = ("point", "start", "stop")
STATUSES = ("not_started", "in_progress", "done")


@dataclass(frozen=True)
class Event:
    """A point event or a state start/stop; ``frame_pts_ms`` is the frame on screen when made."""

    behaviour: str
    subject: str | None
    event_type: str
    time_ms: int
    frame_pts_ms: int | None = None
    modifiers: tuple[str, ...] = ()
    comment: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Interval:
    """A state from its start to its stop event."""

    behaviour: str
    subject: str | None
    start: Event
    stop: Event

    @property
    def start_ms(self) -> int:
        return self.start.time_ms

    @property
    def stop_ms(self) -> int:
        return self.stop.time_ms


@dataclass(frozen=True)
class Epoch:
    """A task epoch [start_ms, end_ms) of the recording."""

    task: str
    start_ms: int
    end_ms: int
    id: int | None = None


@dataclass(frozen=True)
class Rating:
    epoch_id: int
    scale: str
    value: int
    comment: str = ""
    id: int | None = None


@dataclass(frozen=True)
class KeyAction:
    """What a key press does: ``events`` to add (the pressed behaviour's event first, then the
    stops of exclusive partners), and the modifier set to ask for the first one (or None)."""

    events: tuple[Event, ...]
    ask_modifiers: ModifierSet | None = None

    @property
    def primary(self) -> Event:
        return self.events[0]


@dataclass
class Pairing:
    intervals: list[Interval] = field(default_factory=list)
    unpaired: list[Event] = field(default_factory=list)


def format_ms(ms: int) -> str:
    """``mm:ss.mmm`` (``h:mm:ss.mmm`` past an hour) for messages."""
    sign = "-" if ms < 0 else ""
    ms = abs(int(ms))
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    head = f"{hours}:{minutes:02d}" if hours else f"{minutes:02d}"
    return f"{sign}{head}:{seconds:02d}.{millis:03d}"


_RANK = {"stop": 0, "point": 1, "start": 2}
_LAST = 1 << 62  # an unsaved event's id: after every saved one
StateKey = tuple[str, str | None]  # (behaviour, subject)


def sort_key(event: Event) -> tuple:
    """Time, then stops before points before starts, then id: the order before ``settle_ties``."""
    return (event.time_ms, _RANK.get(event.event_type, 1), event.id if event.id is not None else _LAST)


def time_order(events: Iterable[Event]) -> list[Event]:
    """Events by time, then as they happened at one time (``settle_ties``), then by id."""
    return settle_ties(sorted(events, key=sort_key))


def settle_ties(events: list[Event], running: Iterable[StateKey] = ()) -> list[Event]:
    """``events`` (sorted by ``sort_key``) with each state's starts and stops at one time in the
    order they happened: a stop first while the state is running (it ends and begins again), else
    a start first (a state started and stopped on the same frame), alternating.

    ``running``: the states running before the first event. Returns ``events`` itself when
    nothing moves (the usual case).
    """
    open_ = set(running)
    out: list[Event] | None = None
    i, n = 0, len(events)
    while i < n:
        j, t = i + 1, events[i].time_ms
        while j < n and events[j].time_ms == t:
            j += 1
        group = events[i:j]
        settled = _settle_group(group, open_) if j - i > 1 else group
        if settled is not group:
            out = list(events) if out is None else out
            out[i:j] = settled
        for event in settled:
            if event.event_type == "start":
                open_.add((event.behaviour, event.subject))
            elif event.event_type == "stop":
                open_.discard((event.behaviour, event.subject))
        i = j
    return events if out is None else out


def _settle_group(group: list[Event], open_: set[StateKey]) -> list[Event]:
    """One time's events: each state with both starts and stops here, alternated in its own
    places (stop first if it was running); ``group`` itself when no state has both."""
    states: dict[StateKey, list[int]] = {}
    for place, event in enumerate(group):
        if event.event_type != "point":
            states.setdefault((event.behaviour, event.subject), []).append(place)
    out = None
    for key, places in states.items():
        starts = [group[p] for p in places if group[p].event_type == "start"]
        stops = [group[p] for p in places if group[p].event_type == "stop"]
        if not starts or not stops:
            continue
        out = list(group) if out is None else out
        take_stop = key in open_
        for place in places:
            take_stop = take_stop if (starts and stops) else bool(stops)
            out[place] = (stops if take_stop else starts).pop(0)
            take_stop = not take_stop
    return group if out is None or out == group else out


def pair_states(events: Iterable[Event]) -> Pairing:
    """Pair starts and stops per behaviour and subject; a start while the state is open, a stop
    with nothing open, and a start never stopped are unpaired."""
    result = Pairing()
    open_: dict[tuple[str, str | None], Event] = {}
    for event in time_order(events):
        key = (event.behaviour, event.subject)
        if event.event_type == "start":
            if key in open_:
                result.unpaired.append(open_[key])
            open_[key] = event
        elif event.event_type == "stop":
            start = open_.pop(key, None)
            if start is None:
                result.unpaired.append(event)
            else:
                result.intervals.append(Interval(event.behaviour, event.subject, start, event))
    result.unpaired += open_.values()
    result.unpaired.sort(key=sort_key)
    result.intervals.sort(key=lambda i: (i.start_ms, i.behaviour, i.subject or ""))
    return result


def toggles_to_events(rows: Iterable[Event], state_codes: set[str]) -> list[Event]:
    """BORIS-style toggles (every row of a state is 'the state again') as starts and stops,
    alternating per behaviour and subject in time order."""
    open_: set[tuple[str, str | None]] = set()
    out = []
    for row in sorted(rows, key=lambda e: e.time_ms):
        if row.behaviour not in state_codes:
            out.append(replace(row, event_type="point"))
            continue
        key = (row.behaviour, row.subject)
        out.append(replace(row, event_type="stop" if key in open_ else "start"))
        open_.symmetric_difference_update({key})
    return out


def active_states(events: Iterable[Event], at_ms: int) -> dict[tuple[str, str | None], Event]:
    """The states running at ``at_ms``: started at or before it and not stopped at or before it."""
    open_: dict[tuple[str, str | None], Event] = {}
    for event in time_order(e for e in events if e.time_ms <= at_ms):
        key = (event.behaviour, event.subject)
        if event.event_type == "start":
            open_[key] = event
        elif event.event_type == "stop":
            open_.pop(key, None)
    return open_


def modifier_question(scheme: Scheme, behaviour_code: str, event_type: str) -> ModifierSet | None:
    """The modifier set to ask for when this event is made (start/point or stop, per the scheme)."""
    behaviour = scheme.behaviour(behaviour_code)
    if behaviour.modifier_set is None:
        return None
    asked_on = "point" if behaviour.kind == "point" else behaviour.modifier_when
    return scheme.modifier_set(behaviour.modifier_set) if event_type == asked_on else None


def choose_subject(scheme: Scheme, behaviour_code: str, subject: str | None) -> str:
    """The subject of a new event: the one given (checked), or the behaviour's only subject."""
    behaviour = scheme.behaviour(behaviour_code)
    if subject is None:
        if len(behaviour.subjects) == 1:
            return behaviour.subjects[0]
        raise WorkbenchError(f"Choose a subject for {behaviour.name}: {', '.join(behaviour.subjects)}.")
    if subject not in behaviour.subjects:
        raise WorkbenchError(
            f"{behaviour.name} is not coded for subject {subject!r} "
            f"(allowed: {', '.join(behaviour.subjects)})."
        )
    return subject


def key_press(
    scheme: Scheme,
    events: Iterable[Event],
    key: str,
    time_ms: int,
    subject: str | None = None,
    frame_pts_ms: int | None = None,
) -> KeyAction:
    """What pressing ``key`` at ``time_ms`` does, given the events already made.

    A point behaviour makes a point event. A state behaviour stops if it is running for that
    subject, else starts; starting one stops any running exclusive partner (same subject) at the
    same time.
    """
    try:
        behaviour = scheme.behaviour_for_key(key)
    except KeyError:
        raise WorkbenchError(f"No behaviour is bound to the key {key!r}.") from None
    return code_behaviour(scheme, events, behaviour.code, time_ms, subject, frame_pts_ms)


def code_behaviour(
    scheme: Scheme,
    events: Iterable[Event],
    code: str,
    time_ms: int,
    subject: str | None = None,
    frame_pts_ms: int | None = None,
) -> KeyAction:
    """What coding the behaviour ``code`` at ``time_ms`` does (by its key or from the list; see
    ``key_press``)."""
    try:
        behaviour = scheme.behaviour(code)
    except KeyError:
        raise WorkbenchError(f"The scheme {scheme.name!r} has no behaviour {code!r}.") from None
    subject = choose_subject(scheme, behaviour.code, subject)
    at = int(time_ms)

    def stamped(code: str, event_type: str) -> Event:
        return Event(code, subject, event_type, time_ms=at, frame_pts_ms=frame_pts_ms)

    if behaviour.kind == "point":
        return KeyAction(
            (stamped(behaviour.code, "point"),), modifier_question(scheme, behaviour.code, "point")
        )
    running = active_states(events, time_ms)
    if (behaviour.code, subject) in running:
        return KeyAction(
            (stamped(behaviour.code, "stop"),), modifier_question(scheme, behaviour.code, "stop")
        )
    made = [stamped(behaviour.code, "start")]
    for partner in scheme.exclusive_partners(behaviour.code):
        if (partner, subject) in running:
            made.append(stamped(partner, "stop"))
    return KeyAction(tuple(made), modifier_question(scheme, behaviour.code, "start"))


def check_event(scheme: Scheme, event: Event) -> None:
    """Refuse an event the scheme does not allow, with one clear line."""
    try:
        behaviour = scheme.behaviour(event.behaviour)
    except KeyError:
        raise WorkbenchError(f"The scheme {scheme.name!r} has no behaviour {event.behaviour!r}.") from None
    if event.event_type not in EVENT_TYPES:
        raise WorkbenchError(f"Unknown event type {event.event_type!r}: use point, start or stop.")
    if (behaviour.kind == "point") != (event.event_type == "point"):
        what = "a point event" if behaviour.kind == "point" else "a state (start or stop)"
        raise WorkbenchError(f"{behaviour.name} is {what}, not a {event.event_type}.")
    if isinstance(event.time_ms, bool) or not isinstance(event.time_ms, int) or event.time_ms < 0:
        raise WorkbenchError(f"An event time must be a whole number of ms from 0, not {event.time_ms!r}.")
    if event.time_ms > MAX_TIME_MS:
        raise WorkbenchError(
            f"An event time of {event.time_ms} ms is later than any recording ({MAX_TIME_MS} ms)."
        )
    choose_subject(scheme, event.behaviour, event.subject)
    if not all(isinstance(m, str) for m in event.modifiers):
        raise WorkbenchError("Modifiers must be texts.")
    asked = modifier_question(scheme, event.behaviour, event.event_type)
    chosen = [m for m in event.modifiers if m]
    if asked is not None and len(event.modifiers) == 1 and chosen and chosen[0] not in asked.values:
        raise WorkbenchError(f"{chosen[0]!r} is not a value of {asked.name!r} ({', '.join(asked.values)}).")


def done_problems(
    scheme: Scheme, events: Iterable[Event], epochs: Iterable[Epoch], ratings: Iterable[Rating]
) -> list[str]:
    """Why an observation cannot be marked done yet (empty when it can)."""
    problems = []
    names = {b.code: b.name for b in scheme.behaviours}
    for event in pair_states(events).unpaired:
        who = f" ({event.subject})" if event.subject else ""
        what = names.get(event.behaviour, event.behaviour) + who
        if event.event_type == "start":
            problems.append(f"{what} starts at {format_ms(event.time_ms)} but is never stopped.")
        else:
            problems.append(f"{what} stops at {format_ms(event.time_ms)} without a start.")
    rated = {(r.epoch_id, r.scale) for r in ratings}
    for epoch in sorted(epochs, key=lambda e: e.start_ms):
        try:
            task_name = scheme.task(epoch.task).name
        except KeyError:
            task_name = epoch.task
        missing = [s.name for s in scheme.scales_for_task(epoch.task) if (epoch.id, s.code) not in rated]
        if missing:
            problems.append(
                f"{task_name} epoch {format_ms(epoch.start_ms)}-{format_ms(epoch.end_ms)} "
                f"is not rated on: {', '.join(missing)}."
            )
    return problems
