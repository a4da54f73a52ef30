"""The Consensus coder: reconciled codings, events and ratings, written one resolution per transaction.

The lead resolves each disagreement between two coders (keep A, keep B, keep both
or none, see ``workbench.coding.reconcile``); what is kept is written as codings
or events of a coder named ``Consensus`` (role ``coder``), so it exports like any
other coder. A reconciled rating is the Consensus coder's rating on its own epoch that mirrors the
rated task epoch (same task and span) in its observation of the media, so the ratings export gives
it as rater ``Consensus``. Every resolution is recorded in the audit log with its key, which is
how :func:`resolutions` knows what has been decided (also "keep none", which
writes nothing else).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.roles import Action
from workbench.model.wording import counted
from workbench.store import audit
from workbench.store.coding_ops import document
from workbench.store.engine import Database
from workbench.store.observations import _Ids, load_scheme_in
from workbench.store.ratings import check_rating
from workbench.store.reliability_data import CONSENSUS
from workbench.store.schema import (
    AuditEntry,
    Coder,
    CodingScheme,
    Epoch,
    Event,
    Media,
    Observation,
    Rating,
    TextCoding,
    utcnow,
)
from workbench.store.visibility import may

RESOLVE = "resolve disagreement"


def _lead(session: Session, lead_id: int) -> None:
    if not may(session, lead_id, Action.RESOLVE_DISAGREEMENTS):
        raise WorkbenchError("Only a lead can reconcile disagreements.")


def _consensus(session: Session) -> int:
    """The Consensus coder's id, created (role coder) on first use, in this transaction."""
    found = session.scalar(select(Coder.id).where(Coder.name == CONSENSUS))
    if found is not None:
        return found
    row = Coder(name=CONSENSUS, role="coder")
    session.add(row)
    session.flush()
    audit.record(session, "add coder", "coders", row.id, after={"name": CONSENSUS, "role": "coder"})
    return row.id


def consensus_id(db: Database) -> int | None:
    with db.reading() as session:
        return session.scalar(select(Coder.id).where(Coder.name == CONSENSUS))


def _add_codings(
    session: Session, coder: int, transcript_id: int, code_id: int, spans: Iterable[tuple[int, int]]
) -> list[int]:
    """Insert codings that the consensus does not hold yet; returns the new ids."""
    doc = document(session, transcript_id)
    have = {
        (a, b)
        for a, b in session.execute(
            select(TextCoding.start_pos, TextCoding.end_pos).where(
                TextCoding.coder_id == coder,
                TextCoding.transcript_id == transcript_id,
                TextCoding.code_id == code_id,
            )
        )
    }
    made = []
    for start, end in spans:
        if not 0 <= start < end <= len(doc.text):
            raise WorkbenchError(f"The span {start}..{end} is not in this transcript any more.")
        if (start, end) in have:
            continue
        row = TextCoding(
            transcript_id=transcript_id,
            code_id=code_id,
            coder_id=coder,
            start_pos=start,
            end_pos=end,
            quote=doc.text[start:end],
        )
        session.add(row)
        made.append(row)
        have.add((start, end))
    session.flush()
    return [r.id for r in made]


def _resolved(
    session: Session, lead_id: int, key: str, choice: str, table: str, ids: Sequence[int], **more
) -> None:
    audit.record(
        session,
        RESOLVE,
        table,
        ids[0] if ids else None,
        coder_id=lead_id,
        after={"key": key, "choice": choice, "ids": list(ids), **more},
    )


def resolve_text(
    db: Database,
    lead_id: int,
    key: str,
    choice: str,
    transcript_id: int,
    code_id: int,
    spans: Sequence[tuple[int, int]],
) -> Change:
    """Write the kept ``spans`` of one disagreement as Consensus codings (one transaction)."""
    with db.transaction() as session:
        _lead(session, lead_id)
        made = _add_codings(session, _consensus(session), transcript_id, code_id, spans)
        _resolved(session, lead_id, key, choice, "text_codings", made)
        return Change(f"Resolved: kept {choice}", created={"text_codings": tuple(made)})


