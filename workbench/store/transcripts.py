"""Transcripts with segments, words and provenance."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.participants import participant_id
from workbench.store.records import Change, NewSegment, NewWord, Provenance
from workbench.store.schema import Segment, Transcript, Word


def add_transcript(db: Database, pseudonym: str, name: str, segments: list[NewSegment],
                   media_id: Optional[int] = None, provenance: Provenance = Provenance()) -> Change:
    """Store a whole transcript in one transaction."""
    with db.transaction() as session:
        row = Transcript(participant_id=participant_id(session, pseudonym), media_id=media_id, name=name,
                         language=provenance.language, engine=provenance.engine, model=provenance.model,
                         engine_version=provenance.engine_version, settings=dict(provenance.settings))
        row.segments = [
            Segment(position=i, start_ms=s.start_ms, end_ms=s.end_ms, speaker=s.speaker, text=s.text,
                    confidence=s.confidence,
                    words=[Word(position=j, start_ms=w.start_ms, end_ms=w.end_ms, text=w.text,
                                probability=w.probability) for j, w in enumerate(s.words)])
            for i, s in enumerate(segments)]
        session.add(row)
        session.flush()
        audit.record(session, "add transcript", "transcripts", row.id,
                     after={"name": name, "segments": len(segments), "model": provenance.model})
        return Change(f"Added transcript {name}", created={"transcripts": (row.id,)})


def load_segments(db: Database, transcript_id: int) -> list[NewSegment]:
    with db.reading() as session:
        rows = session.scalars(select(Segment).where(Segment.transcript_id == transcript_id)
                               .order_by(Segment.position)).all()
        return [NewSegment(s.start_ms, s.end_ms, s.text, s.speaker, s.confidence,
                           tuple(NewWord(w.start_ms, w.end_ms, w.text, w.probability) for w in s.words))
                for s in rows]
