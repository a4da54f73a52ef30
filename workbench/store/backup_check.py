"""Is a backup file fit to restore? Checked before anything of the project is touched.

A backup must be a SQLite workbench database of a revision this workbench knows, pass
``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``, and have exactly the schema (tables,
indexes, triggers, views) that the workbench's migrations create for that revision: a reference
database is built at that revision in a temporary folder and the two ``sqlite_master`` listings
are compared, normalised (whitespace, identifier quotes and letter case; the clauses of a
``CREATE TABLE`` in any order, as SQLite's batch migrations write them in varying order). An
extra trigger, view, table or index, a missing one or a changed one is refused.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.store import migrate
from workbench.store.backup import check_backup_file
from workbench.store.engine import Database, sqlite_url

# SQLite's own bookkeeping tables (AUTOINCREMENT counters, ANALYZE statistics)
_INTERNAL_TABLES = frozenset(
    {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
)

Schema = frozenset[tuple[str, str, str, tuple[str, ...]]]


def _split_top_level(body: str) -> list[str]:
    """``body`` split at the commas outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'`[":
            quote = "]" if ch == "[" else ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return parts


def _normalise(kind: str, sql: str | None) -> tuple[str, ...]:
    text = re.sub(r"\s+", " ", (sql or "").replace('"', "")).strip().lower()
    text = re.sub(r" ?([(),]) ?", r"\1", text)
    if kind == "table" and text.endswith(")") and "(" in text:
        head, body = text.split("(", 1)
        return (head, *sorted(_split_top_level(body[:-1])))
    return (text,)


def schema_of(conn: sqlite3.Connection) -> Schema:
    """Every table, index, trigger and view of a SQLite database, normalised (see the module text)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return frozenset(
        (kind, name.lower(), table.lower(), _normalise(kind, sql))
        for kind, name, table, sql in rows
        if not (kind == "table" and name in _INTERNAL_TABLES)
        and not (kind == "index" and sql is None)  # the automatic index of a UNIQUE or PRIMARY KEY clause
    )


@lru_cache(maxsize=8)
def reference_schema(revision: str) -> Schema:
    """The schema this workbench's migrations create for ``revision`` (built once per process)."""
    with tempfile.TemporaryDirectory(prefix="workbench-reference-") as folder:
        path = Path(folder) / "reference.sqlite"
        db = Database(sqlite_url(path))
        try:
            migrate.upgrade_to(db, revision)
        finally:
            db.dispose()
        conn = sqlite3.connect(path)
        try:
            return schema_of(conn)
        finally:
            conn.close()


def verify_backup(path: Path) -> str:
    """The revision of the backup ``path`` after every check (see the module text); anything
    unfit is a WorkbenchError of one line, and nothing is changed."""
    path = Path(path)
    revision = check_backup_file(path)  # a SQLite workbench database passing integrity_check
    if revision != migrate.head_revision() and not migrate.is_known(revision):
        raise WorkbenchError(
            f"{path.name} was written by a newer workbench (schema {revision}); "
            "update the workbench to restore it."
        )
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = schema_of(conn)
        violations = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"{path.name} is damaged or not a database ({exc}); not used.") from None
    finally:
        conn.close()
    expected = reference_schema(revision)
    if found != expected:
        extra = sorted(f"{kind} {name}" for kind, name, _, _ in found - expected)
        missing = sorted(f"{kind} {name}" for kind, name, _, _ in expected - found)
        what = "; ".join(
            part
            for part in (
                f"not in the workbench's schema: {', '.join(extra)}" if extra else "",
                f"missing or changed: {', '.join(missing)}" if missing else "",
            )
            if part
        )
        raise WorkbenchError(
            f"{path.name} does not have the workbench's schema for revision {revision} ({what}); not used."
        )
    if violations:
        tables = sorted({row[0] for row in violations})
        raise WorkbenchError(
            f"{path.name} has {len(violations)} broken reference(s) between rows "
            f"(foreign_key_check: {', '.join(tables)}); not used."
        )
    return revision
