"""The unit of semantic search and code suggestions: a sentence of a transcript's text.

Why sentences, not segments: a Whisper segment is a few seconds cut at an arbitrary pause (often
mid-sentence), an imported text's segment may be one hard-wrapped line or a whole turn of hundreds
of words (past the encoder's 256 tokens); a coded passage is usually one to a few sentences, and
the model was trained on sentence pairs. So the text is first cut into blocks where the speaker
changes or at a blank line, and each block at sentence ends (``.``, ``!``, ``?``, ``…`` followed by
white space, a line break included); a fragment of fewer than :data:`MIN_WORDS` words joins its
neighbour ("Yeah." "Mm."), and a run-on longer than :data:`MAX_WORDS` words is cut in pieces of
about that size. Spans are code points into the document text (segments joined by
``SEPARATOR``), like codings'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.coding.transcript_text import SEPARATOR, document_text

SCHEME = "sentences-2"  # stored with the vectors: changing how text is cut makes them stale
MIN_WORDS = 4
MAX_WORDS = 60
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_WORD = re.compile(r"\S+")

Span = tuple[int, int]


def passages(texts: Sequence[str], speakers: Sequence[str | None] | None = None) -> list[Span]:
    """The sentence spans of the document made of these segment texts (and their speakers), in order."""
    document = document_text(texts)
    out: list[Span] = []
    for first, last in blocks(texts, speakers):
        out.extend((first + s, first + e) for s, e in segment_passages(document[first:last]))
    return out


def blocks(texts: Sequence[str], speakers: Sequence[str | None] | None = None) -> list[Span]:
    """Document spans no sentence crosses: a change of speaker, or a blank segment, starts a new one."""
    out: list[Span] = []
    offset = 0
    for i, text in enumerate(texts):
        new = (
            i == 0
            or not text.strip()
            or not texts[i - 1].strip()
            or (speakers is not None and speakers[i] != speakers[i - 1])
        )
        if new:
            out.append((offset, offset + len(text)))
        else:
            out[-1] = (out[-1][0], offset + len(text))
        offset += len(text) + len(SEPARATOR)
    return out


def segment_passages(text: str) -> list[Span]:
    """Sentence spans inside one block of text (no leading or trailing white space)."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    merged: list[Span] = []
    for span in (_trim(text, s, e) for s, e in spans):
        if span[0] >= span[1]:
            continue
        if merged and _words(text, span) < MIN_WORDS:
            merged[-1] = (merged[-1][0], span[1])
        elif merged and _words(text, merged[-1]) < MIN_WORDS:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return [piece for span in merged for piece in _cut(text, span)]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _words(text: str, span: Span) -> int:
    return len(_WORD.findall(text, span[0], span[1]))


def _cut(text: str, span: Span) -> list[Span]:
    words = list(_WORD.finditer(text, span[0], span[1]))
    if len(words) <= MAX_WORDS:
        return [span]
    pieces = -(-len(words) // MAX_WORDS)
    size = -(-len(words) // pieces)
    return [
        (words[i].start(), words[min(i + size, len(words)) - 1].end()) for i in range(0, len(words), size)
    ]
