"""Editing a transcript while listening: text corrections, splits, merges and speakers as
reversible :class:`Edit` values over a :class:`TranscriptDraft` (no Qt, no database).

An edit replaces a run of segments by others; its inverse puts the old ones back exactly, so an
undo stack only keeps edits. Text corrections keep the timing of the words that survive: the
old and new texts are compared token by token (whitespace-separated), a kept token keeps its time
and confidence, a rewritten token takes the time of what it replaced (and counts as reviewed:
no probability), an inserted one sits at the end of the word before it. Segment bounds follow
their first and last words; the outer bounds of the edited run never move. Positions are code
points into the document text of :mod:`workbench.coding.transcript_text`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from workbench.coding.transcript_text import SEPARATOR, TranscriptText, interpolate
from workbench.model.records import NewSegment, NewWord

_TOKEN = re.compile(r"\S+")
Listener = Callable[["Edit"], None]


@dataclass(frozen=True)
class Edit:
    """Segments ``old`` starting at index ``first`` become ``new``."""

    first: int
    old: tuple[NewSegment, ...]
    new: tuple[NewSegment, ...]

    def inverse(self) -> Edit:
        return Edit(self.first, self.new, self.old)

    def text_changed(self) -> bool:
        return [s.text for s in self.old] != [s.text for s in self.new]


@dataclass(frozen=True)
class _Token:
    start: int  # offset in the joined text of the edited run
    end: int
    text: str
    start_ms: int = 0
    end_ms: int = 0
    probability: float | None = None


def word_places(segment: NewSegment) -> list[tuple[int, int, NewWord]]:
    """(start, end, word) of each word found, in order, in the segment's text."""
    places, cursor = [], 0
    for word in segment.words:
        token = word.text.strip()
        at = segment.text.find(token, cursor) if token else -1
        if at >= 0:
            places.append((at, at + len(token), word))
            cursor = at + len(token)
    return places


def _timed_tokens(segments: Sequence[NewSegment]) -> list[_Token]:
    """The tokens of a run of segments, each with the time of the words under it (or interpolated)."""
    tokens, base = [], 0
    for segment in segments:
        places = word_places(segment)
        for m in _TOKEN.finditer(segment.text):
            under = [w for a, b, w in places if a < m.end() and b > m.start()]
            if under:
                probabilities = [w.probability for w in under if w.probability is not None]
                tokens.append(
                    _Token(
                        base + m.start(),
                        base + m.end(),
                        m.group(),
                        min(w.start_ms for w in under),
                        max(w.end_ms for w in under),
                        min(probabilities) if probabilities else None,
                    )
                )
            else:
                length = len(segment.text)
                tokens.append(
                    _Token(
                        base + m.start(),
                        base + m.end(),
                        m.group(),
                        interpolate(segment.start_ms, segment.end_ms, length, m.start()),
                        interpolate(segment.start_ms, segment.end_ms, length, m.end()),
                    )
                )
        base += len(segment.text) + len(SEPARATOR)
    return tokens


