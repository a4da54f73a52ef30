"""Codebooks as plain data: a tree of codes with stable GUIDs (REFI-QDA), plus optional code sets.

Nothing here touches files, Qt or the database; `workbench.exchange.refi_qdc` reads and writes
these objects as REFI-QDA `.qdc` files.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

DEFAULT_COLOUR = "#808080"
_COLOUR_RE = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The fixed namespace foreign identifiers are mapped in (never change it: the mapping must stay stable).
FOREIGN_GUIDS = uuid.UUID("5d0c7a4e-2f43-5b8e-9a1c-6e2f0b7d4c31")


def new_guid() -> str:
    """A fresh GUID in the form REFI-QDA tools write (lower-case, no braces)."""
    return str(uuid.uuid4())


def normalise_guid(guid: str) -> str:
    """The comparison form of a GUID: trimmed, braces removed, lower-case.

    REFI-QDA allows `{...}` and either case, and tools differ; two spellings of one GUID must
    find the same code.
    """
    return guid.strip().strip("{}").lower()


def uuid_guid(guid: str) -> str:
    """A GUID the REFI-QDA schemas accept for an identifier another tool wrote: a UUID (braces or
    not) is kept as written; anything else (``c001``) becomes the UUID derived from it (uuid5 over
    :data:`FOREIGN_GUIDS` and its normalised form), so the same input always gives the same UUID and
    every reference to it still matches. An empty value stays empty (readers refuse it)."""
    guid = guid.strip()
    if not guid or is_uuid_guid(guid):
        return guid
    return str(uuid.uuid5(FOREIGN_GUIDS, normalise_guid(guid)))


def is_uuid_guid(guid: str) -> bool:
    return bool(_UUID_RE.fullmatch(normalise_guid(guid)))


def normalise_colour(colour: str) -> str | None:
    """`#RGB` or `#RRGGBB` as upper-case `#RRGGBB`; None when it is not a hex colour."""
    colour = colour.strip()
    if not _COLOUR_RE.fullmatch(colour):
        return None
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits.upper()


@dataclass
class Code:
    """One code: a stable GUID, a name, its documentation, a colour and child codes."""

    guid: str
    name: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str = DEFAULT_COLOUR
    codable: bool = True
    children: list[Code] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Keep one spelling of a colour ("#abc" == "#AABBCC"); writers reject invalid ones.
        self.colour = normalise_colour(self.colour) or self.colour

    def walk(self, parent_guid: str | None = None) -> Iterator[tuple[Code, str | None]]:
        """This code and its descendants, pre-order, each with its parent's GUID."""
        yield self, parent_guid
        for child in self.children:
            yield from child.walk(self.guid)


@dataclass
class CodeSet:
    """A REFI-QDA Set: a named group of codes (by GUID) that is not part of the tree."""

    guid: str
    name: str
    description: str = ""
    member_guids: list[str] = field(default_factory=list)


@dataclass
class Codebook:
    """A named forest of codes; `origin` names the tool that wrote it, when known."""

    name: str
    codes: list[Code]
    origin: str = ""
    sets: list[CodeSet] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[Code, str | None]]:
        """Every code, pre-order, with its parent's GUID (None for top-level codes)."""
        for code in self.codes:
            yield from code.walk(None)

    def iter_with_depth(self) -> Iterator[tuple[Code, str | None, int]]:
        """Every code, pre-order, with its parent's GUID and its depth (0 for top level)."""

        def visit(code: Code, parent: str | None, depth: int):
            yield code, parent, depth
            for child in code.children:
                yield from visit(child, code.guid, depth + 1)

        for code in self.codes:
            yield from visit(code, None, 0)

    def count(self) -> int:
        """Number of codes at all depths."""
        return sum(1 for _ in self.walk())

    def __len__(self) -> int:
        return self.count()

    def find(self, guid: str) -> Code | None:
        """The code with this GUID (any case, with or without braces), or None."""
        wanted = normalise_guid(guid)
        for code, _parent in self.walk():
            if normalise_guid(code.guid) == wanted:
                return code
        return None

    def parent_guid(self, guid: str) -> str | None:
        """The GUID of the code's parent; None for a top-level code. KeyError if unknown."""
        wanted = normalise_guid(guid)
        for code, parent in self.walk():
            if normalise_guid(code.guid) == wanted:
                return parent
        raise KeyError(guid)

    def path(self, guid: str) -> list[Code]:
        """The codes from the top level down to the code with this GUID; [] if unknown."""
        wanted = normalise_guid(guid)

        def search(codes: list[Code], trail: list[Code]) -> list[Code]:
            for code in codes:
                here = trail + [code]
                if normalise_guid(code.guid) == wanted:
                    return here
                found = search(code.children, here)
                if found:
                    return found
            return []

        return search(self.codes, [])

    def find_by_name(self, name: str) -> list[Code]:
        """All codes with exactly this name (names need not be unique across the tree)."""
        return [code for code, _parent in self.walk() if code.name == name]

    def duplicate_guids(self) -> list[str]:
        """GUIDs used by more than one code (compared in normalised form), in first-seen order."""
        seen: set[str] = set()
        duplicates: list[str] = []
        for code, _parent in self.walk():
            key = normalise_guid(code.guid)
            if key in seen and code.guid not in duplicates:
                duplicates.append(code.guid)
            seen.add(key)
        return duplicates
