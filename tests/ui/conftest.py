"""Fixtures for widget tests: offscreen Qt, private QSettings, a project, captured messages."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from tests.qt_garbage import collect_checked  # noqa: E402
from workbench.services.project import Project  # noqa: E402


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory, monkeypatch):
    """QSettings of any format and scope go to a temporary folder, under a test organisation."""
    folder = tmp_path_factory.mktemp("qsettings")
    monkeypatch.setenv("WORKBENCH_SETTINGS_ORG", "workbench-tests")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder))


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "study", name="COS-P study")
    yield project
    project.close()


@pytest.fixture
def jfk(shared_media) -> Path:
    return shared_media / "speech" / "whisper_jfk.flac"


@pytest.fixture
def fire_video(shared_media) -> Path:
    return shared_media / "video" / "moviepy_fire2.mp4"


class Messages:
    """What a window said to the user, instead of modal boxes."""

    def __init__(self):
        self.errors: list[str] = []
        self.infos: list[str] = []


@pytest.fixture
def make_window(qtbot, monkeypatch):
    """Build a MainWindow whose message boxes are captured in ``window.messages``."""
    from workbench.ui.main_window import MainWindow

    windows = []

    def make(project=None):
        messages = Messages()
        monkeypatch.setattr(MainWindow, "show_error", lambda self, text: messages.errors.append(text))
        monkeypatch.setattr(MainWindow, "show_info", lambda self, text: messages.infos.append(text))
        window = MainWindow(project)
        window.messages = messages
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.runner.shutdown()


@pytest.fixture(autouse=True)
def cycles_freed_safely():
    """After each window test (its windows closed), collect cycles on the GUI thread, as the
    application does; a live Qt object with children left in a cycle fails the test (see
    tests/qt_garbage.py): freeing it that way is what crashed the process."""
    yield
    dangerous = collect_checked()
    assert not dangerous, f"Qt objects with children left in reference cycles: {dangerous}"
