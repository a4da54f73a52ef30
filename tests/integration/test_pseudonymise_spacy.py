"""Pseudonymisation with the real spaCy model on invented interview text, through to exports."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from docx import Document

from tests.extract_rows import extract
from workbench.coding.anchoring import Anchoring
from workbench.exchange.extracts import write_extracts
from workbench.nlp.pipeline import MODEL, has_entities, load_pipeline, pipeline_warning
from workbench.nlp.pseudonymise import PseudonymKey, Review, edit_opcodes, pseudonymise_text, suggest

INTERVIEWS = {
    "P001-baseline": (
        "Interviewer: Thanks for meeting me today. Can you tell me a bit about how things were when you joined?\n"
        "Participant: Yeah, so Amelia was about four months old then. My partner Daniel was working nights at the "
        "Tesco warehouse in Coventry, so it was mostly just me and her.\n"
        "Participant: My health visitor, Joanne Whitfield, mentioned it. She'd been coming round since Amelia was "
        "born at University Hospital Coventry in March 2023. I was really low and Dr Okafor at the Perinatal "
        "Mental Health Team said it might help.\n"
        "Participant: The first session was at the Foleshill Children's Centre on a Tuesday. Sarah, one of the "
        "facilitators, came out to the car park and walked in with me.\n"
        "Participant: Honestly I was terrified. But Sarah and Priya were lovely, and by the third week I was telling "
        'Daniel about "being with" Amelia when she cried.'
    ),
    "P002-3m": (
        "Interviewer: How have things been since the group finished?\n"
        "Participant: Better. Noah is sleeping more and my mum, Linda, comes over from Leicester on Fridays. "
        "Joanne still pops in.\n"
        "Participant: When Noah was in the neonatal unit at Leicester Royal Infirmary I couldn't bond with him. "
        "The group helped me see his cues. Priya said something I still think about."
    ),
}
TERMS = {
    "Service": ["Perinatal Mental Health Team", "Foleshill Children's Centre"],
    "Staff": ["Joanne Whitfield", "Joanne", "Sarah", "Priya"],
    "Place": ["Leicester"],
}
NOT_IDENTIFYING = {"today", "about four months old", "the third week", "Tuesday", "Leicester on Fridays"}


@pytest.fixture(scope="module")
def reviewed():
    nlp = load_pipeline()
    assert pipeline_warning() is None and has_entities(nlp), f"{MODEL} must be installed for these tests"
    suggestions = suggest(INTERVIEWS, TERMS)
    review = Review(suggestions)
    for original, _category, _count in review.names():
        if original in NOT_IDENTIFYING:
            for i, s in enumerate(review.suggestions):
                if s.original == original:
                    review.reject(i)
        else:
            review.accept_all(original)
    key = review.update_key(PseudonymKey())
    key.set_replacement("Amelia", "[Baby]")
    key.set_replacement("Daniel", "[Partner]")
    return review, key


def test_spacy_suggests_people_places_organisations_and_dates(reviewed):
    review, _key = reviewed
    found = {(s.original, s.category) for s in review.suggestions}
    assert {("Daniel", "Person"), ("Noah", "Person"), ("Linda", "Person"), ("Dr Okafor", "Person")} <= found
    assert ("March 2023", "Date") in found and ("Coventry", "Place") in found
    assert ("Leicester Royal Infirmary", "Organisation") in found or (
        "Leicester Royal Infirmary",
        "Facility",
    ) in found
    assert ("Joanne Whitfield", "Staff") in found and ("Perinatal Mental Health Team", "Service") in found


def test_every_accepted_original_is_absent(reviewed):
    review, key = reviewed
    accepted = {s.original for s in review.accepted()}
    assert {"Amelia", "Daniel", "Sarah", "Priya", "Joanne", "Coventry", "Noah", "Leicester"} <= accepted
    for text_id, text in INTERVIEWS.items():
        out = pseudonymise_text(text, key, keep=review.rejected_spans(text_id)).text
        for original in accepted:
            assert not re.search(rf"(?<!\w){re.escape(original)}(?!\w)", out), (original, out)
        assert "[Baby]" in out or text_id == "P002-3m"
        for kept in ("today", "about four months old", "the third week", "Tuesday"):  # rejected: they stay
            assert (kept in text) == (kept in out)
    # the same original gets the same pseudonym in every transcript
    assert (
        key.replacement("Priya")
        and pseudonymise_text(INTERVIEWS["P002-3m"], key).text.count(key.replacement("Priya")) == 1
    )


def test_pseudonymised_extracts_export_contains_no_original_name(reviewed, tmp_path):
    review, key = reviewed
    extracts = []
    for text_id, text in INTERVIEWS.items():
        result = pseudonymise_text(text, key, keep=review.rejected_spans(text_id))
        anchoring = Anchoring(text, result.text, edit_opcodes(result.edits, len(text)))
        for line_start in [0] + [m.end() for m in re.finditer("\n", text)]:
            line_end = text.find("\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            mapped = anchoring.map_span(line_start, line_end)
            extracts.append(
                extract(
                    text_id[:4],
                    text_id[5:],
                    f"Interview {text_id}",
                    "Participant",
                    1000 * line_start,
                    1000 * line_end,
                    "Support / Group",
                    "Alice",
                    result.text[mapped.start : mapped.end],
                    memo="Compare with what Daniel said about Sarah",
                )
            )  # memo written before
    originals = {s.original for s in review.accepted()}
    for suffix in ("xlsx", "csv", "docx"):
        path = tmp_path / f"extracts.{suffix}"
        write_extracts(extracts, path, redact=key.redact)
        if suffix == "docx":
            content = "\n".join(p.text for p in Document(path).paragraphs)
        elif suffix == "xlsx":
            content = pd.read_excel(path, dtype=str).fillna("").to_csv()
        else:
            content = path.read_text(encoding="utf-8-sig")
        leaked = [o for o in originals if re.search(rf"(?<!\w){re.escape(o)}(?!\w)", content)]
        assert leaked == [], (suffix, leaked)
        assert "[Partner]" in content and "[Baby]" in content
