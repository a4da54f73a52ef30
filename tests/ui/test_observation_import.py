"""File → Import → BORIS / ELAN in the window: the report first, nothing written until the user agrees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog

from tests.db_dump import dump
from workbench.services import observation_exchange as ox
from workbench.store import observations as obs_store
from workbench.ui.import_report import ImportReportDialog

EAF = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "elan" / "pympi_sample_3.0.eaf"
TWO_VIDEOS = "an observation codes one media item (its first file is kept)"


def boris_file(tmp_path, lossy: bool):
    """Two observations of a BORIS project; ``lossy``: the first names two videos (one is left out)."""
    files = ["D:/clips/visit.mp4", "D:/clips/visit_side.mp4"] if lossy else ["D:/clips/visit.mp4"]
    boris = {
        "project_name": "ask first",
        "behaviors_conf": {
            "0": {"type": "Point event", "key": "l", "code": "look"},
            "1": {"type": "Point event", "key": "p", "code": "point"},
        },
        "observations": {
            "visit": {
                "file": {"1": files},
                "events": [[1.0, "", "look", "", ""], [2.5, "", "point", "", ""]],
            },
            "in the room": {"type": "LIVE", "events": [[3.0, "", "look", "", ""]]},
        },
    }
    path = tmp_path / ("lossy.boris" if lossy else "whole.boris")
    path.write_text(json.dumps(boris), encoding="utf-8")
    return path


def answering(answers: list[QDialog.DialogCode], seen: list[QDialog]):
    """An exec_dialog replacement: records each dialog and gives the next answer."""

    def exec_dialog(dialog: QDialog):
        seen.append(dialog)
        return answers.pop(0)

    return exec_dialog


def test_a_lossy_boris_file_is_shown_first_and_cancel_writes_nothing(
    make_window, project, tmp_path, monkeypatch
):
    window = make_window(project)
    path = boris_file(tmp_path, lossy=True)
    monkeypatch.setattr(window.observation_import, "ask_file", lambda fmt: path)
    seen: list[QDialog] = []
    monkeypatch.setattr(window, "exec_dialog", answering([QDialog.DialogCode.Rejected], seen))
    before = dump(project.db)

    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    imports = next(a.menu() for a in file_menu.actions() if a.text() == "Im&port")
    assert imports.isEnabled()
    boris = next(a for a in imports.actions() if a.text() == "&BORIS project…")
    boris.trigger()

    (dialog,) = seen
    assert isinstance(dialog, ImportReportDialog)
    assert ("observations", 2, 2) in dialog.rows()
    assert ("events", 3, 3) in dialog.rows()
    assert dialog.losses() == [("observation 'visit': media file D:/clips/visit_side.mp4", TWO_VIDEOS)]
    assert "Import anyway" in dialog.button_texts()
    assert dump(project.db) == before
    assert not window.messages.errors


def test_import_anyway_imports_and_shows_the_report(make_window, project, tmp_path, monkeypatch, qtbot):
    window = make_window(project)
    path = boris_file(tmp_path, lossy=True)
    seen: list[QDialog] = []
    answers = [QDialog.DialogCode.Accepted, QDialog.DialogCode.Accepted]
    monkeypatch.setattr(window, "exec_dialog", answering(answers, seen))

    task = window.observation_import.import_file("boris", path)

    assert task is not None
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=30_000)
    assert task.state == "done"
    names = sorted(r.name for r in obs_store.list_observations(project.db))
    assert names == ["in the room", "visit"]
    after = seen[1]
    assert isinstance(after, ImportReportDialog)
    assert after.button_texts() == ["Close"]
    assert after.losses() == [("observation 'visit': media file D:/clips/visit_side.mp4", TWO_VIDEOS)]
    tree = window.participants_model
    assert ox.UNLINKED_PARTICIPANT in [tree.index(r, 0).data() for r in range(tree.rowCount())]
    assert not window.messages.errors


def test_a_whole_file_asks_with_import_and_a_second_import_is_refused(
    make_window, project, tmp_path, monkeypatch, qtbot
):
    window = make_window(project)
    path = boris_file(tmp_path, lossy=False)
    seen: list[QDialog] = []
    monkeypatch.setattr(window, "exec_dialog", answering([QDialog.DialogCode.Accepted] * 2, seen))
    task = window.observation_import.import_file("boris", path)
    assert task is not None
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=30_000)
    assert seen[0].button_texts()[0] == "Import"
    assert seen[0].losses() == []
    before = dump(project.db)

    assert window.observation_import.import_file("boris", path) is None  # the dry run refuses it

    assert len(seen) == 2
    assert "already has" in window.messages.errors[-1]
    assert dump(project.db) == before


@pytest.mark.skipif(not EAF.exists(), reason="shared ELAN files not present")
def test_elan_file_report_and_screenshot(make_window, project, monkeypatch, output_dir):
    window = make_window(project)
    window.resize(1280, 800)
    monkeypatch.setattr(window.observation_import, "ask_file", lambda fmt: EAF)
    seen: list[QDialog] = []
    monkeypatch.setattr(window, "exec_dialog", answering([QDialog.DialogCode.Rejected], seen))
    before = dump(project.db)

    window.observation_import.elan_action.trigger()

    (dialog,) = seen
    assert dialog.windowTitle() == f"ELAN import: {EAF.name}"
    assert ("events", 9576, 9576) in dialog.rows()
    assert [thing for thing, _why in dialog.losses()] == [
        f"vocabulary '{name} 2011' not kept" for name in ("Contact", "Formal Relation", "Function")
    ]
    assert "Import anyway" in dialog.button_texts()
    assert dump(project.db) == before
    shot = window.grab()
    dialog.resize(760, 520)
    painter = QPainter(shot)
    painter.drawPixmap(QPoint((1280 - 760) // 2, (800 - 520) // 2), dialog.grab())
    painter.end()
    assert shot.save(str(output_dir / "observation_import_report.png"))


def test_the_import_menu_waits_for_a_project(make_window):
    window = make_window()
    assert not window.menu_actions.import_menu.isEnabled()
    assert window.observation_import.import_file("boris", Path("any.boris")) is None
