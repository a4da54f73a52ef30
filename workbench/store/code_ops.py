"""Code-tree operations: create, rename/edit, move (re-parent and reorder), merge, split.

Every operation is a registered command: one transaction returning a :class:`Change` scoped to
its codebook; its inverse restores
the exact rows it touched (codes and codings), so undo/redo works for each of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workbench.coding.codebook import new_guid, normalise_colour
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.model.roles import Action
from workbench.store import audit
from workbench.store.commands import absent, command, restore_command, snapshot
from workbench.store.engine import Database
from workbench.store.schema import Code, FrameworkSummary, Memo, TextCoding
from workbench.store.visibility import may

EDITABLE = ("name", "definition", "inclusion", "exclusion", "example", "colour", "codable")


def _code(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise WorkbenchError(f"No code {code_id}.")
    return code


def _siblings(session: Session, codebook_id: int, parent_id: int | None) -> list[Code]:
    where = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    return list(
        session.scalars(
            select(Code).where(Code.codebook_id == codebook_id, where).order_by(Code.position, Code.id)
        )
    )


def _change(text: str, codebook_id: int, undo_rows, coder_id: int | None, **ids) -> Change:
    """The change of a code-tree operation in one codebook, undone by restoring ``undo_rows``."""
    scope = ("codebook", codebook_id)
    inverse: Command = restore_command(f"Undo: {text}", undo_rows, coder_id, scope)
    return Change(text, scope=scope, inverse=inverse, **ids)


@command("create_code")
def create_code(
    db: Database,
    codebook_id: int,
    name: str,
    parent_id: int | None = None,
    position: int | None = None,
    coder_id: int | None = None,
    **fields,
) -> Change:
    """A new code (fresh GUID) at ``position`` among its siblings (default: last)."""
    name = name.strip()
    if not name:
        raise WorkbenchError("A code needs a name.")
    with db.transaction() as session:
        if parent_id is not None and _code(session, parent_id).codebook_id != codebook_id:
            raise WorkbenchError("The parent code is in another codebook.")
        siblings = _siblings(session, codebook_id, parent_id)
        before = snapshot(session, "codes", [c.id for c in siblings])
        code = Code(
            codebook_id=codebook_id,
            guid=new_guid(),
            parent_id=parent_id,
            name=name,
            position=0,
            **_checked(fields),
        )
        session.add(code)
        siblings.insert(len(siblings) if position is None else max(0, min(position, len(siblings))), code)
        for i, c in enumerate(siblings):
            c.position = i
        session.flush()
        audit.record(
            session,
            "create code",
            "codes",
            code.id,
            coder_id=coder_id,
            after={"name": name, "guid": code.guid},
        )
        text = f"New code {name}"
        undo = absent("codes", [code.id]) + before
        return _change(text, codebook_id, undo, coder_id, created={"codes": (code.id,)})


def _checked(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise WorkbenchError(f"Codes have no field {sorted(unknown)[0]!r}.")
    if "colour" in fields:
        colour = normalise_colour(fields["colour"])
        if colour is None:
            raise WorkbenchError(f"{fields['colour']!r} is not a colour (use #RRGGBB).")
        fields = {**fields, "colour": colour}
    if "name" in fields and not str(fields["name"]).strip():
        raise WorkbenchError("A code needs a name.")
    return fields


@command("edit_code")
def edit_code(db: Database, code_id: int, coder_id: int | None = None, **fields) -> Change:
    """Rename a code or change its definition, criteria, example, colour or codable flag."""
    fields = _checked(fields)
    with db.transaction() as session:
        code = _code(session, code_id)
        before = snapshot(session, "codes", [code_id])
        values_before = before[0][2]
        assert values_before is not None  # the code exists: _code found it
        for key, value in fields.items():
            setattr(code, key, value.strip() if key == "name" else value)
        audit.record(
            session,
            "edit code",
            "codes",
            code_id,
            coder_id=coder_id,
            before={k: values_before[k] for k in fields},
            after=dict(fields),
        )
        text = f"Renamed code to {code.name}" if set(fields) == {"name"} else f"Edited code {code.name}"
        return _change(text, code.codebook_id, before, coder_id, updated={"codes": (code_id,)})


def rename_code(db: Database, code_id: int, name: str, coder_id: int | None = None) -> Change:
    return edit_code(db, code_id, coder_id, name=name)


def _descendants(session: Session, code_id: int) -> set[int]:
    found, frontier = set(), [code_id]
    while frontier:
        children = session.scalars(select(Code.id).where(Code.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in found]
        found |= set(frontier)
    return found


@command("move_code")
def move_code(
    db: Database,
    code_id: int,
    new_parent_id: int | None,
    position: int | None = None,
    coder_id: int | None = None,
) -> Change:
    """Re-parent and/or reorder a code (drag and drop in the tree); its sub-codes go with it."""
    with db.transaction() as session:
        code = _code(session, code_id)
        if new_parent_id is not None:
            parent = _code(session, new_parent_id)
            if parent.codebook_id != code.codebook_id:
                raise WorkbenchError("A code can move only within its codebook.")
            if new_parent_id == code_id or new_parent_id in _descendants(session, code_id):
                raise WorkbenchError(f"{code.name} cannot move under itself.")
        old = _siblings(session, code.codebook_id, code.parent_id)
        new = _siblings(session, code.codebook_id, new_parent_id)
        before = snapshot(session, "codes", [c.id for c in old + new])
        old = [c for c in old if c.id != code_id]
        new = [c for c in new if c.id != code_id]
        new.insert(len(new) if position is None else max(0, min(position, len(new))), code)
        code.parent_id = new_parent_id
        for group in (old, new):
            for i, c in enumerate(group):
                c.position = i
        audit.record(
            session,
            "move code",
            "codes",
            code_id,
            coder_id=coder_id,
            after={"parent": new_parent_id, "position": code.position},
        )
        text = f"Moved {code.name}"
        moved = {"codes": tuple(c.id for c in old + new)}
        return _change(text, code.codebook_id, before, coder_id, updated=moved)


@command("merge_codes")
def merge_codes(db: Database, source_id: int, target_id: int, coder_id: int) -> Change:
    """Merge ``source`` into ``target``: its codings and sub-codes move to the target, then it goes."""
    with db.transaction() as session:
        if not may(session, coder_id, Action.RESHAPE_CODEBOOK):
            raise WorkbenchError("Only a lead can merge codes (it changes everyone's codings).")
        source, target = _code(session, source_id), _code(session, target_id)
        if source_id == target_id or target_id in _descendants(session, source_id):
            raise WorkbenchError(f"Cannot merge {source.name} into itself or one of its sub-codes.")
        if source.codebook_id != target.codebook_id:
            raise WorkbenchError("Only codes of one codebook can be merged.")
        codings = list(session.scalars(select(TextCoding.id).where(TextCoding.code_id == source_id)))
        children = _siblings(session, source.codebook_id, source_id)
        moved_to = _siblings(session, target.codebook_id, target_id)
        peers = _siblings(session, source.codebook_id, source.parent_id)
        code_ids = [source_id, target_id] + [c.id for c in children + moved_to + peers]
        memos = list(
            session.scalars(select(Memo.id).where(Memo.target_kind == "code", Memo.target_id == source_id))
        )
        summaries = list(
            session.scalars(select(FrameworkSummary.id).where(FrameworkSummary.code_id == source_id))
        )
        before = (
            snapshot(session, "codes", code_ids)
            + snapshot(session, "text_codings", codings)
            + snapshot(session, "memos", memos)
            + snapshot(session, "framework_summaries", summaries)
        )
        session.execute(update(TextCoding).where(TextCoding.code_id == source_id).values(code_id=target_id))
        session.execute(update(Memo).where(Memo.id.in_(memos)).values(target_id=target_id))
        for i, child in enumerate(moved_to + children):
            child.parent_id, child.position = target_id, i
        session.flush()
        session.delete(source)
        for i, c in enumerate(c for c in peers if c.id != source_id):
            c.position = i
        audit.record(
            session,
            "merge codes",
            "codes",
            target_id,
            coder_id=coder_id,
            after={"from": source.guid, "into": target.guid, "codings": len(codings)},
        )
        text = f"Merged {source.name} into {target.name} ({len(codings)} codings)"
        return _change(
            text,
            target.codebook_id,
            before,
            coder_id,
            updated={"codes": (target_id,), "text_codings": tuple(codings)},
            deleted={"codes": (source_id,)},
        )


@command("split_code")
def split_code(
    db: Database, code_id: int, new_names: Sequence[str], assignments: dict[int, int], coder_id: int
) -> Change:
    """Split a code into new sub-codes named ``new_names``; ``assignments`` maps coding id -> index
    of the new sub-code it moves to (codings not named stay on the code)."""
    names = [n.strip() for n in new_names]
    if not names or not all(names):
        raise WorkbenchError("Name each new code of the split.")
    with db.transaction() as session:
        code = _code(session, code_id)
        if not may(session, coder_id, Action.RESHAPE_CODEBOOK):
            raise WorkbenchError("Only a lead can split codes (it changes everyone's codings).")
        rows = {
            r.id: r for r in session.scalars(select(TextCoding).where(TextCoding.id.in_(list(assignments))))
        }
        wrong = [i for i in assignments if i not in rows or rows[i].code_id != code_id]
        if wrong:
            raise WorkbenchError(f"Coding {wrong[0]} is not coded with {code.name}.")
        if any(not 0 <= k < len(names) for k in assignments.values()):
            raise WorkbenchError("Each coding must go to one of the new codes.")
        before = snapshot(session, "text_codings", list(assignments))
        children = _siblings(session, code.codebook_id, code_id)
        created = []
        for i, name in enumerate(names):
            child = Code(
                codebook_id=code.codebook_id,
                guid=new_guid(),
                parent_id=code_id,
                position=len(children) + i,
                name=name,
                colour=code.colour,
            )
            session.add(child)
            created.append(child)
        session.flush()
        for coding_id, k in assignments.items():
            rows[coding_id].code_id = created[k].id
        ids = [c.id for c in created]
        audit.record(
            session,
            "split code",
            "codes",
            code_id,
            coder_id=coder_id,
            after={"into": names, "codings": len(assignments)},
        )
        text = f"Split {code.name} into {', '.join(names)}"
        return _change(
            text,
            code.codebook_id,
            before + absent("codes", ids),
            coder_id,
            created={"codes": tuple(ids)},
            updated={"text_codings": tuple(assignments)},
        )
