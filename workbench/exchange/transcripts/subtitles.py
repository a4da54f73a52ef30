"""SubRip (.srt) and WebVTT (.vtt) transcripts: one cue per segment, times to the millisecond.

SRT has no speaker field, so the speaker goes in front of the text as ``Speaker 1: text`` (and
an arrow ``-->`` inside the text, which would read as a timing line, is written ``->``);
WebVTT names it with a voice tag, ``<v Speaker 1>text``. Import reads both forms in both formats,
strips other markup (``<i>``, ``<c.x>``, in-cue time tags) and unescapes entities.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from itertools import chain

from workbench.exchange.transcripts._common import ImportedTranscript, check_order, clock_ms, parse_time
from workbench.exchange.transcripts.plain_text import speaker_label
from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_SEGMENTS
from workbench.model.records import NewSegment

_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|font)(?:\s[^>]*)?>", re.I)  # the only markup SubRip players know
_PREFIX = re.compile(r"^([^\s:][^:\n]{0,62}?)\s*:\s+(.*)$", re.S)
_SENTENCE = re.compile(r"[.,;!?\"]")
_GAP = re.compile(r"\n\s*\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_srt(segments: Iterable[NewSegment], title: str | None = None) -> str:
    cues = []
    for number, s in enumerate(segments, 1):
        label = speaker_label(s.speaker)
        text = _one_line(s.text).replace("-->", "->")
        cues.append(
            f"{number}\n{clock_ms(s.start_ms, ',')} --> {clock_ms(s.end_ms, ',')}\n"
            f"{f'{label}: ' if label else ''}{text}\n"
        )
    return "\n".join(cues)


def write_vtt(segments: Iterable[NewSegment], title: str | None = None) -> str:
    header = "WEBVTT" + (f" {_one_line(title)}" if title else "") + "\n"
    cues = []
    for s in segments:
        label = speaker_label(s.speaker).replace(">", "")
        text = html.escape(_one_line(s.text), quote=False)
        cues.append(
            f"{clock_ms(s.start_ms)} --> {clock_ms(s.end_ms)}\n{f'<v {label}>' if label else ''}{text}\n"
        )
    return "\n".join([header] + cues)


def _time(text: str, name: str, number: int) -> int:
    ms = parse_time(text)
    if ms is None:
        raise WorkbenchError(f"{name}: cue {number} has an unreadable time '{text}'")
    return ms


def _cue_text(lines: list[str], srt: bool) -> tuple[str | None, str]:
    """(speaker, plain text) of a cue's lines: WebVTT markup and entities, or SubRip's few tags."""
    raw = " ".join(line.strip() for line in lines)
    voice = None if srt else _VOICE.search(raw)
    speaker = voice.group(1).strip() if voice else None
    text = _one_line(_SRT_TAG.sub("", raw) if srt else html.unescape(_TAG.sub("", raw)))
    if speaker is None and srt:
        match = _PREFIX.match(text)
        if match and len(match.group(1).split()) <= 4 and not _SENTENCE.search(match.group(1)):
            speaker, text = match.group(1).strip(), match.group(2)
    return speaker or None, text


def _blocks(text: str) -> Iterator[list[str]]:
    """The blank-line separated blocks of a file, one at a time (a file of 400,000 cues is never
    held as a list of blocks)."""
    text = text.strip("\n")
    start = 0
    for gap in _GAP.finditer(text):
        if text[start : gap.start()].strip():
            yield text[start : gap.start()].split("\n")
        start = gap.end()
    if text[start:].strip():
        yield text[start:].split("\n")


def _count(number: int, name: str) -> None:
    if number > MAX_SEGMENTS:
        raise WorkbenchError(
            f"{name} has more than {MAX_SEGMENTS:,} cues, the limit for one transcript; split it and import the parts"
        )


def parse_srt(text: str, name: str) -> ImportedTranscript:
    segments = []
    for number, block in enumerate(_blocks(text), 1):
        _count(number, name)
        lines = [line for line in block if line.strip()]
        if lines and lines[0].strip().isdigit():
            lines = lines[1:]
        timing = _TIMING.match(lines[0]) if lines else None
        if timing is None:
            raise WorkbenchError(f"{name} is not a SubRip file: cue {number} has no 'start --> end' line")
        speaker, body = _cue_text(lines[1:], srt=True)
        segments.append(
            NewSegment(
                _time(timing.group(1), name, number), _time(timing.group(2), name, number), body, speaker
            )
        )
    if not segments:
        raise WorkbenchError(f"{name} has no subtitles")
    check_order(segments, name)
    return ImportedTranscript(tuple(segments), "srt")


def parse_vtt_cues(text: str, name: str) -> tuple[str | None, list[str], list[NewSegment]]:
    """(title, notes, cues) of a WebVTT file."""
    blocks = _blocks(text)
    header = next(blocks, [""])
    first = header[0].strip()
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise WorkbenchError(f"{name} is not a WebVTT file (it must start with WEBVTT)")
    title = first[6:].strip() or None
    notes: list[str] = []
    segments: list[NewSegment] = []
    for block in blocks if len(header) == 1 else chain([header[1:]], blocks):
        _count(len(segments) + 1, name)
        head = block[0].strip()
        if head.startswith("NOTE"):
            notes.append(_one_line(" ".join([head[4:]] + block[1:])))
            continue
        if head.startswith(("STYLE", "REGION")):
            continue
        lines = block if "-->" in head else block[1:]  # an optional cue identifier comes first
        timing = _TIMING.match(lines[0]) if lines else None
        number = len(segments) + 1
        if timing is None:
            raise WorkbenchError(f"{name}: cue {number} has no 'start --> end' line")
        speaker, body = _cue_text(lines[1:], srt=False)
        segments.append(
            NewSegment(
                _time(timing.group(1), name, number), _time(timing.group(2), name, number), body, speaker
            )
        )
    if not segments:
        raise WorkbenchError(f"{name} has no cues")
    return title, notes, segments


def vtt_transcript(
    title: str | None, notes: list[str], cues: list[NewSegment], name: str
) -> ImportedTranscript:
    """A WebVTT file's cues (from :func:`parse_vtt_cues`) as a transcript."""
    check_order(cues, name)
    return ImportedTranscript(tuple(cues), "vtt", title, tuple(notes))
