"""Coded extracts to CSV/XLSX/DOCX and the framework matrix to XLSX, read back with pandas/python-docx."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from tests.extract_rows import extract
from workbench.coding.retrieval import FrameworkMatrix
from workbench.exchange.extracts import (
    COLUMNS,
    format_time,
    write_extracts,
    write_extracts_csv,
    write_extracts_docx,
    write_extracts_xlsx,
    write_framework_xlsx,
)
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled

EXTRACTS = [
    extract(
        "P002",
        "3 months",
        "P002 3m interview",
        "Participant",
        3_723_000,
        3_741_500,
        "Feelings / Fear",
        "Ben",
        "I thought they'd take her off me.",
        "Key quote for theme 1",
    ),
    extract(
        "P001",
        "baseline",
        "P001 baseline interview",
        "Participant",
        65_000,
        79_999,
        "Feelings / Fear",
        "Alice",
        "Honestly I was terrified — café, naïve, 😊.",
    ),
    extract(
        "P001",
        "baseline",
        "P001 baseline interview",
        "Participant",
        120_000,
        130_000,
        "Support / Group",
        "Alice",
        "=SUM(A1:A9) is what my husband would say",
    ),
    extract(
        "P003",
        "baseline",
        "P003 baseline interview",
        "",
        None,
        None,
        "Support / Group",
        "Alice",
        "Line one\nline two\x0b with a stray control character",
    ),
]


def test_format_time():
    assert [format_time(v) for v in (0, 999, 65_000, 3_723_000, None)] == [
        "00:00:00",
        "00:00:00",
        "00:01:05",
        "01:02:03",
        "",
    ]


def test_xlsx_one_row_per_extract(tmp_path):
    path = tmp_path / "extracts.xlsx"
    seen = []
    write_extracts(EXTRACTS, path, progress=lambda f, m: seen.append(f))
    frame = pd.read_excel(path, sheet_name="Extracts", dtype=str).fillna("")
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 4
    first = frame.iloc[0]  # sorted by code, then participant
    assert (first.Participant, first.Timepoint, first.Start, first.End, first.Code, first.Coder) == (
        "P001",
        "baseline",
        "00:01:05",
        "00:01:19",
        "Feelings / Fear",
        "Alice",
    )
    assert first.Text == "Honestly I was terrified — café, naïve, 😊."
    assert frame.iloc[1].Start == "01:02:03" and frame.iloc[1].Memo == "Key quote for theme 1"
    formula = load_workbook(path)["Extracts"]["I4"]
    assert formula.data_type == "s" and formula.value.startswith("=SUM")  # text, not a formula
    assert frame.iloc[3].Text == "Line one\nline two with a stray control character"
    assert seen[-1] == 1.0 and [p.name for p in tmp_path.iterdir()] == ["extracts.xlsx"]


def test_csv(tmp_path):
    path = tmp_path / "extracts.csv"
    write_extracts(EXTRACTS, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig").fillna("")
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 4
    assert frame.iloc[0].Text == "Honestly I was terrified — café, naïve, 😊."
    assert frame.iloc[2].Text == "'=SUM(A1:A9) is what my husband would say"  # no formula injection
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[4][8] == "Line one\nline two with a stray control character"


def test_docx_grouped_by_code_ready_to_quote(tmp_path):
    path = tmp_path / "extracts.docx"
    write_extracts_docx(EXTRACTS, path, title="COS-P extracts")
    paragraphs = [(p.style.name, p.text) for p in Document(path).paragraphs]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["Feelings / Fear (2 extracts)", "Support / Group (2 extracts)"]
    texts = [text for _style, text in paragraphs]
    quote = texts.index("“Honestly I was terrified — café, naïve, 😊.”")
    assert texts[quote + 1] == "(P001, baseline, 00:01:05–00:01:19) Participant; coded by Alice"
    assert texts.index("Memo: Key quote for theme 1") > texts.index("“I thought they'd take her off me.”")
    assert "(P003, baseline); coded by Alice" in texts
    assert paragraphs[0] == ("Title", "COS-P extracts")


def test_redact_applies_to_every_field(tmp_path):
    row = extract(
        "P001",
        "baseline",
        "Interview with Sarah",
        "Sarah",
        0,
        1000,
        "Support",
        "Alice",
        "My partner Tom and Sarah's mum",
        "Sarah mentioned Tom again",
    )

    def redact(s):
        return s.replace("Sarah", "[Participant]").replace("Tom", "[Partner]")

    for suffix in ("xlsx", "csv", "docx"):
        path = tmp_path / f"x.{suffix}"
        write_extracts([row], path, redact=redact)
        if suffix == "docx":
            content = "\n".join(p.text for p in Document(path).paragraphs)
        elif suffix == "xlsx":
            content = pd.read_excel(path, dtype=str).fillna("").to_csv()
        else:
            content = path.read_text(encoding="utf-8-sig")
        assert "Sarah" not in content and "Tom" not in content and "[Partner]" in content


def test_framework_matrix(tmp_path):
    matrix = FrameworkMatrix.from_extracts(
        EXTRACTS, summaries={("P001", "Feelings / Fear"): "Fear early on."}
    )
    assert matrix.participants == ("P001", "P002", "P003")
    path = tmp_path / "framework.xlsx"
    write_framework_xlsx(matrix, path)
    frame = pd.read_excel(path, sheet_name="Framework", dtype=str, index_col=0).fillna("")
    assert list(frame.columns) == ["Feelings / Fear", "Support / Group"]
    cell = frame.loc["P001", "Feelings / Fear"]
    assert cell.startswith("Fear early on.\n\n“Honestly I was terrified")
    assert "(P001, baseline, 00:01:05–00:01:19)" in cell
    assert frame.loc["P003", "Feelings / Fear"] == ""
    summaries = pd.read_excel(path, sheet_name="Summaries", dtype=str, index_col=0).fillna("")
    assert summaries.loc["P001", "Feelings / Fear"] == "Fear early on." and summaries.loc[
        "P002"
    ].tolist() == ["", ""]
    assert len(pd.read_excel(path, sheet_name="Extracts")) == 4


def test_cancel_leaves_no_file(tmp_path):
    many = EXTRACTS * 1000

    def framework(rows, path, **kw):
        return write_framework_xlsx(FrameworkMatrix.from_extracts(rows), path, **kw)

    for writer in (write_extracts_xlsx, write_extracts_csv, write_extracts_docx, framework):
        path = tmp_path / "out"
        with pytest.raises(Cancelled):
            writer(many, path, cancelled=lambda: True)
        assert list(tmp_path.iterdir()) == []


def test_existing_file_survives_a_failed_write(tmp_path):
    path = tmp_path / "extracts.csv"
    path.write_text("old")

    def boom(text: str) -> str:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_extracts_csv([EXTRACTS[0]] * 3000, path, progress=lambda f, m: boom(m) if f > 0.5 else None)
    assert path.read_text() == "old" and len(list(tmp_path.iterdir())) == 1


def test_unknown_extension_and_missing_folder(tmp_path):
    with pytest.raises(WorkbenchError, match="use .xlsx, .csv or .docx"):
        write_extracts(EXTRACTS, tmp_path / "x.pdf")
    with pytest.raises(WorkbenchError, match="does not exist"):
        write_extracts(EXTRACTS, tmp_path / "nope" / "x.csv")


@pytest.mark.parametrize("writer", ["extracts", "framework"])
def test_formula_looking_text_stays_text(tmp_path, writer):
    import zipfile

    texts = [
        '=HYPERLINK("http://x","click")',
        "+44 7700 900123",
        "-- she said nothing",
        "@home mostly",
        "=1+1",
    ]
    rows = [
        extract("P001", "baseline", "t", "", i * 1000, i * 1000 + 500, "Code", "Alice", text, memo=text)
        for i, text in enumerate(texts)
    ]
    path = tmp_path / "x.xlsx"
    if writer == "extracts":
        write_extracts_xlsx(rows, path)
    else:
        write_framework_xlsx(FrameworkMatrix.from_extracts(rows), path)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
    cells = [
        (c.value, c.data_type)
        for row in load_workbook(path)["Extracts"].iter_rows(min_row=2, min_col=9)
        for c in row
    ]
    assert sorted(cells) == sorted((t, "s") for t in texts for _ in (0, 1))


def test_docx_run_formatting(tmp_path):
    path = tmp_path / "extracts.docx"
    write_extracts_docx(EXTRACTS, path)
    paragraphs = Document(path).paragraphs
    source = next(p for p in paragraphs if p.text.startswith("(P001, baseline, 00:01:05"))
    cite, speaker, coder = source.runs
    assert cite.bold and not speaker.bold and str(coder.font.color.rgb) == "666666"
    memo = next(p for p in paragraphs if p.text.startswith("Memo:")).runs[0]
    assert memo.italic and memo.font.size.pt == 9
    assert [p.style.name for p in paragraphs[:3]] == ["Title", "Heading 1", "Quote"]
    assert "Line one\nline two with a stray control character" in {p.text.strip("“”") for p in paragraphs}
