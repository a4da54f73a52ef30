"""The document text of a transcript: positions <-> segments <-> time."""

from __future__ import annotations

import pytest

from workbench.coding.transcript_text import SEPARATOR, TranscriptText
from workbench.model.records import NewSegment, NewWord

SEGMENTS = [
    NewSegment(0, 3000, "So how was the group?", "Interviewer"),
    NewSegment(
        3000,
        9000,
        "It was hard at first.",
        "Participant",
        words=(
            NewWord(3000, 3400, " It"),
            NewWord(3400, 3800, " was"),
            NewWord(3900, 4500, " hard"),
            NewWord(4600, 5000, " at"),
            NewWord(5000, 9000, " first."),
        ),
    ),
    NewSegment(9000, 9000, "", None),
]


def test_text_is_segments_joined_by_one_line_feed():
    doc = TranscriptText(SEGMENTS)
    assert doc.text == "So how was the group?\nIt was hard at first.\n"
    assert SEPARATOR == "\n"
    assert doc.starts == [0, 22, 44]


def test_locate_and_position_round_trip():
    doc = TranscriptText(SEGMENTS)
    for pos in range(len(doc.text) + 1):
        loc = doc.locate(pos)
        if doc.text[pos : pos + 1] != "\n":
            assert doc.position(loc.segment, loc.offset) == pos
    assert doc.locate(21).segment == 0 and doc.locate(21).offset == 21  # the separator
    assert doc.locate(22).segment == 1
    with pytest.raises(ValueError):
        doc.locate(len(doc.text) + 1)


def test_time_from_words_and_interpolated():
    doc = TranscriptText(SEGMENTS)
    hard = doc.text.index("hard")
    assert doc.span_times(hard, hard + 4) == (3900, 4500)
    assert doc.time_at(0) == 0
    assert doc.time_at(doc.text.index("group")) == round(3000 * 15 / 21)
    assert doc.speaker_at(hard) == "Participant"
    assert doc.position_at_time(4000) == hard
    assert list(doc.segments_in(0, hard)) == [0, 1]
