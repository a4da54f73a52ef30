"""The project store on SQLite and PostgreSQL: round trips, migrations, constraints, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.coding.codebook import Code, Codebook
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewMedia
from workbench.store import codebooks, codings, migrate, participants, people
from workbench.store.engine import Database
from workbench.store.schema import AuditEntry


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    migrate.upgrade(database)
    yield database
    database.dispose()


def _media(name: str, sha: str) -> NewMedia:
    return NewMedia(
        path=f"media/P01/{name}",
        original_name=name,
        sha256=sha,
        size_bytes=1234,
        duration_ms=30_000,
        kind="audio",
        container="wav",
        streams=[{"index": 0, "type": "audio", "codec": "pcm_s16le"}],
    )


def test_participants_media_round_trip(db):
    people.add_timepoints(db, ["baseline", "3 months"])
    participants.add_participant(
        db, "P01", site="Leeds", attributes={"arm": "COS-P", "age band": "25-34"}, masked=frozenset({"arm"})
    )
    change = participants.add_media(db, "P01", [_media("interview.wav", "a" * 64)], timepoint="baseline")
    assert change.touches("media") and len(change.created["media"]) == 1

    (p01,) = participants.list_participants(db)
    assert (p01.pseudonym, p01.site) == ("P01", "Leeds")
    assert p01.attribute("arm") == "COS-P" and p01.attribute("age band") == "25-34"
    assert [(a.name, a.masked) for a in p01.attributes] == [("age band", False), ("arm", True)]
    (media,) = p01.media
    assert (media.timepoint, media.duration_ms, media.streams[0]["codec"]) == (
        "baseline",
        30_000,
        "pcm_s16le",
    )

    (blind,) = participants.list_participants(db, include_masked=False)
    assert blind.attribute("arm") is None and blind.attribute("age band") == "25-34"
    assert participants.get_media(db, media.id) == media  # one row by id, as listed
    with pytest.raises(WorkbenchError, match=f"No media item {media.id + 1}"):
        participants.get_media(db, media.id + 1)


def test_duplicate_media_refused_and_nothing_written(db):
    participants.add_participant(db, "P01")
    participants.add_media(db, "P01", [_media("a.wav", "a" * 64)])
    with pytest.raises(WorkbenchError, match="already imported"):
        participants.add_media(db, "P01", [_media("b.wav", "b" * 64), _media("again.wav", "a" * 64)])
    assert [m.original_name for m in participants.list_media(db)] == ["a.wav"]


def test_duplicate_participant_refused(db):
    participants.add_participant(db, "P01")
    with pytest.raises(WorkbenchError, match="already exists"):
        participants.add_participant(db, "P01")


def test_codebook_round_trip_keeps_tree_and_guids(db):
    book = Codebook(
        "COS-P interviews",
        [
            Code(
                "11111111-1111-4111-8111-111111111111",
                "Experience of the group",
                definition="d",
                inclusion="i",
                exclusion="e",
                example="x",
                colour="#AA0000",
                children=[Code("22222222-2222-4222-8222-222222222222", "Peer support", colour="#00AA00")],
            ),
            Code("33333333-3333-4333-8333-333333333333", "Barriers", codable=False),
        ],
    )
    codebooks.add_codebook(db, book)
    assert codebooks.load_codebook(db, "COS-P interviews") == book
    with pytest.raises(WorkbenchError):
        codebooks.add_codebook(db, book)


def test_bulk_codings_and_audit(db):
    people.add_coder(db, "Amira", "coder")
    coder = people.coder_by_name(db, "Amira")
    participants.add_participant(db, "P01")
    codebooks.add_codebook(db, Codebook("cb", [Code("44444444-4444-4444-8444-444444444444", "c")]))
    from workbench.store.schema import Code as CodeRow
    from workbench.store.schema import Transcript

    with db.transaction() as s:
        pid = participants.participant_id(s, "P01")
        t = Transcript(participant_id=pid, name="interview")
        s.add(t)
        s.flush()
        tid = t.id
        code_id = s.scalar(select(CodeRow.id))
    rows = [codings.NewCoding(tid, code_id, coder.id, i, i + 5) for i in range(2500)]
    codings.add_codings(db, rows, chunk=1000)
    assert codings.coding_count(db) == 2500
    with db.reading() as s:
        actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("add codings") == 1 and "add coder" in actions


def test_invalid_coding_span_refused_atomically(db):
    people.add_coder(db, "Amira")
    with pytest.raises(Exception):  # noqa: B017 - the database refuses; any error will do
        codings.add_codings(db, [codings.NewCoding(999, 999, 999, 5, 1)])
    assert codings.coding_count(db) == 0


def test_unknown_role_refused(db):
    with pytest.raises(WorkbenchError, match="Unknown role"):
        people.add_coder(db, "X", "admin")


def test_scheme_round_trip(db):
    from pathlib import Path

    from workbench.coding.scheme import load_scheme as read_file
    from workbench.store import schemes

    scheme = read_file(Path(__file__).resolve().parents[2] / "codebooks" / "play_task_scheme.yaml")
    schemes.add_scheme(db, scheme, origin="codebooks/play_task_scheme.yaml")
    stored = schemes.load_scheme(db, scheme.name)
    assert stored.behaviours == scheme.behaviours
    assert stored.rating_scales == scheme.rating_scales
    assert stored.tasks == scheme.tasks and stored.subjects == scheme.subjects
    assert sorted(map(repr, stored.exclusive_groups)) == sorted(map(repr, scheme.exclusive_groups))
    assert schemes.scheme_names(db) == [scheme.name]


def test_transcript_round_trip_with_words_and_provenance(db):
    from workbench.model.records import NewSegment, NewWord, Provenance
    from workbench.store import transcripts

    participants.add_participant(db, "P01")
    segments = [
        NewSegment(
            0,
            2400,
            "Ask not what",
            "Speaker 1",
            -0.2,
            (
                NewWord(0, 700, "Ask", 0.9),
                NewWord(700, 1500, " not", 0.8),
                NewWord(1500, 2400, " what", 0.95),
            ),
        ),
        NewSegment(2400, 5000, "your country can do", "Speaker 2"),
    ]
    change = transcripts.add_transcript(
        db,
        "P01",
        "JFK",
        segments,
        provenance=Provenance("faster-whisper", "tiny.en", "1.2.1", "en", {"beam_size": 5}),
    )
    assert transcripts.load_segments(db, change.created_id("transcripts")) == segments
