"""Which transcripts a project holds, as plain records (for the participants tree and the editor)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import func, select

from workbench.errors import WorkbenchError
from workbench.store.engine import Database
from workbench.store.schema import Participant, Segment, Transcript


@dataclass(frozen=True)
class TranscriptRecord:
    id: int
    participant: str  # pseudonym
    media_id: Optional[int]
    name: str
    engine: Optional[str]
    model: Optional[str]
    language: Optional[str]
    version: int
    segments: int
    created_at: datetime
    updated_at: datetime
    settings: dict[str, Any] = field(default_factory=dict)


def _query():
    count = (select(func.count(Segment.id)).where(Segment.transcript_id == Transcript.id)
             .correlate(Transcript).scalar_subquery())
    return (select(Transcript, Participant.pseudonym, count)
            .join(Participant, Participant.id == Transcript.participant_id))


def _record(row: Transcript, pseudonym: str, count: int) -> TranscriptRecord:
    return TranscriptRecord(row.id, pseudonym, row.media_id, row.name, row.engine, row.model, row.language,
                            row.version, count, row.created_at, row.updated_at, dict(row.settings or {}))


def list_transcripts(db: Database, media_id: Optional[int] = None) -> list[TranscriptRecord]:
    """All transcripts (or those of one media item), oldest first."""
    query = _query().order_by(Transcript.created_at, Transcript.id)
    if media_id is not None:
        query = query.where(Transcript.media_id == media_id)
    with db.reading() as session:
        return [_record(*row) for row in session.execute(query).all()]


def transcript_record(db: Database, transcript_id: int) -> TranscriptRecord:
    with db.reading() as session:
        row = session.execute(_query().where(Transcript.id == transcript_id)).first()
        if row is None:
            raise WorkbenchError(f"No transcript {transcript_id}.")
        return _record(*row)
