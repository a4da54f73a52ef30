"""Codebook → Import codebook (.qdc) in the window shows the import report and asks first; Cancel writes
nothing, Import (or "Import anyway" when code sets would be left out) adds the codebook."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from tests.db_dump import dump
from tests.ui.test_qdpx_asking import accept, answering, cancel
from workbench.exchange.refi_qdc import read_qdc
from workbench.store import codebooks
from workbench.ui.import_report import ImportReportDialog

QDC = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "refi_qdc"
WITH_SET = QDC / "extracted_not_byte_exact" / "atlasti23.4win_requal_test_valid.qdc"  # 1 code, 1 set
PLAIN = QDC / "taguette1.4.1_uto_tag_codebook.qdc"  # 3 codes, no sets


def _import(window, path, answers) -> list[QDialog]:
    seen: list[QDialog] = []
    window.exec_dialog = answering(answers, seen)
    window.text_coding.files.import_qdc(path)
    return seen


def test_cancel_writes_nothing(make_window, project):
    window = make_window(project)
    before = dump(project.db)
    (report,) = _import(window, WITH_SET, [cancel])
    assert isinstance(report, ImportReportDialog)
    assert report.button_texts()[0] == "Import anyway"
    assert report.rows() == [("codes", 1, 1), ("code sets", 1, 0)]
    assert report.losses() == [("code set 'code group 1'", "a project keeps no code sets")]
    assert dump(project.db) == before
    assert not window.messages.errors


def test_import_anyway_adds_the_codebook_without_its_sets(make_window, project):
    window = make_window(project)
    names = codebooks.codebook_names(project.db)
    (report,) = _import(window, WITH_SET, [accept])
    assert isinstance(report, ImportReportDialog)
    assert codebooks.codebook_names(project.db) == sorted([*names, WITH_SET.stem])
    book = codebooks.load_codebook(project.db, WITH_SET.stem)
    assert [c.name for c, _p in book.walk()] == ["code1"] and book.sets == []
    assert not window.messages.errors


def test_a_file_that_loses_nothing_asks_with_import(make_window, project):
    window = make_window(project)
    (report,) = _import(window, PLAIN, [accept])
    assert isinstance(report, ImportReportDialog)
    assert report.button_texts()[0] == "Import" and report.losses() == []
    assert report.rows() == [("codes", 3, 3)]
    assert [c.name for c, _p in codebooks.load_codebook(project.db, PLAIN.stem).walk()] == [
        c.name for c, _p in read_qdc(PLAIN).walk()
    ]
