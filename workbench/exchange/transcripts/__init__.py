"""Transcripts to and from files: TXT, SRT, WebVTT, DOCX, JSON; import also noScribe's HTML/VTT.

    export_transcript(path, segments, title=None, fmt=None, provenance=None) -> Path
    import_transcript(path, fmt=None) -> ImportedTranscript

The format comes from ``fmt`` or the file's suffix. Passages of untranscribed speech (``gaps``)
are written explicitly: a ``[untranscribed speech hh:mm:ss–hh:mm:ss: listen to this passage]``
entry in its place in TXT, DOCX, SRT and WebVTT, an ``untranscribed`` list in JSON.
What each format keeps:

========  =============================================  ==========================================
format    times                                          speakers
========  =============================================  ==========================================
txt       start, whole seconds ``[hh:mm:ss]``            ``Speaker: `` after the stamp
docx      start, whole seconds ``[hh:mm:ss]``            bold ``Speaker:`` after the stamp
srt       start and end, milliseconds                    ``Speaker: `` before the text
vtt       start and end, milliseconds                    ``<v Speaker>`` voice tag
json      everything, with words and confidences         ``speaker`` field
========  =============================================  ==========================================

Text files are read as UTF-8 (a BOM is fine) or BOM-marked UTF-16; any other encoding is refused
with a message to save the file as UTF-8. Files over 64 MB, malformed files and files whose
times run backwards are refused with one line (:class:`WorkbenchError`); an export is written to
a temporary file and renamed, so a failed export leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.exchange.transcripts._common import ImportedTranscript, read_text, with_markers
from workbench.exchange.transcripts.json_format import parse_json, write_json
from workbench.exchange.transcripts.noscribe import (
    import_noscribe_html,
    is_noscribe_vtt,
    noscribe_vtt_transcript,
)
from workbench.exchange.transcripts.plain_text import parse_paragraphs, write_txt
from workbench.exchange.transcripts.subtitles import (
    parse_srt,
    parse_vtt_cues,
    vtt_transcript,
    write_srt,
    write_vtt,
)
from workbench.exchange.transcripts.word import parse_docx, write_docx
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output
from workbench.model.records import NewSegment, NewSpeechGap

EXPORT_FORMATS = ("txt", "srt", "vtt", "docx", "json")
IMPORT_FORMATS = EXPORT_FORMATS + ("html",)

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "ImportedTranscript",
    "export_transcript",
    "format_of",
    "import_transcript",
    "render",
]


def format_of(path: Path, fmt: str | None = None, allowed: tuple[str, ...] = IMPORT_FORMATS) -> str:
    """The format named by ``fmt`` or by the file's suffix (``.htm`` counts as html)."""
    chosen = (fmt or Path(path).suffix.lstrip(".")).lower()
    chosen = {"htm": "html", "webvtt": "vtt", "text": "txt"}.get(chosen, chosen)
    if chosen not in allowed:
        raise WorkbenchError(
            f"Unknown transcript format '{chosen or Path(path).name}' "
            f"(use {', '.join('.' + f for f in allowed)})"
        )
    return chosen


def render(
    segments: Iterable[NewSegment],
    fmt: str,
    title: str | None = None,
    provenance: dict[str, Any] | None = None,
    gaps: Iterable[NewSpeechGap] = (),
) -> bytes:
    """The file's bytes for ``segments`` (and untranscribed ``gaps``) in ``fmt`` (UTF-8 for text)."""
    segments, gaps = list(segments), list(gaps)
    if fmt == "json":
        return write_json(segments, title, provenance, gaps).encode("utf-8")
    segments = with_markers(segments, gaps)
    if fmt == "docx":
        return write_docx(segments, title)
    writer = {"txt": write_txt, "srt": write_srt, "vtt": write_vtt}[format_of(Path(), fmt, EXPORT_FORMATS)]
    return writer(segments, title).encode("utf-8")


def export_transcript(
    path: Path,
    segments: Iterable[NewSegment],
    title: str | None = None,
    fmt: str | None = None,
    provenance: dict[str, Any] | None = None,
    gaps: Iterable[NewSpeechGap] = (),
) -> Path:
    """Write ``segments`` (and untranscribed ``gaps``) to ``path`` atomically; returns the path."""
    path = Path(path)
    data = render(segments, format_of(path, fmt, EXPORT_FORMATS), title, provenance, gaps)
    try:
        with atomic_output(path) as handle:
            handle.write(data)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return path


def import_transcript(path: Path, fmt: str | None = None) -> ImportedTranscript:
    """Read a transcript file (see the module text for formats); nothing is stored."""
    path = Path(path)
    chosen = format_of(path, fmt)
    if chosen == "docx":
        return parse_docx(path)
    text = read_text(path)
    if chosen == "txt":
        return parse_paragraphs(text.split("\n"), path.name, "txt")
    if chosen == "srt":
        return parse_srt(text, path.name)
    if chosen == "json":
        return parse_json(text, path.name)
    if chosen == "html":
        return import_noscribe_html(text, path.name)
    title, notes, cues = parse_vtt_cues(text, path.name)
    if is_noscribe_vtt(notes):
        return noscribe_vtt_transcript(title, notes, cues, path.name)
    return vtt_transcript(title, notes, cues, path.name)
