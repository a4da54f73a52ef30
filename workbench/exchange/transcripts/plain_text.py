"""Plain-text transcripts: one paragraph per segment, ``[hh:mm:ss] Speaker: text``.

Why this form: MAXQDA ("Transcript with timestamps" and focus-group import) wants each paragraph
to begin with a time stamp followed by the speaker's name and a colon, with a blank line between
paragraphs; ATLAS.ti reads ``[hh:mm:ss]`` stamps at a paragraph's start as media anchors; NVivo
accepts a time stamp in square brackets at the start of a paragraph ("paragraphs that start with
valid timestamps") and autocodes speakers named at the start of a paragraph. The time stamp is
whole seconds (what ``[hh:mm:ss]`` can say), rounded down.

Import is lenient: besides our own form it reads ``[mm:ss]``, ``[hh:mm:ss.f]``, ``(hh:mm:ss)``,
MAXQDA/f4's ``#hh:mm:ss-f#``, a bare ``hh:mm:ss`` and noScribe's ``S01: [hh:mm:ss] text``; lines
without a stamp continue the paragraph above; lines before the first stamp are the title/notes.
The formats carry no end times: an entry ends where the next begins, and the last one after an
estimate from its length (:data:`CHARS_PER_SECOND`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.exchange.transcripts._common import ImportedTranscript, check_order, clock, parse_time
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment

CHARS_PER_SECOND = 15  # a typical conversational speaking rate, for the last entry's end
_STAMP = r"(?:\[\s*(?P<t1>[\d:.,-]+)\s*\]|\(\s*(?P<t2>[\d:.,-]+)\s*\)|#(?P<t3>[\d:.,-]+)#|(?P<t4>\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?)(?=[\s\w]))"
_LABEL = r"(?P<speaker>[^\s:\[\]()#][^:\n\[\]]{0,62}?)\s*:"
_STAMP_FIRST = re.compile(rf"^\s*{_STAMP}\s*(?:{_LABEL}\s*)?(?P<text>.*)$")
_LABEL_FIRST = re.compile(rf"^\s*{_LABEL}\s*{_STAMP}\s*(?P<text>.*)$")
_SENTENCE = re.compile(r"[.,;!?\"]")


def speaker_label(name: str | None) -> str:
    """A speaker name fit for ``Name:`` (no colons or line breaks)."""
    return " ".join((name or "").replace(":", " ").split())


def paragraph(segment: NewSegment) -> str:
    """``[hh:mm:ss] Speaker: text`` (or ``[hh:mm:ss] text`` without a speaker)."""
    text = " ".join(segment.text.split())
    label = speaker_label(segment.speaker)
    return f"[{clock(segment.start_ms)}] {label}: {text}" if label else f"[{clock(segment.start_ms)}] {text}"


def write_txt(segments: Iterable[NewSegment], title: str | None = None) -> str:
    """The transcript as plain text (blank line between paragraphs; no title, which tools would misread)."""
    return "\n\n".join(paragraph(s) for s in segments) + "\n"


def _plausible_label(label: str | None) -> str | None:
    """A speaker label, or None when the text before the colon reads like a sentence."""
    if label is None:
        return None
    label = label.strip()
    if not label or len(label.split()) > 4 or _SENTENCE.search(label):
        return None
    return label


def _entry(line: str) -> tuple[int, str | None, str] | None:
    """(start ms, speaker, text) when ``line`` opens an entry with a time stamp."""
    for pattern in (_LABEL_FIRST, _STAMP_FIRST):
        match = pattern.match(line)
        if match is None:
            continue
        stamp = next(t for t in match.group("t1", "t2", "t3", "t4") if t)
        ms = parse_time(stamp)
        if ms is None:
            continue
        speaker = _plausible_label(match.group("speaker"))
        text = match.group("text")
        if match.group("speaker") and speaker is None:  # "It was: ..." is text, not a speaker
            if pattern is _LABEL_FIRST:
                continue
            text = line[match.start("speaker") :]
        return ms, speaker, text.strip()
    return None


def parse_paragraphs(lines: Iterable[str], name: str, fmt: str) -> ImportedTranscript:
    """Entries from paragraph lines (of a text file or a Word document)."""
    header: list[str] = []
    entries: list[list] = []  # [start, speaker, [text parts]]
    for line in lines:
        if not line.strip():
            continue
        found = _entry(line)
        if found is not None:
            entries.append([found[0], found[1], [found[2]] if found[2] else []])
        elif entries:
            entries[-1][2].append(line.strip())
        else:
            header.append(line.strip())
    if not entries:
        raise WorkbenchError(f"{name} has no time stamps like [00:01:23] at the start of its paragraphs")
    segments = []
    for i, (start, speaker, parts) in enumerate(entries):
        text = " ".join(" ".join(parts).split())
        if i + 1 < len(entries):
            end = max(start, entries[i + 1][0])
        else:
            end = start + max(1000, len(text) * 1000 // CHARS_PER_SECOND)
        segments.append(NewSegment(start, end, text, speaker))
    check_order(segments, name)
    return ImportedTranscript(tuple(segments), fmt, header[0] if header else None, tuple(header[1:]))
