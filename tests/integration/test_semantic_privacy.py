"""Sentence vectors are derived data about participants: erasure removes them (and the rejections
on that participant's text), pseudonymisation makes them stale and they are recomputed on the new
text, and exports never carry them. SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile

import pytest
from coding_fixtures import build

from workbench.model.records import Command
from workbench.nlp.embedding import DIMENSIONS
from workbench.nlp.pseudonymise import PseudonymKey
from workbench.services import coding_exports, semantic_index, semantic_search
from workbench.services.pseudonymising import apply_to_project
from workbench.store import bus, embeddings, erasure
from workbench.store.visibility import Viewer


@pytest.fixture
def study(db_url):
    s = build(db_url)
    semantic_index.build_index(s.db)
    yield s
    s.db.dispose()


def rows_of(study, tid) -> int:
    index = embeddings.load_index(study.db, semantic_index.INDEX_KEY, DIMENSIONS)
    return int((index.transcript_ids == tid).sum())


def test_erasure_removes_a_participants_vectors_and_rejections(study):
    tid = study.transcripts["P001"]
    hit = next(
        r.hit
        for r in semantic_search.suggest(study.db, study.ann, study.codes["Anxiety"], top=20)
        if r.hit.transcript_id == tid
    )
    bus.run(
        study.db,
        Command(
            "reject_suggestion",
            {
                "coder_id": study.ann,
                "code_id": study.codes["Anxiety"],
                "transcript_id": tid,
                "start": hit.start_pos,
                "end": hit.end_pos,
            },
        ),
    )
    footprint = erasure.participant_footprint(study.db, "P001")
    assert footprint.counts()["passage_embeddings"] == rows_of(study, tid) > 0
    assert footprint.counts()["suggestion_rejections"] == 1
    erasure.erase_participant(study.db, "P001", study.lead)
    total, _size = embeddings.index_size(study.db)
    assert total == sum(rows_of(study, t) for t in (study.transcripts["P002"], study.transcripts["P003"]))
    assert rows_of(study, tid) == 0
    found = semantic_search.find_similar(study.db, study.ann, text="anxious", top=50)
    assert all(r.hit.participant != "P001" for r in found)


def test_pseudonymisation_makes_vectors_stale_and_they_are_recomputed_on_the_new_text(study):
    key = PseudonymKey()
    key.add("bus", "Transport", "[Transport 1]")
    result = apply_to_project(study.db, study.lead, key)
    tid = study.transcripts["P003"]
    assert result.changed == (tid,)
    assert semantic_index.pending(study.db) == 1 and rows_of(study, tid) == 0  # stale: never served
    semantic_index.build_index(study.db)
    found = semantic_search.find_similar(study.db, study.ann, text="late", top=50)
    texts = [r.hit.match for r in found if r.hit.transcript_id == tid]
    assert texts and all("bus" not in t for t in texts) and any("[Transport 1]" in t for t in texts)


def test_exports_never_carry_the_vectors(study, tmp_path):
    index = embeddings.load_index(study.db, semantic_index.INDEX_KEY, DIMENSIONS)
    vectors = [index.matrix[i].tobytes() for i in range(len(index))]
    path = tmp_path / "project.qdpx"
    coding_exports.export_qdpx(study.db, Viewer(study.lead), path)
    with zipfile.ZipFile(path) as archive:
        blobs = [archive.read(name) for name in archive.namelist()]
    assert blobs and not any(v in blob for v in vectors for blob in blobs)
    assert not any(b"embedding" in blob.lower() for blob in blobs)
