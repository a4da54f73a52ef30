"""The reliability report as a file: XLSX (one sheet per table, cells through
:mod:`workbench.exchange.cells`, so no text becomes a formula) or HTML (tables and plots)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from workbench.coding.reliability.report import ReliabilityReport
from workbench.exchange.cells import write_sheet, xlsx_book
from workbench.model.files import atomic_output

HTML_ROWS = 500


def _about(report: ReliabilityReport) -> pd.DataFrame:
    return pd.DataFrame(report.about, columns=["sheet", "what was compared"])


def write_xlsx(report: ReliabilityReport, path: Path) -> None:
    """One sheet per table (header row, then the rows), the About sheet first."""
    with xlsx_book(Path(path)) as book:
        bold = book.add_format({"bold": True})
        for name, table in [("About", _about(report)), *report.sheets.items()]:
            rows = table.astype(object).itertuples(index=False, name=None)
            write_sheet(book.add_worksheet(name), [str(c) for c in table.columns], rows, bold)


def write_html(report: ReliabilityReport, path: Path) -> None:
    esc = html.escape
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(report.title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:2px 6px}h2{margin-top:2em}</style></head><body>",
        f"<h1>{esc(report.title)}</h1><h2>What was compared</h2>",
        _about(report).to_html(index=False),
    ]
    for caption, png in report.figures.items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(
            f"<figure><img alt='{esc(caption)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{esc(caption)}</figcaption></figure>"
        )
    explanations = dict(report.about)
    for name, table in report.sheets.items():
        parts.append(f"<h2>{esc(name)}</h2><p>{esc(explanations.get(name, ''))}</p>")
        shown = table.head(HTML_ROWS)
        parts.append(shown.to_html(index=False, na_rep="", float_format=lambda x: f"{x:.3f}"))
        if len(table) > HTML_ROWS:
            parts.append(f"<p>First {HTML_ROWS} of {len(table)} rows; the XLSX report has them all.</p>")
    parts.append("</body></html>")
    with atomic_output(Path(path)) as handle:
        handle.write("".join(parts).encode("utf-8"))


def write_report(report: ReliabilityReport, path: Path) -> Path:
    """Write ``.xlsx`` or ``.html`` by the file's suffix, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(report, path)
    elif suffix in (".html", ".htm"):
        write_html(report, path)
    else:
        raise ValueError(f"unknown report type {path.suffix!r}; use .xlsx or .html")
    return path
