"""Pseudonymisation: suggest what identifies people, review the suggestions, replace consistently.

1. `suggest(texts, terms)` finds people, places, organisations, facilities and dates with spaCy
   (labels PERSON, GPE, LOC, ORG, FAC, DATE) plus custom term lists (staff names, local services;
   case-insensitive, whole words). A term-list match wins over an overlapping entity.
2. `Review` holds the researcher's decisions: accept, reject, accept all of one name.
3. `PseudonymKey` maps each accepted original to one replacement, the same in every transcript:
   chosen ("[Baby]", "[Partner]") or numbered per category ("[Hospital 1]", "[Person 2]"). The
   key is a separate structure; the store keeps it apart from the texts (leads only).
4. `pseudonymise_text(text, key, keep)` replaces every occurrence of every original in the key
   (except the spans the researcher rejected) and returns the new text with the list of edits,
   `(start, end, replacement)` in code points of the old text, so the store can re-anchor codings
   (`edit_opcodes` turns them into the opcodes `workbench.coding.anchoring.Anchoring` takes).

Originals that came from spaCy match case-sensitively ("May" the name, not "may" the verb);
originals from term lists match case-insensitively. `PseudonymKey.redact` applies the same
matching to any text and is the guard every export passes its text through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workbench.model.edits import SUBSTITUTE, Opcode

ENTITY_CATEGORIES = {
    "PERSON": "Person",
    "GPE": "Place",
    "LOC": "Place",
    "ORG": "Organisation",
    "FAC": "Facility",
    "DATE": "Date",
}
TERM_LABEL = "TERM"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\s\"'“”‘’(\[]+|[\s\"'“”‘’)\].,;:!?]+$")


def normalise(original: str) -> str:
    """The comparison form of an original: whitespace collapsed, case folded."""
    return _SPACE.sub(" ", original.strip()).casefold()


def _pattern(original: str, case_sensitive: bool) -> str:
    body = r"\s+".join(re.escape(part) for part in original.split())
    return body if case_sensitive else f"(?i:{body})"


@dataclass(frozen=True)
class Suggestion:
    """A span of one text (`text_id`) that may identify someone."""

    text_id: str
    start: int
    end: int
    original: str
    label: str  # a spaCy entity label, or TERM for a term-list match
    category: str

    @property
    def case_sensitive(self) -> bool:
        return self.label != TERM_LABEL


def _term_regex(terms: Mapping[str, Iterable[str]]) -> tuple[re.Pattern | None, dict[str, str]]:
    categories: dict[str, str] = {}
    for category, words in terms.items():
        for word in words:
            if word.strip():
                categories.setdefault(normalise(word), category)
    if not categories:
        return None, categories
    alternatives = sorted(categories, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(p) for p in a.split()) for a in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), categories


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    span = text[start:end]
    lead = _EDGE.match(span)
    tail = _EDGE.search(span)
    new_start = start + (lead.end() if lead else 0)
    new_end = end - (len(span) - tail.start() if tail else 0)
    if text[new_end - 2 : new_end] in ("'s", "’s") and new_end - 2 > new_start:
        new_end -= 2
    if label != "DATE" and text[new_start : new_start + 4].lower() == "the " and new_end > new_start + 4:
        new_start += 4
    return new_start, max(new_start, new_end)


def suggest(
    texts: Mapping[str, str], terms: Mapping[str, Iterable[str]] | None = None, nlp=None
) -> list[Suggestion]:
    """Suggestions for every text (`text_id -> text`), in text order; `terms` maps a category
    ('Staff', 'Service') to its words. `nlp` defaults to the shared pipeline."""
    if nlp is None:
        from workbench.nlp.pipeline import load_pipeline

        nlp = load_pipeline()
    regex, term_categories = _term_regex(terms or {})
    ids = list(texts)
    docs = nlp.pipe((texts[i] for i in ids), batch_size=8) if "ner" in nlp.pipe_names else (None for _ in ids)
    result: list[Suggestion] = []
    for text_id, doc in zip(ids, docs):
        text = texts[text_id]
        found: list[Suggestion] = []
        if regex is not None:
            for match in regex.finditer(text):
                found.append(
                    Suggestion(
                        text_id,
                        match.start(),
                        match.end(),
                        match.group(),
                        TERM_LABEL,
                        term_categories[normalise(match.group())],
                    )
                )
        terms_found = list(found)
        for ent in doc.ents if doc is not None else ():
            if ent.label_ not in ENTITY_CATEGORIES:
                continue
            start, end = _trim(text, ent.start_char, ent.end_char, ent.label_)
            overlapping = [s for s in terms_found if start < s.end and s.start < end]
            if end <= start or any(
                not (start <= s.start and s.end <= end) or (s.start, s.end) == (start, end)
                for s in overlapping
            ):
                continue  # a term-list match wins; an entity that is longer and contains it is kept too
            found.append(
                Suggestion(text_id, start, end, text[start:end], ent.label_, ENTITY_CATEGORIES[ent.label_])
            )
        result.extend(sorted(found, key=lambda s: s.start))
    return result


class Review:
    """The researcher's decisions on a list of suggestions (all pending at first)."""

    def __init__(self, suggestions: Sequence[Suggestion]):
        self.suggestions = list(suggestions)
        self.status = [PENDING] * len(self.suggestions)

    def accept(self, index: int) -> None:
        self.status[index] = ACCEPTED

    def reject(self, index: int) -> None:
        self.status[index] = REJECTED

    def accept_all(self, original: str) -> int:
        """Accept every pending suggestion of this name (any text); returns how many."""
        wanted, count = normalise(original), 0
        for i, suggestion in enumerate(self.suggestions):
            if self.status[i] == PENDING and normalise(suggestion.original) == wanted:
                self.status[i] = ACCEPTED
                count += 1
        return count

    def names(self) -> list[tuple[str, str, int]]:
        """(original, category, count) of each distinct suggested name, most frequent first."""
        counts: dict[str, list] = {}
        for s in self.suggestions:
            entry = counts.setdefault(normalise(s.original), [s.original, s.category, 0])
            entry[2] += 1
        return sorted((tuple(v) for v in counts.values()), key=lambda v: (-v[2], v[0]))

    def accepted(self) -> list[Suggestion]:
        return [s for s, status in zip(self.suggestions, self.status) if status == ACCEPTED]

    def rejected_spans(self, text_id: str) -> list[tuple[int, int]]:
        """Spans of `text_id` the researcher rejected: `pseudonymise_text` leaves them as they are."""
        return [
            (s.start, s.end)
            for s, status in zip(self.suggestions, self.status)
            if status == REJECTED and s.text_id == text_id
        ]

    def update_key(self, key: PseudonymKey) -> PseudonymKey:
        """Add every accepted original to `key` (existing entries keep their replacement)."""
        for s in self.accepted():
            key.add(s.original, s.category, case_sensitive=s.case_sensitive)
        return key


