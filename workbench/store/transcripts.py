"""Transcripts with segments, words and provenance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, NewSegment, NewSpeechGap, NewWord, Provenance
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.participants import participant_id
from workbench.store.schema import Segment, Transcript, Word, table_of, utcnow
from workbench.store.speech_gaps import write_gaps


def add_transcript(
    db: Database,
    pseudonym: str,
    name: str,
    segments: list[NewSegment],
    media_id: int | None = None,
    provenance: Provenance = Provenance(),
    gaps: Sequence[NewSpeechGap] = (),
) -> Change:
    """Store a whole transcript in one transaction, with its untranscribed-speech markers."""
    with db.transaction() as session:
        row = Transcript(
            participant_id=participant_id(session, pseudonym),
            media_id=media_id,
            name=name,
            language=provenance.language,
            engine=provenance.engine,
            model=provenance.model,
            engine_version=provenance.engine_version,
            settings=dict(provenance.settings),
        )
        session.add(row)
        session.flush()
        write_segments(session, row.id, segments)
        gap_ids = write_gaps(session, row.id, gaps)
        audit.record(
            session,
            "add transcript",
            "transcripts",
            row.id,
            after={"name": name, "segments": len(segments), "model": provenance.model, "gaps": len(gaps)},
        )
        created = {"transcripts": (row.id,)} | ({"speech_gaps": gap_ids} if gap_ids else {})
        listen = f"; {passages(len(gaps))}" if gaps else ""
        return Change(f"Added transcript {name}{listen}", created=created)


def passages(count: int) -> str:
    """ "1 passage needs a listen", "2 passages need a listen"."""
    return f"{count} passage needs a listen" if count == 1 else f"{count} passages need a listen"


BATCH = 5_000  # segments written per statement: memory stays flat however long the transcript


def write_segments(session, transcript_id: int, segments: list[NewSegment], first: int = 0) -> None:
    """Insert ``segments`` (positions from ``first``) and their words with Core statements in
    batches, so no ORM object per segment or word is ever held (400,000 cues stay within memory)."""
    for at in range(0, len(segments), BATCH):
        batch = segments[at : at + BATCH]
        low = first + at
        session.execute(
            table_of(Segment).insert(),
            [
                dict(
                    transcript_id=transcript_id,
                    position=low + i,
                    start_ms=s.start_ms,
                    end_ms=s.end_ms,
                    speaker=s.speaker,
                    text=s.text,
                    confidence=s.confidence,
                )
                for i, s in enumerate(batch)
            ],
        )
        if not any(s.words for s in batch):
            continue
        ids = dict(
            session.execute(
                select(Segment.position, Segment.id).where(
                    Segment.transcript_id == transcript_id,
                    Segment.position.between(low, low + len(batch) - 1),
                )
            ).all()
        )
        words = [
            dict(
                segment_id=ids[low + i],
                position=j,
                start_ms=w.start_ms,
                end_ms=w.end_ms,
                text=w.text,
                probability=w.probability,
            )
            for i, s in enumerate(batch)
            for j, w in enumerate(s.words)
        ]
        session.execute(table_of(Word).insert(), words)


def load_segments(db: Database, transcript_id: int) -> list[NewSegment]:
    with db.reading() as session:
        rows = session.scalars(
            select(Segment).where(Segment.transcript_id == transcript_id).order_by(Segment.position)
        ).all()
        return [
            NewSegment(
                s.start_ms,
                s.end_ms,
                s.text,
                s.speaker,
                s.confidence,
                tuple(NewWord(w.start_ms, w.end_ms, w.text, w.probability) for w in s.words),
            )
            for s in rows
        ]


def rename_speakers(db: Database, transcript_id: int, names: dict[str, str]) -> Change:
    """Rename speakers in one transcript's segments, e.g. ``{"Speaker 1": "Interviewer"}``.

    Names are swapped at once (``{"A": "B", "B": "A"}`` works); other transcripts are untouched.
    The document text does not include speaker names, so codings keep their positions.
    """
    renames = {old: " ".join(new.split()) for old, new in names.items() if old != " ".join(new.split())}
    if any(not new for new in renames.values()):
        raise WorkbenchError("A speaker needs a name.")
    if any(len(new) > 100 for new in renames.values()):
        raise WorkbenchError("A speaker name can be at most 100 characters.")
    with db.transaction() as session:
        transcript = session.get(Transcript, transcript_id)
        if transcript is None:
            raise WorkbenchError(f"No transcript {transcript_id}.")
        rows = (
            session.scalars(
                select(Segment).where(
                    Segment.transcript_id == transcript_id, Segment.speaker.in_(list(renames))
                )
            ).all()
            if renames
            else []
        )
        for row in rows:
            assert row.speaker is not None  # picked by name
            row.speaker = renames[row.speaker]
        if rows:
            transcript.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            "rename speakers",
            "transcripts",
            transcript_id,
            before={"speakers": sorted(renames)},
            after={"renames": renames, "segments": len(rows)},
        )
        described = ", ".join(f"{old} → {new}" for old, new in renames.items()) or "nothing to rename"
        return Change(
            f"Renamed speakers in {transcript.name}: {described}",
            updated={"transcripts": (transcript_id,), "segments": tuple(r.id for r in rows)},
        )
