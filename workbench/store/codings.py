"""Text codings: a code applied by a coder to a span of a transcript."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from workbench.model.records import Change
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.schema import TextCoding, table_of, utcnow


@dataclass(frozen=True)
class NewCoding:
    transcript_id: int
    code_id: int
    coder_id: int
    start_pos: int
    end_pos: int
    quote: str = ""


def add_codings(db: Database, codings: Iterable[NewCoding], chunk: int = 10_000) -> Change:
    """Insert many codings in one transaction (an import or a bulk action), audited as one entry."""
    now = utcnow()
    rows = [{**c.__dict__, "needs_review": False, "created_at": now} for c in codings]
    table = table_of(TextCoding)
    with db.transaction() as session:
        connection = session.connection()
        for i in range(0, len(rows), chunk):
            connection.execute(insert(table), rows[i : i + chunk])
        audit.record(session, "add codings", "text_codings", None, after={"count": len(rows)})
    return Change(f"Added {len(rows)} codings", created={"text_codings": ()})


def coding_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(TextCoding.id))) or 0
