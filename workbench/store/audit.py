"""The audit log: one row per change, written in the same transaction as the change.

``record`` writes the store's own entry (what the user did). On PostgreSQL, triggers also write
one ``row insert|update|delete`` entry per changed row with the whole row before and after, and
set ``login`` (the session login), its coder and ``at`` (the server clock) on every entry; no login may
insert into the log, the store's entries go through ``wb_audit`` (migration 0006), so raw SQL cannot
bypass the log or sign as someone else; only leads may read it (grants). ``entries`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, bindparam, cast, func, insert, select
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.roles import Action, can
from workbench.store.engine import Database
from workbench.store.schema import AuditEntry, Coder, table_of, utcnow

COLUMNS = ("id", "at", "login", "coder", "action", "table", "row_id", "before", "after")


def record(
    session: Session,
    action: str,
    table: str,
    row_id: int | None,
    *,
    coder_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # nobody may insert into the log: the server writes the entry and signs it (migration 0006)
        payload = AuditEntry.__table__.c.before.type
        session.execute(
            select(
                func.wb_audit(
                    action,
                    table,
                    row_id,
                    cast(bindparam("before", before, type_=payload), JSON),
                    cast(bindparam("after", after, type_=payload), JSON),
                    coder_id,
                )
            )
        )
        return
    session.connection().execute(
        insert(table_of(AuditEntry)).inline(),
        [
            dict(
                at=utcnow(),
                login=session.info.get("login"),
                action=action,
                table_name=table,
                row_id=row_id,
                coder_id=coder_id,
                before=before,
                after=after,
            )
        ],
    )


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    login: str | None
    coder: str | None
    action: str
    table: str
    row_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def row(self) -> tuple:
        return (
            self.id,
            self.at,
            self.login,
            self.coder,
            self.action,
            self.table,
            self.row_id,
            self.before,
            self.after,
        )


def entries(
    db: Database,
    lead_id: int,
    since: datetime | None = None,
    table: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[AuditRecord]:
    """The audit log (the lead only; on PostgreSQL the database refuses anyone else too)."""
    with db.reading() as session:
        role = session.scalar(select(Coder.role).where(Coder.id == lead_id))
        if not can(role or "", Action.READ_AUDIT_LOG):
            raise WorkbenchError("Only a lead can read the audit log.")
        query = select(AuditEntry, Coder.name).outerjoin(Coder, Coder.id == AuditEntry.coder_id)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if table is not None:
            query = query.where(AuditEntry.table_name == table)
        order = AuditEntry.id.desc() if newest_first else AuditEntry.id
        query = query.order_by(order).limit(limit)
        try:
            rows = session.execute(query).all()
        except ProgrammingError as exc:
            raise WorkbenchError("The database does not let this login read the audit log.") from exc
        return [
            AuditRecord(e.id, e.at, e.login, name, e.action, e.table_name, e.row_id, e.before, e.after)
            for e, name in rows
        ]
