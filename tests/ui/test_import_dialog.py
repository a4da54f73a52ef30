"""Importing media through the dialog and the runner: bad files refused clearly, good ones shown."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from workbench.store.participants import add_participant, list_participants
from workbench.store.people import add_timepoints
from workbench.ui.import_dialog import ImportMediaDialog
from workbench.ui.participants_model import RECORD_ROLE


def _fill(pseudonym, timepoint=None, task=None, link=False):
    """An exec_dialog replacement that fills the import dialog and presses Import."""

    def fill(dialog: ImportMediaDialog):
        dialog.participant.setEditText(pseudonym)
        if timepoint:
            dialog.timepoint.setEditText(timepoint)
        if task:
            dialog.task.setCurrentText(task)
        dialog.link.setChecked(link)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), dialog.problem()
        ok.click()
        return dialog.result()

    return fill


def test_fake_mp4_is_refused_clearly_and_changes_nothing(qtbot, make_window, project, tmp_path, monkeypatch):
    fake = tmp_path / "session.mp4"
    fake.write_text("this is a text file, not a video\n")
    add_participant(project.db, "P001")
    before = list_participants(project.db)
    window = make_window(project)
    monkeypatch.setattr(window, "exec_dialog", _fill("P002", "baseline", "free play"))

    task = window.import_media([fake])
    qtbot.waitUntil(lambda: bool(window.messages.errors), timeout=30_000)

    (error,) = window.messages.errors
    assert "session.mp4" in error and "Traceback" not in error and not error.startswith("Unexpected")
    assert task.state == "failed"
    assert list_participants(project.db) == before
    assert not (project.folder / "media" / "P002").exists()
    assert window.participants_model.rowCount() == 1


def test_good_file_appears_in_the_tree(qtbot, make_window, project, jfk, monkeypatch):
    add_timepoints(project.db, ["baseline", "3 months"])
    window = make_window(project)
    monkeypatch.setattr(window, "exec_dialog", _fill("P007", "3 months", "interview"))

    task = window.import_media([jfk])
    qtbot.waitUntil(lambda: task.state != "running", timeout=30_000)

    assert task.state == "done" and window.messages.errors == []
    model = window.participants_model
    participant = model.index(0, 0)
    assert participant.data() == "P007"
    timepoint = model.index(0, 0, participant)
    assert timepoint.data() == "3 months"
    media = model.index(0, 0, timepoint).data(RECORD_ROLE)
    assert media.original_name == "whisper_jfk.flac" and media.task == "interview" and not media.linked
    assert (project.folder / media.path).is_file()  # copied into the project
    assert window.statusBar().currentMessage() == "Imported whisper_jfk.flac for P007"


def test_dialog_needs_files_and_participant(qtbot, jfk):
    dialog = ImportMediaDialog(["P001", "P002"], ["baseline"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "files" in dialog.hint.text()
    dialog.add_paths([jfk, jfk])
    assert dialog.files() == [jfk]
    assert not ok.isEnabled() and "participant" in dialog.hint.text()
    dialog.participant.setCurrentText("P002")
    assert ok.isEnabled()
    request = dialog.request()
    assert (request.pseudonym, request.timepoint, request.task, request.link) == ("P002", None, None, False)


def test_cancelled_dialog_imports_nothing(qtbot, make_window, project, jfk, monkeypatch):
    window = make_window(project)
    monkeypatch.setattr(window, "exec_dialog", lambda dialog: QDialog.DialogCode.Rejected)
    assert window.import_media([jfk]) is None
    assert list_participants(project.db) == []
