"""Retrieval: extracts by code/participant/site/coder, frequencies, co-occurrence, framework matrix,
and text search (exact, regex, lemma with real spaCy), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from coding_fixtures import build, span

from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.store import bus, coding_ops
from workbench.store.retrieval import (
    Filters,
    code_frequencies,
    cooccurrence,
    extracts,
    framework_matrix,
    open_transcript,
)
from workbench.store.text_correction import update_transcript_text
from workbench.store.text_search import index_lemmas, search_text
from workbench.store.visibility import Viewer


@pytest.fixture
def study(db_url):
    s = build(db_url)
    texts = {p: open_transcript(s.db, Viewer(s.lead), t).text.text for p, t in s.transcripts.items()}

    def code(p, phrase, name, coder):
        return coding_ops.apply_code(s.db, s.transcripts[p], s.codes[name], coder, *span(texts[p], phrase))

    s.made = [
        code("P001", "I felt really anxious at first", "Anxiety", s.ann),
        code("P001", "really anxious at first, but the other mums were kind", "Group experience", s.ann),
        code("P002", "I feel calmer now", "Calm", s.bob),
        code("P002", "I am less anxious", "Anxiety", s.bob),
        code("P003", "the bus was always late", "Practical barriers", s.ann),
    ]
    s.texts = texts
    yield s
    s.db.dispose()


def test_extracts_by_code_with_subcodes(study):
    lead = Viewer(study.lead)
    feelings = extracts(study.db, lead, Filters(code_guids=(study.guids["Feelings"],)))
    assert [(e.participant, e.text) for e in feelings] == [
        ("P001", "I felt really anxious at first"),
        ("P002", "I feel calmer now"),
        ("P002", "I am less anxious"),
    ]
    assert (
        extracts(study.db, lead, Filters(code_guids=(study.guids["Feelings"],), include_subcodes=False)) == []
    )
    e = feelings[0]
    assert e.code_path == ("Feelings", "Anxiety") and e.coder == "Ann" and e.speaker == "Participant"
    assert e.transcript_name == "P001 interview" and 10_000 <= e.start_ms < e.end_ms <= 19_000
    assert e.start_pos == study.texts["P001"].index("I felt")


def test_extracts_by_participant_site_coder(study):
    lead = Viewer(study.lead)
    assert {e.participant for e in extracts(study.db, lead, Filters(site="Leeds"))} == {"P001", "P002"}
    assert {e.participant for e in extracts(study.db, lead, Filters(participants=("P003",)))} == {"P003"}
    assert {e.coder for e in extracts(study.db, lead, Filters(coder_ids=(study.bob,)))} == {"Bob"}
    coding_ops.add_memo(
        study.db, study.bob, "coding", study.made[2].created_id("text_codings"), "turning point"
    )
    calm = extracts(study.db, lead, Filters(code_guids=(study.guids["Calm"],)))
    assert calm[0].memo == "turning point"


def test_frequencies_and_cooccurrence(study):
    freq = code_frequencies(study.db, Viewer(study.lead))
    assert freq.loc["P002", "Feelings / Anxiety"] == 1 and freq.loc["P001", "Group experience"] == 1
    assert freq.loc["P003", "Feelings / Calm"] == 0
    spans = cooccurrence(study.db, Viewer(study.lead), "span")
    assert spans.loc["Feelings / Anxiety", "Group experience"] == 1
    assert spans.loc["Group experience", "Feelings / Anxiety"] == 1
    assert spans.loc["Feelings / Anxiety", "Feelings / Anxiety"] == 2
    assert spans.loc["Feelings / Calm", "Feelings / Anxiety"] == 0  # same segment, no overlap
    segments = cooccurrence(study.db, Viewer(study.lead), "segment")
    assert segments.loc["Feelings / Calm", "Feelings / Anxiety"] == 1


def test_framework_matrix_with_summaries(study):
    guids = (study.guids["Feelings"], study.guids["Practical barriers"])
    with study.db.reading() as session:
        from workbench.store.schema import Participant

        p2 = session.query(Participant.id).filter_by(pseudonym="P002").scalar()
    change = coding_ops.set_framework_summary(
        study.db, study.lead, p2, study.codes["Feelings"], "Calmer after the group; anxiety reduced."
    )
    matrix = framework_matrix(study.db, Viewer(study.lead), guids)
    assert matrix.participants == ("P001", "P002", "P003")
    assert len(matrix.cell("P002", study.guids["Feelings"]).extracts) == 2
    assert matrix.cell("P002", study.guids["Feelings"]).summary.startswith("Calmer")
    assert (
        matrix.cell("P003", study.guids["Practical barriers"]).extracts[0].text == "the bus was always late"
    )
    assert matrix.summaries().loc["P002", "Feelings"].startswith("Calmer")
    bus.run(study.db, change.inverse)
    assert (
        framework_matrix(study.db, Viewer(study.lead), guids).cell("P002", study.guids["Feelings"]).summary
        == ""
    )


def test_exact_and_regex_search_with_kwic(study):
    hits = search_text(study.db, "anxious")
    assert [(h.participant, h.match) for h in hits] == [("P001", "anxious"), ("P002", "anxious")]
    assert hits[0].left.endswith("felt really ") and hits[0].right.startswith(" at first")
    assert hits[0].speaker == "Participant"
    assert [h.match for h in search_text(study.db, r"\bcalm\w*", "regex")] == ["calmer"]
    with pytest.raises(WorkbenchError, match="Not a valid regular expression"):
        search_text(study.db, "(unclosed", "regex")


def test_lemma_search_with_real_spacy_and_stale_lemmas(study):
    hits = search_text(study.db, "feel", "lemma")
    assert sorted((h.participant, h.match) for h in hits) == [("P001", "felt"), ("P002", "feel")]
    assert [h.match for h in search_text(study.db, "babies cry", "lemma")] == ["baby cried"]
    # a correction clears the lemmas; the next search indexes the new text
    tid = study.transcripts["P003"]
    view = open_transcript(study.db, Viewer(study.lead), tid)
    update_transcript_text(
        study.db,
        tid,
        [view.text.segments[0], NewSegment(10_000, 19_000, "I felt lonely on the bus.", "Participant")],
        view.version,
    )
    assert index_lemmas(study.db, [tid]).updated["transcripts"] == (tid,)
    assert index_lemmas(study.db, [tid]).updated["transcripts"] == ()
    assert sorted(h.participant for h in search_text(study.db, "feeling", "lemma")) == [
        "P001",
        "P002",
        "P003",
    ]
