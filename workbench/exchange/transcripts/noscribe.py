"""noScribe's HTML and WebVTT transcripts (https://github.com/kaixxx/noScribe).

noScribe writes one paragraph per speaker turn. Its HTML marks every recognised segment of a
turn with an anchor ``<a name="ts_<start>_<end>_<speaker>">`` (milliseconds), so a turn's real
start is its first anchor's start; overlapping speech sits inside a turn as ``//S02: ... //``
(anchor speaker ``//S02``). Its WebVTT writes one cue per turn but gives the cue the times of
the turn's LAST segment: the end is right, the start is too late whenever the turn was merged
from several segments. We import a turn as one segment, its text as noScribe wrote it (overlap
markers included; the HTML's inline ``[hh:mm:ss]`` reading aids dropped). The VTT is repaired:

* start: when the cue is too short to hold its text at :data:`MAX_CHARS_PER_SECOND` (measured on
  noScribe's own single-segment cues, which reach ~38), the turn was merged and began earlier; the
  best bound the file gives is the end of the cue before it (turns mostly follow without a gap).
  The HTML, where available, has the exact start: prefer it.
* speaker: the cue's voice is the LAST segment's speaker, which is an overlap (``//S02``) when a
  turn ends in overlapping speech; then the turn's speaker is taken as the one two turns back
  (speakers alternate turn by turn in an interview).
* a cue whose end is before its start (noScribe writes one at the end of a file) ends at its start.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import replace

from workbench.exchange.transcripts._common import ImportedTranscript, check_order
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment

MAX_CHARS_PER_SECOND = 40  # more text per second than this in a cue means a merged turn
_ANCHOR = re.compile(r"^ts_(\d+)_(\d+)_(.*)$")
_TURN_PREFIX = re.compile(r"^\s*(?://)?[^\s:]{1,20}:\s*")
_READING_AID = re.compile(r"\[\d{1,2}:\d{2}:\d{2}\]")


def is_noscribe_vtt(notes: tuple[str, ...] | list[str]) -> bool:
    return any("noScribe" in note for note in notes)


def repair_vtt(segments: list[NewSegment]) -> list[NewSegment]:
    """Undo what noScribe's VTT does to merged turns: late starts and overlap voices (see module text)."""
    repaired: list[NewSegment] = []
    previous_end = 0
    for s in segments:
        s = replace(s, end_ms=max(s.start_ms, s.end_ms))
        duration_s = max(0.001, (s.end_ms - s.start_ms) / 1000)
        if len(s.text) / duration_s > MAX_CHARS_PER_SECOND and previous_end < s.start_ms:
            s = replace(s, start_ms=previous_end)
        if s.speaker and s.speaker.startswith("//"):
            s = replace(s, speaker=repaired[-2].speaker if len(repaired) >= 2 else s.speaker.lstrip("/"))
        repaired.append(s)
        previous_end = max(previous_end, s.end_ms)
    return repaired


def noscribe_vtt_transcript(
    title: str | None, notes: list[str], cues: list[NewSegment], name: str
) -> ImportedTranscript:
    """A noScribe WebVTT file's cues (from :func:`parse_vtt_cues`), repaired."""
    segments = repair_vtt(cues)
    check_order(segments, name)
    return ImportedTranscript(tuple(segments), "noscribe-vtt", title, tuple(notes))


class _Reader(html.parser.HTMLParser):
    """Collects paragraphs: their plain text and the timed anchors inside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[dict] = []
        self.meta: dict[str, str] = {}
        self._anchor: dict | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "p":
            self.paragraphs.append(
                {"text": [], "anchors": [], "bold": "font-weight: 600" in (values.get("style") or "")}
            )
        elif tag == "meta" and values.get("name"):
            self.meta[values["name"]] = values.get("content") or ""
        elif tag == "a" and self.paragraphs:
            match = _ANCHOR.match(values.get("name") or "")
            if match:
                self._anchor = {
                    "start": int(match.group(1)),
                    "end": int(match.group(2)),
                    "speaker": match.group(3),
                    "text": [],
                }
                self.paragraphs[-1]["anchors"].append(self._anchor)
        elif tag == "br" and self.paragraphs:
            self.paragraphs[-1]["text"].append("\n")

    def handle_endtag(self, tag):
        if tag == "a":
            self._anchor = None

    def handle_data(self, data):
        if not self.paragraphs:
            return
        self.paragraphs[-1]["text"].append(data)
        if self._anchor is not None:
            self._anchor["text"].append(data)


def import_noscribe_html(text: str, name: str) -> ImportedTranscript:
    reader = _Reader()
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError) as exc:
        raise WorkbenchError(f"{name} is not readable HTML: {exc}") from None
    segments: list[NewSegment] = []
    title: str | None = None
    notes: list[str] = []
    for paragraph in reader.paragraphs:
        anchors = paragraph["anchors"]
        if not anchors:
            plain = "".join(paragraph["text"]).strip()
            if plain and paragraph["bold"] and title is None and not segments:
                title = " ".join(plain.split())
            elif plain:
                notes.append(" ".join(plain.split()))
            continue
        body = " ".join("".join(anchors[0]["text"]).split())
        first = anchors[0]["speaker"].lstrip("/")
        body = _TURN_PREFIX.sub("", body, count=1) if first else body
        parts = [body] + [" ".join("".join(a["text"]).split()) for a in anchors[1:]]
        turn_text = " ".join(_READING_AID.sub("", " ".join(parts)).split())
        segments.append(
            NewSegment(anchors[0]["start"], max(a["end"] for a in anchors), turn_text, first or None)
        )
    if not segments:
        raise WorkbenchError(f"{name} is not a noScribe transcript (no timed paragraphs)")
    check_order(segments, name)
    provenance = {"tool": "noScribe", "audio_source": reader.meta.get("audio_source", "")}
    return ImportedTranscript(tuple(segments), "noscribe-html", title, tuple(notes), provenance)
