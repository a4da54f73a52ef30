"""Coding actions, code operations and text correction on SQLite and PostgreSQL, each undone and redone."""

from __future__ import annotations

import pytest
from coding_fixtures import build, span
from sqlalchemy import select

from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.store import bus, code_ops, coding_ops
from workbench.store.retrieval import Filters, code_counts, extracts, open_transcript
from workbench.store.schema import Code, Memo, TextCoding
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.visibility import Viewer


@pytest.fixture
def study(db_url):
    s = build(db_url)
    yield s
    s.db.dispose()


def codings(study):
    with study.db.reading() as session:
        return session.execute(
            select(
                TextCoding.id,
                TextCoding.code_id,
                TextCoding.start_pos,
                TextCoding.end_pos,
                TextCoding.quote,
                TextCoding.needs_review,
            ).order_by(TextCoding.id)
        ).all()


def test_apply_remove_recode_with_undo_redo(study):
    tid = study.transcripts["P001"]
    text = open_transcript(study.db, Viewer(study.ann), tid).text.text
    start, end = span(text, "really anxious")
    applied = coding_ops.apply_code(study.db, tid, study.codes["Anxiety"], study.ann, start, end)
    cid = applied.created_id("text_codings")
    assert [c.quote for c in codings(study)] == ["really anxious"]
    memo = coding_ops.add_memo(study.db, study.ann, "coding", cid, "nerves before the first session")
    recoded = coding_ops.recode(study.db, [cid], study.codes["Calm"], study.ann)
    assert codings(study)[0].code_id == study.codes["Calm"]
    undo = bus.run(study.db, recoded.inverse)
    assert codings(study)[0].code_id == study.codes["Anxiety"]
    bus.run(study.db, undo.inverse)  # redo
    assert codings(study)[0].code_id == study.codes["Calm"]

    removed = coding_ops.remove_codings(study.db, [cid], study.ann)
    assert codings(study) == []
    with study.db.reading() as session:
        assert session.scalars(select(Memo)).all() == []
    back = bus.run(study.db, removed.inverse)
    assert [c.id for c in codings(study)] == [cid]
    with study.db.reading() as session:
        assert session.get(Memo, memo.created_id("memos")).target_id == cid
    bus.run(study.db, back.inverse)
    assert codings(study) == []


def test_apply_code_is_undone_and_redone(study):
    tid = study.transcripts["P002"]
    applied = coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.bob, 0, 10)
    undo = bus.run(study.db, applied.inverse)
    assert codings(study) == []
    bus.run(study.db, undo.inverse)
    assert [c.id for c in codings(study)] == [applied.created_id("text_codings")]


def test_refusals(study):
    tid = study.transcripts["P001"]
    with pytest.raises(WorkbenchError, match="heading"):
        coding_ops.apply_code(study.db, tid, study.codes["Feelings"], study.ann, 0, 5)
    with pytest.raises(WorkbenchError, match="Select some text"):
        coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.ann, 5, 5000)
    cid = coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.ann, 0, 5).created_id(
        "text_codings"
    )
    with pytest.raises(WorkbenchError, match="only your own"):
        coding_ops.remove_codings(study.db, [cid], study.bob)
    coding_ops.remove_codings(study.db, [cid], study.lead)  # a lead may
    with pytest.raises(WorkbenchError, match="memo goes on"):
        coding_ops.add_memo(study.db, study.ann, "planet", 1, "x")


def test_in_vivo_code(study):
    tid = study.transcripts["P002"]
    text = open_transcript(study.db, Viewer(study.ann), tid).text.text
    start, end = span(text, "needed comfort")
    change = coding_ops.in_vivo_code(study.db, tid, study.codes["Feelings"], study.ann, start, end)
    with study.db.reading() as session:
        code = session.get(Code, change.created_id("codes"))
        assert (code.name, code.parent_id, code.position) == ("needed comfort", study.codes["Feelings"], 2)
    bus.run(study.db, change.inverse)
    with study.db.reading() as session:
        assert session.get(Code, change.created_id("codes")) is None
    assert codings(study) == []


def test_code_create_rename_move_with_undo(study):
    created = code_ops.create_code(study.db, 1, "Partner support", parent_id=None, position=1)
    new_id = created.created_id("codes")
    with study.db.reading() as session:
        top = session.scalars(select(Code.name).where(Code.parent_id.is_(None)).order_by(Code.position)).all()
    assert top == ["Feelings", "Partner support", "Group experience", "Practical barriers"]
    renamed = code_ops.rename_code(study.db, new_id, "Support from partner")
    moved = code_ops.move_code(study.db, new_id, study.codes["Feelings"], 0)
    with pytest.raises(WorkbenchError, match="under itself"):
        code_ops.move_code(study.db, study.codes["Feelings"], new_id)
    with study.db.reading() as session:
        row = session.get(Code, new_id)
        assert (row.name, row.parent_id, row.position) == ("Support from partner", study.codes["Feelings"], 0)
    for change in (moved, renamed, created):
        bus.run(study.db, change.inverse)
    with study.db.reading() as session:
        assert session.get(Code, new_id) is None
        top = session.scalars(select(Code.name).where(Code.parent_id.is_(None)).order_by(Code.position)).all()
        kids = session.scalars(
            select(Code.name).where(Code.parent_id == study.codes["Feelings"]).order_by(Code.position)
        ).all()
    assert top == ["Feelings", "Group experience", "Practical barriers"] and kids == ["Anxiety", "Calm"]


