"""What an export will hold, counted for any choice of codes, coders and transcripts (no database)."""

from workbench.coding.export_scope import ExportScope, ScopeCode, Tally, describe

CODES = (
    ScopeCode("f", ("Feelings",), None),
    ScopeCode("a", ("Feelings", "Anxiety"), "f"),
    ScopeCode("c", ("Feelings", "Calm"), "f"),
    ScopeCode("g", ("Group",), None),
)
SCOPE = ExportScope(
    CODES,
    {1: "Ann", 2: "Bob"},
    {10: "P001 · interview", 11: "P002 · interview"},
    (Tally("a", 1, 10, 2), Tally("c", 2, 11, 1), Tally("g", 1, 11, 3), Tally("f", 2, 10, 1)),
)


def test_counts_for_any_choice():
    assert SCOPE.count() == 7
    assert SCOPE.count(["a"]) == 2 and SCOPE.count(["f"]) == 1 and SCOPE.count(["f"], subcodes=True) == 4
    assert SCOPE.count(coders=[2]) == 2 and SCOPE.count(transcripts=[11], coders=[1]) == 3
    assert SCOPE.count([], [1], [10]) == 0


def test_framework_columns_are_the_highest_ticked_codes():
    assert SCOPE.columns({"f", "a", "c", "g"}) == ["f", "g"]
    assert SCOPE.columns({"a", "c", "g"}) == ["a", "c", "g"]
    assert SCOPE.columns(set()) == []


def test_description_says_the_scope_in_words():
    every = [c.guid for c in CODES]
    assert (
        describe(SCOPE, every, [1, 2], [10, 11]) == "7 extracts: all 4 codes, all 2 coders, all 2 transcripts"
    )
    assert describe(SCOPE, ["a"], [1], [10]) == "2 extracts: 1 of 4 codes, 1 of 2 coders, 1 of 2 transcripts"
    assert describe(SCOPE, ["g"], [], [11]) == "0 extracts: 1 of 4 codes, no coder, 1 of 2 transcripts"
