"""The command registry, and the snapshot-based ``restore`` command most undos use.

Every store command is registered here by name (``@command("name")``) and returns a
:class:`~workbench.model.records.Change` whose ``inverse`` is a plain
:class:`~workbench.model.records.Command` that undoes it; running the inverse returns a change
whose inverse redoes it. :mod:`workbench.store.bus` imports every command module and runs a
``Command`` by name, so no module here needs to import another to replay its undo.

Most inverses are a ``restore`` of row snapshots: the exact values (or absence) of the rows the
action touched, in codes, codings, memos and framework summaries. Restoring writes those values back
(keeping ids, so memos stay attached) and snapshots what it overwrote, which is the redo.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command, Scope
from workbench.store import audit
from workbench.store.engine import Database, retrying, server_refusals
from workbench.store.schema import Code, FrameworkSummary, Memo, TextCoding, table_of

# tables restore may touch, in the order rows are inserted (deleted in reverse)
TABLES: dict[str, Table] = {t.name: t for t in map(table_of, (Code, TextCoding, Memo, FrameworkSummary))}
Snapshot = tuple[tuple[str, int, dict[str, Any] | None], ...]  # (table, id, values or None)

REGISTRY: dict[str, Callable[..., Change]] = {}


def command(name: str):
    """Register a function ``f(db, **args) -> Change`` under ``name`` (refused twice). A refusal by
    the server (e.g. a coder's delete that would remove another coder's codings) becomes one line."""

    def wrap(fn):
        if name in REGISTRY:
            raise ValueError(f"Two commands called {name!r}.")

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with server_refusals("Not done"):
                return fn(*args, **kwargs)

        REGISTRY[name] = run
        return run

    return wrap


def restore_command(description: str, rows: Snapshot, coder_id: int | None, scope: Scope | None) -> Command:
    """The command that brings ``rows`` back to these values (an undo of a snapshot-based action)."""
    args = {"rows": rows, "description": description, "coder_id": coder_id, "scope": scope}
    return Command("restore", args)


# --- snapshots ----------------------------------------------------------------------------------


def snapshot(session: Session, table: str, ids) -> Snapshot:
    """The current values of rows ``ids`` of ``table`` (None for an id that does not exist)."""
    t = TABLES[table]
    ids = list(dict.fromkeys(ids))
    found: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 5000):
        for row in session.execute(select(t).where(t.c.id.in_(ids[i : i + 5000]))).mappings():
            found[row["id"]] = dict(row)
    return tuple((table, i, found.get(i)) for i in ids)


def absent(table: str, ids) -> Snapshot:
    """A snapshot saying these rows should not exist (the inverse of creating them)."""
    return tuple((table, i, None) for i in ids)


def restore_rows(session: Session, target: Snapshot) -> Snapshot:
    """Bring the rows named in ``target`` to its values; return their values before (the redo)."""
    before: list = []
    for table in TABLES:
        before += snapshot(session, table, [i for t, i, _ in target if t == table])
    current = {(t, i): v for t, i, v in before}
    for table, t in TABLES.items():
        rows = [(i, v) for tt, i, v in target if tt == table and v is not None]
        new = [v for i, v in rows if current[(table, i)] is None]
        if table == "codes":
            new = _parents_first(new)
        for values in new:
            session.execute(insert(t).values(**values))
        for i, values in rows:
            if current[(table, i)] is not None and current[(table, i)] != values:
                session.execute(update(t).where(t.c.id == i).values(**values))
    for table in reversed(list(TABLES)):
        gone = [i for tt, i, v in target if tt == table and v is None and current[(table, i)] is not None]
        if gone:
            session.execute(delete(TABLES[table]).where(TABLES[table].c.id.in_(gone)))
    return tuple(before)


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {r["id"] for r in rows}
    done: set[int] = set()
    out: list[dict[str, Any]] = []
    pending = list(rows)
    while pending:
        ready = [r for r in pending if r["parent_id"] not in ids or r["parent_id"] in done]
        if not ready:
            raise WorkbenchError("Cannot restore codes: their parents form a cycle.")
        out += ready
        done |= {r["id"] for r in ready}
        pending = [r for r in pending if r["id"] not in done]
    return out


def _ids(snap: Snapshot, present: bool) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for table, i, values in snap:
        if (values is not None) == present:
            out.setdefault(table, []).append(i)
    return {t: tuple(v) for t, v in out.items()}


@command("restore")
@retrying
def restore(
    db: Database,
    rows: Snapshot,
    description: str = "Undo",
    coder_id: int | None = None,
    scope: Scope | None = None,
) -> Change:
    """Write row snapshots back in one transaction (undo / redo of any snapshot-based command)."""
    with db.transaction() as session:
        before = restore_rows(session, rows)
        audit.record(session, description, "restore", None, coder_id=coder_id, after={"rows": len(rows)})
    return Change(
        description,
        updated=_ids(rows, True),
        deleted=_ids(rows, False),
        scope=scope,
        inverse=restore_command(description, before, coder_id, scope),
    )
