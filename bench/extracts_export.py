"""Exporting coded extracts: 100,000 extracts to XLSX, CSV and DOCX, beside a pandas baseline.

Prints figures (no assertions). Target from issue 4: all extracts to XLSX in < 10 s.
Baseline: `pandas.DataFrame.to_excel` (openpyxl engine) of the same rows, measured in the same run.

    .venv/bin/python bench/extracts_export.py [N]
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from workbench.exchange.extracts import (
    COLUMNS, Extract, FrameworkMatrix, _row, write_extracts_csv, write_extracts_docx, write_extracts_xlsx,
    write_framework_xlsx,
)

WORDS = ("I", "felt", "the", "group", "really", "helped", "me", "see", "her", "cues", "when", "she", "cried",
         "and", "my", "partner", "was", "working", "nights", "so", "it", "mostly", "just", "us")


def extracts(n: int, seed: int = 1) -> list[Extract]:
    rng = random.Random(seed)
    codes = [f"Theme {t} / Code {c}" for t in range(10) for c in range(10)]
    out = []
    for i in range(n):
        start = rng.randrange(0, 5_400_000)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(10, 80)))
        out.append(Extract(f"P{rng.randrange(200):03d}", rng.choice(("baseline", "3 months", "12 months")),
                           f"Interview {i % 200}", "Participant", start, start + rng.randrange(2000, 40000),
                           rng.choice(codes), rng.choice(("Alice", "Ben")), text, "memo" if i % 10 == 0 else ""))
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
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        print(f"{n} extracts")
        base = timed("baseline: pandas to_excel", lambda: pd.DataFrame([_row(e) for e in rows], columns=COLUMNS)
                     .to_excel(out / "baseline.xlsx", index=False))
        ours = timed("write_extracts_xlsx", lambda: write_extracts_xlsx(rows, out / "x.xlsx"))
        timed("write_extracts_csv", lambda: write_extracts_csv(rows, out / "x.csv"))
        timed("write_extracts_docx (10,000 extracts)", lambda: write_extracts_docx(rows[:10_000], out / "x.docx"))
        timed("write_framework_xlsx (200 × 100)",
              lambda: write_framework_xlsx(FrameworkMatrix.from_extracts(rows), out / "f.xlsx"))
        print(f"xlsx ratio to baseline: {ours / base:.2f} (target: < 10 s absolute)")


if __name__ == "__main__":
    main()
