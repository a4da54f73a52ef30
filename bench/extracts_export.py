"""Exporting coded extracts: 100,000 extracts to XLSX, CSV and DOCX, beside a pandas baseline.

Prints figures (no assertions). Target from issue 4: all extracts to XLSX in < 10 s.
Baselines, measured in the same run: `pandas.DataFrame.to_excel` (openpyxl engine) of the same rows,
and the writers as they were before XlsxWriter (`extracts_export_baseline.py`: openpyxl write-only
workbooks, python-docx's `add_paragraph`).

    .venv/bin/python bench/extracts_export.py [N]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import extracts_export_baseline as before
import pandas as pd

from workbench.coding.retrieval import Extract, FrameworkMatrix
from workbench.exchange.extracts import (
    COLUMNS,
    _row,
    write_extracts_csv,
    write_extracts_docx,
    write_extracts_xlsx,
    write_framework_xlsx,
)

WORDS = (
    "I",
    "felt",
    "the",
    "group",
    "really",
    "helped",
    "me",
    "see",
    "her",
    "cues",
    "when",
    "she",
    "cried",
    "and",
    "my",
    "partner",
    "was",
    "working",
    "nights",
    "so",
    "it",
    "mostly",
    "just",
    "us",
)


def extracts(n: int, seed: int = 1) -> list[Extract]:
    rng = random.Random(seed)
    codes = [f"Theme {t} / Code {c}" for t in range(10) for c in range(10)]
    out = []
    for i in range(n):
        start = rng.randrange(0, 5_400_000)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(10, 80)))
        code = rng.choice(codes)
        out.append(
            Extract(
                coding_id=i,
                participant=f"P{rng.randrange(200):03d}",
                timepoint=rng.choice(("baseline", "3 months", "12 months")),
                transcript_id=i % 200,
                transcript_name=f"Interview {i % 200}",
                speaker="Participant",
                start_ms=start,
                end_ms=start + rng.randrange(2000, 40000),
                code_guid=code,
                code_path=tuple(code.split(" / ")),
                coder=rng.choice(("Alice", "Ben")),
                text=text,
                memo="memo" if i % 10 == 0 else "",
                start_pos=0,
                end_pos=len(text),
            )
        )
    return out


def timed(label: str, fn) -> float:
    began = time.perf_counter()
    fn()
    seconds = time.perf_counter() - began
    print(f"{label:<44} {seconds:7.2f} s")
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows = extracts(n)
    docx_n = min(n, 10_000)
    matrix = FrameworkMatrix.from_extracts(rows)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        print(f"{n} extracts")
        base = timed(
            "baseline: pandas to_excel",
            lambda: pd.DataFrame([_row(e) for e in rows], columns=COLUMNS).to_excel(
                out / "baseline.xlsx", index=False
            ),
        )
        old = timed("before: openpyxl write-only", lambda: before.write_extracts_xlsx(rows, out / "old.xlsx"))
        ours = timed("write_extracts_xlsx (XlsxWriter)", lambda: write_extracts_xlsx(rows, out / "x.xlsx"))
        timed("write_extracts_csv", lambda: write_extracts_csv(rows, out / "x.csv"))
        old_docx = timed(
            f"before: docx add_paragraph ({docx_n:,} extracts)",
            lambda: before.write_extracts_docx(rows[:docx_n], out / "old.docx"),
        )
        docx = timed(
            f"write_extracts_docx ({docx_n:,} extracts)",
            lambda: write_extracts_docx(rows[:docx_n], out / "x.docx"),
        )
        old_framework = timed(
            "before: framework openpyxl (200 × 100)",
            lambda: before.write_framework_xlsx(matrix, out / "old_f.xlsx"),
        )
        framework = timed(
            "write_framework_xlsx (200 × 100)", lambda: write_framework_xlsx(matrix, out / "f.xlsx")
        )
        print(f"xlsx: {ours / base:.2f} × pandas, {ours / old:.2f} × before (target: < 10 s absolute)")
        print(f"docx: {docx / old_docx:.2f} × before; framework: {framework / old_framework:.2f} × before")
        same = _part(out / "x.docx", "word/document.xml") == _part(out / "old.docx", "word/document.xml")
        print(f"docx word/document.xml byte-identical to before: {'yes' if same else 'NO'}")


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


if __name__ == "__main__":
    main()
