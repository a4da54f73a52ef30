"""The audit log: one row per change, written in the same transaction as the change."""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy.orm import Session

from workbench.store.schema import AuditEntry


def record(session: Session, action: str, table: str, row_id: Optional[int], *,
           coder_id: Optional[int] = None, before: Optional[dict[str, Any]] = None,
           after: Optional[dict[str, Any]] = None) -> None:
    session.add(AuditEntry(action=action, table_name=table, row_id=row_id, coder_id=coder_id,
                           before=before, after=after))
