"""File → Import REFI-QDA project in the window asks first: where texts that nothing places go, then
the import report; nothing is written unless the user agrees."""

from __future__ import annotations

import zipfile

from PySide6.QtWidgets import QDialog

from tests.db_dump import dump
from workbench.store import participants
from workbench.store.transcript_list import list_transcripts
from workbench.ui.coding.qdpx_asking import PlaceTextsDialog
from workbench.ui.import_report import ImportReportDialog

LOSSY = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="lossy" origin="SomeTool">
  <CodeBook><Codes><Code guid="c001" name="Feelings" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="s1" name="interview one" plainTextPath="internal://s1.txt">
      <PlainTextSelection guid="q1" startPosition="0" endPosition="5">
        <Coding guid="k1"><CodeRef targetGUID="c001"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="p1" name="consent form" path="internal://p1.pdf"/>
  </Sources>
</Project>
"""


def lossy_qdpx(tmp_path):
    """A text no case places and a PDF source (left out)."""
    path = tmp_path / "lossy.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", LOSSY)
        archive.writestr("sources/s1.txt", "Happy days.")
    return path


def answering(answers, seen):
    """An exec_dialog replacement: records each dialog, lets the next answer fill it in, returns its code."""

    def exec_dialog(dialog):
        seen.append(dialog)
        return answers.pop(0)(dialog)

    return exec_dialog


def under(pseudonym):
    def fill(dialog):
        assert isinstance(dialog, PlaceTextsDialog)
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert not ok.isEnabled()  # no participant named yet
        dialog.participant.setEditText(pseudonym)
        assert ok.isEnabled()
        return QDialog.DialogCode.Accepted

    return fill


def one_each(dialog):
    dialog.each.setChecked(True)
    return QDialog.DialogCode.Accepted


def accept(_dialog):
    return QDialog.DialogCode.Accepted


def cancel(_dialog):
    return QDialog.DialogCode.Rejected


def start(window, qtbot, path, answers, seen):
    window.exec_dialog = answering(answers, seen)
    task = window.text_coding.exports.import_qdpx(path)
    qtbot.waitUntil(lambda: task.state != "running", timeout=20_000)
    assert task.state == "done"


def test_cancelling_the_report_writes_nothing(make_window, project, qtbot, tmp_path):
    window = make_window(project)
    before = dump(project.db)
    seen: list[QDialog] = []
    start(window, qtbot, lossy_qdpx(tmp_path), [under("P009"), cancel], seen)
    place, report = seen
    assert isinstance(report, ImportReportDialog)
    assert report.button_texts()[0] == "Import anyway"
    assert ("texts", 1, 1) in report.rows() and ("codings", 1, 1) in report.rows()
    assert any("PDF" in thing for thing, _why in report.losses())
    assert window.text_coding.exports.qdpx.import_task is None
    assert dump(project.db) == before
    assert not window.messages.errors


def test_cancelling_the_placement_writes_nothing(make_window, project, qtbot, tmp_path):
    window = make_window(project)
    before = dump(project.db)
    seen: list[QDialog] = []
    start(window, qtbot, lossy_qdpx(tmp_path), [cancel], seen)
    (place,) = seen
    assert isinstance(place, PlaceTextsDialog)
    assert dump(project.db) == before


def test_texts_go_under_the_participant_chosen(make_window, project, qtbot, tmp_path):
    window = make_window(project)
    seen: list[QDialog] = []
    start(window, qtbot, lossy_qdpx(tmp_path), [under("P009"), accept, accept], seen)
    task = window.text_coding.exports.qdpx.import_task
    assert task is not None
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=20_000)
    assert [p.pseudonym for p in participants.list_participants(project.db)] == ["P009"]
    assert [t.name for t in list_transcripts(project.db)] == ["interview one"]
    after = seen[2]
    assert isinstance(after, ImportReportDialog) and after.button_texts() == ["Close"]
    assert not window.messages.errors


def test_one_participant_per_text_when_asked(make_window, project, qtbot, tmp_path):
    window = make_window(project)
    seen: list[QDialog] = []
    start(window, qtbot, lossy_qdpx(tmp_path), [one_each, accept, accept], seen)
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=20_000)
    assert [p.pseudonym for p in participants.list_participants(project.db)] == ["interview one"]