@dataclass
class KeyEntry:
    original: str
    replacement: str
    category: str
    case_sensitive: bool = True


@dataclass
class PseudonymKey:
    """Original → pseudonym for a whole project; one replacement per original."""

    entries: dict[str, KeyEntry] = field(default_factory=dict)  # normalised original -> entry

    def add(
        self, original: str, category: str, replacement: str | None = None, case_sensitive: bool = True
    ) -> str:
        """The original's replacement, creating it ('[Category N]', numbered per category) if new."""
        norm = normalise(original)
        if not norm:
            raise ValueError("an empty original cannot be pseudonymised")
        entry = self.entries.get(norm)
        if entry is None:
            entry = KeyEntry(
                _SPACE.sub(" ", original.strip()),
                replacement or self._next(category),
                category,
                case_sensitive,
            )
            self.entries[norm] = entry
        elif replacement:
            entry.replacement = replacement
        entry.case_sensitive = entry.case_sensitive and case_sensitive
        return entry.replacement

    def set_replacement(self, original: str, replacement: str) -> None:
        """Choose the pseudonym for an original already in the key ('[Partner]')."""
        entry = self.entries.get(normalise(original))
        if entry is None:
            raise KeyError(original)
        if normalise(original) in normalise(replacement):
            raise ValueError(f"the pseudonym {replacement!r} contains the original")
        entry.replacement = replacement

    def _next(self, category: str) -> str:
        numbered = re.compile(rf"\[{re.escape(category)} (\d+)\]")
        used = [int(m.group(1)) for e in self.entries.values() if (m := numbered.fullmatch(e.replacement))]
        return f"[{category} {max(used, default=0) + 1}]"

    def replacement(self, original: str) -> str | None:
        entry = self.entries.get(normalise(original))
        return entry.replacement if entry else None

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(original, replacement, category, case_sensitive) for storing the key."""
        return [(e.original, e.replacement, e.category, e.case_sensitive) for e in self.entries.values()]

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence]) -> PseudonymKey:
        key = cls()
        for original, replacement, category, case_sensitive in rows:
            key.entries[normalise(original)] = KeyEntry(original, replacement, category, bool(case_sensitive))
        return key

    def _regex(self) -> re.Pattern | None:
        if not self.entries:
            return None
        ordered = sorted(self.entries.values(), key=lambda e: len(e.original), reverse=True)
        body = "|".join(_pattern(e.original, e.case_sensitive) for e in ordered)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of every occurrence of every original, longest first."""
        regex = self._regex()
        if regex is None:
            return []
        return [
            (m.start(), m.end(), self.entries[normalise(m.group())].replacement) for m in regex.finditer(text)
        ]

    def redact(self, text: str) -> str:
        """`text` with every original replaced (the export guard)."""
        return pseudonymise_text(text, self).text


