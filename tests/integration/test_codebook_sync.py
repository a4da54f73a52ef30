"""Updating a project's codebook from the shared .qdc: preview by GUID, apply, undo."""

from __future__ import annotations

import copy

import pytest
from coding_fixtures import build
from sqlalchemy import select

from workbench.coding.codebook import Code as CodeData
from workbench.model.errors import WorkbenchError
from workbench.store import bus, codebooks, coding_ops
from workbench.store.codebook_sync import apply_codebook_update, preview_codebook_update
from workbench.store.schema import Code


@pytest.fixture
def study(db_url):
    s = build(db_url)
    yield s
    s.db.dispose()


def shared_version(study):
    book = copy.deepcopy(codebooks.load_codebook(study.db, "COS-P"))
    feelings, group, barriers = book.codes
    anxiety, calm = feelings.children
    anxiety.name = "Anxiety and worry"  # renamed
    anxiety.definition = "worry, nerves, panic"  # definition changed
    feelings.children = [anxiety]
    group.children.append(calm)  # moved
    book.codes = [feelings, group]  # barriers removed
    group.children.append(CodeData("b0000000-0000-0000-0000-000000000009", "Facilitators"))  # added
    return book


def names(study):
    with study.db.reading() as session:
        return {r.guid: (r.name, r.parent_id) for r in session.scalars(select(Code))}


def test_preview_then_apply_then_undo(study):
    shared = shared_version(study)
    diff = preview_codebook_update(study.db, "COS-P", shared)
    assert [d.name for d in diff.added] == ["Facilitators"]
    assert [(d.old_name, d.name) for d in diff.renamed] == [("Anxiety", "Anxiety and worry")]
    assert [(d.name, d.new_parent) for d in diff.moved] == [("Calm", study.guids["Group experience"])]
    assert [(d.name, d.codings) for d in diff.removed] == [("Practical barriers", 0)]
    assert diff.changed[0].fields == (("definition", "worry, nerves", "worry, nerves, panic"),)
    before = names(study)
    change = apply_codebook_update(study.db, "COS-P", shared, study.lead, expected=diff)
    after = names(study)
    assert study.guids["Practical barriers"] not in after
    assert after[study.guids["Anxiety"]][0] == "Anxiety and worry"
    assert after[study.guids["Calm"]][1] == study.codes["Group experience"]
    assert preview_codebook_update(study.db, "COS-P", shared).empty
    bus.run(study.db, change.inverse)
    assert names(study) == before


def test_coded_removed_code_is_kept_and_stale_preview_refused(study):
    coding_ops.apply_code(
        study.db, study.transcripts["P003"], study.codes["Practical barriers"], study.ann, 0, 4
    )
    shared = shared_version(study)
    diff = preview_codebook_update(study.db, "COS-P", shared)
    assert diff.removed[0].codings == 1
    coding_ops.apply_code(
        study.db, study.transcripts["P003"], study.codes["Practical barriers"], study.ann, 5, 9
    )
    with pytest.raises(WorkbenchError, match="preview the update again"):
        apply_codebook_update(study.db, "COS-P", shared, study.lead, expected=diff)
    change = apply_codebook_update(study.db, "COS-P", shared, study.lead)
    assert "kept 1 removed code" in change.description
    assert study.guids["Practical barriers"] in names(study)
