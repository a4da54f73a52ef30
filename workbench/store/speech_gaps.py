"""Untranscribed-speech markers kept with a transcript: stored with it, listed, dismissed (undoably)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command, NewSpeechGap, SpeechGapRecord
from workbench.store import audit
from workbench.store.commands import command
from workbench.store.engine import Database, retrying
from workbench.store.schema import SpeechGap, Transcript, table_of


def write_gaps(session: Session, transcript_id: int, gaps: Iterable[NewSpeechGap]) -> tuple[int, ...]:
    """Insert markers for a transcript (inside the caller's transaction); their ids."""
    ids = []
    for gap in gaps:
        row = SpeechGap(
            transcript_id=transcript_id, start_ms=gap.start_ms, end_ms=gap.end_ms, speaker=gap.speaker
        )
        session.add(row)
        session.flush()
        ids.append(row.id)
    return tuple(ids)


def list_gaps(db: Database, transcript_id: int) -> list[SpeechGapRecord]:
    """A transcript's markers in time order."""
    with db.reading() as session:
        rows = session.scalars(
            select(SpeechGap).where(SpeechGap.transcript_id == transcript_id).order_by(SpeechGap.start_ms)
        ).all()
        return [SpeechGapRecord(r.id, r.transcript_id, r.start_ms, r.end_ms, r.speaker) for r in rows]


def gap_counts(db: Database, transcript_ids: Sequence[int]) -> dict[int, int]:
    """How many markers each of ``transcript_ids`` has (only those with any)."""
    if not transcript_ids:
        return {}
    with db.reading() as session:
        rows = session.execute(
            select(SpeechGap.transcript_id, func.count())
            .where(SpeechGap.transcript_id.in_(list(transcript_ids)))
            .group_by(SpeechGap.transcript_id)
        ).all()
        return {int(t): int(n) for t, n in rows}


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@command("dismiss_speech_gap")
@retrying
def dismiss_speech_gap(db: Database, gap_id: int, coder_id: int | None = None) -> Change:
    """Remove a marker (listened to: the speech is now typed in, or there was none)."""
    with db.transaction() as session:
        row = session.get(SpeechGap, gap_id)
        if row is None:
            raise WorkbenchError("That untranscribed passage is no longer marked (resolved elsewhere).")
        values: dict[str, Any] = {
            "id": row.id,
            "transcript_id": row.transcript_id,
            "start_ms": row.start_ms,
            "end_ms": row.end_ms,
            "speaker": row.speaker,
        }
        transcript_id = row.transcript_id
        session.execute(delete(SpeechGap).where(SpeechGap.id == gap_id))
        audit.record(
            session, "dismiss untranscribed speech", "speech_gaps", gap_id, coder_id=coder_id, before=values
        )
        return Change(
            f"Resolved the untranscribed passage at {_clock(values['start_ms'])}",
            deleted={"speech_gaps": (gap_id,)},
            updated={"transcripts": (transcript_id,)},
            scope=("transcript", transcript_id),
            inverse=Command("restore_speech_gap", {"values": values, "coder_id": coder_id}),
        )


@command("restore_speech_gap")
@retrying
def restore_speech_gap(db: Database, values: dict, coder_id: int | None = None) -> Change:
    """Put a dismissed marker back, with its id (the undo of :func:`dismiss_speech_gap`)."""
    with db.transaction() as session:
        if session.get(Transcript, values["transcript_id"]) is None:
            raise WorkbenchError("The transcript of that passage no longer exists.")
        if session.get(SpeechGap, values["id"]) is None:
            session.execute(insert(table_of(SpeechGap)).values(**values))
        audit.record(
            session,
            "restore untranscribed speech",
            "speech_gaps",
            values["id"],
            coder_id=coder_id,
            after=values,
        )
        return Change(
            f"Marked the passage at {_clock(values['start_ms'])} as untranscribed again",
            created={"speech_gaps": (values["id"],)},
            updated={"transcripts": (values["transcript_id"],)},
            scope=("transcript", values["transcript_id"]),
            inverse=Command("dismiss_speech_gap", {"gap_id": values["id"], "coder_id": coder_id}),
        )
