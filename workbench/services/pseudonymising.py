"""Pseudonymising a project's transcripts (no Qt): suggestions over the document texts, a review
file for the command line, and the replacement of the key's originals through the store.

Applying goes transcript by transcript through ``update_transcript_text`` with the replacement
edits as ``substitute`` opcodes, so every coding stays on its words and a coding of exactly a name
moves onto its pseudonym without a review flag. Word timings are kept: a word inside a replaced
name takes the pseudonym (the first such word) or is emptied (the rest), so no original survives in
the words either. A run over the project is one unit of work: the key (``workbench.store.pseudonym_keys``,
leads only) and every transcript's new text are committed together, so a failure or a cancel leaves
the project as it was, and a conflict with another writer repeats the whole run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from workbench.coding.retrieval import kwic
from workbench.coding.transcript_text import TranscriptText
from workbench.exchange import cells
from workbench.model.errors import WorkbenchError
from workbench.model.files import read_limited
from workbench.model.records import Change, NewSegment
from workbench.model.tasks import TaskState
from workbench.nlp.pseudonymise import (
    TERM_LABEL,
    Edit,
    PseudonymKey,
    Suggestion,
    edit_opcodes,
    pseudonymise_text,
    suggest,
)
from workbench.store import pseudonym_keys, transcript_list
from workbench.store.engine import retrying
from workbench.store.text_correction import several_texts, transcript_version, update_transcript_text
from workbench.store.transcripts import load_segments

REVIEW_COLUMNS = (
    "decision",
    "original",
    "category",
    "replacement",
    "transcript_id",
    "transcript",
    "start",
    "end",
    "label",
    "context",
)
ACCEPT_WORDS = {"accept", "accepted", "yes", "y", "x", "1"}
REJECT_WORDS = {"reject", "rejected", "no", "n", "0"}


def parse_terms(text: str) -> dict[str, list[str]]:
    """Term lists written one category a line: ``Staff: Dr Patel, Jo Smith``."""
    terms: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        category, sep, words = line.partition(":")
        if not sep or not category.strip():
            raise WorkbenchError(f"Term list line {number}: write 'Category: term, term'.")
        terms.setdefault(category.strip(), []).extend(w.strip() for w in words.split(",") if w.strip())
    return terms


def document_texts(db, transcript_ids: Iterable[int]) -> dict[str, str]:
    """Document text per transcript id (as a string key, the suggestions' ``text_id``)."""
    return {str(tid): TranscriptText(load_segments(db, tid)).text for tid in transcript_ids}


def suggestions_task(
    db, transcript_ids: Sequence[int], terms: Mapping[str, Iterable[str]], progress=None, cancelled=None
) -> tuple[dict[str, str], list[Suggestion]]:
    """(texts, suggestions) for the review (spaCy entities plus the term lists)."""
    state = TaskState(progress, cancelled)
    state.report(0.0, "Reading transcripts")
    texts = document_texts(db, transcript_ids)
    state.check()
    state.report(0.2, "Finding names, places, organisations and dates")
    return texts, suggest(texts, terms)


# --- segments -----------------------------------------------------------------------------------


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
            lead = word.text[: len(word.text) - len(word.text.lstrip())]
            words.append(replace(word, text="" if hit in used else lead + edits[hit].replacement))
            used.add(hit)
    return tuple(words)


@dataclass(frozen=True)
class Pseudonymised:
    """New segments and the edits made, in document positions of the old text."""

    segments: list[NewSegment]
    edits: tuple[Edit, ...]
    old_length: int

    def opcodes(self):
        return edit_opcodes(self.edits, self.old_length)


def pseudonymise_segments(
    segments: Sequence[NewSegment], key: PseudonymKey, keep: Sequence[tuple[int, int]] = ()
) -> Pseudonymised | None:
    """The segments with the key applied (``keep``: document spans left as they are), or None
    when nothing changes."""
    doc = TranscriptText(segments)
    out, edits = [], []
    for i, segment in enumerate(segments):
        start, end = doc.segment_span(i)
        local = [(s - start, e - start) for s, e in keep if start <= s and e <= end]
        result = pseudonymise_text(segment.text, key, local)
        if result.edits:
            edits += [Edit(e.start + start, e.end + start, e.replacement) for e in result.edits]
            out.append(replace(segment, text=result.text, words=_redact_words(segment, result.edits)))
        else:
            out.append(segment)
    return Pseudonymised(out, tuple(edits), len(doc.text)) if edits else None


def pseudonymised_segments(
    segments: Sequence[NewSegment], key: PseudonymKey, keep: Sequence[tuple[int, int]] = ()
) -> list[NewSegment] | None:
    """Just the new segments (None when nothing changes)."""
    result = pseudonymise_segments(segments, key, keep)
    return None if result is None else result.segments


@dataclass(frozen=True)
class ProjectResult:
    transcripts: int
    changed: tuple[int, ...]
    replacements: int
    notes: tuple[str, ...] = ()  # the store's sentence for each changed transcript
    change: Change | None = None  # the key's rows and every changed transcript; undone as one

    @property
    def description(self) -> str:
        return (
            f"Pseudonymised {len(self.changed)} of {self.transcripts} transcript(s): "
            f"{self.replacements} replacement(s); codings re-anchored"
        )


def check_kept(db, kept: Mapping[int, Sequence[tuple[int, int, str]]]) -> dict[int, list[tuple[int, int]]]:
    """Rejected spans ``(start, end, original)`` checked against the texts now (a transcript changed
    since the review would put them elsewhere); returns the spans per transcript."""
    out: dict[int, list[tuple[int, int]]] = {}
    for tid, spans in kept.items():
        try:
            text = document_texts(db, [tid])[str(tid)]
        except WorkbenchError:
            raise WorkbenchError(
                f"The review names transcript {tid}, which is not in this project."
            ) from None
        for start, end, original in spans:
            if text[start:end] != original:
                raise WorkbenchError(
                    f"Transcript {tid} changed since the review (no {original!r} at {start}); "
                    "make the review again."
                )
            out.setdefault(tid, []).append((start, end))
    return out


@retrying
def apply_to_project(
    db,
    lead_id: int,
    key: PseudonymKey,
    keep: Mapping[int, Sequence[tuple[int, int]]] | None = None,
    transcript_ids: Sequence[int] | None = None,
    progress=None,
    cancelled=None,
) -> ProjectResult:
    """Store ``key`` in the project's key (leads only), then replace its originals in every transcript
    (or those named); ``keep`` maps a transcript id to the spans left as they are (rejected
    suggestions). Only ``key``'s entries are applied: an earlier rejection ("May" the month) is not
    undone by a later run. All or nothing: one transaction, cancelled or failed as a whole."""
    state = TaskState(progress, cancelled)
    keep = keep or {}
    with db.transaction():
        key_change = pseudonym_keys.save_key(db, lead_id, key.rows())
        ids = (
            list(transcript_ids)
            if transcript_ids is not None
            else [t.id for t in transcript_list.list_transcripts(db)]
        )
        changed, replacements, notes, changes = [], 0, [], []
        for n, tid in enumerate(ids):
            state.check()
            state.report(n / max(len(ids), 1), f"Transcript {n + 1} of {len(ids)}")
            result = pseudonymise_segments(load_segments(db, tid), key, keep.get(tid, ()))
            if result is None:
                continue
            change = update_transcript_text(
                db, tid, result.segments, transcript_version(db, tid), lead_id, opcodes=result.opcodes()
            )
            changed.append(tid)
            replacements += len(result.edits)
            notes.append(change.description)
            changes.append(change)
        state.check()
    state.report(1.0, "Done")
    done = ProjectResult(len(ids), tuple(changed), replacements, tuple(notes))
    return replace(done, change=several_texts(done.description, changes, [key_change]))


# --- the review file ----------------------------------------------------------------------------


def write_review(
    path: Path,
    texts: Mapping[str, str],
    suggestions: Sequence[Suggestion],
    names: Mapping[str, str],
    key: PseudonymKey | None = None,
) -> None:
    """A CSV of suggestions for review: one row each, ``decision`` empty (write accept or reject),
    ``replacement`` proposed (from the stored key, or '[Category N]'; edit to choose)."""
    proposed = PseudonymKey.from_rows(key.rows()) if key is not None else PseudonymKey()
    rows = []
    for s in suggestions:
        left, match, right = kwic(texts[s.text_id], s.start, s.end, 30)
        replacement = proposed.add(s.original, s.category, case_sensitive=s.case_sensitive)
        rows.append(
            [
                "",
                s.original,
                s.category,
                replacement,
                s.text_id,
                names.get(s.text_id, ""),
                s.start,
                s.end,
                s.label,
                f"{left}[{match}]{right}",
            ]
        )
    cells.write_rows(path, REVIEW_COLUMNS, rows, csv_encoding="utf-8-sig")  # text never a formula


@dataclass
class ReviewDecisions:
    key: PseudonymKey
    keep: dict[int, list[tuple[int, int, str]]]  # rejected spans (start, end, original) per transcript
    accepted: int
    rejected: int
    pending: int


def read_review(path: Path) -> ReviewDecisions:
    """The accepted rows as a key (each original with its replacement) and the rejected spans."""
    raw = read_limited(path, what="review file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkbenchError(f"{Path(path).name} is not UTF-8 text; save the review as UTF-8 CSV.") from None
    rows = csv.DictReader(io.StringIO(text))
    reader = ({k: cells.csv_read(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows)
    missing = [
        c
        for c in ("decision", "original", "category", "replacement", "transcript_id", "start", "end")
        if c not in (rows.fieldnames or [])
    ]
    if missing:
        raise WorkbenchError(
            f"{Path(path).name} is not a pseudonymisation review (no column {missing[0]!r})."
        )
    key = PseudonymKey()
    keep: dict[int, list[tuple[int, int, str]]] = {}
    counts = {"accepted": 0, "rejected": 0, "pending": 0}
    for number, row in enumerate(reader, start=2):
        decision = (row.get("decision") or "").strip().lower()
        if decision in ACCEPT_WORDS:
            original, replacement = (
                (row.get("original") or "").strip(),
                (row.get("replacement") or "").strip(),
            )
            if not original or not replacement:
                raise WorkbenchError(
                    f"{Path(path).name} line {number}: an accepted row needs an original and a replacement."
                )
            chosen = key.replacement(original)
            if chosen is not None and chosen != replacement:
                raise WorkbenchError(
                    f"{Path(path).name} line {number}: {original!r} is given two replacements "
                    f"({chosen!r} and {replacement!r}); use one."
                )
            key.add(
                original,
                (row.get("category") or "").strip() or "Other",
                replacement,
                case_sensitive=(row.get("label") or "") != TERM_LABEL,
            )
            counts["accepted"] += 1
        elif decision in REJECT_WORDS:
            try:
                tid, start, end = int(row["transcript_id"]), int(row["start"]), int(row["end"])
            except (TypeError, ValueError):
                raise WorkbenchError(
                    f"{Path(path).name} line {number}: transcript_id, start and end must be whole numbers."
                ) from None
            keep.setdefault(tid, []).append((start, end, (row.get("original") or "")))
            counts["rejected"] += 1
        elif decision:
            raise WorkbenchError(
                f"{Path(path).name} line {number}: decision {decision!r} is neither accept nor reject."
            )
        else:
            counts["pending"] += 1
    return ReviewDecisions(key, keep, **counts)
