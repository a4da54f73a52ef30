"""Main window smoke tests on a real project with real media."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QLabel

from workbench.coding.codebook import Code, Codebook
from workbench.services.media_import import import_media
from workbench.services.project import Project
from workbench.store.codebooks import add_codebook
from workbench.ui.participants_model import RECORD_ROLE, format_duration


def _children(model, parent=QModelIndex()):
    return [model.index(r, 0, parent) for r in range(model.rowCount(parent))]


def _add_codebook(project):
    book = Codebook(
        "COS-P interview",
        [
            Code(
                "c1",
                "Experience of the group",
                definition="What the mother says about the group.",
                colour="#3366CC",
                codable=False,
                children=[
                    Code(
                        "c1a",
                        "Feeling understood",
                        definition="Felt heard by facilitators.",
                        colour="#33AA55",
                    )
                ],
            ),
            Code("c2", "Relationship with baby", colour="#CC3333"),
        ],
    )
    return add_codebook(project.db, book)


def test_window_shows_project_tree_codebook_and_screenshot(
    qtbot, make_window, project, jfk, fire_video, output_dir
):
    import_media(project, [jfk], "P001", timepoint="baseline", task="interview")
    import_media(project, [fire_video], "P001", timepoint="baseline", task="free play")
    _add_codebook(project)

    window = make_window(project)
    window.show()
    qtbot.waitExposed(window)

    assert "COS-P study" in window.windowTitle()
    assert project.coder.name in window.windowTitle() and project.coder.role in window.windowTitle()

    model = window.participants_model
    (participant,) = _children(model)
    assert participant.data() == "P001"
    (timepoint,) = _children(model, participant)
    assert timepoint.data() == "baseline"
    media = {index.data(RECORD_ROLE).original_name: index for index in _children(model, timepoint)}
    assert set(media) == {"whisper_jfk.flac", "moviepy_fire2.mp4"}
    video = media["moviepy_fire2.mp4"]
    record = video.data(RECORD_ROLE)
    assert video.siblingAtColumn(1).data() == format_duration(record.duration_ms)
    assert video.siblingAtColumn(2).data() == "video · VFR"  # this file has a variable frame rate
    assert "Frame rate" in video.data(Qt.ItemDataRole.ToolTipRole)
    assert media["whisper_jfk.flac"].siblingAtColumn(1).data() == "00:11"
    assert window.participants.tree.isExpanded(timepoint)

    codebook = window.codebook_model
    assert codebook.code_names() == [
        "Experience of the group",
        "Feeling understood",
        "Relationship with baby",
    ]
    (book,) = _children(codebook)
    top = _children(codebook, book)
    assert [i.data() for i in top] == ["Experience of the group", "Relationship with baby"]
    assert "What the mother says" in top[0].data(Qt.ItemDataRole.ToolTipRole)
    assert not top[0].data(Qt.ItemDataRole.DecorationRole).isNull()  # the colour swatch

    path = output_dir / "main_window.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 1000
    assert window.messages.errors == []


def test_welcome_page_and_tabs_without_project(qtbot, make_window):
    window = make_window()
    assert window.windowTitle() == "workbench"
    assert not window.menu_actions.import_media.isEnabled()
    assert "Welcome" in window.welcome.text.text()
    index = window.add_workspace_tab(QLabel("transcript"), "P001 interview")
    assert window.workspace.currentIndex() == index and window.workspace.count() == 2
    window.workspace.tabCloseRequested.emit(index)
    window.workspace.tabCloseRequested.emit(0)  # the welcome page stays
    assert window.workspace.count() == 1


def test_new_open_close_project(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window()

    def fill(dialog):
        dialog.location.setText(str(tmp_path))
        dialog.name.setText("pilot")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(window, "exec_dialog", fill)
    window.new_project()
    assert window.project is not None and window.project.name == "pilot"
    assert (tmp_path / "pilot" / "project.sqlite").is_file()
    assert window.menu_actions.import_media.isEnabled()

    window.close_project()
    assert window.project is None and window.windowTitle() == "workbench"

    window.open_project_folder(tmp_path / "pilot")
    assert window.project is not None and window.project.name == "pilot"
    window.menu_actions.recent_menu.aboutToShow.emit()
    assert any("pilot" in a.text() for a in window.menu_actions.recent_menu.actions())

    window.open_project_folder(tmp_path / "nothing-here")
    assert window.messages.errors and "not a workbench project" in window.messages.errors[-1]
    assert window.project.name == "pilot"  # a failed open keeps the current project


def test_layout_is_remembered(qtbot, make_window):
    window = make_window()
    window.resize(780, 500)
    window.show()
    qtbot.waitExposed(window)
    window.codebook_dock.hide()
    window.close()

    again = make_window()
    again.show()
    qtbot.waitExposed(again)
    assert not again.codebook_dock.isVisible()
    assert again.participants_dock.isVisible()
    assert again.size().width() == 780  # the offscreen screen is 800 × 600


def test_project_changes_refresh_the_codebook(qtbot, make_window, project):
    window = make_window(project)
    assert window.codebook_model.code_names() == []
    window.apply_change(_add_codebook(project))
    assert "Feeling understood" in window.codebook_model.code_names()
    assert window.statusBar().currentMessage().startswith("Added codebook")


def test_migrated_project_is_announced(qtbot, make_window, project):
    project.migrated_from = "0001"
    window = make_window(project)  # Project.open sets migrated_from after upgrading an older schema
    (note,) = window.messages.infos
    assert "0001" in note and str(project.folder / "backups") in note


def test_open_existing_project_via_class(tmp_path):
    created = Project.create(tmp_path / "p")
    created.close()
    assert Project.open(tmp_path / "p").name == "p"


def test_a_rater_sees_no_participants(qtbot, make_window, project, jfk):
    import_media(project, [jfk], "P001", timepoint="baseline")
    from dataclasses import replace

    rater = replace(project.coder, role="rater")
    project.coder = rater
    window = make_window(project)
    window.show()
    qtbot.waitExposed(window)
    assert window.participants_model.rowCount() == 0
    assert not window.participants_dock.isVisible()
    assert not window.menu_actions.import_media.isEnabled()
    assert window.menu_actions.close_project.isEnabled()


def test_work_on_the_gui_thread_shows_the_busy_cursor_until_it_ends(make_window):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    window = make_window()
    seen = []

    def work():
        seen.append(QGuiApplication.overrideCursor().shape())
        raise RuntimeError("a bug")

    window.guarded(work)
    assert seen == [Qt.CursorShape.WaitCursor]
    assert QGuiApplication.overrideCursor() is None  # restored although it failed
    assert window.messages.errors  # and the failure is one message
