"""Anchoring through corrections: examples of each rule, then property-based random edits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.coding.anchoring import Anchoring, edit_script, reanchor


def apply(old: str, opcodes) -> str:
    return "".join(old[i1:i2] if tag == "equal" else "" for tag, i1, i2, *_ in opcodes)


def test_edit_script_rebuilds_both_texts():
    old = "I fel sad.\nThe baby cried all night\nand I did not know what to do"
    new = "I felt sad.\nThe baby cried all night long\nand I didn't know what to do"
    ops = edit_script(old, new)
    assert "".join(new[j1:j2] if t != "delete" else "" for t, i1, i2, j1, j2 in ops) == new
    assert "".join(old[i1:i2] for t, i1, i2, j1, j2 in ops) == old
    for t, i1, i2, j1, j2 in ops:
        if t == "equal":
            assert old[i1:i2] == new[j1:j2]


def span_text(old, new, start, end):
    m = Anchoring(old, new).map_span(start, end)
    return new[m.start : m.end], m.needs_review


def test_edit_before_and_after_keeps_words():
    old = "we went to the group every week"
    s = old.index("the group")
    assert span_text(old, "so we went to the group each week", s, s + 9) == ("the group", False)


def test_corrected_word_at_end_stays_whole():
    old = "I fel sad today"
    assert span_text(old, "I felt sad today", 2, 5) == ("felt", False)
    assert span_text(old, "I Ifel sad today", 2, 5) == ("Ifel", False)


def test_insertion_at_boundary_stays_outside():
    old = "one two three"
    assert span_text(old, "one big two three", 4, 7) == ("two", False)
    assert span_text(old, "one two, three", 4, 7) == ("two", False)


def test_insertion_inside_joins():
    old = "she was very calm"
    assert span_text(old, "she was very very calm", 0, len(old)) == ("she was very very calm", False)


def test_replaced_word_at_start_is_covered():
    old = "the circle of security group"
    s = old.index("circle")
    assert span_text(old, "the Circle of Security group", s, s + len("circle of security")) == (
        "Circle of Security",
        False,
    )


def test_fully_deleted_is_flagged_not_dropped():
    old = "keep this. delete this part. keep that."
    s = old.index("delete this part.")
    m = Anchoring(old, "keep this.  keep that.").map_span(s, s + len("delete this part."))
    assert m.needs_review and m.start == m.end == len("keep this. ")


def test_fully_replaced_is_flagged():
    old = "I was sad then"
    m = Anchoring(old, "I was low then").map_span(6, 9)
    assert m.needs_review and "I was low then"[m.start : m.end] == "low"


def test_many_spans_one_script():
    old = "alpha beta gamma delta"
    out = reanchor(old, "alpha BETA gamma delta epsilon", [(0, 5), (11, 16), (17, 22)])
    assert [(m.start, m.end) for m in out] == [(0, 5), (11, 16), (17, 22)]


def test_long_transcript_with_scattered_corrections_is_fast_enough_to_run():
    words = [f"word{i % 97}" for i in range(20000)]
    old = " ".join(words)
    new_words = list(words)
    for i in range(0, 20000, 500):
        new_words[i] = new_words[i].upper()
    new = " ".join(new_words)
    ops = edit_script(old, new)
    assert sum(1 for op in ops if op[0] != "equal") == 40


# --- properties -------------------------------------------------------------------------------

ALPHABET = "ab \n.x"
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=60)


@st.composite
def edited(draw):
    """An old text, one coding in it, and one edit (replace old[a:b] by inserted text)."""
    old = draw(texts)
    s = draw(st.integers(0, len(old)))
    e = draw(st.integers(s, len(old)))
    a = draw(st.integers(0, len(old)))
    b = draw(st.integers(a, len(old)))
    inserted = draw(st.text(alphabet=ALPHABET + "yz", max_size=8))
    return old, (s, e), (a, b, inserted)


def _unambiguous(old: str, new: str, a: int, b: int) -> bool:
    """Whether the edit old[a:b] -> ... is the only alignment (no repeated text beside it)."""
    limit = min(len(old), len(new))
    p = 0
    while p < limit and old[p] == new[p]:
        p += 1
    q = 0
    while q < limit - p and old[-1 - q] == new[-1 - q]:
        q += 1
    return p == a and len(old) - q == b


@settings(max_examples=600, deadline=None)
@given(edited())
def test_property_single_edit(case):
    old, (s, e), (a, b, inserted) = case
    new = old[:a] + inserted + old[b:]
    m = Anchoring(old, new).map_span(s, e)
    assert 0 <= m.start <= m.end <= len(new)
    coded = new[m.start : m.end]
    # whatever alignment the diff picks, at most the edited characters of the coding are lost
    survivors = sum(
        1 for t, i1, i2, *_ in Anchoring(old, new).ops if t == "equal" for _ in range(max(i1, s), min(i2, e))
    )
    assert survivors >= (e - s) - (b - a)
    if not _unambiguous(old, new, a, b):
        return  # a repeated character next to the edit: several alignments are equally right
    word_at_boundary = (a == e or b == s) and any(c.isalnum() for c in inserted)
    if (b <= s or a >= e) and not word_at_boundary:
        assert coded == old[s:e]  # the edit lies wholly outside the coding
    if s < e:
        left = old[s : min(e, a)] if s < a else ""
        right = old[max(s, b) : e] if b < e else ""
        assert coded.startswith(left) and coded.endswith(right)
        if a < e and b > s and s < a and b < e:
            assert coded == left + inserted + right  # an edit strictly inside joins the coding
        if a <= s and e <= b and not inserted:
            assert m.needs_review and m.start == m.end == a  # deleted entirely: flagged, kept


UNIQUE = list("abcdefghijklmnopqrstuvwABCDEFGHIJKLMNOPQRSTUVW0123456789 \n.,;")
unique_texts = st.lists(st.sampled_from(UNIQUE), unique=True, min_size=1, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    unique_texts,
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=5),
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 4), st.text(alphabet="xyzXYZ", max_size=5)),
        min_size=1,
        max_size=4,
    ),
)
def test_property_many_edits_and_codings(old, raw_spans, raw_edits):
    """Several edits at once: codings stay in bounds, untouched codings keep their exact text,
    and a coding is flagged exactly when none of its characters survive. (Characters of the old text
    are distinct and inserted ones new, so the alignment is unambiguous; repeated text is covered
    by the single-edit property.)"""
    spans = [(min(x, y) % (len(old) + 1), max(x, y) % (len(old) + 1)) for x, y in raw_spans]
    spans = [(min(s, e), max(s, e)) for s, e in spans]
    # apply edits right to left on disjoint regions
    edits, taken = [], set()
    wrapped = [(at % (len(old) + 1), length, ins) for at, length, ins in raw_edits]
    for a, length, ins in sorted(wrapped, reverse=True):  # by the position in the text, right to left
        b = min(len(old), a + length)
        region = set(range(a - 1, b + 1))
        if region & taken:
            continue
        taken |= region
        edits.append((a, b, ins))
    new = old
    for a, b, ins in edits:  # already right to left
        new = new[:a] + ins + new[b:]
    anchoring = Anchoring(old, new)
    ops = anchoring.ops
    assert apply(old, ops) == "".join(old[i1:i2] for t, i1, i2, *_ in ops if t == "equal")
    for s, e in spans:
        m = anchoring.map_span(s, e)
        assert 0 <= m.start <= m.end <= len(new)
        touched = any(a - 1 <= e and b + 1 >= s for a, b, _ in edits)
        if not touched:
            assert new[m.start : m.end] == old[s:e]
        if s < e:
            kept = [i for t, i1, i2, *_ in ops if t == "equal" for i in range(max(i1, s), min(i2, e))]
            assert m.needs_review == (not kept)
            if kept:
                # every surviving coded character lands inside the new span, in order
                positions = []
                for t, i1, i2, j1, _j2 in ops:
                    if t == "equal":
                        positions += [j1 + i - i1 for i in range(max(i1, s), min(i2, e))]
                assert all(m.start <= p < m.end for p in positions)
                assert "".join(new[p] for p in positions) == "".join(old[i] for i in kept)
