"""A project to a REFI-QDA .qdpx and back: the export validates against the XSD, and importing it
into a fresh project keeps codes, hierarchy, codings (offsets and text), coders and memos; every
shared .qdpx imports into a project or is refused clearly; an import that fails writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration.coding_fixtures import build, span
from workbench.coding.transcript_text import TranscriptText
from workbench.exchange.qdpx_model import Coding, QdaProject, Selection, TextSource
from workbench.exchange.refi_qdpx import read_project, read_qdpx, validate_qde, write_qdpx
from workbench.exchange.safe_zip import SafeZip
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewMedia, NewSegment
from workbench.services.qdpx_export import export_project
from workbench.services.qdpx_import import import_project
from workbench.store import codebooks, coding_ops, migrate, participants, people, transcripts
from workbench.store.engine import Database
from workbench.store.retrieval import Filters, extracts
from workbench.store.schema import Memo, Participant, Transcript
from workbench.store.visibility import Viewer, set_independent_mode

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "refi_qdpx"


def _fresh(url: str) -> tuple[Database, int]:
    db = Database(url)
    migrate.upgrade(db)
    return db, people.add_coder(db, "Importer", "lead").created_id("coders")


def _coded(study):
    """Codings by Ann and Bob, a transcript with a recording, memos on every kind of target."""
    db = study.db
    text = TranscriptText(transcripts.load_segments(db, study.transcripts["P001"])).text
    anxious = coding_ops.apply_code(
        db,
        study.transcripts["P001"],
        study.codes["Anxiety"],
        study.ann,
        *span(text, "I felt really anxious at first"),
    ).created_id("text_codings")
    coding_ops.apply_code(
        db,
        study.transcripts["P001"],
        study.codes["Group experience"],
        study.bob,
        *span(text, "the other mums were kind"),
    )
    coding_ops.add_memo(db, study.ann, "coding", anxious, "Anxious at the start only.", title="start")
    coding_ops.add_memo(db, study.lead, "code", study.codes["Calm"], "Calm: settled, less worried.")
    coding_ops.add_memo(db, study.bob, "transcript", study.transcripts["P002"], "Good rapport.")
    pid = participants.find_participant(db, "P003").id
    coding_ops.add_memo(db, study.lead, "participant", pid, "Travel is the theme.", title="overview")
    media = participants.add_media(
        db,
        "P002",
        [NewMedia("media/P002/int.wav", "int.wav", "ab" * 32, 1000, 30_000, "audio")],
        timepoint="3 months",
    ).created_id("media")
    segs = [
        NewSegment(0, 4_000, "So how was it?", "Interviewer"),
        NewSegment(4_000, 12_500, "The circle gave me words for it.", "Participant"),
        NewSegment(12_500, 20_000, "I feel calmer now.", "Participant"),
    ]
    tid = transcripts.add_transcript(db, "P002", "P002 3 months", segs, media_id=media).created_id(
        "transcripts"
    )
    recorded = "\n".join(s.text for s in segs)
    coding_ops.apply_code(db, tid, study.codes["Calm"], study.ann, *span(recorded, "I feel calmer now"))
    coding_ops.apply_code(
        db,
        study.transcripts["P003"],
        study.codes["Practical barriers"],
        study.bob,
        *span(
            TranscriptText(transcripts.load_segments(db, study.transcripts["P003"])).text,
            "the bus was always late",
        ),
    )
    return tid


def _codings(db, viewer) -> list[tuple]:
    return sorted(
        (e.participant, e.transcript_name, e.code_guid, e.start_pos, e.end_pos, e.text, e.coder, e.memo)
        for e in extracts(db, Viewer(viewer), Filters())
    )


def _memos(db) -> list[tuple]:
    with db.reading() as session:
        return sorted((m.target_kind, m.title, m.text) for m in session.scalars(select(Memo)))


def test_round_trip_keeps_codes_codings_and_memos(db_url, tmp_path):
    study = build(db_url)
    recorded = _coded(study)
    qda = export_project(study.db, Viewer(study.lead))
    assert [m.name for m in qda.media] == ["int.wav"] and len(qda.sources) == 3
    assert len(qda.media[0].transcripts[0].sync_points) == 3
    assert {c.name for c in qda.cases} == {"P001", "P002", "P003"}
    path = tmp_path / "study.qdpx"
    write_qdpx(qda, path)
    with SafeZip(path) as archive:
        assert validate_qde(archive.read(archive.find("project.qde"))) == []
    back = read_qdpx(path)
    assert back.warnings == []

    db, importer = _fresh(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    report = import_project(db, back, importer)
    assert len(report.change.created["text_codings"]) == 4 and len(report.change.created["memos"]) == 4
    original = codebooks.load_codebook(study.db, "COS-P")
    (name,) = codebooks.codebook_names(db)
    again = codebooks.load_codebook(db, name)
    assert [(c.guid, c.name, p, c.codable, c.definition) for c, p in again.walk()] == [
        (c.guid, c.name, p, c.codable, c.definition) for c, p in original.walk()
    ]
    assert _codings(db, importer) == _codings(study.db, study.lead)
    assert _memos(db) == _memos(study.db)
    assert {c.name for c in people.list_coders(db)} >= {"Lead", "Ann", "Bob"}
    with db.reading() as session:
        row = session.scalar(select(Transcript).where(Transcript.name == "P002 3 months"))
    times = [(s.start_ms, s.text) for s in transcripts.load_segments(db, row.id)]
    assert times == [
        (0, "So how was it?"),
        (4_000, "The circle gave me words for it."),
        (12_500, "I feel calmer now."),
    ]
    assert participants.find_participant(db, "P003").site == "Bristol"
    assert participants.find_participant(db, "P003").attribute("arm") is None  # masked: never exported
    # the same file again is refused and changes nothing
    with pytest.raises(WorkbenchError, match="imported before"):
        import_project(db, back, importer)
    assert len(_codings(db, importer)) == 4
    assert recorded


def test_export_holds_what_the_viewer_may_see(db_url):
    study = build(db_url)
    _coded(study)
    set_independent_mode(study.db, study.lead, True)
    ann = export_project(study.db, Viewer(study.ann))
    assert {ann.user_name(c.creating_user) for _g, _s, c in ann.codings()} == {"Ann"}
    assert sum(1 for _ in export_project(study.db, Viewer(study.lead)).codings()) == 4


def test_import_merges_codes_into_the_codebook_with_the_same_guids(db_url, tmp_path):
    study = build(db_url)
    _coded(study)
    qda = export_project(study.db, Viewer(study.lead))
    extra = qda.codebook.codes[0].children
    from workbench.coding.codebook import Code

    extra.append(Code("b0000000-0000-0000-0000-000000000009", "Shame"))
    source = qda.sources[0]
    source.name = "new interview"
    qda.sources, qda.media, qda.notes, qda.code_notes, qda.note_guids = [source], [], [], {}, []
    source.note_guids = []
    for selection in source.selections:
        for coding in selection.codings:
            coding.note_guids = []
    source.selections.append(
        Selection(
            "c0000000-0000-0000-0000-000000000001",
            0,
            5,
            codings=[Coding("c0000000-0000-0000-0000-000000000002", "b0000000-0000-0000-0000-000000000009")],
        )
    )
    report = import_project(study.db, qda, study.lead)
    assert codebooks.codebook_names(study.db) == ["COS-P"]  # merged, no new codebook
    book = codebooks.load_codebook(study.db, "COS-P")
    assert book.parent_guid("b0000000-0000-0000-0000-000000000009") == "a0000000-0000-0000-0000-000000000001"
    assert "added 1 code(s)" in report.notes


def test_failed_import_writes_nothing(db_url):
    study = build(db_url)
    good = TextSource("d0000000-0000-0000-0000-000000000001", "P009 interview", "Fine words.")
    bad = TextSource(
        "d0000000-0000-0000-0000-000000000002",
        "P010 interview",
        "Short.",
        selections=[
            Selection(
                "d0000000-0000-0000-0000-000000000003",
                2,
                99,
                codings=[
                    Coding("d0000000-0000-0000-0000-000000000004", "a0000000-0000-0000-0000-000000000002")
                ],
            )
        ],
    )
    qda = QdaProject("broken", codebooks.load_codebook(study.db, "COS-P"), sources=[good, bad])
    with pytest.raises(WorkbenchError, match="outside its text"):
        import_project(study.db, qda, study.lead)
    with study.db.reading() as session:
        assert session.scalar(select(func.count(Participant.id))) == 3
        assert session.scalar(select(func.count(Transcript.id))) == 3
    with pytest.raises(WorkbenchError, match="Only a lead"):
        import_project(
            study.db, QdaProject("x", codebooks.load_codebook(study.db, "COS-P"), sources=[good]), study.ann
        )


# file: (transcripts, codings, participants) after import, or the refusal
SHARED = {
    "atlasti23.2win_target-atlas-project.qdpx": (0, 0, 0),
    "atlasti8.4mac_standard_project.qde": "is not in the file",
    "nvivo12.6win_oltas0517.qdpx": (2, 303, 2),
    "nvivo15mac_qc_nvivo_project.qdpx": (2, 0, 2),
    "qc1.3.2_demo.qdpx": (2, 205, 2),
}


def test_every_shared_file_is_covered():
    assert sorted(p.name for p in INTEROP.iterdir()) == sorted(SHARED)


@pytest.mark.parametrize("name", sorted(SHARED))
def test_shared_projects_import(tmp_path, name):
    db, importer = _fresh(f"sqlite:///{tmp_path / 'p.sqlite'}")
    qda = read_project(INTEROP / name)
    expected = SHARED[name]
    if isinstance(expected, str):
        with pytest.raises(WorkbenchError, match=expected):
            import_project(db, qda, importer)
        assert codebooks.codebook_names(db) == []
        return
    report = import_project(db, qda, importer)
    created = report.change.created
    assert (
        len(created["transcripts"]),
        len(created["text_codings"]),
        len(participants.list_participants(db)),
    ) == expected
    assert codebooks.code_count(db) == qda.codebook.count()
    texts = {s.name: s.text for s in qda.sources}
    for e in extracts(db, Viewer(importer), Filters()):
        assert texts[e.transcript_name][e.start_pos : e.end_pos] == e.text
    # and it goes out again as a valid project with the same codings
    write_qdpx(export_project(db, Viewer(importer)), tmp_path / "again.qdpx")
    assert sum(1 for _ in read_qdpx(tmp_path / "again.qdpx").codings()) == expected[1]
