"""The first page without a project: the demo project, a new project, a folder, the team project."""

from __future__ import annotations

from workbench.services.project import PROJECT_FILE
from workbench.ui import project_ops


def _start_buttons(window) -> list[str]:
    page = window.welcome
    return [b.defaultAction().text() for b in page._start if b.isVisibleTo(page)]


def test_the_welcome_page_offers_demo_new_open_and_team(make_window, project):
    window = make_window()
    assert _start_buttons(window) == [
        "Open the &demo project",
        "&New project…",
        "&Open project…",
        "Connect to &team project…",
    ]
    window.set_project(project)
    assert _start_buttons(window) == []


def test_the_demo_is_made_off_the_gui_thread_then_opened(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # from a checkout the demo goes to ./projects/demo
    window = make_window()
    task = window.open_demo()
    assert task is not None and window.project is None  # still being made
    qtbot.waitUntil(lambda: window.project is not None or bool(window.messages.errors), timeout=60_000)
    assert not window.messages.errors
    assert (tmp_path / "projects" / "demo" / PROJECT_FILE).is_file()
    assert window.project.name == "COS-P demo" and not window.messages.errors
    window.close_project()
    assert window.open_demo() is None and window.project is not None  # the second time it just opens


def test_new_projects_go_to_the_users_projects_folder_outside_a_checkout(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert project_ops.default_location(settings) == tmp_path / "data" / "workbench" / "projects"
    (tmp_path / "projects").mkdir()
    assert project_ops.default_location(settings) == tmp_path / "projects"
