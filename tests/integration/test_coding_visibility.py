"""Independent-coding mode enforced at the query level, with several coders, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from coding_fixtures import build

from workbench.model.errors import WorkbenchError
from workbench.store import coding_ops
from workbench.store.retrieval import (
    Filters,
    code_counts,
    code_frequencies,
    export_scope,
    extracts,
    open_transcript,
)
from workbench.store.visibility import Viewer, release_codings, set_independent_mode


@pytest.fixture
def study(db_url):
    s = build(db_url)
    t1, t2 = s.transcripts["P001"], s.transcripts["P002"]
    for coder in (s.ann, s.bob):
        coding_ops.apply_code(s.db, t1, s.codes["Anxiety"], coder, 0, 12)
        coding_ops.apply_code(s.db, t2, s.codes["Calm"], coder, 0, 12)
    coding_ops.apply_code(s.db, t1, s.codes["Calm"], s.lead, 3, 9)
    yield s
    s.db.dispose()


def coders_seen(study, viewer, transcript=None):
    filters = Filters(transcript_ids=(transcript,) if transcript else ())
    return sorted(e.coder for e in extracts(study.db, viewer, filters))


def test_views_without_independent_mode(study):
    assert coders_seen(study, Viewer(study.ann, "mine")) == ["Ann", "Ann"]
    assert coders_seen(study, Viewer(study.ann, "other", study.bob)) == ["Bob", "Bob"]
    assert coders_seen(study, Viewer(study.ann, "all")) == ["Ann", "Ann", "Bob", "Bob", "Lead"]


def test_independent_mode_hides_others_until_released(study):
    with pytest.raises(WorkbenchError, match="Only a lead"):
        set_independent_mode(study.db, study.ann, True)
    set_independent_mode(study.db, study.lead, True)
    t1 = study.transcripts["P001"]
    assert coders_seen(study, Viewer(study.ann, "all")) == ["Ann", "Ann"]
    assert coders_seen(study, Viewer(study.ann, "other", study.bob)) == []
    assert coders_seen(study, Viewer(study.bob, "all")) == ["Bob", "Bob"]
    assert [c.coder for c in open_transcript(study.db, Viewer(study.ann), t1).codings] == ["Ann"]
    counts = code_counts(study.db, Viewer(study.ann))
    assert counts[study.codes["Anxiety"]].codings == 1 and counts[study.codes["Calm"]].codings == 1
    assert int(code_frequencies(study.db, Viewer(study.bob)).to_numpy().sum()) == 2
    # leads see everything
    assert coders_seen(study, Viewer(study.lead, "all")) == ["Ann", "Ann", "Bob", "Bob", "Lead"]
    # released on one transcript
    with pytest.raises(WorkbenchError, match="Only a lead"):
        release_codings(study.db, study.bob, t1)
    release_codings(study.db, study.lead, t1)
    assert coders_seen(study, Viewer(study.ann, "all")) == ["Ann", "Ann", "Bob", "Lead"]
    assert coders_seen(study, Viewer(study.ann, "other", study.bob)) == ["Bob"]
    assert coders_seen(study, Viewer(study.ann, "mine")) == ["Ann", "Ann"]
    # released project-wide
    release_codings(study.db, study.lead)
    assert coders_seen(study, Viewer(study.ann, "all")) == ["Ann", "Ann", "Bob", "Bob", "Lead"]
    set_independent_mode(study.db, study.lead, False)
    assert coders_seen(study, Viewer(study.bob, "other", study.ann)) == ["Ann", "Ann"]


def test_trial_arm_is_for_leads_only(study):
    arm = Filters(attributes=(("arm", "COS-P"),))
    assert {e.participant for e in extracts(study.db, Viewer(study.lead), arm)} == {"P001"}
    with pytest.raises(WorkbenchError, match="Only a lead can select by arm"):
        extracts(study.db, Viewer(study.ann), arm)


def test_an_export_scope_counts_only_what_the_viewer_may_see(study):
    """The export dialog's counts (store.retrieval.export_scope) follow independent-coding mode."""
    everything = export_scope(study.db, Viewer(study.lead))
    assert everything.count() == 5 and set(everything.coders.values()) == {"Ann", "Bob", "Lead"}
    set_independent_mode(study.db, study.lead, True)
    mine = export_scope(study.db, Viewer(study.ann))
    assert mine.count() == 2 and mine.coders == {study.ann: "Ann"}
    assert mine.count() == len(extracts(study.db, Viewer(study.ann)))
    assert [c.path for c in mine.codes][:3] == [("Feelings",), ("Feelings", "Anxiety"), ("Feelings", "Calm")]
