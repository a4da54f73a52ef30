"""Coder filter in the coding view: mine / one other coder's / all; independent mode is enforced by
the store, and the view shows only what the store returns."""

from __future__ import annotations

import pytest

from tests.ui.coding_setup import TEXTS, build, settled, span
from workbench.store import coding_ops, people, visibility


@pytest.fixture
def study(project):
    study = build(project)
    text = "\n".join(TEXTS["P001"])
    tid = study.transcripts["P001"]
    coding_ops.apply_code(study.db, tid, study.codes["Anxiety"], study.lead, *span(text, "really anxious"))
    coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.ann, *span(text, "so tired"))
    return study


def shown(view) -> set[tuple[int, int]]:
    settled()  # the codings are read on the database worker
    return {(c.coder_id, c.code_id) for c in view.codings}


def test_mine_other_all(make_window, study):
    window = make_window(study.project)
    view = window.text_coding.open_transcript_id(study.transcripts["P001"])
    lead, ann = (study.lead, study.codes["Anxiety"]), (study.ann, study.codes["Calm"])
    assert shown(view) == {lead, ann}
    assert len(view.edit.stripes.stripes) == 2
    view.filter.choose("mine")
    assert shown(view) == {lead} and len(view.edit.stripes.stripes) == 1
    view.filter.choose("other", study.ann)
    assert shown(view) == {ann}
    view.filter.choose("all")
    assert shown(view) == {lead, ann}


def test_independent_mode_hides_others_until_released(make_window, study):
    visibility.set_independent_mode(study.db, study.lead, True)
    ann = next(c for c in people.list_coders(study.db) if c.id == study.ann)
    study.project.coder = ann  # Ann opens the project
    window = make_window(study.project)
    view = window.text_coding.open_transcript_id(study.transcripts["P001"])
    mine = (study.ann, study.codes["Calm"])
    assert shown(view) == {mine}
    lead_name = next(c.name for c in people.list_coders(study.db) if c.id == study.lead)
    labels = [view.filter.itemText(i) for i in range(view.filter.count())]
    assert f"{lead_name}'s" in labels  # she may ask, the store answers nothing
    view.filter.choose("other", study.lead)
    assert shown(view) == set()
    change = visibility.release_codings(study.db, study.lead, study.transcripts["P001"])
    window.apply_change(change)
    assert shown(view) == {(study.lead, study.codes["Anxiety"])}
    view.filter.choose("all")
    assert shown(view) == {mine, (study.lead, study.codes["Anxiety"])}
