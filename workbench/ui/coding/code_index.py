"""The project's codes by id and GUID with their paths and colours (built from the codebook tree
the dock shows and the store's GUID -> id map)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.coding.codebook import Code, Codebook


@dataclass(frozen=True)
class CodeInfo:
    id: int
    guid: str
    name: str
    path: tuple[str, ...]
    colour: str
    codable: bool
    codebook: str

    @property
    def label(self) -> str:
        return " / ".join(self.path)


class CodeIndex:
    def __init__(self, codebooks: Sequence[Codebook] = (), ids: dict[str, int] | None = None):
        self.by_id: dict[int, CodeInfo] = {}
        self.by_guid: dict[str, CodeInfo] = {}
        ids = ids or {}
        for book in codebooks:
            for top in book.codes:
                stack: list[tuple[Code, tuple[str, ...]]] = [(top, ())]
                while stack:
                    code, parents = stack.pop()
                    path = parents + (code.name,)
                    if code.guid in ids:
                        info = CodeInfo(
                            ids[code.guid], code.guid, code.name, path, code.colour, code.codable, book.name
                        )
                        self.by_id[info.id] = info
                        self.by_guid[info.guid] = info
                    stack.extend((child, path) for child in reversed(code.children))

    def get(self, code_id: int) -> CodeInfo | None:
        return self.by_id.get(code_id)

    def choices(self) -> list[tuple[str, int]]:
        """(path label, id) of every code that can be applied."""
        return sorted(
            ((c.label, c.id) for c in self.by_id.values() if c.codable), key=lambda x: x[0].casefold()
        )
