"""Semantic index, Find similar and Suggest codings on a real project (SQLite and PostgreSQL), with
the real sentence model: stale vectors are never served, filters narrow the search, suggestions use
only the asking coder's own codings, rejections are remembered per coder, acceptance is audited."""

from __future__ import annotations

import numpy as np
import pytest
from coding_fixtures import build, span

from workbench.model.errors import WorkbenchError
from workbench.model.records import Command, NewSegment
from workbench.nlp.embedding import DIMENSIONS
from workbench.services import semantic_index, semantic_search
from workbench.store import audit, bus, coding_ops, embeddings, people, transcripts
from workbench.store.retrieval import Filters
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.text_search import document_texts
from workbench.store.visibility import set_independent_mode

MORE = [
    "Tell me how you have been feeling.",
    "Honestly I was worried all the time, my nerves were in pieces.",
    "The health visitor came and I felt she was judging my parenting.",
    "Parking at the hospital cost a fortune and the bus took an hour.",
    "My partner has been really supportive since the baby came.",
    "At night I panic that something bad will happen to her.",
    "We sang songs together in the group and it was lovely.",
]


@pytest.fixture
def study(db_url):
    s = build(db_url)
    segments = [NewSegment(i * 5000, i * 5000 + 4000, t, "Participant") for i, t in enumerate(MORE)]
    s.transcripts["P003b"] = transcripts.add_transcript(s.db, "P003", "P003 follow-up", segments).created_id(
        "transcripts"
    )
    yield s
    s.db.dispose()


def doc(study, tid):
    return document_texts(study.db, [tid])[tid]


def texts(results):
    return [r.hit.match for r in results]


def test_index_is_built_once_and_a_correction_makes_it_stale_never_served(study):
    assert semantic_index.pending(study.db) == 4
    change = semantic_index.build_index(study.db)
    assert semantic_index.pending(study.db) == 0 and len(change.updated["passage_embeddings"]) == 4
    index = embeddings.load_index(study.db, semantic_index.INDEX_KEY, DIMENSIONS)
    assert len(index) == embeddings.index_size(study.db)[0] > 10
    assert np.allclose(np.linalg.norm(index.matrix, axis=1), 1.0, atol=1e-5)

    tid = study.transcripts["P003b"]
    version = transcript_version(study.db, tid)
    corrected = [NewSegment(0, 4000, "We only talked about the weather.", "Participant")]
    update_transcript_text(study.db, tid, corrected, version, study.lead)
    assert semantic_index.pending(study.db) == 1
    stale = embeddings.load_index(study.db, semantic_index.INDEX_KEY, DIMENSIONS)
    assert tid not in stale.transcript_ids  # never served before it is recomputed
    semantic_index.build_index(study.db)
    fresh = embeddings.load_index(study.db, semantic_index.INDEX_KEY, DIMENSIONS)
    assert (fresh.transcript_ids == tid).sum() == 1


def test_find_similar_by_phrase_span_and_filters(study):
    found = semantic_search.find_similar(study.db, study.ann, text="I was nervous and full of worry", top=3)
    assert "worried all the time" in found[0].hit.match
    assert found[0].score > found[-1].score
    tid = study.transcripts["P003b"]
    a, b = span(doc(study, tid), "At night I panic that something bad will happen to her.")
    like = semantic_search.find_similar(study.db, study.ann, transcript_id=tid, span=(a, b), top=50)
    assert all(not (r.hit.transcript_id == tid and r.hit.start_pos == a) for r in like)  # not itself
    only = semantic_search.find_similar(
        study.db, study.ann, text="worried", top=50, filters=Filters(participants=("P002",))
    )
    assert only and {r.hit.participant for r in only} == {"P002"}
    t1 = study.transcripts["P001"]
    coding_ops.apply_code(
        study.db, t1, study.codes["Anxiety"], study.ann, *span(doc(study, t1), "I felt really anxious")
    )
    coded = semantic_search.find_similar(
        study.db, study.ann, text="worried", top=50, filters=Filters(code_guids=(study.guids["Anxiety"],))
    )
    assert texts(coded) == ["I felt really anxious at first, but the other mums were kind."]


