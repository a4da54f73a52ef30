"""Coded extracts for writing up: XLSX and CSV tables, a DOCX ready to quote, the framework matrix.

Plain functions over the retrieval results (`workbench.coding.retrieval.Extract` and
`FrameworkMatrix`, the one shape of each); every file is written through
`workbench.model.files.atomic_output`, so a failed or cancelled export leaves no partial file under
the final name. `redact` (e.g. `PseudonymKey.redact`) is applied to every text written, as a
last guard that no original name leaves the project. Spreadsheet cells are always text (an
extract starting with '=' is never a formula; in CSV such cells get a leading apostrophe).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from workbench.coding.retrieval import Extract, FrameworkMatrix
from workbench.exchange.cells import CELL_LIMIT, csv_text, fit, xlsx_book
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output
from workbench.model.tasks import CancelFn, ProgressFn, TaskState

COLUMNS = (
    "Participant",
    "Timepoint",
    "Transcript",
    "Speaker",
    "Start",
    "End",
    "Code",
    "Coder",
    "Text",
    "Memo",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Redact = Callable[[str], str]


def code_label(path: Sequence[str]) -> str:
    """A code's path in the tree as one label ('Support / Health visitor')."""
    return " / ".join(path)


def format_time(ms: int | None) -> str:
    """Milliseconds as hh:mm:ss (rounded down); '' when unknown."""
    if ms is None:
        return ""
    seconds = max(0, int(ms)) // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _clean(text: str) -> str:
    return _CONTROL.sub("", text or "")


def _prepare(extracts: Sequence[Extract], redact: Redact | None) -> list[Extract]:
    """The extracts in export order, every text field redacted and cleaned of control characters."""
    fix = (lambda s: _clean(redact(s))) if redact else _clean
    ordered = sorted(
        extracts,
        key=lambda e: (
            e.code_path,
            e.participant,
            e.timepoint or "",
            e.transcript_name,
            e.start_ms if e.start_ms is not None else -1,
        ),
    )
    return [
        replace(
            e,
            participant=fix(e.participant),
            timepoint=fix(e.timepoint or ""),
            transcript_name=fix(e.transcript_name),
            speaker=fix(e.speaker or ""),
            code_path=tuple(fix(name) for name in e.code_path),
            coder=fix(e.coder),
            text=fix(e.text),
            memo=fix(e.memo or ""),
        )
        for e in ordered
    ]


def _row(e: Extract) -> list[str]:
    return [
        e.participant,
        e.timepoint or "",
        e.transcript_name,
        e.speaker or "",
        format_time(e.start_ms),
        format_time(e.end_ms),
        code_label(e.code_path),
        e.coder,
        e.text,
        e.memo,
    ]


