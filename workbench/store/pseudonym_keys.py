"""The project's pseudonym key (table ``pseudonym_key``): original name → replacement, kept apart
from the texts. Leads only may read it (checked here; on PostgreSQL grants and row-level security
restrict the table as well, migration 0005). Exports never read it directly: they get a redactor
from :func:`export_redactor`, which applies the key without handing the originals out; on
PostgreSQL a login that may not read the key may not export with it either (no oracle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.roles import Action
from workbench.nlp.pseudonymise import PseudonymKey, normalise
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.schema import Coder, PseudonymEntry, utcnow
from workbench.store.visibility import may


@dataclass(frozen=True)
class KeyRow:
    original: str
    replacement: str
    category: str
    case_sensitive: bool = True
    created_by: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _require_lead(session: Session, coder_id: int, what: str) -> None:
    if not may(session, coder_id, Action.KEEP_PSEUDONYM_KEY):
        raise WorkbenchError(f"Only a lead can {what} (the pseudonym key holds the original names).")


def _rows(session: Session) -> list[KeyRow]:
    query = (
        select(PseudonymEntry, Coder.name)
        .outerjoin(Coder, Coder.id == PseudonymEntry.created_by)
        .order_by(PseudonymEntry.category, PseudonymEntry.id)
    )
    return [
        KeyRow(e.original, e.replacement, e.category, e.case_sensitive, name, e.created_at, e.updated_at)
        for e, name in session.execute(query)
    ]


def key_rows(db: Database, lead_id: int) -> list[KeyRow]:
    """The whole key, with who added each entry and when (leads only)."""
    with db.reading() as session:
        _require_lead(session, lead_id, "read the pseudonym key")
        return _rows(session)


def load_key(db: Database, lead_id: int) -> PseudonymKey:
    """The stored key as a :class:`PseudonymKey` (leads only)."""
    return PseudonymKey.from_rows(
        (r.original, r.replacement, r.category, r.case_sensitive) for r in key_rows(db, lead_id)
    )


def save_key(db: Database, lead_id: int, rows: Iterable[Sequence]) -> Change:
    """Add or update entries ``(original, replacement, category, case_sensitive)`` (leads only).

    An original already in the key (compared as ``normalise`` does) gets the new replacement; a
    replacement that contains its original, or that another original already uses, is refused."""
    rows = list(rows)
    with db.transaction() as session:
        _require_lead(session, lead_id, "change the pseudonym key")
        existing = {e.match_key: e for e in session.scalars(select(PseudonymEntry))}
        created, updated = [], []
        for original, replacement, category, case_sensitive in rows:
            match, replacement = normalise(original), " ".join(str(replacement).split())
            if not match or not replacement:
                raise WorkbenchError("Each pseudonym key entry needs an original and a replacement.")
            if match in normalise(replacement):
                raise WorkbenchError(f"The pseudonym {replacement!r} contains the original it replaces.")
            if len(match) > 500 or len(replacement) > 200:
                raise WorkbenchError(f"The pseudonym key entry for {original[:40]!r}… is too long.")
            row = existing.get(match)
            if row is None:
                row = PseudonymEntry(
                    match_key=match,
                    original=" ".join(original.split()),
                    replacement=replacement,
                    category=category or "Other",
                    case_sensitive=bool(case_sensitive),
                    created_by=lead_id,
                    updated_by=lead_id,
                )
                session.add(row)
                existing[match] = row
                created.append(row)
            elif (row.replacement, row.category, row.case_sensitive) != (
                replacement,
                category,
                bool(case_sensitive),
            ):
                row.replacement, row.category = replacement, category or row.category
                row.case_sensitive = row.case_sensitive and bool(case_sensitive)
                row.updated_by, row.updated_at = lead_id, utcnow()
                updated.append(row)
        session.flush()
        # a key entry whose pseudonym is another entry's original would leak that name
        originals = set(existing)
        clash = next((e for e in existing.values() if normalise(e.replacement) in originals), None)
        if clash is not None:
            raise WorkbenchError(f"The pseudonym {clash.replacement!r} is itself an original in the key.")
        audit.record(
            session,
            "pseudonym key",
            "pseudonym_key",
            None,
            coder_id=lead_id,
            after={"added": len(created), "changed": len(updated)},
        )  # never the names themselves
        return Change(
            f"Pseudonym key: {len(created)} added, {len(updated)} changed",
            created={"pseudonym_key": tuple(r.id for r in created)},
            updated={"pseudonym_key": tuple(r.id for r in updated)},
        )


def key_size(db: Database) -> int:
    """How many entries the key has (anyone may know that there is a key)."""
    with db.reading() as session:
        return session.scalar(select(func.count(PseudonymEntry.id))) or 0


def _server_key_size(session: Session) -> int | None:
    """On PostgreSQL: None when this login may read the key, else how many entries it has
    (``wb_key_size``, migration 0006; anyone may know that there is a key)."""
    if session.scalar(sql("SELECT has_table_privilege('pseudonym_key', 'SELECT')")):
        return None
    return int(session.scalar(sql("SELECT wb_key_size()")) or 0)


def export_key(db: Database) -> PseudonymKey | None:
    """The key for redacting an export (None without a key). Exports use it only to replace
    originals, never to show them. On PostgreSQL a login that may not read the key (a coder or a
    rater) cannot redact with it either (the server would answer their guesses of names): with a
    key, their export is refused."""
    with db.reading() as session:
        if not db.is_sqlite:
            size = _server_key_size(session)
            if size == 0:
                return None
            if size is not None:
                raise WorkbenchError(
                    "This project has a pseudonym key, and only a lead may apply it: "
                    "ask a lead to write this export."
                )
        try:
            rows = [
                (e.original, e.replacement, e.category, e.case_sensitive)
                for e in session.scalars(select(PseudonymEntry))
            ]
        except ProgrammingError:  # a table this login cannot read
            return None
    return PseudonymKey.from_rows(rows) if rows else None


def export_redactor(db: Database) -> Callable[[str], str] | None:
    """The export guard: a function replacing every original in the key, or None with no key."""
    key = export_key(db)
    return None if key is None else key.redact
