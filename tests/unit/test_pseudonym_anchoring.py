"""A coding of exactly a replaced name follows it onto the pseudonym without a review flag; an
ordinary correction that replaces a whole coded word is still flagged (the general rule)."""

from __future__ import annotations

from workbench.coding.anchoring import SUBSTITUTE, Anchoring
from workbench.nlp.pseudonymise import Edit, PseudonymKey, edit_opcodes, pseudonymise_text

OLD = "My partner Daniel was working nights in Coventry, so it was mostly me and Amelia."


def _key() -> PseudonymKey:
    key = PseudonymKey()
    key.add("Daniel", "Person", "[Partner]")
    key.add("Coventry", "Place")
    key.add("Amelia", "Person", "[Baby]")
    return key


def test_coded_name_moves_onto_its_pseudonym_unflagged():
    result = pseudonymise_text(OLD, _key())
    anchoring = Anchoring(OLD, result.text, edit_opcodes(result.edits, len(OLD)))
    for name, pseudonym in (("Daniel", "[Partner]"), ("Coventry", "[Place 1]"), ("Amelia", "[Baby]")):
        start = OLD.index(name)
        mapped = anchoring.map_span(start, start + len(name))
        assert result.text[mapped.start : mapped.end] == pseudonym and not mapped.needs_review
    part = anchoring.map_span(OLD.index("Dan"), OLD.index("Dan") + 3)  # part of a name: the whole pseudonym
    assert result.text[part.start : part.end] == "[Partner]" and not part.needs_review
    around = anchoring.map_span(OLD.index("partner"), OLD.index(" was"))
    assert result.text[around.start : around.end] == "partner [Partner]" and not around.needs_review


def test_ordinary_correction_of_a_whole_coded_word_is_still_flagged():
    new = OLD.replace("Daniel", "Tom")  # no letter in common: nothing of the coding survives
    start = OLD.index("Daniel")
    mapped = Anchoring(OLD, new).map_span(start, start + 6)
    assert new[mapped.start : mapped.end] == "Tom" and mapped.needs_review
    plain = [
        (("replace" if op[0] == SUBSTITUTE else op[0]),) + tuple(op[1:])
        for op in edit_opcodes([Edit(start, start + 6, "[Partner]")], len(OLD))
    ]
    assert Anchoring(OLD, OLD.replace("Daniel", "[Partner]"), plain).map_span(start, start + 6).needs_review


def test_a_deleted_name_is_still_flagged():
    start = OLD.index("Amelia")
    edits = [Edit(start - 5, start + 6, "")]  # " and Amelia" removed, nothing in its place
    new = OLD[: start - 5] + OLD[start + 6 :]
    ops = edit_opcodes(edits, len(OLD))
    assert ("delete", start - 5, start + 6) == ops[1][:3]
    mapped = Anchoring(OLD, new, ops).map_span(start, start + 6)
    assert mapped.needs_review and mapped.start == mapped.end
