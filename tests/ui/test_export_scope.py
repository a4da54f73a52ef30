"""Exports say their scope: File → Export → Coded extracts (and the framework matrix) first show
what will be exported — codes, coders and transcripts, each with its count of codings — everything
ticked, whatever code is still selected in the code tree; what is ticked is what is written."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog

from tests.ui.coding_setup import TEXTS, build, span
from tests.ui.test_coding_view import code_index
from workbench.store import coding_ops
from workbench.ui.coding.export_scope_dialog import ExportScopeDialog

CODINGS = (  # 3 by the lead, 2 by Ann, on three transcripts
    ("P001", "really anxious", "Anxiety", "lead"),
    ("P001", "the other mums were kind", "Group experience", "lead"),
    ("P002", "less anxious", "Anxiety", "ann"),
    ("P002", "I feel calmer now, I am less anxious", "Calm", "lead"),
    ("P003", "the bus was always late", "Practical barriers", "ann"),
)


@pytest.fixture
def study(project):
    study = build(project)
    for p, phrase, code, who in CODINGS:
        coder = study.lead if who == "lead" else study.ann
        coding_ops.apply_code(
            study.db, study.transcripts[p], study.codes[code], coder, *span("\n".join(TEXTS[p]), phrase)
        )
    return study


def _export_action(window, text: str):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    export = next(a.menu() for a in file_menu.actions() if a.menu() is not None and a.text() == "&Export")
    return next(a for a in export.actions() if a.text() == text)


def _texts(box) -> list[str]:
    return [box.item(i).text() for i in range(box.count())]


def _window(make_window, study, target, answer):
    """A window with a code left selected in the code tree, answering the scope dialog with ``answer``."""
    window = make_window(study.project)
    window.codebook.tree.setCurrentIndex(code_index(window, "Anxiety"))
    assert window.text_coding.current_code().name == "Anxiety"  # the leftover selection
    shown: list[ExportScopeDialog] = []

    def exec_dialog(dialog):
        shown.append(dialog)
        return answer(dialog)

    window.exec_dialog = exec_dialog
    window.text_coding.ask_save_file = lambda *_a: target
    return window, shown


def _rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_coded_extracts_default_to_everything_whatever_is_selected(make_window, study, qtbot, tmp_path):
    target = tmp_path / "extracts.csv"
    window, shown = _window(make_window, study, target, lambda d: QDialog.DialogCode.Accepted)
    _export_action(window, "Coded extracts (XLSX, CSV, DOCX)…").trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.runner.tasks(), timeout=30_000)
    assert len(_rows(target)) == 5  # not 2: the selected Anxiety does not narrow the export
    (dialog,) = shown
    assert dialog.summary.text() == "5 extracts: all 5 codes, all 2 coders, all 3 transcripts"
    lead = study.project.coder.name
    assert sorted(_texts(dialog.coders)) == sorted(["Ann (2 codings)", f"{lead} (3 codings)"])
    assert _texts(dialog.transcripts) == [
        "P001 · P001 interview (2 codings)",
        "P002 · P002 interview (2 codings)",
        "P003 · P003 interview (1 coding)",
    ]
    codes = {dialog.codes.topLevelItem(i).text(0): dialog.codes.topLevelItem(i) for i in range(3)}
    feelings = codes["Feelings"]
    assert [(feelings.child(i).text(0), feelings.child(i).text(1)) for i in range(2)] == [
        ("Anxiety", "2"),
        ("Calm", "1"),
    ]
    assert window.statusBar().currentMessage().startswith("Wrote 5 extracts to ")
    assert window.messages.errors == []


def test_what_is_ticked_is_what_is_written(make_window, study, qtbot, tmp_path):
    target = tmp_path / "lead.csv"

    def answer(dialog: ExportScopeDialog):
        p001, p002 = study.transcripts["P001"], study.transcripts["P002"]
        dialog.tick([c.guid for c in dialog.scope.codes], [study.lead], [p001, p002])
        return QDialog.DialogCode.Accepted

    window, shown = _window(make_window, study, target, answer)
    _export_action(window, "Coded extracts (XLSX, CSV, DOCX)…").trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.runner.tasks(), timeout=30_000)
    rows = _rows(target)
    assert sorted(r["Text"] for r in rows) == [
        "I feel calmer now, I am less anxious",
        "really anxious",
        "the other mums were kind",
    ]
    assert shown[0].summary.text() == "3 extracts: all 5 codes, 1 of 2 coders, 2 of 3 transcripts"
    assert window.statusBar().currentMessage().startswith("Wrote 3 extracts")


def test_cancel_writes_nothing_and_nothing_ticked_cannot_export(make_window, study, tmp_path):
    target = tmp_path / "never.csv"
    asked: list[str] = []
    window, shown = _window(make_window, study, target, lambda d: QDialog.DialogCode.Rejected)
    window.text_coding.ask_save_file = lambda *a: asked.append(a[0])
    assert window.text_coding.exports.export_extracts() is None
    assert asked == [] and not target.exists() and not window.runner.tasks()
    dialog = shown[0]
    assert dialog.export_button.isEnabled()
    dialog.tick_all(dialog.coders, False)
    assert not dialog.export_button.isEnabled()
    assert dialog.summary.text() == "0 extracts: all 5 codes, no coder, all 3 transcripts"
    dialog.tick_all(dialog.coders, True)
    dialog.tick_all(dialog.codes, False)
    assert not dialog.export_button.isEnabled()


def test_framework_matrix_columns_are_the_highest_ticked_codes(make_window, study, qtbot, tmp_path):
    target = tmp_path / "fw.xlsx"
    summaries: list[str] = []

    def answer(dialog: ExportScopeDialog):
        summaries.append(dialog.summary.text())
        feelings = next(c.guid for c in dialog.scope.codes if c.path == ("Feelings",))
        dialog.tick(
            [c.guid for c in dialog.scope.codes if c.guid != feelings],
            dialog.scope.coders,
            dialog.scope.transcripts,
        )
        summaries.append(dialog.summary.text())
        return QDialog.DialogCode.Accepted

    window, _shown = _window(make_window, study, target, answer)
    _export_action(window, "Framework matrix (XLSX)…").trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.runner.tasks(), timeout=30_000)
    assert summaries == [
        "One row per participant × 3 columns (Feelings, Group experience, Practical barriers); "
        "5 extracts from all 2 coders, all 3 transcripts",
        "One row per participant × 4 columns (Anxiety, Calm, Group experience, Practical barriers); "
        "5 extracts from all 2 coders, all 3 transcripts",
    ]
    sheet = load_workbook(target)["Framework"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == [
        "Participant",
        "Feelings / Anxiety",
        "Feelings / Calm",
        "Group experience",
        "Practical barriers",
    ]
    assert "3 participants × 4 codes" in window.statusBar().currentMessage()