def copy_agreed_text(db: Database, lead_id: int, items: Iterable[tuple[int, int, int, int]]) -> Change:
    """Agreed spans (transcript id, code id, start, end) as Consensus codings, those not there yet."""
    with db.transaction() as session:
        _lead(session, lead_id)
        coder = _consensus(session)
        made: list[int] = []
        grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for t, c, s, e in items:
            grouped.setdefault((t, c), []).append((s, e))
        for (t, c), spans in grouped.items():
            made += _add_codings(session, coder, t, c, spans)
        audit.record(
            session,
            "copy agreements",
            "text_codings",
            made[0] if made else None,
            coder_id=lead_id,
            after={"count": len(made)},
        )
        return Change(
            f"Copied {counted(len(made), 'agreed coding')} to {CONSENSUS}",
            created={"text_codings": tuple(made)},
        )


def _consensus_observation(session: Session, coder: int, media_id: int, scheme: str) -> Observation:
    scheme_id = session.scalar(select(CodingScheme.id).where(CodingScheme.name == scheme))
    if scheme_id is None:
        raise WorkbenchError(f"No coding scheme called {scheme!r} in this project.")
    row = session.scalar(
        select(Observation)
        .where(
            Observation.media_id == media_id,
            Observation.coder_id == coder,
            Observation.scheme_id == scheme_id,
        )
        .order_by(Observation.name, Observation.id)  # of several named sessions, the one the coder view opens
    )
    if row is None:
        if session.scalar(select(Media.id).where(Media.id == media_id)) is None:
            raise WorkbenchError(
                f"Media item {media_id} is no longer in this project; run the comparison again."
            )
        row = Observation(media_id=media_id, coder_id=coder, scheme_id=scheme_id, status="in_progress")
        session.add(row)
        session.flush()
        audit.record(
            session,
            "create observation",
            "observations",
            row.id,
            coder_id=coder,
            after={"media_id": media_id, "scheme": scheme},
        )
    return row


def _add_events(session: Session, row: Observation, events: Iterable[ob.Event]) -> list[int]:
    scheme = load_scheme_in(session, row.scheme_id)
    ids = _Ids.load(session, row.scheme_id)
    have = {
        (b, s, t, ms)
        for b, s, t, ms in session.execute(
            select(Event.behaviour_id, Event.subject_id, Event.event_type, Event.time_ms).where(
                Event.observation_id == row.id
            )
        )
    }
    made = []
    for e in events:
        ob.check_event(scheme, e)
        subject = ids.subjects.get(e.subject) if e.subject else None
        key = (ids.behaviours[e.behaviour], subject, e.event_type, int(e.time_ms))
        if key in have:
            continue
        new = Event(
            observation_id=row.id,
            behaviour_id=key[0],
            subject_id=subject,
            event_type=e.event_type,
            time_ms=int(e.time_ms),
            frame_pts_ms=e.frame_pts_ms,
            modifiers=list(e.modifiers),
            comment=e.comment or "",
        )
        session.add(new)
        made.append(new)
        have.add(key)
    session.flush()
    row.updated_at = utcnow()
    return [e.id for e in made]


def resolve_events(
    db: Database, lead_id: int, key: str, choice: str, media_id: int, scheme: str, events: Sequence[ob.Event]
) -> Change:
    """Write the kept events of one disagreement to the Consensus observation of the media (one transaction)."""
    with db.transaction() as session:
        _lead(session, lead_id)
        row = _consensus_observation(session, _consensus(session), media_id, scheme)
        made = _add_events(session, row, events)
        _resolved(session, lead_id, key, choice, "events", made)
        return Change(
            f"Resolved: kept {choice}", created={"events": tuple(made)}, updated={"observations": (row.id,)}
        )


def copy_agreed_events(
    db: Database, lead_id: int, media_id: int, scheme: str, events: Sequence[ob.Event]
) -> Change:
    """Agreed events (rater A's version) to the Consensus observation, those not there yet."""
    with db.transaction() as session:
        _lead(session, lead_id)
        row = _consensus_observation(session, _consensus(session), media_id, scheme)
        made = _add_events(session, row, events)
        audit.record(
            session,
            "copy agreements",
            "events",
            made[0] if made else None,
            coder_id=lead_id,
            after={"count": len(made), "observation": row.id},
        )
        return Change(
            f"Copied {counted(len(made), 'agreed event')} to {CONSENSUS}",
            created={"events": tuple(made)},
            updated={"observations": (row.id,)},
        )


