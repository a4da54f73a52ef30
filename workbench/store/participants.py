"""Participants with their attributes (some masked, such as trial arm) and their media."""

from __future__ import annotations

import dataclasses
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.model.errors import WorkbenchError
from workbench.model.records import (
    LIVE,
    UNLINKED,
    AttributeRecord,
    Change,
    MediaRecord,
    NewMedia,
    ParticipantRecord,
)
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.people import timepoint_id
from workbench.store.schema import Media, Participant, ParticipantAttribute


def media_record(row: Media) -> MediaRecord:
    return MediaRecord(
        id=row.id,
        participant_id=row.participant_id,
        timepoint_id=row.timepoint_id,
        timepoint=row.timepoint.name if row.timepoint else None,
        task=row.task,
        path=row.path,
        original_name=row.original_name,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        duration_ms=row.duration_ms,
        kind=row.kind,
        container=row.container,
        streams=list(row.streams),
        variable_frame_rate=row.variable_frame_rate,
        frame_rate=row.frame_rate,
        frame_count=row.frame_count,
        width=row.width,
        height=row.height,
        linked=row.linked,
    )


def _participant_record(row: Participant, include_masked: bool) -> ParticipantRecord:
    attributes = tuple(
        AttributeRecord(a.name, a.value, a.masked)
        for a in sorted(row.attributes, key=lambda a: a.name)
        if include_masked or not a.masked
    )
    media = tuple(
        media_record(m)
        for m in sorted(
            row.media, key=lambda m: ((m.timepoint.position if m.timepoint else -1), m.original_name)
        )
    )
    return ParticipantRecord(row.id, row.pseudonym, row.site, attributes, media)


def add_participant(
    db: Database,
    pseudonym: str,
    site: str | None = None,
    attributes: dict[str, str] | None = None,
    masked: frozenset[str] = frozenset(),
) -> Change:
    """Add a participant by pseudonymous ID; attributes named in ``masked`` are hidden from raters."""
    pseudonym = pseudonym.strip()
    if not pseudonym:
        raise WorkbenchError("A participant needs a pseudonymous ID.")
    with db.transaction() as session:
        if session.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym)) is not None:
            raise WorkbenchError(f"Participant {pseudonym} already exists.")
        row = Participant(pseudonym=pseudonym, site=site or None)
        row.attributes = [
            ParticipantAttribute(name=k, value=str(v), masked=k in masked)
            for k, v in (attributes or {}).items()
        ]
        session.add(row)
        session.flush()
        audit.record(
            session, "add participant", "participants", row.id, after={"pseudonym": pseudonym, "site": site}
        )
        return Change(f"Added participant {pseudonym}", created={"participants": (row.id,)})


def set_attribute(db: Database, participant_id: int, name: str, value: str, masked: bool = False) -> Change:
    with db.transaction() as session:
        row = session.scalar(
            select(ParticipantAttribute).where(
                ParticipantAttribute.participant_id == participant_id, ParticipantAttribute.name == name
            )
        )
        before = {"value": row.value, "masked": row.masked} if row else None
        if row is None:
            row = ParticipantAttribute(participant_id=participant_id, name=name, value=value, masked=masked)
            session.add(row)
        else:
            row.value, row.masked = value, masked
        session.flush()
        audit.record(
            session,
            "set attribute",
            "participant_attributes",
            row.id,
            before=before,
            after={"name": name, "value": value, "masked": masked},
        )
        return Change(f"Set {name}", updated={"participants": (participant_id,)})


def participant_id(session: Session, pseudonym: str, create: bool = False) -> int:
    """The id of a participant by pseudonym (created if ``create``), inside a transaction."""
    found = session.scalar(select(Participant.id).where(Participant.pseudonym == pseudonym))
    if found is not None:
        return found
    if not create:
        raise WorkbenchError(f"No participant {pseudonym} in this project.")
    row = Participant(pseudonym=pseudonym)
    session.add(row)
    session.flush()
    audit.record(session, "add participant", "participants", row.id, after={"pseudonym": pseudonym})
    return row.id


def list_participants(db: Database, include_masked: bool = True) -> list[ParticipantRecord]:
    """Every participant with attributes and media, ordered by pseudonym (the participants tree)."""
    with db.reading() as session:
        rows = session.scalars(
            select(Participant)
            .order_by(Participant.pseudonym)
            .options(
                selectinload(Participant.attributes),
                selectinload(Participant.media).selectinload(Media.timepoint),
            )
        )
        return [_participant_record(r, include_masked) for r in rows]


def find_participant(db: Database, pseudonym: str) -> ParticipantRecord | None:
    return next((p for p in list_participants(db) if p.pseudonym == pseudonym), None)


