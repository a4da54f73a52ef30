"""Retrieval results as plain frozen dataclasses, and the pure computations over them: text search
with keyword-in-context, code frequencies, co-occurrence and the framework matrix tables.

The store (``workbench.store.retrieval``) runs the queries and builds these; exports
(``workbench.exchange``) and the UI consume them. Nothing here touches the database or Qt.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from workbench.model.errors import WorkbenchError

SEARCH_MODES = ("exact", "regex", "lemma")


@dataclass(frozen=True)
class Extract:
    """One coded passage, ready to quote: who, when, where in the transcript, which code, by whom."""

    coding_id: int
    participant: str
    timepoint: str | None
    transcript_id: int
    transcript_name: str
    speaker: str | None
    start_ms: int
    end_ms: int
    code_guid: str
    code_path: tuple[str, ...]
    coder: str
    text: str
    memo: str
    start_pos: int
    end_pos: int
    needs_review: bool = False


@dataclass(frozen=True)
class KwicHit:
    """A search hit with its keyword in context (left, match, right) and where it is."""

    transcript_id: int
    transcript_name: str
    participant: str
    start_pos: int
    end_pos: int
    left: str
    match: str
    right: str
    speaker: str | None = None
    time_ms: int | None = None


@dataclass(frozen=True)
class CodeCount:
    """Counts for a code-tree row: its own codings and participants, and with its sub-codes."""

    codings: int
    participants: int
    codings_with_subcodes: int
    participants_with_subcodes: int


@dataclass(frozen=True)
class FrameworkCell:
    extracts: tuple[Extract, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class FrameworkMatrix:
    """Participants x codes; each cell holds its extracts and the researcher's summary."""

    participants: tuple[str, ...]
    codes: tuple[tuple[str, tuple[str, ...]], ...]  # (guid, path)
    cells: dict[tuple[str, str], FrameworkCell] = field(default_factory=dict)

    def cell(self, participant: str, code_guid: str) -> FrameworkCell:
        return self.cells.get((participant, code_guid), FrameworkCell())

    @classmethod
    def from_extracts(
        cls,
        extracts: Iterable[Extract],
        summaries: dict[tuple[str, str], str] | None = None,
        codes: Sequence[tuple[str, tuple[str, ...]]] | None = None,
    ) -> FrameworkMatrix:
        """Each extract in its own code's column (``codes``: (guid, path) in order; by default
        every code of the extracts, by path); ``summaries`` by (participant, code GUID)."""
        extracts, summaries = list(extracts), dict(summaries or {})
        if codes is None:
            codes = sorted({(e.code_guid, e.code_path) for e in extracts}, key=lambda c: (c[1], c[0]))
        chosen = {guid for guid, _ in codes}
        cells: dict[tuple[str, str], list[Extract]] = defaultdict(list)
        for e in extracts:
            if e.code_guid in chosen:
                cells[(e.participant, e.code_guid)].append(e)
        participants = sorted({e.participant for e in extracts} | {p for p, _ in summaries})
        return cls(
            tuple(participants),
            tuple(codes),
            {
                k: FrameworkCell(tuple(cells.get(k, ())), summaries.get(k, ""))
                for k in set(cells) | set(summaries)
            },
        )

    def summaries(self) -> pd.DataFrame:
        """The summaries as a table (rows participants, columns code paths)."""
        return pd.DataFrame(
            [[self.cell(p, g).summary for g, _ in self.codes] for p in self.participants],
            index=list(self.participants),
            columns=[" / ".join(path) for _, path in self.codes],
        )


# --- text search --------------------------------------------------------------------------------


def compile_pattern(query: str, mode: str, case_sensitive: bool = False) -> re.Pattern:
    """The regular expression for an exact or regex search; a bad pattern is a WorkbenchError."""
    if mode not in ("exact", "regex"):
        raise WorkbenchError(f"Unknown search mode {mode!r}: choose {', '.join(SEARCH_MODES)}.")
    if not query:
        raise WorkbenchError("Type something to search for.")
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        return re.compile(re.escape(query) if mode == "exact" else query, flags)
    except re.error as exc:
        raise WorkbenchError(f"Not a valid regular expression: {exc.msg} (at position {exc.pos}).") from None


