"""Update a project's codebook from the team's shared codebook (a ``.qdc`` read into plain data):
preview what changed (codes added, renamed, moved, removed, definitions changed; matched by GUID),
then apply it in one undoable transaction.

A code removed from the shared codebook that still has codings here (itself or below it) is kept
and reported, never deleted with its codings; uncoded removed codes are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from workbench.coding.codebook import Codebook as CodebookData
from workbench.coding.codebook import normalise_colour, normalise_guid
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.store import audit
from workbench.store.code_ops import _descendants
from workbench.store.commands import absent, command, restore_command, snapshot
from workbench.store.engine import Database
from workbench.store.schema import Code, Codebook, TextCoding

FIELDS = ("definition", "inclusion", "exclusion", "example", "colour", "codable")


@dataclass(frozen=True)
class CodeDelta:
    guid: str
    name: str
    old_name: str | None = None
    old_parent: str | None = None  # parent GUIDs (None = top level)
    new_parent: str | None = None
    fields: tuple[tuple[str, object, object], ...] = ()  # (field, old, new)
    codings: int = 0


@dataclass(frozen=True)
class CodebookDiff:
    added: tuple[CodeDelta, ...] = ()
    renamed: tuple[CodeDelta, ...] = ()
    moved: tuple[CodeDelta, ...] = ()
    removed: tuple[CodeDelta, ...] = ()
    changed: tuple[CodeDelta, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.renamed or self.moved or self.removed or self.changed)

    def summary(self) -> str:
        parts = [
            f"{len(v)} {k}"
            for k, v in (
                ("added", self.added),
                ("renamed", self.renamed),
                ("moved", self.moved),
                ("removed", self.removed),
                ("with changed definitions", self.changed),
            )
            if v
        ]
        return ", ".join(parts) if parts else "no changes"


def _book(session, name: str) -> Codebook:
    book = session.scalar(select(Codebook).where(Codebook.name == name))
    if book is None:
        raise WorkbenchError(f"No codebook called {name!r} in this project.")
    return book


def _shared(shared: CodebookData) -> dict[str, tuple]:
    """normalised GUID -> (code, parent normalised GUID, position)."""
    if shared.duplicate_guids():
        raise WorkbenchError(f"The shared codebook uses GUID {shared.duplicate_guids()[0]} twice.")
    out = {}
    positions: dict[str | None, int] = {}
    for code, parent in shared.walk():
        key = normalise_guid(parent) if parent else None
        out[normalise_guid(code.guid)] = (code, key, positions.setdefault(key, 0))
        positions[key] += 1
    return out


def _diff(session, book: Codebook, shared: CodebookData) -> tuple[CodebookDiff, dict, dict]:
    rows = {
        normalise_guid(r.guid): r for r in session.scalars(select(Code).where(Code.codebook_id == book.id))
    }
    guid_of = {r.id: g for g, r in rows.items()}
    wanted = _shared(shared)
    counts = dict(
        session.execute(
            select(TextCoding.code_id, func.count())
            .where(TextCoding.code_id.in_([r.id for r in rows.values()]))
            .group_by(TextCoding.code_id)
        ).all()
    )
    added, renamed, moved, removed, changed = [], [], [], [], []
    for g, (code, parent, _pos) in wanted.items():
        row = rows.get(g)
        if row is None:
            added.append(CodeDelta(code.guid, code.name, new_parent=parent))
            continue
        old_parent = guid_of.get(row.parent_id) if row.parent_id else None
        if row.name != code.name:
            renamed.append(CodeDelta(row.guid, code.name, old_name=row.name))
        if old_parent != parent:
            moved.append(CodeDelta(row.guid, code.name, old_parent=old_parent, new_parent=parent))
        diffs = tuple(
            (f, getattr(row, f), _value(code, f)) for f in FIELDS if getattr(row, f) != _value(code, f)
        )
        if diffs:
            changed.append(CodeDelta(row.guid, code.name, fields=diffs))
    for g, row in rows.items():
        if g not in wanted:
            removed.append(CodeDelta(row.guid, row.name, codings=counts.get(row.id, 0)))
    return CodebookDiff(*(tuple(x) for x in (added, renamed, moved, removed, changed))), rows, wanted


def _value(code, field: str):
    return (normalise_colour(code.colour) or code.colour) if field == "colour" else getattr(code, field)


def preview_codebook_update(db: Database, codebook_name: str, shared: CodebookData) -> CodebookDiff:
    """What applying ``shared`` to the project's codebook would change (nothing is written)."""
    with db.reading() as session:
        return _diff(session, _book(session, codebook_name), shared)[0]


@command("apply_codebook_update")
def apply_codebook_update(
    db: Database,
    codebook_name: str,
    shared: CodebookData,
    coder_id: int,
    expected: CodebookDiff | None = None,
) -> Change:
    """Apply the shared codebook; ``expected`` (the previewed diff) must still hold, else refused."""
    with db.transaction() as session:
        book = _book(session, codebook_name)
        diff, rows, wanted = _diff(session, book, shared)
        if expected is not None and diff != expected:
            raise WorkbenchError(
                "The project's codebook changed since the preview; preview the update again."
            )
        before = snapshot(session, "codes", [r.id for r in rows.values()])
        ids: dict[str, int] = {g: r.id for g, r in rows.items()}
        new_ids = []
        for g, (code, parent, position) in wanted.items():  # pre-order: parents come first
            row = rows.get(g)
            if row is None:
                row = Code(codebook_id=book.id, guid=code.guid, name=code.name)
                session.add(row)
            row.name, row.position = code.name, position
            row.parent_id = ids[parent] if parent else None
            for f in FIELDS:
                setattr(row, f, _value(code, f))
            session.flush()
            if g not in ids:
                ids[g] = row.id
                new_ids.append(row.id)
        gone = [rows[g] for g in rows if g not in wanted]
        coded = set(
            session.scalars(
                select(TextCoding.code_id).where(TextCoding.code_id.in_([r.id for r in gone])).distinct()
            )
        )
        kept = [
            r
            for r in gone
            if r.id in coded
            or (_descendants(session, r.id) & coded)
            or any(d in ids.values() for d in _descendants(session, r.id))
        ]
        deleted = [r for r in gone if r not in kept]
        for row in sorted(deleted, key=lambda r: len(_descendants(session, r.id))):  # leaves first
            session.delete(row)
        session.flush()
        audit.record(
            session,
            "update codebook",
            "codebooks",
            book.id,
            coder_id=coder_id,
            after={"summary": diff.summary(), "kept": [r.guid for r in kept]},
        )
        text = f"Updated {codebook_name}: {diff.summary()}"
        if kept:
            text += f"; kept {len(kept)} removed code(s) that still have codings"
        scope = ("codebook", book.id)
        return Change(
            text,
            created={"codes": tuple(new_ids)},
            updated={"codes": tuple(r.id for r in rows.values() if r not in deleted)},
            deleted={"codes": tuple(r.id for r in deleted)},
            scope=scope,
            inverse=restore_command(f"Undo: {text}", absent("codes", new_ids) + before, coder_id, scope),
        )
