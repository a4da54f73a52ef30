"""The application entry point and its guard against uncaught exceptions."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import TaskState
from workbench.services.project import Project
from workbench.ui import app as app_module
from workbench.ui.excepthook import install_excepthook
from workbench.ui.main_window import MainWindow


def test_uncaught_exception_is_logged_and_shown_briefly(caplog):
    shown: list[str] = []
    restore = install_excepthook(shown.append)
    try:
        try:
            raise ValueError("bad frame index\nsecond line")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        sys.excepthook(WorkbenchError, WorkbenchError("The file moved."), None)
    finally:
        restore()
    assert shown == ["Unexpected error: ValueError: bad frame index", "The file moved."]
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)


def test_a_failing_notifier_does_not_raise(caplog):
    def broken(_text):
        raise RuntimeError("no window")

    restore = install_excepthook(broken)
    try:
        sys.excepthook(KeyError, KeyError("x"), None)  # must not raise
    finally:
        restore()


def test_run_app_opens_the_project_and_returns(qtbot, tmp_path, monkeypatch):
    Project.create(tmp_path / "study", name="Pilot").close()
    seen: list[str] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, text: seen.append(text))

    def close_windows():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                seen.append(widget.windowTitle())
                widget.close()

    QTimer.singleShot(0, close_windows)
    hook_before = sys.excepthook
    assert app_module.run_app(tmp_path / "study") == 0
    assert len(seen) == 1 and seen[0].startswith("Pilot — ")  # no error, the project was open
    assert sys.excepthook is hook_before  # the guard is removed when the loop ends


def test_closing_the_window_stops_running_tasks(qtbot, make_window, project):
    window = make_window(project)
    started = threading.Event()

    def long_task(progress=None, cancelled=None):
        state = TaskState(progress, cancelled)
        while True:
            started.set()
            state.check()
            threading.Event().wait(0.01)

    task = window.runner.run("Transcribing", long_task)
    assert started.wait(10)
    window.close()
    assert task.cancel_requested and window.runner._pool.activeThreadCount() == 0
    assert window.project is None


def test_smoke_run_quits_after_the_first_paint_and_says_what_it_showed(qtbot, tmp_path, capsys):
    Project.create(tmp_path / "study", name="Pilot").close()
    assert app_module.run_app(tmp_path / "study", smoke=True) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("window painted: Pilot — ")
    # a project that does not open is a failed smoke run (its message went to the status bar)
    assert app_module.run_app(tmp_path / "nowhere", smoke=True) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "window painted: workbench"
