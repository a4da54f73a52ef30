"""Shared pieces of the transcript formats: the imported document, reading text safely, time codes."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_READ_BYTES, MAX_SEGMENTS, read_limited
from workbench.model.records import NewSegment, NewSpeechGap
from workbench.model.timing import MAX_TIME_MS, within_bounds

MAX_BYTES = MAX_READ_BYTES  # a 90-minute transcript is ~100 KB as text, a few MB as JSON with words


@dataclass(frozen=True)
class ImportedTranscript:
    """What an import produced: segments in time order plus the file's title and notes."""

    segments: tuple[NewSegment, ...]
    format: str
    title: str | None = None
    notes: tuple[str, ...] = ()
    provenance: dict = field(default_factory=dict)
    gaps: tuple[NewSpeechGap, ...] = ()  # untranscribed-speech markers (the JSON format keeps them)

    @property
    def speakers(self) -> list[str]:
        """Distinct speaker labels in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker))


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes, refused with one line when missing, a folder, empty or over ``limit``."""
    path = Path(path)
    data = read_limited(path, limit, "transcript file")
    if not data.strip():
        raise WorkbenchError(f"{path.name} is empty")
    return data


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Decode a text file: UTF-8 (with or without a BOM), or UTF-16 when it starts with a UTF-16 BOM.

    Anything else (e.g. Windows-1252 from an old editor) is refused rather than guessed, because a
    wrong guess silently changes the words: the message says to save the file as UTF-8.
    """
    data = read_bytes(path, limit)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WorkbenchError(
            f"{Path(path).name} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8 and import it again"
        ) from None
    if "\x00" in text:
        raise WorkbenchError(f"{Path(path).name} is not a text file (it contains NUL characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- untranscribed speech ----------------------------------------------------------------------

GAP_MARK = "[untranscribed speech"


def gap_text(gap: NewSpeechGap) -> str:
    """The explicit marker an export writes where speech was heard but not transcribed."""
    return f"{GAP_MARK} {clock(gap.start_ms)}–{clock(gap.end_ms)}: listen to this passage]"


def with_markers(segments: list[NewSegment], gaps: Iterable[NewSpeechGap]) -> list[NewSegment]:
    """``segments`` with one marker entry per gap, in time order (for formats without a gap field)."""
    markers = [NewSegment(g.start_ms, g.end_ms, gap_text(g), g.speaker) for g in gaps]
    if not markers:
        return segments
    return sorted(segments + markers, key=lambda s: s.start_ms)


# --- time codes ---------------------------------------------------------------------------------


def clock(ms: int) -> str:
    """``hh:mm:ss`` (whole seconds, rounded down)."""
    seconds = max(0, int(ms)) // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def clock_ms(ms: int, separator: str = ".") -> str:
    """``hh:mm:ss.mmm`` (WebVTT) or, with ``separator=","``, ``hh:mm:ss,mmm`` (SRT)."""
    ms = max(0, int(ms))
    return f"{clock(ms)}{separator}{ms % 1000:03d}"


_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,-](\d{1,3}))?$")


def parse_time(text: str) -> int | None:
    """Milliseconds from ``hh:mm:ss``, ``mm:ss``, with an optional ``.f``/``,fff``/``-f`` fraction; else None."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if hours is not None and len(hours) > 9:  # beyond any recording: check_order refuses it
        return MAX_TIME_MS + 1
    if int(minutes) > 59 and hours is not None or int(seconds) > 59:
        return None
    ms = int(fraction.ljust(3, "0")) if fraction else 0
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def check_order(segments: list[NewSegment], name: str) -> None:
    """Refuse a transcript whose segments run backwards, end before they start or lie beyond any
    recording (``MAX_TIME_MS``), or that has more than ``MAX_SEGMENTS`` segments."""
    if len(segments) > MAX_SEGMENTS:
        raise WorkbenchError(
            f"{name} has {len(segments):,} entries, more than the {MAX_SEGMENTS:,} one transcript may hold; "
            "split it and import the parts"
        )
    for number, segment in enumerate(segments, 1):
        times = [segment.start_ms, segment.end_ms] + [
            t for w in segment.words for t in (w.start_ms, w.end_ms)
        ]
        if not all(within_bounds(t) for t in times):
            raise WorkbenchError(
                f"{name}: entry {number} has a time beyond any recording (over {MAX_TIME_MS} ms)"
            )
        if segment.end_ms < segment.start_ms:
            raise WorkbenchError(f"{name}: entry {number} ends before it starts")
    for number, (before, after) in enumerate(zip(segments, segments[1:]), 2):
        if after.start_ms < before.start_ms:
            raise WorkbenchError(
                f"{name}: entry {number} starts before the one above it; times must run forward"
            )