def test_merge_and_split_move_codings_and_undo(study):
    t1, t2 = study.transcripts["P001"], study.transcripts["P002"]
    a = coding_ops.apply_code(study.db, t1, study.codes["Anxiety"], study.ann, 0, 10).created_id(
        "text_codings"
    )
    b = coding_ops.apply_code(study.db, t2, study.codes["Calm"], study.bob, 0, 10).created_id("text_codings")
    with pytest.raises(WorkbenchError, match="Only a lead"):
        code_ops.merge_codes(study.db, study.codes["Calm"], study.codes["Anxiety"], study.ann)
    merged = code_ops.merge_codes(study.db, study.codes["Calm"], study.codes["Anxiety"], study.lead)
    assert {c.code_id for c in codings(study)} == {study.codes["Anxiety"]}
    counts = code_counts(study.db, Viewer(study.lead))
    assert (
        counts[study.codes["Anxiety"]].codings == 2
        and counts[study.codes["Feelings"]].participants_with_subcodes == 2
    )
    bus.run(study.db, merged.inverse)
    assert {(c.id, c.code_id) for c in codings(study)} == {
        (a, study.codes["Anxiety"]),
        (b, study.codes["Calm"]),
    }

    split = code_ops.split_code(
        study.db, study.codes["Anxiety"], ["Social anxiety", "Health anxiety"], {a: 1}, study.lead
    )
    new = split.created["codes"]
    assert {c.id: c.code_id for c in codings(study)}[a] == new[1]
    bus.run(study.db, split.inverse)
    assert {c.id: c.code_id for c in codings(study)}[a] == study.codes["Anxiety"]
    with study.db.reading() as session:
        assert session.scalars(select(Code).where(Code.id.in_(new))).all() == []


def test_text_correction_reanchors_flags_and_undoes(study):
    tid = study.transcripts["P001"]
    view = open_transcript(study.db, Viewer(study.ann), tid)
    text = view.text.text
    tired = coding_ops.apply_code(study.db, tid, study.codes["Anxiety"], study.ann, *span(text, "so tired"))
    kind = coding_ops.apply_code(
        study.db, tid, study.codes["Group experience"], study.ann, *span(text, "the other mums were kind")
    )
    segs = list(view.text.segments)
    corrected = [
        NewSegment(0, 9000, "So, how did you find the group?", "Interviewer"),
        segs[1],
        NewSegment(20000, 29000, "My baby cried a lot.", "Interviewer"),
    ]
    change = update_transcript_text(study.db, tid, corrected, view.version, study.ann)
    by_id = {c.id: c for c in codings(study)}
    assert by_id[kind.created_id("text_codings")].quote == "the other mums were kind"
    assert not by_id[kind.created_id("text_codings")].needs_review
    flagged = by_id[tired.created_id("text_codings")]
    assert flagged.needs_review and flagged.start_pos == flagged.end_pos  # kept, flagged, not dropped
    assert transcript_version(study.db, tid) == view.version + 1
    with pytest.raises(WorkbenchError, match="changed elsewhere"):
        update_transcript_text(study.db, tid, corrected, view.version)
    extract = extracts(study.db, Viewer(study.lead), Filters(code_guids=(study.guids["Anxiety"],)))[0]
    assert extract.needs_review
    undo = bus.run(study.db, change.inverse)
    by_id = {c.id: c for c in codings(study)}
    assert by_id[tired.created_id("text_codings")].quote == "so tired"
    assert not by_id[tired.created_id("text_codings")].needs_review
    assert open_transcript(study.db, Viewer(study.ann), tid).text.text == text
    bus.run(study.db, undo.inverse)
    assert open_transcript(study.db, Viewer(study.ann), tid).text.segments[0].text.startswith("So, how")


def test_in_vivo_code_on_a_stale_version_is_refused(study):
    tid = study.transcripts["P002"]
    seen = open_transcript(study.db, Viewer(study.ann), tid)
    start, end = span(seen.text.text, "needed comfort")
    version = transcript_version(study.db, tid)
    with pytest.raises(WorkbenchError, match="corrected this transcript"):
        coding_ops.in_vivo_code(
            study.db, tid, study.codes["Feelings"], study.ann, start, end, expected_version=version - 1
        )
    assert codings(study) == []
    change = coding_ops.in_vivo_code(
        study.db, tid, study.codes["Feelings"], study.ann, start, end, expected_version=version
    )
    assert change.created_id("codes")
