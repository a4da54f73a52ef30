"""Which transcripts a project holds, as plain records with their provenance and the media they
transcribe (for the participants tree, the editor, the coding views and pseudonymisation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from workbench.model.errors import WorkbenchError
from workbench.store.engine import Database
from workbench.store.schema import Media, Participant, Segment, Transcript


@dataclass(frozen=True)
class TranscriptRecord:
    id: int
    participant: str  # pseudonym
    media_id: int | None
    name: str
    engine: str | None
    model: str | None
    language: str | None
    version: int
    segments: int
    created_at: datetime
    updated_at: datetime
    participant_id: int
    media_path: str | None  # relative to the project's media root
    media_kind: str | None
    settings: dict[str, Any] = field(default_factory=dict)


def _query():
    count = (
        select(func.count(Segment.id))
        .where(Segment.transcript_id == Transcript.id)
        .correlate(Transcript)
        .scalar_subquery()
    )
    return (
        select(Transcript, Participant.pseudonym, count, Media.path, Media.kind)
        .join(Participant, Participant.id == Transcript.participant_id)
        .outerjoin(Media, Media.id == Transcript.media_id)
    )


def _record(
    row: Transcript, pseudonym: str, count: int, media_path: str | None, media_kind: str | None
) -> TranscriptRecord:
    return TranscriptRecord(
        row.id,
        pseudonym,
        row.media_id,
        row.name,
        row.engine,
        row.model,
        row.language,
        row.version,
        count,
        row.created_at,
        row.updated_at,
        row.participant_id,
        media_path,
        media_kind,
        dict(row.settings or {}),
    )


def list_transcripts(
    db: Database, media_id: int | None = None, participant_id: int | None = None
) -> list[TranscriptRecord]:
    """All transcripts (or those of one media item or participant), oldest first."""
    query = _query().order_by(Transcript.created_at, Transcript.id)
    if media_id is not None:
        query = query.where(Transcript.media_id == media_id)
    if participant_id is not None:
        query = query.where(Transcript.participant_id == participant_id)
    with db.reading() as session:
        return [_record(*row) for row in session.execute(query).all()]


def transcript_record(db: Database, transcript_id: int) -> TranscriptRecord:
    with db.reading() as session:
        row = session.execute(_query().where(Transcript.id == transcript_id)).first()
        if row is None:
            raise WorkbenchError(f"No transcript {transcript_id}.")
        return _record(*row)