def _retime(old: list[_Token], new: list[_Token], default_ms: int) -> list[_Token]:
    """Times and probabilities for the new tokens from the old ones (see the module text)."""
    out: list[_Token] = []
    matcher = SequenceMatcher(None, [t.text for t in old], [t.text for t in new], autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(
                replace(n, start_ms=o.start_ms, end_ms=o.end_ms, probability=o.probability)
                for o, n in zip(old[a1:a2], new[b1:b2])
            )
        elif tag == "replace":
            lo, hi = old[a1].start_ms, max(old[a1].start_ms, old[a2 - 1].end_ms)
            total, done = sum(len(t.text) for t in new[b1:b2]), 0
            for token in new[b1:b2]:
                start = lo + (hi - lo) * done // total
                done += len(token.text)
                out.append(replace(token, start_ms=start, end_ms=lo + (hi - lo) * done // total))
        elif tag == "insert":
            at = old[a1 - 1].end_ms if a1 > 0 else (old[a1].start_ms if a1 < len(old) else default_ms)
            out.extend(replace(t, start_ms=at, end_ms=at) for t in new[b1:b2])
    return out


def rebuild(old: Sequence[NewSegment], start: int, end: int, text: str) -> tuple[NewSegment, ...]:
    """The segments that ``old`` becomes when ``[start, end)`` of its joined text is replaced by
    ``text`` (a line feed in the result separates segments)."""
    old = list(old)
    old_doc = TranscriptText(old)
    joined = old_doc.text[:start] + text + old_doc.text[end:]
    pieces, offsets, at = joined.split(SEPARATOR), [], 0
    for piece in pieces:
        offsets.append(at)
        at += len(piece) + len(SEPARATOR)

    def old_position(q: int) -> int:
        return q if q <= start else (q - start - len(text) + end if q >= start + len(text) else start)

    timed = any(s.words for s in old)
    new_tokens = [
        _Token(offsets[p] + m.start(), offsets[p] + m.end(), m.group())
        for p, piece in enumerate(pieces)
        for m in _TOKEN.finditer(piece)
    ]
    new_tokens = _retime(_timed_tokens(old), new_tokens, old[0].start_ms)
    by_piece: list[list[_Token]] = [[] for _ in pieces]
    for token in new_tokens:
        by_piece[bisect_right(offsets, token.start) - 1].append(token)

    result: list[NewSegment] = []
    for p, piece in enumerate(pieces):
        if p in (0, len(pieces) - 1):  # the first and last pieces hold the run's outer texts
            source = old[0] if p == 0 else old[-1]
        else:
            source = old[old_doc.locate(old_position(offsets[p])).segment]
        words = by_piece[p]
        if p == 0:
            start_ms = old[0].start_ms
        else:
            start_ms = words[0].start_ms if words else old_doc.time_at(old_position(offsets[p]))
        if p == len(pieces) - 1:
            end_ms = old[-1].end_ms
        else:
            end_ms = (
                words[-1].end_ms
                if words
                else old_doc.time_at(old_position(offsets[p] + len(piece)), end=True)
            )
        if result:
            start_ms = max(start_ms, result[-1].start_ms)
        end_ms = max(end_ms, start_ms)
        new_words = (
            tuple(
                NewWord(
                    min(max(w.start_ms, start_ms), end_ms),
                    min(max(w.end_ms, w.start_ms, start_ms), end_ms),
                    w.text,
                    w.probability,
                )
                for w in words
            )
            if timed
            else ()
        )
        result.append(NewSegment(start_ms, end_ms, piece, source.speaker, source.confidence, new_words))
    return tuple(result)


class TranscriptDraft:
    """The segments being edited; :meth:`apply` changes them and tells the listeners. The other
    methods only compute edits (``None`` when there is nothing to change)."""

    def __init__(self, segments: Sequence[NewSegment]):
        self.segments: list[NewSegment] = list(segments) or [NewSegment(0, 0, "")]
        self.revision = 0
        self._listeners: list[Listener] = []
        self._doc: TranscriptText | None = None
        self._timeline: tuple[list[int], list[tuple[int, int]]] | None = None

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def doc(self) -> TranscriptText:
        if self._doc is None:
            self._doc = TranscriptText(self.segments)
        return self._doc

    @property
    def text(self) -> str:
        return self.doc.text

    def apply(self, edit: Edit) -> None:
        end = edit.first + len(edit.old)
        if tuple(self.segments[edit.first : end]) != edit.old:
            raise ValueError("the edit does not fit the transcript as it is now")
        self.segments[edit.first : end] = edit.new
        self.revision += 1
        self._doc = self._timeline = None
        for listener in list(self._listeners):
            listener(edit)

    # --- edits ----------------------------------------------------------------------------------

    def replace_text(self, start: int, end: int, text: str) -> Edit | None:
        """Replace ``[start, end)`` of the document text (a line feed in ``text`` splits)."""
        if self.text[start:end] == text:
            return None
        first, last = self.doc.locate(start).segment, self.doc.locate(end).segment
        base = self.doc.starts[first]
        old = tuple(self.segments[first : last + 1])
        return Edit(first, old, rebuild(old, start - base, end - base, text))

    def split(self, position: int) -> Edit | None:
        """Split the segment at ``position``; spaces around the split are dropped."""
        located = self.doc.locate(position)
        text = self.segments[located.segment].text
        left = len(text[: located.offset].rstrip())
        right = located.offset + len(text[located.offset :]) - len(text[located.offset :].lstrip())
        base = self.doc.starts[located.segment]
        return self.replace_text(base + left, base + right, SEPARATOR)

    def merge(self, index: int) -> Edit | None:
        """Join segment ``index`` with the one after it (one space between their texts)."""
        if not 0 <= index < len(self.segments) - 1:
            return None
        left, right = self.segments[index].text, self.segments[index + 1].text
        start = self.doc.starts[index] + len(left.rstrip())
        end = self.doc.starts[index + 1] + len(right) - len(right.lstrip())
        return self.replace_text(start, end, " " if left.strip() and right.strip() else "")

    def _changed(self, new_segments: list[NewSegment]) -> Edit | None:
        """The smallest edit from the current segments to ``new_segments`` (same count)."""
        changed = [i for i, (a, b) in enumerate(zip(self.segments, new_segments)) if a != b]
        if not changed:
            return None
        lo, hi = changed[0], changed[-1] + 1
        return Edit(lo, tuple(self.segments[lo:hi]), tuple(new_segments[lo:hi]))

    def set_speaker(self, indices: Sequence[int], speaker: str | None) -> Edit | None:
        wanted = set(indices)
        return self._changed(
            [replace(s, speaker=speaker) if i in wanted else s for i, s in enumerate(self.segments)]
        )

    def rename_speakers(self, names: dict[str, str]) -> Edit | None:
        """Rename speakers everywhere at once (``{"A": "B", "B": "A"}`` swaps)."""
        names = {old: " ".join(new.split()) for old, new in names.items() if new and new.strip()}
        return self._changed(
            [replace(s, speaker=names.get(s.speaker, s.speaker)) if s.speaker else s for s in self.segments]
        )

    def review_word(self, position: int) -> Edit | None:
        """Mark the word at ``position`` as reviewed (its probability is dropped)."""
        located = self.doc.locate(position)
        segment = self.segments[located.segment]
        for a, b, word in word_places(segment):
            if a <= located.offset <= b and word.probability is not None:
                words = tuple(replace(w, probability=None) if w is word else w for w in segment.words)
                new = list(self.segments)
                new[located.segment] = replace(segment, words=words)
                return self._changed(new)
        return None

    def replace_all(self, find: str, replacement: str, case_sensitive: bool = False) -> Edit | None:
        """Replace every match of ``find`` (plain text, within segments) by ``replacement``."""
        pattern = self.pattern(find, case_sensitive)
        if pattern is None:
            return None
        new = []
        for segment in self.segments:
            text = pattern.sub(lambda _m: replacement, segment.text)
            new.append(segment if text == segment.text else rebuild([segment], 0, len(segment.text), text)[0])
        return self._changed(new)

    # --- reading --------------------------------------------------------------------------------

    @staticmethod
    def pattern(find: str, case_sensitive: bool = False) -> re.Pattern | None:
        if not find or SEPARATOR in find:
            return None
        return re.compile(re.escape(find), 0 if case_sensitive else re.IGNORECASE)

    def find(self, find: str, case_sensitive: bool = False) -> list[tuple[int, int]]:
        """Document spans of every match, in order."""
        pattern = self.pattern(find, case_sensitive)
        return [] if pattern is None else [m.span() for m in pattern.finditer(self.text)]

    def speakers(self) -> list[str]:
        """Speaker names in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker))

    def low_confidence(self, threshold: float) -> list[tuple[int, int]]:
        """Document spans of the words whose probability is below ``threshold``."""
        spans: list[tuple[int, int]] = []
        for index, segment in enumerate(self.segments):
            base = self.doc.starts[index]
            spans.extend(
                (base + a, base + b)
                for a, b, w in word_places(segment)
                if w.probability is not None and w.probability < threshold
            )
        return spans

    def word_at_time(self, time_ms: int) -> tuple[int, int] | None:
        """Document span of the word playing at ``time_ms`` (the last to start by then), or of
        the segment when it has no word timings; None before the first."""
        if self._timeline is None:
            starts: list[int] = []
            spans: list[tuple[int, int]] = []
            for index, segment in enumerate(self.segments):
                base = self.doc.starts[index]
                places = word_places(segment)
                items = [(w.start_ms, base + a, base + b) for a, b, w in places] or [
                    (segment.start_ms, base, base + len(segment.text))
                ]
                for start_ms, a, b in items:
                    if not starts or start_ms >= starts[-1]:
                        starts.append(start_ms)
                        spans.append((a, b))
            self._timeline = (starts, spans)
        starts, spans = self._timeline
        i = bisect_right(starts, time_ms) - 1
        return spans[i] if i >= 0 else None

    def time_at(self, position: int) -> int:
        return self.doc.time_at(min(max(0, position), len(self.text)))
