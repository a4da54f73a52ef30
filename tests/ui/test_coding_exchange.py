"""File → Export → Project (REFI-QDA .qdpx) and File → Import REFI-QDA project (.qdpx), both on
the window's runner, through the functions of ``workbench.services.coding_exports`` (no copies in the UI)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from tests.ui.coding_setup import GUIDS, TEXTS, build, span
from workbench.exchange.refi_qdpx_read import read_project
from workbench.services.project import Project
from workbench.store import coding_lookups, participants
from workbench.store.retrieval import open_transcript
from workbench.store.transcript_list import list_transcripts
from workbench.store.visibility import Viewer
from workbench.ui.coding import export_menu


@pytest.fixture
def study(project):
    return build(project)


def _menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def _action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_qdpx_export_and_import_through_the_menus(make_window, study, qtbot, tmp_path):
    assert not hasattr(export_menu, "export_extracts_task") and not hasattr(
        export_menu, "export_framework_task"
    )
    window = make_window(study.project)
    view = window.text_coding.open_transcript_id(study.transcripts["P002"])
    text = "\n".join(TEXTS["P002"])
    view.edit.select_span(*span(text, "notice when she needed comfort"))
    view.apply_code(study.codes["Calm"])
    target = tmp_path / "out" / "cosp.qdpx"
    target.parent.mkdir()
    window.text_coding.ask_save_file = lambda *_a: target
    export = next(a.menu() for a in _menu(window, "&File").actions() if a.text() == "&Export")
    _action(export, "Project (REFI-QDA .qdpx)…").trigger()
    qtbot.waitUntil(lambda: target.exists() and not window.runner.tasks(), timeout=30_000)
    assert "3 transcripts, 1 coding, " in window.statusBar().currentMessage()
    qda = read_project(target)
    assert sorted(s.name for s in qda.sources) == ["P001 interview", "P002 interview", "P003 interview"]

    other = Project.create(tmp_path / "other", name="other")
    second = make_window(other)
    second.text_coding.ask_open_file = lambda *_a: target
    shown: list[QDialog] = []  # the import report, asked before and shown after the import
    second.exec_dialog = lambda dialog: shown.append(dialog) or QDialog.DialogCode.Accepted
    _action(_menu(second, "&File"), "Import REFI-QDA project (.qdpx)…").trigger()
    qtbot.waitUntil(lambda: bool(list_transcripts(other.db)) and not second.runner.tasks(), timeout=30_000)
    assert second.messages.errors == []
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    assert [d.button_texts() for d in shown] == [["Import", "Cancel"], ["Close"]]
    assert ("texts", 3, 3) in shown[1].rows()
    assert sorted(t.name for t in list_transcripts(other.db)) == [
        "P001 interview",
        "P002 interview",
        "P003 interview",
    ]
    imported = next(t for t in list_transcripts(other.db) if t.name == "P002 interview")
    (coding,) = coding_lookups.transcript_codings(other.db, Viewer(other.coder.id, "all"), imported.id)
    assert coding.code_guid == GUIDS["Calm"]
    stored = open_transcript(other.db, Viewer(other.coder.id, "all"), imported.id).text.text
    assert stored[coding.start_pos : coding.end_pos] == "notice when she needed comfort"
    assert {p.pseudonym for p in participants.list_participants(other.db)} == {"P001", "P002", "P003"}
    qtbot.waitUntil(lambda: second.participants_model.rowCount() == 3, timeout=5000)  # the tree followed
    second.runner.shutdown()
    other.close()


def test_import_of_a_bad_file_is_one_message_and_changes_nothing(make_window, study, qtbot, tmp_path):
    window = make_window(study.project)
    bad = tmp_path / "broken.qdpx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    before = list_transcripts(study.db)
    task = window.text_coding.exports.import_qdpx(bad)
    qtbot.waitUntil(lambda: task.state != "running", timeout=20_000)
    assert task.state == "failed"
    (error,) = window.messages.errors
    assert "\n" not in error and "Traceback" not in error
    assert list_transcripts(study.db) == before
