"""The pseudonym key in the store (leads only, kept apart) and applying it project-wide: codings stay
on their words, a coding of exactly a name follows it onto its pseudonym unflagged, rejected spans
stay, word timings keep no original."""

from __future__ import annotations

import pytest

from tests.integration.coding_fixtures import build, span
from workbench.coding.transcript_text import TranscriptText
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment, NewWord
from workbench.nlp.pseudonymise import PseudonymKey
from workbench.services.pseudonymising import apply_to_project
from workbench.store import coding_ops, pseudonym_keys, transcripts
from workbench.store.retrieval import open_transcript
from workbench.store.visibility import Viewer

NAMED = [
    "Who came with you?",
    "My partner Daniel drove me to Coventry, and Daniel stayed all morning.",
    "May was lovely; we may go again in May.",
]


def _segments(lines):
    out = []
    for i, line in enumerate(lines):
        t, words = i * 10_000, []
        for w in line.split(" "):
            words.append(NewWord(t, t + 300, " " + w))
            t += 400
        out.append(NewSegment(i * 10_000, i * 10_000 + 9_000, line, "Participant", words=tuple(words)))
    return out


@pytest.fixture
def study(db_url):
    study = build(db_url)
    tid = transcripts.add_transcript(study.db, "P001", "named", _segments(NAMED)).created_id("transcripts")
    study.transcripts["named"] = tid
    return study


def _text(study, tid) -> str:
    return TranscriptText(transcripts.load_segments(study.db, tid)).text


def test_key_is_for_leads_only(study):
    key = PseudonymKey()
    key.add("Daniel", "Person", "[Partner]")
    assert pseudonym_keys.export_redactor(study.db) is None
    with pytest.raises(WorkbenchError, match="Only a lead"):
        pseudonym_keys.save_key(study.db, study.ann, key.rows())
    change = pseudonym_keys.save_key(study.db, study.lead, key.rows())
    assert len(change.created["pseudonym_key"]) == 1
    with pytest.raises(WorkbenchError, match="Only a lead"):
        pseudonym_keys.key_rows(study.db, study.ann)
    rows = pseudonym_keys.key_rows(study.db, study.lead)
    assert [(r.original, r.replacement, r.category, r.created_by) for r in rows] == [
        ("Daniel", "[Partner]", "Person", "Lead")
    ]
    # the same original again (another spelling of it) changes the replacement, not the key's size
    pseudonym_keys.save_key(study.db, study.lead, [("daniel", "[Husband]", "Person", True)])
    assert pseudonym_keys.load_key(study.db, study.lead).replacement("Daniel") == "[Husband]"
    assert pseudonym_keys.key_size(study.db) == 1
    assert pseudonym_keys.export_redactor(study.db)("Ask Daniel.") == "Ask [Husband]."
    with pytest.raises(WorkbenchError, match="contains the original"):
        pseudonym_keys.save_key(study.db, study.lead, [("Coventry", "[Coventry area]", "Place", True)])
    with pytest.raises(WorkbenchError, match="itself an original"):
        pseudonym_keys.save_key(study.db, study.lead, [("Tom", "Daniel", "Person", True)])
    assert pseudonym_keys.key_size(study.db) == 1  # refused changes wrote nothing


def test_apply_keeps_codings_on_their_words_and_names_unflagged(study):
    tid = study.transcripts["named"]
    text = _text(study, tid)
    name = coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.ann, *span(text, "Daniel"))
    place = coding_ops.apply_code(
        study.db, tid, study.codes["Practical barriers"], study.bob, *span(text, "drove me to Coventry")
    )
    month = coding_ops.apply_code(
        study.db, tid, study.codes["Calm"], study.ann, *span(text, "go again in May")
    )
    key = PseudonymKey()
    key.add("Daniel", "Person", "[Partner]")
    key.add("Coventry", "Place")
    key.add("May", "Person", "[Friend]")
    month_start = text.rindex("May")
    result = apply_to_project(study.db, study.lead, key, keep={tid: [(month_start, month_start + 3)]})
    assert result.changed == (tid,) and result.replacements == 4
    new = _text(study, tid)
    assert "Daniel" not in new and "Coventry" not in new
    assert "[Friend] was lovely; we may go again in May." in new  # "may" the verb and the rejected month stay
    view = open_transcript(study.db, Viewer(study.lead), tid)
    codings = {c.id: c for c in view.codings}

    def quote(change):
        return new[
            codings[change.created_id("text_codings")].start_pos : codings[
                change.created_id("text_codings")
            ].end_pos
        ]

    assert (
        quote(name) == "[Partner]"
        and quote(place) == "drove me to [Place 1]"
        and quote(month) == "go again in May"
    )
    assert not any(c.needs_review for c in view.codings)
    words = [w.text for s in transcripts.load_segments(study.db, tid) for w in s.words]
    assert not any("Daniel" in w or "Coventry" in w for w in words) and " [Partner]" in words
    # a second run has nothing left to replace; other transcripts were not touched
    again = apply_to_project(study.db, study.lead, PseudonymKey())
    assert again.changed == () and again.transcripts == 4


def test_a_coder_cannot_apply(study):
    key = PseudonymKey()
    key.add("Daniel", "Person")
    with pytest.raises(WorkbenchError, match="Only a lead"):
        apply_to_project(study.db, study.ann, key)
    assert "Daniel" in _text(study, study.transcripts["named"])
