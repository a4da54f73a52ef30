"""Qt objects stay out of reference cycles, so reference counting frees them on the thread and at
the moment their owner lets go; the cycle collector, which crashed the process tearing such cycles
down (an undo stack's commands, a task runner's jobs), never has to."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject

from tests.qt_garbage import collect_checked
from tests.ui.coding_setup import build, settled
from workbench.model.records import Command
from workbench.ui.runner import TaskRunner
from workbench.ui.undo import UndoableCommands


def test_the_check_finds_a_qt_object_with_children_in_a_cycle(qapp):
    parent = QObject()
    QObject(parent)  # a child, owned by the parent's C++ side
    parent.me = parent  # a cycle only the collector can free
    del parent
    assert collect_checked() == ["PySide6.QtCore.QObject"]


def test_undo_adapter_and_its_commands_are_freed_without_the_collector(qapp, project):
    collect_checked()  # what earlier tests left
    study = build(project)
    commands = UndoableCommands(study.db)
    errors: list[str] = []
    commands.error.connect(errors.append)
    args = {"transcript_id": study.transcripts["P001"], "coder_id": study.lead, "start": 0, "end": 5}
    commands.run(Command("apply_code", {**args, "code_id": study.codes["Anxiety"]}))
    commands.run(Command("apply_code", {**args, "code_id": study.codes["Feelings"]}))  # refused: dropped
    settled()
    commands.stack.undo()
    settled()
    commands.stack.redo()
    settled()
    qapp.processEvents()
    assert len(errors) == 1
    freed = weakref.ref(commands)
    del commands
    assert freed() is None  # by reference counting: the cycle collector is off


def test_task_runner_and_its_jobs_are_freed_without_the_collector(qapp, qtbot):
    collect_checked()  # what earlier tests left
    runner = TaskRunner()
    done = []
    task = runner.run("adding", lambda progress, cancelled: 1 + 1, on_done=done.append)
    qtbot.waitUntil(lambda: done == [2], timeout=5_000)
    assert task.state == "done"
    runner.shutdown()
    freed = weakref.ref(runner)
    del runner, task
    assert freed() is None  # by reference counting: the cycle collector is off
