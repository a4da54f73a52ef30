"""The one writer of spreadsheet cells for every tabular export (CSV and XLSX).

Text from users (comments, names, memos, code names) must never run in a spreadsheet program:

- CSV: a text cell starting with ``= + - @``, a tab or a carriage return gets a leading
  apostrophe (``'=SUM(A1)``), which spreadsheet programs show as text;
- XLSX: text is always written as a string cell (XlsxWriter ``write_string``, with formula, link
  and number guessing off), never as a formula.

Numbers stay numbers in both; missing values (None, NaN, pandas' NA) are empty cells.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np

from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell


def csv_text(value: str) -> str:
    """``value`` as a CSV cell that a spreadsheet program shows as text, never runs."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_read(value: str) -> str:
    """A text cell of a CSV file the workbench wrote, as it was before :func:`csv_text`."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def plain(value: Any) -> Any:
    """A cell value as a plain Python value: numpy scalars unwrapped, missing values None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, np.generic):  # numbers unwrapped; a numpy date as its text
        value = value.item() if isinstance(value, (np.number, np.bool_)) else str(value)
    try:
        if value != value:  # NaN, pandas' NA raises below
            return None
    except TypeError:
        return None
    return value


def csv_cell(value: Any) -> Any:
    """A cell for ``csv.writer``: text neutralised, numbers as they are, missing values empty."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    return csv_text(str(value))


def write_csv(
    handle: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str = "utf-8"
) -> int:
    """Write a header and rows as CSV to the binary ``handle``; the number of rows written."""
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def fit(value: str) -> str:
    """Text cut to what one spreadsheet cell holds (said so at the end)."""
    if len(value) > CELL_LIMIT:
        return value[:CELL_LIMIT] + " … [cut: longer than a spreadsheet cell holds]"
    return value


def write_cell(sheet, row: int, column: int, value: Any, style=None) -> None:
    """One XLSX cell: numbers as numbers (infinities as text), booleans as booleans, everything
    else as a string cell; a missing value is left out (an empty cell)."""
    value = plain(value)
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, (int, float)) and not (isinstance(value, float) and math.isinf(value)):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, float):
        sheet.write_string(row, column, repr(value), style)
    else:
        sheet.write_string(row, column, fit(str(value)), style)


def write_sheet(sheet, header: Sequence[str], rows: Iterable[Sequence[Any]], bold=None) -> int:
    """A header row (in ``bold``), then the rows, from cell A1; the number of rows written."""
    for column, name in enumerate(header):
        sheet.write_string(0, column, fit(str(name)), bold)
    count = 0
    for r, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            write_cell(sheet, r, column, value)
        count = r
    return count


@contextmanager
def xlsx_book(path: Path) -> Iterator:
    """An XlsxWriter workbook streamed row by row (constant-memory mode: each sheet's rows go to a
    scratch file) into ``atomic_output(path)``; ``path`` appears only if the block finishes. The
    workbook never turns text into formulas, links or numbers."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="workbench-xlsx-", ignore_cleanup_errors=True) as scratch:
        try:
            with atomic_output(path) as handle:
                book = xlsxwriter.Workbook(
                    handle,
                    {
                        "constant_memory": True,
                        "tmpdir": scratch,
                        "strings_to_formulas": False,
                        "strings_to_urls": False,
                        "strings_to_numbers": False,
                    },
                )
                try:
                    yield book
                except BaseException:
                    for sheet in book.worksheets():  # release the scratch files (Windows keeps open ones)
                        getattr(sheet, "_opt_close", lambda: None)()
                    raise
                book.close()
        except FileCreateError as exc:
            reason = exc.args[0] if exc.args else exc
            raise WorkbenchError(
                f"Cannot write {path.name}: {getattr(reason, 'strerror', None) or reason}"
            ) from None
        except OSError as exc:
            raise WorkbenchError(f"Cannot write {path.name}: {exc.strerror or exc}") from None


def write_rows(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet: str = "data",
    csv_encoding: str = "utf-8",
) -> int:
    """A table as ``.csv`` or ``.xlsx`` by ``path``'s suffix, written atomically; rows written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbenchError(
            f"Write tables as .csv or .xlsx, not {path.suffix or 'a file without a suffix'}."
        )
    if suffix == ".xlsx":
        with xlsx_book(path) as book:
            return write_sheet(book.add_worksheet(sheet), header, rows, book.add_format({"bold": True}))
    try:
        with atomic_output(path) as handle:
            return write_csv(handle, header, rows, csv_encoding)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path.name}: {exc.strerror or exc}") from None