def find_spans(pattern: re.Pattern, text: str) -> Iterator[tuple[int, int]]:
    """Non-empty matches of a compiled pattern."""
    for match in pattern.finditer(text):
        if match.end() > match.start():
            yield match.start(), match.end()


def kwic(text: str, start: int, end: int, width: int = 40) -> tuple[str, str, str]:
    """(left, match, right) context around text[start:end], line breaks shown as spaces."""

    def flat(s: str) -> str:
        return s.replace("\n", " ")

    return flat(text[max(0, start - width) : start]), flat(text[start:end]), flat(text[end : end + width])


def phrase_matches(
    tokens: Sequence[tuple[int, str, int, int]], lemmas: Sequence[str]
) -> list[tuple[int, int]]:
    """Spans where consecutive tokens (token_index, lemma, start, end) have ``lemmas`` in order."""
    by_index = {t[0]: t for t in tokens}
    out = []
    for index, lemma, start, _end in tokens:
        if lemma != lemmas[0]:
            continue
        last = by_index[index]
        for k, wanted in enumerate(lemmas[1:], start=1):
            nxt = by_index.get(index + k)
            if nxt is None or nxt[1] != wanted:
                break
            last = nxt
        else:
            out.append((start, last[3]))
    return out


# --- frequencies, co-occurrence -----------------------------------------------------------------


def frequency_table(
    rows: Iterable[tuple[str, str]], participants: Sequence[str] = (), codes: Sequence[str] = ()
) -> pd.DataFrame:
    """Codings per participant (rows) and code (columns) from (participant, code label) pairs."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for participant, code in rows:
        counts[(participant, code)] += 1
    row_names = list(dict.fromkeys([*participants, *sorted({p for p, _ in counts})]))
    col_names = list(dict.fromkeys([*codes, *sorted({c for _, c in counts})]))
    return pd.DataFrame(
        [[counts.get((p, c), 0) for c in col_names] for p in row_names],
        index=pd.Index(row_names, name="participant"),
        columns=col_names,
        dtype="int64",
    )


def cooccurrence_table(
    pairs: Iterable[tuple[str, str]], diagonal: dict[str, int], codes: Sequence[str] = ()
) -> pd.DataFrame:
    """Symmetric code x code counts from co-occurring pairs; ``diagonal`` gives each code's own
    count (codings, or units holding it)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[str] = set(diagonal)
    for a, b in pairs:
        if a == b:
            continue
        counts[(a, b)] += 1
        counts[(b, a)] += 1
        seen |= {a, b}
    for code, n in diagonal.items():
        counts[(code, code)] = n
    names = list(dict.fromkeys([*codes, *sorted(seen)]))
    return pd.DataFrame(
        [[counts.get((a, b), 0) for b in names] for a in names], index=names, columns=names, dtype="int64"
    )


def unit_pairs(units: Iterable[Iterable[str]]) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Pairs of distinct codes sharing a unit (e.g. a segment), and how many units hold each code."""
    pairs: list[tuple[str, str]] = []
    diagonal: dict[str, int] = defaultdict(int)
    for unit in units:
        present = sorted(set(unit))
        for code in present:
            diagonal[code] += 1
        pairs += list(combinations(present, 2))
    return pairs, dict(diagonal)


def overlap_pairs(spans: Sequence[tuple[int, int, str]]) -> Iterator[tuple[str, str]]:
    """Pairs of codes whose spans (start, end, code) overlap in one transcript (sweep line)."""
    ordered = sorted(spans)
    active: list[tuple[int, int, str]] = []
    for start, end, code in ordered:
        active = [a for a in active if a[1] > start]
        for _s, _e, other in active:
            if other != code:
                yield other, code
        active.append((start, end, code))
