"""The exporters as they were before XlsxWriter (issue 4), kept as the baseline for
bench/extracts_export.py: openpyxl write-only workbooks and python-docx's `add_paragraph`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from workbench.coding.retrieval import Extract, FrameworkMatrix
from workbench.exchange.extracts import (
    CELL_LIMIT,
    COLUMNS,
    _cell_text,
    _clean,
    _prepare,
    _rows_with_progress,
    _target,
    citation,
    code_label,
)
from workbench.model.files import atomic_output
from workbench.model.tasks import TaskState


def _cell(sheet, value: str, wrap: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    if len(value) > CELL_LIMIT:
        value = value[:CELL_LIMIT] + " … [cut: longer than a spreadsheet cell holds]"
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _extracts_sheet(book, rows: list[Extract], state: TaskState) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet("Extracts")
    for letter, width in zip("ABCDEFGHIJ", (12, 12, 24, 14, 10, 10, 30, 14, 80, 40)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    header = [_cell(sheet, name) for name in COLUMNS]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for row in _rows_with_progress(rows, state):
        sheet.append([_cell(sheet, v, wrap=i >= 8) for i, v in enumerate(row)])


def _save(book, path: Path) -> None:
    with atomic_output(path) as handle:
        book.save(handle)


def write_extracts_xlsx(extracts: Sequence[Extract], path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _extracts_sheet(book, _prepare(extracts, None), TaskState(None, None))
    _save(book, _target(path))


def write_framework_xlsx(matrix: FrameworkMatrix, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    framework, summaries = book.create_sheet("Framework"), book.create_sheet("Summaries")
    for sheet in (framework, summaries):
        sheet.column_dimensions["A"].width = 14
        sheet.freeze_panes = "B2"
        header = [_cell(sheet, "Participant")] + [
            _cell(sheet, _clean(code_label(p))) for _, p in matrix.codes
        ]
        for cell in header:
            cell.font = Font(bold=True)
        sheet.append(header)
    for participant in matrix.participants:
        cells = [_prepare(matrix.cell(participant, guid).extracts, None) for guid, _ in matrix.codes]
        notes = [_clean(matrix.cell(participant, guid).summary) for guid, _ in matrix.codes]
        framework.append(
            [_cell(framework, _clean(participant))]
            + [_cell(framework, _cell_text(n, c), wrap=True) for n, c in zip(notes, cells)]
        )
        summaries.append(
            [_cell(summaries, _clean(participant))] + [_cell(summaries, n, wrap=True) for n in notes]
        )
    everything = [e for cell in matrix.cells.values() for e in cell.extracts]
    _extracts_sheet(book, _prepare(everything, None), TaskState(None, None))
    _save(book, _target(path))


def write_extracts_docx(
    extracts: Sequence[Extract], path, include_memos: bool = True, title: str = "Coded extracts"
) -> None:
    from docx import Document
    from docx.shared import Pt, RGBColor

    rows = _prepare(extracts, None)
    document = Document()
    document.add_heading(_clean(title), level=0)
    counts = Counter(e.code_path for e in rows)
    quote_style = document.styles["Quote"].style_id
    current: tuple[str, ...] | None = None
    for e in rows:
        if e.code_path != current:
            current = e.code_path
            count = counts[current]
            label = code_label(current)
            document.add_heading(f"{label} ({count} extract{'s' if count != 1 else ''})", level=1)
        quote = document.add_paragraph()
        quote._p.style = quote_style
        quote.add_run(f"“{e.text.strip()}”")
        source = document.add_paragraph()
        source.add_run(f"({citation(e)})").bold = True
        if e.speaker:
            source.add_run(f" {e.speaker}")
        if e.coder:
            source.add_run(f"; coded by {e.coder}").font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        if include_memos and e.memo:
            memo = document.add_paragraph().add_run(f"Memo: {e.memo}")
            memo.italic, memo.font.size = True, Pt(9)
    with atomic_output(_target(path)) as handle:
        document.save(handle)