@dataclass(frozen=True)
class RatingTarget:
    """Where a consensus rating goes: the media, its scheme and the task epoch it mirrors."""

    media_id: int
    scheme: str
    task: str
    start_ms: int
    end_ms: int


def _set_rating(
    session: Session, row: Observation, target: RatingTarget, scale: str, value: int
) -> tuple[int, str]:
    """(rating id, "created", "updated" or ""): the Consensus rating on the epoch mirroring ``target``."""
    scheme = load_scheme_in(session, row.scheme_id)
    check_rating(scheme, target.task, scale, value)
    ids = _Ids.load(session, row.scheme_id)
    epoch = session.scalar(
        select(Epoch).where(
            Epoch.observation_id == row.id,
            Epoch.task_id == ids.tasks[target.task],
            Epoch.start_ms == target.start_ms,
            Epoch.end_ms == target.end_ms,
        )
    )
    if epoch is None:
        epoch = Epoch(
            observation_id=row.id,
            task_id=ids.tasks[target.task],
            start_ms=target.start_ms,
            end_ms=target.end_ms,
        )
        session.add(epoch)
        session.flush()
        audit.record(
            session,
            "add epoch",
            "epochs",
            epoch.id,
            coder_id=row.coder_id,
            after={"task": target.task, "start_ms": target.start_ms, "end_ms": target.end_ms},
        )
    rating = session.scalar(
        select(Rating).where(Rating.epoch_id == epoch.id, Rating.scale_id == ids.scales[scale])
    )
    before = rating.value if rating is not None else None
    if rating is not None and before == value:
        return rating.id, ""
    if rating is None:
        rating = Rating(observation_id=row.id, epoch_id=epoch.id, scale_id=ids.scales[scale], value=value)
        session.add(rating)
    else:
        rating.value = value
    session.flush()
    row.updated_at = utcnow()
    audit.record(
        session,
        "rate",
        "ratings",
        rating.id,
        coder_id=row.coder_id,
        before={"scale": scale, "value": before},
        after={"scale": scale, "value": value},
    )
    return rating.id, "updated" if before is not None else "created"


def resolve_rating(
    db: Database, lead_id: int, key: str, choice: str, target: RatingTarget, scale: str, value: int
) -> Change:
    """Store ``value`` as the Consensus rating of one disagreement (one transaction; re-resolving replaces)."""
    with db.transaction() as session:
        _lead(session, lead_id)
        row = _consensus_observation(session, _consensus(session), target.media_id, target.scheme)
        rating_id, how = _set_rating(session, row, target, scale, value)
        _resolved(session, lead_id, key, choice, "ratings", [rating_id], value=value)
        done: dict[str, tuple[int, ...]] = {"ratings": (rating_id,)} if how else {}
        return Change(
            f"Resolved: {scale} = {value}",
            created=done if how == "created" else {},
            updated={**(done if how == "updated" else {}), "observations": (row.id,)},
        )


def copy_agreed_ratings(db: Database, lead_id: int, items: Iterable[tuple[RatingTarget, str, int]]) -> Change:
    """Agreed ratings (target epoch, scale, value) as Consensus ratings, in one transaction."""
    with db.transaction() as session:
        _lead(session, lead_id)
        coder = _consensus(session)
        made: list[int] = []
        for target, scale, value in items:
            row = _consensus_observation(session, coder, target.media_id, target.scheme)
            rating_id, how = _set_rating(session, row, target, scale, value)
            if how:
                made.append(rating_id)
        audit.record(
            session,
            "copy agreements",
            "ratings",
            made[0] if made else None,
            coder_id=lead_id,
            after={"count": len(made)},
        )
        return Change(
            f"Copied {counted(len(made), 'agreed rating')} to {CONSENSUS}", created={"ratings": tuple(made)}
        )


def resolution_details(db: Database) -> dict[str, dict]:
    """Disagreement key -> what the latest resolution recorded (``choice``; ``value`` for a rating)."""
    with db.reading() as session:
        rows = session.scalars(
            select(AuditEntry.after).where(AuditEntry.action == RESOLVE).order_by(AuditEntry.id)
        ).all()
    return {r["key"]: dict(r) for r in rows if r and "key" in r}


def resolutions(db: Database) -> dict[str, str]:
    """Disagreement key -> the choice made (the latest, if resolved again)."""
    return {k: v["choice"] for k, v in resolution_details(db).items()}