@dataclass(frozen=True)
class Edit:
    """Replace old-text code points [start, end) with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Pseudonymised:
    text: str
    edits: tuple[Edit, ...]


def pseudonymise_text(text: str, key: PseudonymKey, keep: Sequence[tuple[int, int]] = ()) -> Pseudonymised:
    """Replace the key's originals in `text`, except at exactly the `keep` spans (rejected
    suggestions: "May" the month stays while "May" the name goes). A shorter original inside a
    rejected longer suggestion is still replaced ("Leicester" in "Leicester on Fridays")."""
    kept = set(keep)
    edits = [Edit(s, e, r) for s, e, r in key.matches(text) if (s, e) not in kept]
    return Pseudonymised(apply_edits(text, edits), tuple(edits))


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply sorted, non-overlapping edits (old-text positions) to `text`."""
    parts, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < at or edit.end > len(text):
            raise ValueError(f"edit {edit.start}-{edit.end} overlaps another or lies outside the text")
        parts += [text[at : edit.start], edit.replacement]
        at = edit.end
    parts.append(text[at:])
    return "".join(parts)


def edit_opcodes(edits: Sequence[Edit], old_length: int) -> list[Opcode]:
    """The edits as difflib-style opcodes over the whole text (for `anchoring.Anchoring`). A
    replacement is a `substitute` opcode: a coding of exactly a replaced name moves onto its
    pseudonym without being flagged for review (the name was renamed, not deleted)."""
    ops, at, shift = [], 0, 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start > at:
            ops.append(("equal", at, edit.start, at + shift, edit.start + shift))
        tag = (
            SUBSTITUTE
            if edit.end > edit.start and edit.replacement
            else ("delete" if edit.end > edit.start else "insert")
        )
        ops.append(
            (tag, edit.start, edit.end, edit.start + shift, edit.start + shift + len(edit.replacement))
        )
        shift += len(edit.replacement) - (edit.end - edit.start)
        at = edit.end
    if at < old_length or not ops:
        ops.append(("equal", at, old_length, at + shift, old_length + shift))
    return ops
