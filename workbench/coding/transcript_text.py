"""The document text of a transcript and the mapping between its positions, segments and time.

The document text is the segments' texts in order, joined by one line feed (``SEPARATOR``): one
paragraph per segment, nothing added before the first or after the last. Text positions are
zero-based code points into that text (as REFI-QDA specifies), so a coding's ``[start, end)``
refers to the same characters wherever the text is rebuilt. The separator after a segment belongs
to no segment; :meth:`TranscriptText.locate` maps it to the end of the segment before it.

Time comes from word timings when a segment has them (a position inside a word takes that word's
start, or its end for an end position), otherwise it is interpolated linearly over the segment's
characters between its start and end time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

SEPARATOR = "\n"


class WordLike(Protocol):
    """Read-only view of a word (frozen dataclasses fit)."""

    @property
    def start_ms(self) -> int: ...
    @property
    def end_ms(self) -> int: ...
    @property
    def text(self) -> str: ...


class SegmentLike(Protocol):
    """Read-only view of a segment (frozen dataclasses fit)."""

    @property
    def start_ms(self) -> int: ...
    @property
    def end_ms(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def speaker(self) -> str | None: ...
    @property
    def words(self) -> Sequence[WordLike]: ...


@dataclass(frozen=True)
class Located:
    """A document position as (segment index, offset in that segment's text)."""

    segment: int
    offset: int


def document_text(texts: Sequence[str]) -> str:
    """The document text of segments with these texts."""
    return SEPARATOR.join(texts)


def interpolate(start_ms: int, end_ms: int, length: int, offset: int) -> int:
    """Time of character ``offset`` of a segment without word timings (linear over its characters)."""
    if length <= 0:
        return start_ms
    return start_ms + round((end_ms - start_ms) * offset / length)


class SegmentIndex:
    """Segment boundaries of a document from segment lengths alone (no text loaded): enough to place
    a position in its segment, speaker and (interpolated) time, e.g. for many extracts at once."""

    def __init__(
        self,
        lengths: Sequence[int],
        start_ms: Sequence[int],
        end_ms: Sequence[int],
        speakers: Sequence[str | None],
    ):
        self.lengths, self.start_ms, self.end_ms, self.speakers = lengths, start_ms, end_ms, speakers
        self.starts = []
        position = 0
        for length in lengths:
            self.starts.append(position)
            position += length + len(SEPARATOR)

    def segment_of(self, position: int) -> int:
        return max(0, bisect_right(self.starts, position) - 1)

    def time_at(self, position: int) -> int:
        if not self.starts:
            return 0
        i = self.segment_of(position)
        offset = min(position - self.starts[i], self.lengths[i])
        return interpolate(self.start_ms[i], self.end_ms[i], self.lengths[i], offset)

    def speaker_at(self, position: int) -> str | None:
        return self.speakers[self.segment_of(position)] if self.starts else None


def _word_spans(text: str, words: Sequence[WordLike]) -> list[tuple[int, int, int, int]]:
    """(start, end, start_ms, end_ms) of each word found, in order, in the segment text."""
    spans = []
    cursor = 0
    for word in words:
        token = word.text.strip()
        if not token:
            continue
        at = text.find(token, cursor)
        if at < 0:
            continue  # the text was corrected since transcription; skip words no longer there
        spans.append((at, at + len(token), int(word.start_ms), int(word.end_ms)))
        cursor = at + len(token)
    return spans


class TranscriptText:
    """A transcript's document text with offset ↔ (segment, offset) ↔ time mapping."""

    def __init__(self, segments: Sequence[SegmentLike]):
        self.segments = list(segments)
        self.text = document_text([s.text for s in self.segments])
        self.starts: list[int] = []
        position = 0
        for segment in self.segments:
            self.starts.append(position)
            position += len(segment.text) + len(SEPARATOR)
        self._words: dict[int, list[tuple[int, int, int, int]]] = {}

    def __len__(self) -> int:
        return len(self.text)

    # --- positions ------------------------------------------------------------------------------

    def locate(self, position: int) -> Located:
        """The segment holding ``position`` (0..len(text)); a separator maps to its segment's end."""
        if not self.segments:
            raise ValueError("an empty transcript has no positions")
        if not 0 <= position <= len(self.text):
            raise ValueError(f"position {position} is outside the text (0..{len(self.text)})")
        index = bisect_right(self.starts, position) - 1
        return Located(index, min(position - self.starts[index], len(self.segments[index].text)))

    def position(self, segment: int, offset: int) -> int:
        """The document position of ``offset`` in segment ``segment``."""
        if not 0 <= offset <= len(self.segments[segment].text):
            raise ValueError(f"offset {offset} is outside segment {segment}")
        return self.starts[segment] + offset

    def segment_span(self, segment: int) -> tuple[int, int]:
        start = self.starts[segment]
        return start, start + len(self.segments[segment].text)

    def segments_in(self, start: int, end: int) -> range:
        """Indexes of the segments that a span [start, end) touches (at least the one at start)."""
        first = self.locate(start).segment
        last = self.locate(max(start, end - 1)).segment if end > start else first
        return range(first, last + 1)

    # --- time -----------------------------------------------------------------------------------

    def _spans(self, index: int) -> list[tuple[int, int, int, int]]:
        if index not in self._words:
            segment = self.segments[index]
            self._words[index] = _word_spans(segment.text, getattr(segment, "words", ()) or ())
        return self._words[index]

    def time_at(self, position: int, end: bool = False) -> int:
        """Milliseconds for a position; ``end=True`` for the end of a span (the time a word ends)."""
        located = self.locate(position)
        segment = self.segments[located.segment]
        offset = located.offset
        spans = self._spans(located.segment)
        if spans:
            for start, stop, start_ms, end_ms in spans:
                if end and start < offset <= stop:
                    return end_ms
                if not end and start <= offset < stop:
                    return start_ms
                if offset < start:
                    return start_ms if not end else _previous_end(spans, start, segment.start_ms)
            return spans[-1][3] if end else segment.end_ms
        return interpolate(segment.start_ms, segment.end_ms, len(segment.text), offset)

    def span_times(self, start: int, end: int) -> tuple[int, int]:
        """(start_ms, end_ms) of a span [start, end)."""
        return self.time_at(start), self.time_at(end, end=True)

    def position_at_time(self, time_ms: int) -> int:
        """The document position of the word (or segment) playing at ``time_ms``."""
        best = 0
        for index, segment in enumerate(self.segments):
            if segment.start_ms > time_ms:
                break
            best = self.starts[index]
            for start, _stop, start_ms, _end_ms in self._spans(index):
                if start_ms > time_ms:
                    break
                best = self.starts[index] + start
        return best

    def speaker_at(self, position: int) -> str | None:
        return self.segments[self.locate(position).segment].speaker


def _previous_end(spans, start: int, default: int) -> int:
    """End time of the last word before character ``start`` (for an end in the gap before a word)."""
    previous = [s for s in spans if s[1] <= start]
    return previous[-1][3] if previous else default
