"""TaskRunner: progress reaches the GUI thread, results reach on_done, failures become messages."""

from __future__ import annotations

import threading

import pytest

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import TaskState
from workbench.ui.runner import TaskRunner
from workbench.ui.task_panel import TaskPanel


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    errors: list[str] = []
    runner.error.connect(errors.append)
    runner.errors = errors
    yield runner
    runner.shutdown()


def counting(n, progress=None, cancelled=None):
    state = TaskState(progress, cancelled)
    for i in range(n):
        state.check()
        state.report((i + 1) / n, f"step {i + 1}")
    return {"steps": n, "thread": threading.current_thread().name}


def test_task_reports_progress_and_calls_on_done(qtbot, runner):
    results, progressed = [], []
    runner.task_progressed.connect(lambda task: progressed.append((task.fraction, task.message)))
    task = runner.run("Counting", counting, 5, on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results[0]["steps"] == 5
    assert results[0]["thread"] != threading.current_thread().name  # ran off the GUI thread
    assert progressed and progressed[0][1].startswith("step")  # the first report always gets through
    assert task.state == "done" and task.fraction == 1.0
    assert runner.tasks() == [] and runner.errors == []


def test_workbench_error_is_shown_as_its_message(qtbot, runner):
    def broken(progress=None, cancelled=None):
        raise WorkbenchError("moviepy.mp4 is not a media file.")

    failed, done = [], []
    task = runner.run("Broken", broken, on_done=done.append, on_error=failed.append)
    qtbot.waitUntil(lambda: bool(runner.errors), timeout=10_000)
    assert runner.errors == ["moviepy.mp4 is not a media file."]
    assert failed == runner.errors and done == []
    assert task.state == "failed"


def test_unexpected_error_is_short_and_logged(qtbot, runner, caplog):
    def buggy(progress=None, cancelled=None):
        return {}["missing"]

    runner.run("Buggy", buggy)
    qtbot.waitUntil(lambda: bool(runner.errors), timeout=10_000)
    assert runner.errors == ["Unexpected error: KeyError: 'missing'"]
    assert "Traceback" not in runner.errors[0]
    assert any(r.exc_info for r in caplog.records if "Buggy" in r.getMessage())


def test_failing_on_done_is_reported_not_raised(qtbot, runner):
    def bad_callback(_result):
        raise RuntimeError("view went away")

    runner.run("Counting", counting, 1, on_done=bad_callback)
    qtbot.waitUntil(lambda: bool(runner.errors), timeout=10_000)
    assert runner.errors == ["Unexpected error: RuntimeError: view went away"]


def test_cancel_stops_a_task_that_checks(qtbot, runner):
    started = threading.Event()

    def endless(progress=None, cancelled=None):
        state = TaskState(progress, cancelled)
        while True:
            started.set()
            state.check()
            threading.Event().wait(0.01)

    done, finished = [], []
    runner.task_finished.connect(finished.append)
    task = runner.run("Endless", endless, on_done=done.append)
    assert started.wait(10)
    task.cancel()
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert task.state == "cancelled" and done == [] and runner.errors == []


def test_task_panel_lists_running_tasks_and_cancels(qtbot, runner):
    panel = TaskPanel(runner)
    qtbot.addWidget(panel)
    release = threading.Event()

    def waiting(progress=None, cancelled=None):
        state = TaskState(progress, cancelled)
        while not release.is_set():
            state.check()
            threading.Event().wait(0.01)

    task = runner.run("Transcribing P001", waiting)
    row = panel.row(task)
    assert row is not None and row.label.text() == "Transcribing P001"
    row.cancel_button.click()
    assert task.cancel_requested
    qtbot.waitUntil(lambda: not panel.rows(), timeout=10_000)
    assert task.state == "cancelled"