def add_media(
    db: Database,
    pseudonym: str,
    items: list[NewMedia],
    timepoint: str | None = None,
    task: str | None = None,
    create_participant: bool = True,
) -> Change:
    """Record imported files for a participant (and timepoint) in one transaction.

    A file already imported for that participant (same SHA-256) refuses the whole batch.
    """
    with db.transaction() as session:
        pid = participant_id(session, pseudonym, create=create_participant)
        tid = timepoint_id(session, timepoint) if timepoint else None
        ids = []
        for new in items:
            duplicate = session.scalar(
                select(Media).where(Media.participant_id == pid, Media.sha256 == new.sha256)
            )
            if duplicate is not None:
                raise WorkbenchError(
                    f"{new.original_name} is already imported for {pseudonym} (as {duplicate.original_name})."
                )
            row = Media(participant_id=pid, timepoint_id=tid, task=task, **dataclasses.asdict(new))
            session.add(row)
            session.flush()
            ids.append(row.id)
            audit.record(
                session,
                "import media",
                "media",
                row.id,
                after={"path": new.path, "sha256": new.sha256, "participant": pseudonym},
            )
        names = ", ".join(n.original_name for n in items)
        return Change(
            f"Imported {names} for {pseudonym}",
            created={"media": tuple(ids)},
            updated={"participants": (pid,)},
        )


def placeholder_media(
    db: Database,
    pseudonym: str,
    original_name: str,
    duration_ms: int = 0,
    frame_rate: float | None = None,
    live_name: str | None = None,
) -> int:
    """The id of the "media not linked" placeholder for ``original_name`` (or, with ``live_name``, of
    that live observation with no recording) under participant ``pseudonym``, created if missing.

    A placeholder has no file (empty path) and a ``sha256`` of :data:`UNLINKED` or :data:`LIVE` plus a
    digest of its name, so one video coded in several observations has one placeholder.
    """
    prefix, key = (LIVE, live_name) if live_name is not None else (UNLINKED, original_name)
    digest = prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[: 64 - len(prefix)]
    with db.transaction() as session:
        pid = participant_id(session, pseudonym, create=True)
        found = session.scalar(select(Media.id).where(Media.participant_id == pid, Media.sha256 == digest))
        if found is not None:
            return found
        row = Media(
            participant_id=pid,
            path="",
            original_name=original_name,
            sha256=digest,
            size_bytes=0,
            duration_ms=duration_ms,
            kind="video",
            frame_rate=frame_rate,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            "add media placeholder",
            "media",
            row.id,
            after={"original_name": original_name, "participant": pseudonym, "live": live_name is not None},
        )
        return row.id


def link_placeholder(db: Database, media_id: int, new: NewMedia, pseudonym: str | None = None) -> Change:
    """Give a "media not linked" placeholder its file (and, with ``pseudonym``, its participant, created
    if missing): the observations coded against it keep their media id."""
    with db.transaction() as session:
        row = session.get(Media, media_id)
        if row is None or not row.sha256.startswith(UNLINKED):
            raise WorkbenchError(f"Media item {media_id} is not a placeholder for media not linked.")
        if pseudonym is not None:
            row.participant_id = participant_id(session, pseudonym, create=True)
        taken = session.scalar(
            select(Media.original_name).where(
                Media.participant_id == row.participant_id, Media.sha256 == new.sha256, Media.id != media_id
            )
        )
        if taken is not None:
            raise WorkbenchError(
                f"{new.original_name} is already imported for this participant (as {taken}); "
                f"it cannot also stand for {row.original_name}."
            )
        before = {"original_name": row.original_name, "duration_ms": row.duration_ms}
        for name, value in dataclasses.asdict(new).items():
            setattr(row, name, value)
        audit.record(
            session,
            "link media",
            "media",
            media_id,
            before=before,
            after={
                "path": new.path,
                "sha256": new.sha256,
                "original_name": new.original_name,
                "participant": pseudonym,
            },
        )
        return Change(f"Linked {new.original_name}", updated={"media": (media_id,)})


def list_media(db: Database) -> list[MediaRecord]:
    with db.reading() as session:
        rows = session.scalars(select(Media).order_by(Media.id).options(selectinload(Media.timepoint)))
        return [media_record(m) for m in rows]


def get_media(db: Database, media_id: int) -> MediaRecord:
    """One media item by id (a view needing one row does not list them all)."""
    with db.reading() as session:
        row = session.get(Media, media_id, options=[selectinload(Media.timepoint)])
        if row is None:
            raise WorkbenchError(f"No media item {media_id} in this project.")
        return media_record(row)


def relink_media(db: Database, new_paths: dict[int, str]) -> Change:
    """Store new paths for media items found elsewhere (media id -> path relative to the media root)."""
    with db.transaction() as session:
        for media_id, new_path in new_paths.items():
            row = session.get(Media, media_id)
            if row is None:
                raise WorkbenchError(f"No media item {media_id}.")
            audit.record(
                session,
                "relink media",
                "media",
                media_id,
                before={"path": row.path},
                after={"path": new_path},
            )
            row.path = new_path
        return Change(f"Relinked {len(new_paths)} media file(s)", updated={"media": tuple(new_paths)})
