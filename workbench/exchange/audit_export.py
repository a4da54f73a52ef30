"""The audit log as a CSV or XLSX file (through :mod:`workbench.exchange.cells`, written atomically)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from workbench.exchange.cells import write_rows
from workbench.model.errors import WorkbenchError

HEADER = ("id", "at (UTC)", "login", "coder", "action", "table", "row id", "before", "after")


def cells(row: Sequence[Any]) -> list[Any]:
    entry_id, at, login, coder, action, table, row_id, before, after = row
    as_json = lambda v: "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)  # noqa: E731
    return [
        entry_id,
        at.isoformat() if at is not None else "",
        login or "",
        coder or "",
        action,
        table,
        "" if row_id is None else row_id,
        as_json(before),
        as_json(after),
    ]


def write_audit(rows: Iterable[Sequence[Any]], path: Path) -> int:
    """Write audit rows (``AuditRecord.row()``) to ``path`` (.csv or .xlsx); the number written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbenchError(f"Write the audit log to a .csv or .xlsx file, not {path.name}.")
    return write_rows(path, HEADER, (cells(r) for r in rows), sheet="Audit log", csv_encoding="utf-8-sig")
