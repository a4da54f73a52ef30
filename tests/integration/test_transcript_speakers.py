"""Renaming speakers in one transcript, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.store import migrate, participants, transcripts
from workbench.store.engine import Database
from workbench.store.schema import AuditEntry


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    migrate.upgrade(database)
    yield database
    database.dispose()


def _transcript(db, name):
    segments = [
        NewSegment(0, 1000, "Hello.", "Speaker 1"),
        NewSegment(1000, 2000, "Hi.", "Speaker 2"),
        NewSegment(2000, 3000, "How are you?", "Speaker 1"),
        NewSegment(3000, 3500, "(pause)"),
    ]
    return transcripts.add_transcript(db, "P01", name, segments).created_id("transcripts")


def test_rename_speakers_in_one_transcript_only_and_audited(db):
    participants.add_participant(db, "P01")
    first, second = _transcript(db, "a"), _transcript(db, "b")
    change = transcripts.rename_speakers(db, first, {"Speaker 1": "Interviewer", "Speaker 2": "Participant"})
    assert len(change.updated["segments"]) == 3
    assert [s.speaker for s in transcripts.load_segments(db, first)] == [
        "Interviewer",
        "Participant",
        "Interviewer",
        None,
    ]
    assert [s.speaker for s in transcripts.load_segments(db, second)] == [
        "Speaker 1",
        "Speaker 2",
        "Speaker 1",
        None,
    ]
    transcripts.rename_speakers(
        db, first, {"Interviewer": "Participant", "Participant": "Interviewer"}
    )  # a swap
    assert [s.speaker for s in transcripts.load_segments(db, first)][:2] == ["Participant", "Interviewer"]
    with db.reading() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.row_id == first, AuditEntry.table_name == "transcripts"
            )
        ).all()
    assert actions.count("rename speakers") == 2


def test_rename_refuses_empty_names_and_unknown_transcripts(db):
    participants.add_participant(db, "P01")
    first = _transcript(db, "a")
    with pytest.raises(WorkbenchError, match="needs a name"):
        transcripts.rename_speakers(db, first, {"Speaker 1": "  "})
    with pytest.raises(WorkbenchError, match="No transcript"):
        transcripts.rename_speakers(db, first + 100, {"Speaker 1": "Interviewer"})
    assert [s.speaker for s in transcripts.load_segments(db, first)][0] == "Speaker 1"
