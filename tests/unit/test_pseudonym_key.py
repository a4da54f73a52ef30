"""Pseudonym key, edits and re-anchoring: pure Python, no spaCy model."""

from __future__ import annotations

import spacy

from workbench.coding.anchoring import Anchoring
from workbench.nlp.pipeline import load_pipeline, pipeline_warning
from workbench.nlp.pseudonymise import (
    ACCEPTED,
    REJECTED,
    Edit,
    PseudonymKey,
    Review,
    Suggestion,
    apply_edits,
    edit_opcodes,
    pseudonymise_text,
    suggest,
)


def test_numbering_per_category_and_consistency():
    key = PseudonymKey()
    assert key.add("Heartlands Hospital", "Hospital") == "[Hospital 1]"
    assert key.add("Daniel", "Person") == "[Person 1]"
    assert key.add("St Mary's", "Hospital") == "[Hospital 2]"
    assert key.add("heartlands  hospital", "Hospital") == "[Hospital 1]"  # same original, same pseudonym
    key.set_replacement("Daniel", "[Partner]")
    assert key.add("Amelia", "Person", replacement="[Baby]") == "[Baby]"
    assert key.add("Linda", "Person") == "[Person 1]"  # numbers follow the highest one in use
    assert key.add("Noah", "Person") == "[Person 2]"
    assert PseudonymKey.from_rows(key.rows()).rows() == key.rows()


def test_replacements_and_edits_in_code_points():
    key = PseudonymKey()
    key.add("Amelia", "Person", "[Baby]")
    key.add("Daniel", "Person", "[Partner]")
    key.add("Birmingham Heartlands", "Hospital")
    key.add("Foleshill centre", "Service", case_sensitive=False)
    text = "😊 Amelia and Daniel went to Birmingham\nHeartlands; Amelia's fine. FOLESHILL CENTRE too. Danielle stays."
    result = pseudonymise_text(text, key)
    assert (
        result.text
        == "😊 [Baby] and [Partner] went to [Hospital 1]; [Baby]'s fine. [Service 1] too. Danielle stays."
    )
    assert result.edits[0] == Edit(2, 8, "[Baby]")
    assert apply_edits(text, result.edits) == result.text
    assert key.redact("daniel") == "daniel"  # names from spaCy match case-sensitively


def test_kept_spans_stay():
    key = PseudonymKey()
    key.add("May", "Person")
    text = "May said we may meet in May."
    kept = pseudonymise_text(text, key, keep=[(24, 27)])
    assert kept.text == "[Person 1] said we may meet in May."


def test_edit_opcodes_reanchor_codings():
    key = PseudonymKey()
    key.add("Daniel", "Person", "[Partner]")
    key.add("Coventry", "Place")
    old = "My partner Daniel was working nights in Coventry, so it was mostly me."
    result = pseudonymise_text(old, key)
    anchoring = Anchoring(old, result.text, edit_opcodes(result.edits, len(old)))
    start, end = old.index("My partner"), old.index(", so")
    mapped = anchoring.map_span(start, end)
    assert result.text[mapped.start : mapped.end] == "My partner [Partner] was working nights in [Place 1]"
    tail = anchoring.map_span(old.index("so it"), len(old))
    assert result.text[tail.start : tail.end] == "so it was mostly me."
    ops = edit_opcodes(result.edits, len(old))
    assert ops[0][0] == "equal" and ops[-1][2] == len(old) and ops[-1][4] == len(result.text)


def test_review_decisions():
    s = [
        Suggestion("t1", 0, 6, "Amelia", "PERSON", "Person"),
        Suggestion("t1", 10, 16, "amelia", "PERSON", "Person"),
        Suggestion("t2", 0, 3, "May", "DATE", "Date"),
        Suggestion("t2", 5, 9, "Tom", "PERSON", "Person"),
    ]
    review = Review(s)
    assert review.accept_all("AMELIA") == 2
    review.reject(2)
    review.accept(3)
    assert review.status == [ACCEPTED, ACCEPTED, REJECTED, ACCEPTED]
    assert review.rejected_spans("t2") == [(0, 3)] and review.rejected_spans("t1") == []
    key = review.update_key(PseudonymKey())
    assert [r[:3] for r in key.rows()] == [
        ("Amelia", "[Person 1]", "Person"),
        ("Tom", "[Person 2]", "Person"),
    ]
    assert review.names()[0] == ("Amelia", "Person", 2)


def test_missing_model_falls_back_to_blank_with_a_warning(caplog):
    nlp = load_pipeline("no_such_model_installed")
    assert isinstance(nlp, spacy.language.Language) and "sentencizer" in nlp.pipe_names
    assert "not installed" in pipeline_warning("no_such_model_installed")
    found = suggest(
        {"t": "I saw Sarah at the Foleshill centre."},
        {"Staff": ["sarah"], "Service": ["foleshill centre"]},
        nlp=nlp,
    )
    assert [(x.original, x.category) for x in found] == [("Sarah", "Staff"), ("Foleshill centre", "Service")]
