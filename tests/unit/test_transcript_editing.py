"""Transcript edits: corrections keep word timings, split/merge, speakers, find/replace, undo."""

from __future__ import annotations

from workbench.coding.transcript_editing import TranscriptDraft, word_places
from workbench.model.records import NewSegment, NewWord


def _words(*items):
    return tuple(NewWord(a, b, t, p) for a, b, t, p in items)


SEGMENTS = [
    NewSegment(
        0,
        2000,
        "So how was the group?",
        "Speaker 1",
        words=_words(
            (0, 300, " So", 0.9),
            (300, 600, " how", 0.9),
            (600, 900, " was", 0.9),
            (900, 1200, " the", 0.9),
            (1200, 2000, " group?", 0.3),
        ),
    ),
    NewSegment(
        2500,
        6000,
        "It was hard at first.",
        "Speaker 2",
        words=_words(
            (2500, 2800, " It", 0.9),
            (2800, 3100, " was", 0.95),
            (3100, 3600, " hard", 0.2),
            (3700, 4000, " at", 0.9),
            (4000, 6000, " first.", 0.9),
        ),
    ),
]


def _apply(draft, edit):
    draft.apply(edit)
    return edit


def test_correcting_a_word_keeps_the_other_words_times():
    draft = TranscriptDraft(SEGMENTS)
    at = draft.text.index("hard")
    edit = _apply(draft, draft.replace_text(at, at + 4, "tough"))
    seg = draft.segments[1]
    assert seg.text == "It was tough at first."
    assert [(w.text, w.start_ms, w.end_ms) for w in seg.words] == [
        ("It", 2500, 2800),
        ("was", 2800, 3100),
        ("tough", 3100, 3600),
        ("at", 3700, 4000),
        ("first.", 4000, 6000),
    ]
    assert seg.words[2].probability is None  # corrected by a person: no longer low confidence
    assert (seg.start_ms, seg.end_ms, seg.speaker) == (2500, 6000, "Speaker 2")
    assert draft.segments[0] == SEGMENTS[0]
    draft.apply(edit.inverse())
    assert draft.segments == SEGMENTS


def test_split_and_merge_round_trip():
    draft = TranscriptDraft(SEGMENTS)
    split = _apply(draft, draft.split(draft.text.index(" hard")))
    assert [s.text for s in draft.segments] == ["So how was the group?", "It was", "hard at first."]
    assert (draft.segments[1].start_ms, draft.segments[1].end_ms) == (2500, 3100)
    assert (draft.segments[2].start_ms, draft.segments[2].end_ms) == (3100, 6000)
    assert draft.segments[2].speaker == "Speaker 2"
    merge = _apply(draft, draft.merge(1))
    assert [s.text for s in draft.segments] == [s.text for s in SEGMENTS]
    assert draft.segments[1].words == tuple(
        NewWord(w.start_ms, w.end_ms, w.text.strip(), w.probability) for w in SEGMENTS[1].words
    )
    draft.apply(merge.inverse())
    draft.apply(split.inverse())
    assert draft.segments == SEGMENTS


def test_merge_of_two_speakers_keeps_the_first_speaker_and_outer_times():
    draft = TranscriptDraft(SEGMENTS)
    draft.apply(draft.merge(0))
    (only,) = draft.segments
    assert only.text == "So how was the group? It was hard at first."
    assert (only.start_ms, only.end_ms, only.speaker) == (0, 6000, "Speaker 1")
    assert draft.merge(0) is None


def test_typed_text_across_segments_resegments():
    draft = TranscriptDraft(SEGMENTS)
    start, end = draft.text.index("group?"), draft.text.index(" at")
    draft.apply(draft.replace_text(start, end, "group?\nIt was OK"))
    assert [s.text for s in draft.segments] == ["So how was the group?", "It was OK at first."]
    assert [s.speaker for s in draft.segments] == ["Speaker 1", "Speaker 2"]
    times = [(w.start_ms, w.end_ms) for s in draft.segments for w in s.words]
    assert times == sorted(times)


def test_speakers_rename_swap_and_set():
    draft = TranscriptDraft(SEGMENTS)
    draft.apply(draft.rename_speakers({"Speaker 1": "Interviewer", "Speaker 2": "Participant"}))
    assert draft.speakers() == ["Interviewer", "Participant"]
    draft.apply(draft.rename_speakers({"Interviewer": "Participant", "Participant": "Interviewer"}))
    assert draft.speakers() == ["Participant", "Interviewer"]
    edit = draft.set_speaker([1], "Participant")
    assert edit.first == 1 and len(edit.old) == 1
    draft.apply(edit)
    assert draft.speakers() == ["Participant"]
    assert draft.set_speaker([1], "Participant") is None


def test_find_and_replace_all_case_insensitive():
    draft = TranscriptDraft(SEGMENTS)
    assert len(draft.find("WAS")) == 2
    draft.apply(draft.replace_all("was", "is"))
    assert [s.text for s in draft.segments] == ["So how is the group?", "It is hard at first."]
    assert draft.segments[1].words[1].start_ms == 2800
    assert draft.replace_all("absent", "x") is None


def test_low_confidence_spans_and_review():
    draft = TranscriptDraft(SEGMENTS)
    spans = draft.low_confidence(0.5)
    assert [draft.text[a:b] for a, b in spans] == ["group?", "hard"]
    draft.apply(draft.review_word(spans[1][0] + 1))
    assert [draft.text[a:b] for a, b in draft.low_confidence(0.5)] == ["group?"]


def test_word_at_time_follows_words():
    draft = TranscriptDraft(SEGMENTS)
    assert draft.word_at_time(-1) is None
    for ms, word in ((0, "So"), (950, "the"), (2200, "group?"), (3200, "hard"), (9000, "first.")):
        a, b = draft.word_at_time(ms)
        assert draft.text[a:b] == word
    assert draft.time_at(draft.text.index("hard") + 2) == 3100


def test_segments_without_words_interpolate_and_stay_without_words():
    draft = TranscriptDraft([NewSegment(0, 1000, "abcd efgh"), NewSegment(1000, 2000, "ijkl")])
    draft.apply(draft.split(5))
    assert [(s.start_ms, s.end_ms, s.words) for s in draft.segments[:2]] == [(0, 444, ()), (556, 1000, ())]
    a, b = draft.word_at_time(1500)
    assert draft.text[a:b] == "ijkl"
    assert word_places(draft.segments[0]) == []


def test_split_at_the_end_of_a_segment_adds_an_empty_one_after_it():
    for index in (0, 1):  # the second segment does not start at offset 0 of the text
        draft = TranscriptDraft(SEGMENTS)
        end = len(draft.text) if index == 1 else draft.text.index("\n")
        _apply(draft, draft.split(end))
        assert [s.text for s in draft.segments][index : index + 2] == [SEGMENTS[index].text, ""]
        empty = draft.segments[index + 1]
        assert empty.start_ms == empty.end_ms == SEGMENTS[index].end_ms and empty.words == ()