def _target(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if not path.parent.is_dir():
        raise WorkbenchError(f"Cannot write {path.name}: the folder {path.parent} does not exist")
    return path


def _rows_with_progress(extracts: list[Extract], state: TaskState):
    for i, extract in enumerate(extracts):
        if i % 1000 == 0:
            state.check()
            state.report(i / max(len(extracts), 1), f"Extract {i + 1} of {len(extracts)}")
        yield _row(extract)


# --- CSV and XLSX -------------------------------------------------------------------------------


def write_extracts_csv(
    extracts: Sequence[Extract],
    path,
    redact: Redact | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> None:
    """One row per extract (UTF-8 with a byte-order mark, so spreadsheet programs read accents)."""
    state, path, rows = TaskState(progress, cancelled), _target(path), _prepare(extracts, redact)
    try:
        with atomic_output(path) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(COLUMNS)
            for row in _rows_with_progress(rows, state):
                writer.writerow([csv_text(v) for v in row])
            text.flush()
            text.detach()
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path.name}: {exc.strerror or exc}") from None
    state.report(1.0, f"Wrote {len(rows)} extracts")


def _styles(book) -> tuple:
    """(bold header, wrapped top-aligned text) cell formats."""
    return book.add_format({"bold": True}), book.add_format({"text_wrap": True, "valign": "top"})


def _extracts_sheet(book, rows: list[Extract], state: TaskState) -> None:
    bold, wrapped = _styles(book)
    sheet = book.add_worksheet("Extracts")
    for column, width in enumerate((12, 12, 24, 14, 10, 10, 30, 14, 80, 40)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    write = sheet.write_string
    for column, name in enumerate(COLUMNS):
        write(0, column, name, bold)
    formats = [None] * 8 + [wrapped, wrapped]
    for r, row in enumerate(_rows_with_progress(rows, state), 1):
        for column, value in enumerate(row):
            if value:  # an empty cell is left out (as Excel itself does) rather than written as ""
                write(r, column, value if len(value) <= CELL_LIMIT else fit(value), formats[column])


def write_extracts_xlsx(
    extracts: Sequence[Extract],
    path,
    redact: Redact | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> None:
    """One row per extract on a sheet 'Extracts'."""
    state, path, rows = TaskState(progress, cancelled), _target(path), _prepare(extracts, redact)
    with xlsx_book(path) as book:
        _extracts_sheet(book, rows, state.sub(0, 0.8))
        state.check()
        state.report(0.8, "Saving")
    state.report(1.0, f"Wrote {len(rows)} extracts")


# --- DOCX ---------------------------------------------------------------------------------------


def citation(e: Extract) -> str:
    """'P001, baseline, 00:12:03–00:12:41' — how an extract is cited under a quote."""
    times = "–".join(t for t in (format_time(e.start_ms), format_time(e.end_ms)) if t)
    return ", ".join(part for part in (e.participant, e.timepoint, times) if part)


def write_extracts_docx(
    extracts: Sequence[Extract],
    path,
    redact: Redact | None = None,
    include_memos: bool = True,
    title: str = "Coded extracts",
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> None:
    """A document grouped by code: each extract as a quotation with participant ID and timestamps."""
    from docx import Document

    from workbench.exchange.docx_paragraphs import BOLD, ITALIC, Paragraphs, RunProps, color, size

    state, path, rows = TaskState(progress, cancelled), _target(path), _prepare(extracts, redact)
    document = Document()
    # style ids looked up once by name: python-docx's by-name lookup is slow
    title_style, heading_style, quote_style = (
        document.styles[name].style_id for name in ("Title", "Heading 1", "Quote")
    )
    paragraphs, grey, memo_style = Paragraphs(document), color("666666"), ITALIC + size(9)
    paragraphs.add(title_style, (_clean(redact(title) if redact else title), ()))
    counts = Counter(e.code_path for e in rows)
    current: tuple[str, ...] | None = None
    for i, e in enumerate(rows):
        if i % 500 == 0:
            state.check()
            state.report(i / max(len(rows), 1), f"Extract {i + 1} of {len(rows)}")
        if e.code_path != current:
            current = e.code_path
            count = counts[current]
            label = code_label(current)
            paragraphs.add(heading_style, (f"{label} ({count} extract{'s' if count != 1 else ''})", ()))
        paragraphs.add(quote_style, (f"“{e.text.strip()}”", ()))
        source: list[tuple[str, RunProps]] = [(f"({citation(e)})", BOLD)]
        if e.speaker:
            source.append((f" {e.speaker}", ()))
        if e.coder:
            source.append((f"; coded by {e.coder}", grey))
        paragraphs.add(None, *source)
        if include_memos and e.memo:
            paragraphs.add(None, (f"Memo: {e.memo}", memo_style))
    try:
        with atomic_output(path) as handle:
            document.save(handle)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path.name}: {exc.strerror or exc}") from None
    state.report(1.0, f"Wrote {len(rows)} extracts")


# --- framework matrix ---------------------------------------------------------------------------


def _cell_text(summary: str, extracts: Sequence[Extract]) -> str:
    parts = [summary.strip()] if summary.strip() else []
    parts += [f"“{e.text.strip()}” ({citation(e)})" for e in extracts]
    return "\n\n".join(parts)


def write_framework_xlsx(
    matrix: FrameworkMatrix,
    path,
    redact: Redact | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> None:
    """Sheet 'Framework': one row per participant, one column per code, each cell the summary and
    the extracts; sheet 'Summaries' the summaries alone; sheet 'Extracts' every extract."""
    state, path = TaskState(progress, cancelled), _target(path)
    fix = (lambda s: _clean(redact(s))) if redact else _clean
    with xlsx_book(path) as book:
        bold, wrapped = _styles(book)
        sheets = book.add_worksheet("Framework"), book.add_worksheet("Summaries")
        for sheet in sheets:
            sheet.set_column(0, 0, 14)
            sheet.freeze_panes(1, 1)
            for column, name in enumerate(
                ["Participant"] + [fix(code_label(path)) for _, path in matrix.codes]
            ):
                sheet.write_string(0, column, fit(name), bold)
        _framework_rows(matrix, *sheets, wrapped, fix, redact, state)
        everything = [e for cell in matrix.cells.values() for e in cell.extracts]
        _extracts_sheet(book, _prepare(everything, redact), state.sub(0.5, 0.9))
        state.check()
    state.report(1.0, f"Wrote the framework matrix ({len(matrix.participants)} × {len(matrix.codes)})")


def _framework_rows(
    matrix: FrameworkMatrix, framework, summaries, wrapped, fix, redact, state: TaskState
) -> None:
    for i, participant in enumerate(matrix.participants):
        state.check()
        state.report(
            0.5 * i / max(len(matrix.participants), 1), f"Participant {i + 1} of {len(matrix.participants)}"
        )
        cells = [_prepare(matrix.cell(participant, guid).extracts, redact) for guid, _ in matrix.codes]
        notes = [fix(matrix.cell(participant, guid).summary) for guid, _ in matrix.codes]
        for sheet in (framework, summaries):
            sheet.write_string(i + 1, 0, fit(fix(participant)))
        for column, (note, extracts) in enumerate(zip(notes, cells), 1):
            for sheet, text in ((framework, _cell_text(note, extracts)), (summaries, note)):
                if text:  # empty cells are left out
                    sheet.write_string(i + 1, column, fit(text), wrapped)


def write_extracts(
    extracts: Sequence[Extract],
    path,
    redact: Redact | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> None:
    """Write extracts in the format the file extension names (.xlsx, .csv or .docx)."""
    writers: dict[str, Callable[..., None]] = {
        ".xlsx": write_extracts_xlsx,
        ".csv": write_extracts_csv,
        ".docx": write_extracts_docx,
    }
    writer = writers.get(Path(path).suffix.lower())
    if writer is None:
        raise WorkbenchError(f"Cannot tell the format of {Path(path).name}: use .xlsx, .csv or .docx")
    writer(extracts, path, redact=redact, progress=progress, cancelled=cancelled)
