"""Observations: one coder's events, task epochs and ratings for one media item with one scheme.

Every command is registered on the command bus (``workbench.store.bus``): one transaction,
committed at once (nothing is lost if the process dies), returning a :class:`Change` scoped to
``("observation", id)`` whose ``inverse`` is the :class:`Command` that undoes it, and whose
``rows["events"]`` are the events it created or changed (with ids), so a view applies them row
by row. ``acting_coder`` (when given) must own the observation: a rater's session can only change
its own coding, and the inverse carries it too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command, Scope
from workbench.store import audit
from workbench.store.commands import command
from workbench.store.engine import Database, retrying
from workbench.store.schema import (
    Behaviour,
    Coder,
    CodingScheme,
    Epoch,
    Event,
    Media,
    Observation,
    Rating,
    RatingScale,
    SchemeSubject,
    SchemeTask,
    utcnow,
)
from workbench.store.schemes import read_scheme


@dataclass(frozen=True)
class ObservationRecord:
    """``name`` tells sessions of one media by one coder apart ("" for the workbench's own);
    ``description`` and ``variables`` (independent variables, name -> text) come from other tools."""

    id: int
    media_id: int
    coder_id: int
    scheme: str
    status: str
    name: str = ""
    description: str = ""
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ObservationData:
    record: ObservationRecord
    events: tuple[ob.Event, ...] = ()
    epochs: tuple[ob.Epoch, ...] = ()
    ratings: tuple[ob.Rating, ...] = ()


@dataclass
class _Ids:
    """Code <-> id look-ups of one scheme, inside a session."""

    behaviours: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    scales: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, scheme_id: int) -> _Ids:
        def pairs(model, attr):
            rows = session.execute(select(getattr(model, attr), model.id).where(model.scheme_id == scheme_id))
            return {code: row_id for code, row_id in rows}

        return cls(
            pairs(Behaviour, "code"),
            pairs(SchemeSubject, "key"),
            pairs(SchemeTask, "code"),
            pairs(RatingScale, "code"),
        )

    @staticmethod
    def reverse(mapping: dict[str, int]) -> dict[int, str]:
        return {v: k for k, v in mapping.items()}


# --- observations -------------------------------------------------------------------------------


def scope(observation_id: int) -> Scope:
    return ("observation", observation_id)


def _record(session: Session, row: Observation) -> ObservationRecord:
    scheme = session.get_one(CodingScheme, row.scheme_id)
    return ObservationRecord(
        row.id,
        row.media_id,
        row.coder_id,
        scheme.name,
        row.status,
        row.name,
        row.description,
        dict(row.variables or {}),
    )


def find_observation(
    db: Database, media_id: int, coder_id: int, scheme: str, name: str | None = None
) -> ObservationRecord | None:
    """This coder's observation (session ``name``) of the media with the scheme, if any; with no
    ``name``, the one the coder view opens: the unnamed one, else the first session by name."""
    query = (
        select(Observation)
        .join(CodingScheme)
        .where(
            Observation.media_id == media_id,
            Observation.coder_id == coder_id,
            CodingScheme.name == scheme,
        )
        .order_by(Observation.name, Observation.id)
    )
    if name is not None:
        query = query.where(Observation.name == name)
    with db.reading() as session:
        row = session.scalar(query)
        return _record(session, row) if row else None


@command("create_observation")
@retrying
def create_observation(
    db: Database,
    media_id: int,
    coder_id: int,
    scheme: str,
    name: str = "",
    description: str = "",
    variables: dict[str, str] | None = None,
) -> Change:
    """A new observation (status not started); refused when this coder already has one of that name."""
    with db.transaction() as session:
        scheme_id = session.scalar(select(CodingScheme.id).where(CodingScheme.name == scheme))
        if scheme_id is None:
            raise WorkbenchError(f"No coding scheme called {scheme!r} in this project.")
        if session.scalar(select(Media.id).where(Media.id == media_id)) is None:  # a rater may read only ids
            raise WorkbenchError(f"No media item {media_id}.")
        if session.get(Coder, coder_id) is None:
            raise WorkbenchError(f"No coder {coder_id}.")
        if (
            session.scalar(
                select(Observation.id).where(
                    Observation.media_id == media_id,
                    Observation.coder_id == coder_id,
                    Observation.scheme_id == scheme_id,
                    Observation.name == name,
                )
            )
            is not None
        ):
            raise WorkbenchError("This coder already has an observation of this media with this scheme.")
        row = Observation(
            media_id=media_id,
            coder_id=coder_id,
            scheme_id=scheme_id,
            name=name,
            description=description,
            variables=dict(variables or {}),
            status="not_started",
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            "create observation",
            "observations",
            row.id,
            coder_id=coder_id,
            after={"media_id": media_id, "scheme": scheme, "name": name},
        )
        return Change("Started an observation", created={"observations": (row.id,)}, scope=scope(row.id))


def ensure_observation(db: Database, media_id: int, coder_id: int, scheme: str) -> int:
    """The id of this coder's observation of the media, created if missing."""
    found = find_observation(db, media_id, coder_id, scheme)
    if found is not None:
        return found.id
    return create_observation(db, media_id, coder_id, scheme).created_id("observations")


def _observation(session: Session, observation_id: int, acting_coder: int | None) -> Observation:
    row = session.get(Observation, observation_id)
    if row is None or (acting_coder is not None and row.coder_id != acting_coder):
        raise WorkbenchError(f"No observation {observation_id} for this coder.")
    return row


def _event(row: Event, behaviours: dict[int, str], subjects: dict[int, str]) -> ob.Event:
    return ob.Event(
        behaviours[row.behaviour_id],
        subjects.get(row.subject_id) if row.subject_id is not None else None,
        row.event_type,
        row.time_ms,
        row.frame_pts_ms,
        tuple(row.modifiers or ()),
        row.comment or "",
        row.id,
    )


def observation_data(db: Database, observation_id: int, acting_coder: int | None = None) -> ObservationData:
    """Everything one observation holds, as plain data (events in time order)."""
    with db.reading() as session:
        row = _observation(session, observation_id, acting_coder)
        ids = _Ids.load(session, row.scheme_id)
        b, s, t, sc = (ids.reverse(m) for m in (ids.behaviours, ids.subjects, ids.tasks, ids.scales))
        events = [
            _event(e, b, s) for e in session.scalars(select(Event).where(Event.observation_id == row.id))
        ]
        epochs = [
            ob.Epoch(t[e.task_id], e.start_ms, e.end_ms, e.id)
            for e in session.scalars(
                select(Epoch).where(Epoch.observation_id == row.id).order_by(Epoch.start_ms, Epoch.id)
            )
        ]
        ratings = [
            ob.Rating(r.epoch_id, sc[r.scale_id], r.value, r.comment or "", r.id)
            for r in session.scalars(
                select(Rating).where(Rating.observation_id == row.id).order_by(Rating.id)
            )
        ]
        return ObservationData(
            _record(session, row), tuple(ob.time_order(events)), tuple(epochs), tuple(ratings)
        )


def _touch(row: Observation) -> None:
    row.updated_at = utcnow()
    if row.status == "not_started":
        row.status = "in_progress"


# --- events -------------------------------------------------------------------------------------


@command("add_events")
@retrying
def add_events(
    db: Database,
    observation_id: int,
    events: list[ob.Event],
    acting_coder: int | None = None,
    keep_ids: bool = False,
) -> Change:
    """Add events (one key press may make several: a start and the stops of exclusive partners)."""
    if not events:
        raise WorkbenchError("No events to add.")
    with db.transaction() as session:
        row = _observation(session, observation_id, acting_coder)
        scheme = load_scheme_in(session, row.scheme_id)
        for event in events:
            ob.check_event(scheme, event)
        ids = _Ids.load(session, row.scheme_id)
        made = []
        for event in events:
            new = Event(
                observation_id=row.id,
                behaviour_id=ids.behaviours[event.behaviour],
                subject_id=ids.subjects.get(event.subject) if event.subject else None,
                event_type=event.event_type,
                time_ms=int(event.time_ms),
                frame_pts_ms=event.frame_pts_ms,
                modifiers=list(event.modifiers),
                comment=event.comment or "",
            )
            if keep_ids and event.id is not None:
                new.id = event.id
            session.add(new)
            made.append(new)
        session.flush()
        _touch(row)
        new_ids = tuple(e.id for e in made)
        audit.record(
            session,
            "add events",
            "events",
            new_ids[0],
            coder_id=row.coder_id,
            after={"observation": row.id, "events": [_plain(e) for e in events]},
        )
        what = events[0].behaviour + (f" (+{len(events) - 1})" if len(events) > 1 else "")
        return Change(
            f"Added {what}",
            created={"events": new_ids},
            updated={"observations": (row.id,)},
            scope=scope(row.id),
            inverse=Command("delete_events", {"event_ids": new_ids, "acting_coder": acting_coder}),
            rows={"events": tuple(replace(e, id=i) for e, i in zip(events, new_ids, strict=True))},
        )


def add_event(db: Database, observation_id: int, event: ob.Event, acting_coder: int | None = None) -> Change:
    return add_events(db, observation_id, [event], acting_coder)


def _plain(event: ob.Event) -> dict[str, Any]:
    data = asdict(event)
    data["modifiers"] = list(event.modifiers)
    return data


@command("delete_events")
@retrying
def delete_events(db: Database, event_ids: tuple[int, ...], acting_coder: int | None = None) -> Change:
    with db.transaction() as session:
        found = [session.get(Event, i) for i in event_ids]
        rows = [r for r in found if r is not None]
        if not rows or len(rows) != len(found):
            raise WorkbenchError("An event to delete no longer exists.")
        obs_ids = {r.observation_id for r in rows}
        if len(obs_ids) != 1:
            raise WorkbenchError("Delete events of one observation at a time.")
        row = _observation(session, obs_ids.pop(), acting_coder)
        ids = _Ids.load(session, row.scheme_id)
        b, s = ids.reverse(ids.behaviours), ids.reverse(ids.subjects)
        kept = [_plain(_event(r, b, s)) for r in rows]
        for r in rows:
            session.delete(r)
        _touch(row)
        audit.record(
            session, "delete events", "events", event_ids[0], coder_id=row.coder_id, before={"events": kept}
        )
        restore = {"observation_id": row.id, "events": kept, "acting_coder": acting_coder}
        return Change(
            f"Deleted {len(rows)} event(s)",
            deleted={"events": tuple(event_ids)},
            updated={"observations": (row.id,)},
            scope=scope(row.id),
            inverse=Command("restore_events", restore),
        )


@command("restore_events")
def restore_events(
    db: Database, observation_id: int, events: list[dict[str, Any]], acting_coder: int | None = None
) -> Change:
    """Put deleted events back with their ids (the inverse of ``delete_events``)."""
    plain = [ob.Event(**{**e, "modifiers": tuple(e["modifiers"])}) for e in events]
    return add_events(db, observation_id, plain, acting_coder, keep_ids=True)


EDITABLE = ("time_ms", "frame_pts_ms", "subject", "modifiers", "comment")


@command("edit_event")
@retrying
def edit_event(db: Database, event_id: int, acting_coder: int | None = None, **changes: Any) -> Change:
    """Change an event's time, frame time, subject, modifiers or comment."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise WorkbenchError(f"An event's {sorted(unknown)[0]} cannot be edited.")
    with db.transaction() as session:
        row = session.get(Event, event_id)
        if row is None:
            raise WorkbenchError(f"No event {event_id}.")
        obs = _observation(session, row.observation_id, acting_coder)
        ids = _Ids.load(session, obs.scheme_id)
        before_event = _event(row, ids.reverse(ids.behaviours), ids.reverse(ids.subjects))
        if "modifiers" in changes:
            changes["modifiers"] = tuple(changes["modifiers"])
        after_event = ob.Event(**{**asdict(before_event), **changes})
        ob.check_event(load_scheme_in(session, obs.scheme_id), after_event)
        row.time_ms, row.frame_pts_ms = after_event.time_ms, after_event.frame_pts_ms
        row.subject_id = ids.subjects.get(after_event.subject) if after_event.subject else None
        row.modifiers, row.comment = list(after_event.modifiers), after_event.comment
        _touch(obs)
        before = {k: getattr(before_event, k) for k in changes}
        audit.record(
            session,
            "edit event",
            "events",
            event_id,
            coder_id=obs.coder_id,
            before=_jsonable(before),
            after=_jsonable(changes),
        )
        return Change(
            f"Edited {before_event.behaviour}",
            updated={"events": (event_id,)},
            scope=scope(obs.id),
            inverse=Command("edit_event", {"event_id": event_id, "acting_coder": acting_coder, **before}),
            rows={"events": (after_event,)},
        )


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def load_scheme_in(session: Session, scheme_id: int):
    """The observation's scheme (cached per session: a scheme in use does not change)."""
    cache = session.info.setdefault("schemes", {})
    if scheme_id not in cache:
        name = session.execute(select(CodingScheme.name).where(CodingScheme.id == scheme_id)).scalar_one()
        cache[scheme_id] = read_scheme(session, name)
    return cache[scheme_id]


def list_observations(db: Database, coder_id: int | None = None) -> list[ObservationRecord]:
    """Observations (all, or one coder's), by media then coder."""
    with db.reading() as session:
        query = select(Observation).order_by(Observation.media_id, Observation.coder_id, Observation.id)
        if coder_id is not None:
            query = query.where(Observation.coder_id == coder_id)
        return [_record(session, row) for row in session.scalars(query)]
