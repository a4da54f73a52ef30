"""The audit log as a CSV or XLSX file (written to a temporary file and renamed into place)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output

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
    table = [cells(r) for r in rows]
    if suffix == ".csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(table)
        data = buffer.getvalue().encode("utf-8-sig")  # Excel reads the BOM as UTF-8
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Audit log")
        sheet.append(list(HEADER))
        for row in table:
            sheet.append([_safe_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    try:
        with atomic_output(path) as handle:
            handle.write(data)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path}: {exc.strerror}") from exc
    return len(table)


def _safe_cell(value: Any) -> Any:
    # text that starts like a formula is stored as text, not run by a spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
