"""What a coded-material export will hold: the codes, coders and transcripts chosen, with counts,
so that an export says its scope before it is written (Qt-free, no database).

An :class:`ExportScope` holds the code tree and one tally per (code, coder, transcript) of the
codings a person may see; :meth:`ExportScope.count` and :meth:`ExportScope.describe` answer for any
choice, and "everything" is the default (no leftover selection narrows an export silently).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from workbench.model.wording import counted


@dataclass(frozen=True)
class ScopeCode:
    guid: str
    path: tuple[str, ...]  # names from the top of the tree
    parent: str | None  # the parent code's GUID

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Tally:
    """How many codings of one code one coder made on one transcript."""

    code: str  # GUID
    coder: int
    transcript: int
    codings: int


@dataclass(frozen=True)
class ExportScope:
    codes: tuple[ScopeCode, ...]  # tree order: each parent before its children
    coders: dict[int, str]  # coder id -> name, those with codings to export
    transcripts: dict[int, str]  # transcript id -> "P001 · P001 interview"
    tallies: tuple[Tally, ...]

    def below(self, guid: str) -> set[str]:
        """The code and all its sub-codes."""
        out, stack = set(), [guid]
        while stack:
            g = stack.pop()
            out.add(g)
            stack.extend(c.guid for c in self.codes if c.parent == g)
        return out

    def columns(self, ticked: Collection[str]) -> list[str]:
        """A framework's columns: the ticked codes none of whose ancestors is ticked, in tree order."""
        parent = {c.guid: c.parent for c in self.codes}

        def covered(guid: str) -> bool:
            p = parent.get(guid)
            while p is not None:
                if p in ticked:
                    return True
                p = parent.get(p)
            return False

        return [c.guid for c in self.codes if c.guid in ticked and not covered(c.guid)]

    def count(
        self,
        codes: Iterable[str] | None = None,
        coders: Iterable[int] | None = None,
        transcripts: Iterable[int] | None = None,
        subcodes: bool = False,
    ) -> int:
        """Codings of the chosen codes (with their sub-codes if ``subcodes``), coders, transcripts;
        None means all."""
        code_set = None if codes is None else set(codes)
        if code_set is not None and subcodes:
            code_set = set().union(*(self.below(g) for g in code_set)) if code_set else set()
        coder_set = None if coders is None else set(coders)
        transcript_set = None if transcripts is None else set(transcripts)
        return sum(
            t.codings
            for t in self.tallies
            if (code_set is None or t.code in code_set)
            and (coder_set is None or t.coder in coder_set)
            and (transcript_set is None or t.transcript in transcript_set)
        )

    def per_code(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tallies:
            out[t.code] = out.get(t.code, 0) + t.codings
        return out

    def per_coder(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for t in self.tallies:
            out[t.coder] = out.get(t.coder, 0) + t.codings
        return out

    def per_transcript(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for t in self.tallies:
            out[t.transcript] = out.get(t.transcript, 0) + t.codings
        return out


def part(chosen: int, total: int, noun: str) -> str:
    """ "all 5 codes", "2 of 5 codes", "no code"."""
    if chosen == 0:
        return f"no {noun}"
    if chosen == total:
        return f"all {counted(total, noun)}" if total > 1 else counted(total, noun)
    return f"{chosen} of {counted(total, noun)}"


def describe(
    scope: ExportScope, codes: Collection[str], coders: Collection[int], transcripts: Collection[int]
) -> str:
    """ "5 extracts: all 5 codes, all 2 coders, all 3 transcripts"."""
    n = scope.count(codes, coders, transcripts)
    return (
        f"{counted(n, 'extract')}: {part(len(codes), len(scope.codes), 'code')}, "
        f"{part(len(coders), len(scope.coders), 'coder')}, "
        f"{part(len(transcripts), len(scope.transcripts), 'transcript')}"
    )
