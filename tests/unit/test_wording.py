"""Counted nouns in messages: one helper, so no "1 participants" and no "(s)"."""

import pytest

from workbench.model.wording import counted, plural


@pytest.mark.parametrize(
    "n, word, expected",
    [
        (1, "participant", "1 participant"),
        (4, "participant", "4 participants"),
        (0, "coding", "0 codings"),
        (1, "coding", "1 coding"),
        (2, "category", "2 categories"),
        (3, "match", "3 matches"),
        (2, "day", "2 days"),
        (2, "analysis", "2 analyses"),
        (1.5, "unit", "1.5 units"),
        (1.0, "unit", "1 unit"),
    ],
)
def test_counted(n, word, expected):
    assert counted(n, word) == expected


def test_irregular_plural_given():
    assert counted(2, "person", "people") == "2 people" and counted(1, "person", "people") == "1 person"
    assert plural("box") == "boxes" and plural("memo") == "memos"
