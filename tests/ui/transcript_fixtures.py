"""A JFK transcript with real word timings (from tiny.en on whisper_jfk.flac), stored in a project."""

from __future__ import annotations

from workbench.model.records import NewSegment, NewWord, Provenance
from workbench.services.media_import import import_media
from workbench.store import participants
from workbench.store.transcript_list import transcript_record
from workbench.store.transcripts import add_transcript

FIRST = [
    (0, 740, "And", 0.69),
    (740, 1080, "so,", 0.97),
    (1380, 1420, "my", 0.97),
    (1420, 1780, "fellow", 1.0),
    (1780, 2260, "Americans", 0.88),
    (2260, 3880, "ask", 0.64),
    (3880, 4520, "not", 0.82),
    (4520, 5700, "what", 0.89),
    (5700, 6020, "your", 0.98),
    (6020, 6360, "country", 1.0),
    (6360, 6760, "can", 1.0),
    (6760, 7020, "do", 1.0),
    (7020, 7260, "for", 0.99),
    (7260, 8060, "you", 0.99),
]
SECOND = [
    (8060, 8660, "ask", 0.17),
    (8660, 8940, "what", 0.98),
    (8940, 9280, "you", 0.99),
    (9280, 9500, "can", 1.0),
    (9500, 9720, "do", 1.0),
    (9720, 9920, "for", 1.0),
    (9920, 10240, "your", 0.99),
    (10240, 10500, "country.", 1.0),
]


def _segment(words, speaker):
    items = tuple(NewWord(a, b, " " + t, p) for a, b, t, p in words)
    return NewSegment(words[0][0], words[-1][1], " ".join(w[2] for w in words), speaker, 0.8, items)


SEGMENTS = [_segment(FIRST, "Speaker 1"), _segment(SECOND, "Speaker 2")]


def jfk_project(project, jfk):
    """Import the JFK clip for P001 and store its transcript; returns (media, TranscriptRecord)."""
    import_media(project, [jfk], "P001", timepoint="baseline", task="interview")
    (media,) = participants.find_participant(project.db, "P001").media
    change = add_transcript(
        project.db,
        "P001",
        "JFK (tiny.en)",
        SEGMENTS,
        media.id,
        Provenance("faster-whisper", "tiny.en", "faster-whisper 1.x", "en", {"beam_size": 5}),
    )
    return media, transcript_record(project.db, change.created_id("transcripts"))