def test_bad_requests_are_clear_and_raters_get_nothing(study):
    with pytest.raises(WorkbenchError, match="span"):
        semantic_search.find_similar(
            study.db, study.ann, transcript_id=study.transcripts["P001"], span=(5, 99999)
        )
    with pytest.raises(WorkbenchError, match="top"):
        semantic_search.find_similar(study.db, study.ann, text="x", top=0)
    with pytest.raises(WorkbenchError, match="heading"):
        semantic_search.suggest(study.db, study.ann, study.codes["Feelings"])
    rater = people.add_coder(study.db, "Rae", "rater").created_id("coders")
    with pytest.raises(WorkbenchError):
        semantic_search.find_similar(study.db, rater, text="worried")


def ranking(study, coder):
    return [
        (r.hit.transcript_id, r.hit.start_pos, round(r.score, 6))
        for r in semantic_search.suggest(study.db, coder, study.codes["Anxiety"], top=30)
    ]


def test_suggestions_in_independent_mode_never_draw_on_another_coders_codings(study):
    set_independent_mode(study.db, study.lead, True)
    tid = study.transcripts["P003b"]
    text = doc(study, tid)
    coding_ops.apply_code(
        study.db, tid, study.codes["Anxiety"], study.ann, *span(text, "my nerves were in pieces")
    )
    ann_before, bob_before = ranking(study, study.ann), ranking(study, study.bob)
    for phrase in ("Parking at the hospital", "We sang songs together", "My partner has been"):
        coding_ops.apply_code(study.db, tid, study.codes["Anxiety"], study.bob, *span(text, phrase))
    assert ranking(study, study.ann) == ann_before  # Bob's codings neither exclude nor move anything
    assert ranking(study, study.bob) != bob_before  # while Bob's own codings do shape his (the test can fail)
    assert all(
        r[1] != text.index("Honestly") for r in ann_before if r[0] == tid
    )  # Ann's own coded passage left out


def test_rejections_are_remembered_per_coder_and_undoable(study):
    first = semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=5)[0].hit
    change = bus.run(
        study.db,
        semantic_search_reject(study, study.ann, first),
    )
    after = [
        (r.hit.transcript_id, r.hit.start_pos)
        for r in semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=50)
    ]
    assert (first.transcript_id, first.start_pos) not in after
    bob = [
        (r.hit.transcript_id, r.hit.start_pos)
        for r in semantic_search.suggest(study.db, study.bob, study.codes["Anxiety"], top=5)
    ]
    assert bob[0] == (first.transcript_id, first.start_pos)  # Bob's suggestions are his own
    bus.run(study.db, change.inverse)  # undo: suggested again
    again = semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=5)
    assert (again[0].hit.transcript_id, again[0].hit.start_pos) == (first.transcript_id, first.start_pos)


def semantic_search_reject(study, coder, hit):
    return Command(
        "reject_suggestion",
        {
            "coder_id": coder,
            "code_id": study.codes["Anxiety"],
            "transcript_id": hit.transcript_id,
            "start": hit.start_pos,
            "end": hit.end_pos,
        },
    )


def test_accepting_a_suggestion_is_a_normal_undoable_coding_audited_as_suggested(study):
    hit = semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=1)[0].hit
    change = bus.run(
        study.db,
        Command(
            "apply_code",
            {
                "transcript_id": hit.transcript_id,
                "code_id": study.codes["Anxiety"],
                "coder_id": study.ann,
                "start": hit.start_pos,
                "end": hit.end_pos,
                "suggested": True,
            },
        ),
    )
    coding = change.created_id("text_codings")
    log = [e for e in audit.entries(study.db, study.lead, table="text_codings") if e.row_id == coding]
    assert any(
        e.action == "apply suggested code" and (e.after or {}).get("source") == "suggestion" for e in log
    )
    again = semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=50)
    assert (hit.transcript_id, hit.start_pos) not in [(r.hit.transcript_id, r.hit.start_pos) for r in again]
    bus.run(study.db, change.inverse)  # undo: the coding goes, and the passage is suggested again
    back = semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=1)
    assert (back[0].hit.transcript_id, back[0].hit.start_pos) == (hit.transcript_id, hit.start_pos)
