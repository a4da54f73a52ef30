"""Pseudonymising transcripts through the store (no Qt): suggestions over the document texts, and
the replacement of accepted originals segment by segment through ``update_transcript_text``, which
re-anchors every coding in the same transaction, so codings stay on the same words.

Word timings are kept: a word inside a replaced name takes the pseudonym (the first such word)
or is emptied (the rest), so no original survives in the words either.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Mapping, Optional, Sequence

from workbench.coding.transcript_text import TranscriptText
from workbench.nlp.pseudonymise import Edit, PseudonymKey, Review, Suggestion, pseudonymise_text, suggest
from workbench.store.records import NewSegment
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.transcripts import load_segments
from workbench.tasks import TaskState


def document_texts(db, transcript_ids: Iterable[int]) -> dict[str, str]:
    """Document text per transcript id (as a string key, the suggestions' ``text_id``)."""
    return {str(tid): TranscriptText(load_segments(db, tid)).text for tid in transcript_ids}


def suggestions_task(db, transcript_ids: Sequence[int], terms: Mapping[str, Iterable[str]],
                     progress=None, cancelled=None) -> tuple[dict[str, str], list[Suggestion]]:
    """(texts, suggestions) for the review (spaCy entities plus the term lists)."""
    state = TaskState(progress, cancelled)
    state.report(0.0, "Reading transcripts")
    texts = document_texts(db, transcript_ids)
    state.check()
    state.report(0.2, "Finding names, places, organisations and dates")
    return texts, suggest(texts, terms)


def _redact_words(segment: NewSegment, edits: Sequence[Edit]) -> tuple:
    """The segment's words with those inside an edit replaced (first) or emptied (the rest)."""
    words, cursor, used = [], 0, set()
    for word in segment.words:
        token = word.text.strip()
        at = segment.text.find(token, cursor) if token else -1
        if at < 0:
            words.append(word)
            continue
        cursor = at + len(token)
        hit = next((k for k, e in enumerate(edits) if at < e.end and e.start < cursor), None)
        if hit is None:
            words.append(word)
        else:
            lead = word.text[:len(word.text) - len(word.text.lstrip())]
            words.append(replace(word, text="" if hit in used else lead + edits[hit].replacement))
            used.add(hit)
    return tuple(words)


def pseudonymised_segments(segments: Sequence[NewSegment], key: PseudonymKey,
                           keep: Sequence[tuple[int, int]] = ()) -> Optional[list[NewSegment]]:
    """The segments with the key applied (``keep``: document spans left as they are), or None
    when nothing changes."""
    doc = TranscriptText(segments)
    out, changed = [], False
    for i, segment in enumerate(segments):
        start, end = doc.segment_span(i)
        local = [(s - start, e - start) for s, e in keep if start <= s and e <= end]
        result = pseudonymise_text(segment.text, key, local)
        if result.edits:
            changed = True
            out.append(replace(segment, text=result.text, words=_redact_words(segment, result.edits)))
        else:
            out.append(segment)
    return out if changed else None


def apply_to_transcript(db, transcript_id: int, key: PseudonymKey, review: Optional[Review], coder_id: int):
    """Replace the key's originals in one transcript; an UndoableChange, or None if nothing to do."""
    segments = load_segments(db, transcript_id)
    keep = review.rejected_spans(str(transcript_id)) if review is not None else []
    new = pseudonymised_segments(segments, key, keep)
    if new is None:
        return None
    return update_transcript_text(db, transcript_id, new, transcript_version(db, transcript_id), coder_id)
