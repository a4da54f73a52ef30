"""Run plain task functions (``workbench.model.tasks`` protocol) on worker threads, safely for the GUI.

A task function has the signature ``fn(*args, progress=..., cancelled=...)``. The runner calls it
on a thread of its own pool, or (``db_thread=True``: a task that writes the project, or reads much
of it) on the window's one :class:`~workbench.ui.db_worker.DatabaseWorker` thread, in turn with
the window's other database work, so no two threads ever write at once. It relays progress to the
GUI thread at most every :data:`PROGRESS_INTERVAL_S` seconds, lets the user cancel, and delivers
the result to ``on_done`` on the GUI thread. Failures never escape: a :class:`WorkbenchError` is reported by its message,
anything else as "Unexpected error: ..." with the traceback written to the log.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled
from workbench.ui.db_worker import DatabaseWorker
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1
_ids = itertools.count(1)


@dataclass(eq=False)
class Task:
    """A running (or finished) task as the GUI sees it."""

    label: str
    id: int = field(default_factory=lambda: next(_ids))
    fraction: float = 0.0
    message: str = ""
    state: str = "running"  # running | done | failed | cancelled
    error: str | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    def cancel(self) -> None:
        """Ask the task to stop; it stops at its next ``cancelled()`` check."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return self.state == "running"


@dataclass
class _Callbacks:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[str], None] | None


class _Job(QRunnable):
    """Calls the task function on a pool thread and hands the outcome to the runner's signals."""

    def __init__(self, runner: TaskRunner, task: Task, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self.setAutoDelete(False)  # the runner drops its reference once the outcome is delivered
        # the runner weakly: it holds this job until the outcome arrives, and a cycle between them
        # would leave the runner's C++ side to Python's cycle collector, which crashes deleting it
        self._runner = weakref.ref(runner)
        self._task, self._fn, self._args, self._kwargs = task, fn, args, kwargs
        self._last_emit = 0.0

    def _progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            runner = self._runner()
            if runner is not None:
                runner._progress_signal.emit(self._task, float(fraction), str(message))

    def run(self) -> None:
        outcome: tuple[str, object]
        try:
            result = self._fn(
                *self._args, progress=self._progress, cancelled=self._task._cancel.is_set, **self._kwargs
            )
        except Cancelled:
            outcome = ("cancelled", None)
        except WorkbenchError as exc:
            outcome = ("failed", str(exc) or "The task failed.")
        except BaseException as exc:  # noqa: BLE001 - a worker must never take the app down
            log.exception("Task %r failed", self._task.label)
            outcome = ("failed", short_message(exc))
        else:
            outcome = ("done", result)
        runner = self._runner()
        if runner is not None:
            runner._finished_signal.emit(self._task, outcome[0], outcome[1])


class TaskRunner(QObject):
    """Starts tasks on worker threads; all signals and callbacks arrive on the GUI thread."""

    task_started = Signal(object)  # Task
    task_progressed = Signal(object)  # Task (fraction and message updated)
    task_finished = Signal(object)  # Task (state is done, failed or cancelled)
    error = Signal(str)  # a message for the user

    _progress_signal = Signal(object, float, str)
    _finished_signal = Signal(object, str, object)

    def __init__(
        self, parent: QObject | None = None, max_threads: int = 2, db_worker: DatabaseWorker | None = None
    ):
        super().__init__(parent)
        self.db_worker = db_worker
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._jobs: dict[Task, tuple[_Job, _Callbacks]] = {}
        self._progress_signal.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._finished_signal.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        label: str,
        fn: Callable,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        db_thread: bool = False,
        **kwargs: Any,
    ) -> Task:
        """Start ``fn(*args, progress=..., cancelled=..., **kwargs)``; returns its :class:`Task`.

        ``on_done(result)`` runs on the GUI thread after success; ``on_error(message)`` (if
        given) after a failure, in addition to the :attr:`error` signal. ``db_thread=True`` runs it
        on the database worker (when the runner has one) instead of the pool.
        """
        task = Task(label)
        job = _Job(self, task, fn, args, kwargs)
        self._jobs[task] = (job, _Callbacks(on_done, on_error))
        self.task_started.emit(task)
        if db_thread and self.db_worker is not None:
            self.db_worker.submit(job.run)
        else:
            self._pool.start(job)
        return task

    def tasks(self) -> list[Task]:
        """Tasks still running."""
        return list(self._jobs)

    def cancel_all(self) -> None:
        for task in self._jobs:
            task.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every task and wait for the workers; True when they all stopped in time."""
        self.cancel_all()
        pool_done = self._pool.waitForDone(timeout_ms)
        return (self.db_worker is None or self.db_worker.wait_idle(timeout_ms)) and pool_done

    def _on_progress(self, task: Task, fraction: float, message: str) -> None:
        if task in self._jobs:
            task.fraction, task.message = min(1.0, max(0.0, fraction)), message
            self.task_progressed.emit(task)

    def _on_finished(self, task: Task, state: str, payload: Any) -> None:
        _job, callbacks = self._jobs.pop(task, (None, _Callbacks(None, None)))
        task.state = state
        if state == "done":
            task.fraction = 1.0
        elif state == "failed":
            task.error = payload
        self.task_finished.emit(task)
        try:
            if state == "done" and callbacks.on_done is not None:
                callbacks.on_done(payload)
            elif state == "failed":
                if callbacks.on_error is not None:
                    callbacks.on_error(payload)
                self.error.emit(payload)
        except WorkbenchError as exc:
            self.error.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a callback bug is reported, not fatal
            log.exception("Callback of task %r failed", task.label)
            self.error.emit(short_message(exc))
