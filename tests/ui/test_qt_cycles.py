"""Qt objects stay out of reference cycles, so reference counting frees them on the thread and at
the moment their owner lets go; the cycle collector, which crashed the process tearing such cycles
down (an undo stack's commands, a task runner's jobs), never has to."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from tests.qt_garbage import collect_checked
from tests.ui.coding_setup import build, settled
from workbench.model.records import Command
from workbench.ui.runner import TaskRunner, _Job
from workbench.ui.undo import StoreCommand, UndoableCommands


def _left_in_cycles(kinds: tuple[type, ...]) -> list[str]:
    """Objects of ``kinds`` that only the cycle collector would free (kept aside, never freed)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
    finally:
        gc.set_debug(0)
    found = [type(o).__name__ for o in gc.garbage if isinstance(o, kinds)]
    kept.append(list(gc.garbage))
    gc.garbage.clear()
    return found


kept: list[list[object]] = []


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
    del commands
    assert _left_in_cycles((UndoableCommands, StoreCommand)) == []


def test_task_runner_and_its_jobs_are_freed_without_the_collector(qapp, qtbot):
    collect_checked()  # what earlier tests left
    runner = TaskRunner()
    done = []
    task = runner.run("adding", lambda progress, cancelled: 1 + 1, on_done=done.append)
    qtbot.waitUntil(lambda: done == [2], timeout=5_000)
    assert task.state == "done"
    runner.shutdown()
    del runner, task
    assert _left_in_cycles((TaskRunner, _Job)) == []
