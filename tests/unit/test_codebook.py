"""Codebook dataclasses and their tree helpers."""

from workbench.coding.codebook import (
    DEFAULT_COLOUR,
    Code,
    Codebook,
    new_guid,
    normalise_colour,
    normalise_guid,
)

ROOT = "11111111-1111-4111-8111-111111111111"
CHILD = "22222222-2222-4222-8222-222222222222"
GRANDCHILD = "33333333-3333-4333-8333-333333333333"
OTHER = "44444444-4444-4444-8444-444444444444"


def sample() -> Codebook:
    grandchild = Code(GRANDCHILD, "Reading cues")
    child = Code(CHILD, "Circle", children=[grandchild])
    return Codebook("test", [Code(ROOT, "Understanding", children=[child]), Code(OTHER, "Barriers")])


def test_defaults():
    code = Code(new_guid(), "A")
    assert (code.definition, code.inclusion, code.exclusion, code.example) == ("", "", "", "")
    assert code.colour == DEFAULT_COLOUR and code.codable and code.children == []
    assert Code("x", "B").children is not code.children


def test_walk_is_preorder_with_parent_guids():
    walked = [(code.guid, parent) for code, parent in sample().walk()]
    assert walked == [(ROOT, None), (CHILD, ROOT), (GRANDCHILD, CHILD), (OTHER, None)]


def test_depths():
    depths = [(code.name, depth) for code, _parent, depth in sample().iter_with_depth()]
    assert depths == [("Understanding", 0), ("Circle", 1), ("Reading cues", 2), ("Barriers", 0)]


def test_count_and_len():
    assert sample().count() == 4
    assert len(sample()) == 4
    assert Codebook("empty", []).count() == 0


def test_find_ignores_case_and_braces():
    book = sample()
    assert book.find(GRANDCHILD).name == "Reading cues"
    assert book.find("{" + GRANDCHILD.upper() + "}").name == "Reading cues"
    assert book.find(new_guid()) is None


def test_parent_and_path():
    book = sample()
    assert book.parent_guid(GRANDCHILD) == CHILD
    assert book.parent_guid(ROOT) is None
    assert [c.name for c in book.path(GRANDCHILD)] == ["Understanding", "Circle", "Reading cues"]
    assert book.path(new_guid()) == []
    try:
        book.parent_guid(new_guid())
    except KeyError:
        pass
    else:
        raise AssertionError("unknown GUID should raise KeyError")


def test_find_by_name_and_duplicates():
    book = sample()
    assert [c.guid for c in book.find_by_name("Circle")] == [CHILD]
    assert book.duplicate_guids() == []
    book.codes.append(Code(CHILD.upper(), "Copy"))
    assert book.duplicate_guids() == [CHILD.upper()]


def test_guid_and_colour_normalisation():
    assert (
        normalise_guid(" {ABCDEF12-0000-4000-8000-000000000000} ") == "abcdef12-0000-4000-8000-000000000000"
    )
    assert normalise_colour("#abc") == "#AABBCC"
    assert normalise_colour("#46aa00") == "#46AA00"
    assert normalise_colour("red") is None
    assert Code("x", "y", colour="#fff").colour == "#FFFFFF"
    assert Code("x", "y", colour="nonsense").colour == "nonsense"  # kept; writers refuse it
