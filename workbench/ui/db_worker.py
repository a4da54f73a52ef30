"""The window's one database thread: every write (and long read) of the window runs here, in order.

Anki's single collection thread is the model. The GUI thread never opens a transaction: it submits
a job (``submit(fn, on_done, on_error)``) and goes on; the worker runs the jobs one at a time, in
the order they came (FIFO, so an undo runs after the action it undoes), and hands each outcome
back to the GUI thread by a queued signal: ``on_done(result)``, or ``on_error(message)`` with one
short message (a :class:`WorkbenchError`'s text, anything else as "Unexpected error: ..." with the
traceback in the log, never on screen). A pool thread that must write (a long task's database
step) calls :meth:`DatabaseWorker.call`, which waits for its turn on the same thread.

The thread is a Python daemon thread rather than a ``QThread``: it holds no Qt object, so closing
the application while a job runs can never abort the process ("QThread destroyed while running").
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QThread, QTimer, Signal

from workbench.model.errors import WorkbenchError
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Job:
    fn: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[str], None] | None
    deliver: bool = True  # False for call(): the waiting pool thread takes the outcome itself


class DatabaseWorker(QObject):
    """One thread, one FIFO queue of database jobs; outcomes arrive on the GUI thread."""

    error = Signal(str)  # a failed job without its own on_error
    _finished = Signal(object, bool, object)  # job, ok, result or message (from the worker thread)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._pending = 0  # submitted and not yet delivered (GUI thread only)
        self._posted = threading.Event()  # set after each outcome is posted to the GUI thread
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._loop, name="database-worker", daemon=True)
        self._thread.start()

    # --- from the GUI thread -------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``fn()`` on the database thread after every job submitted before it."""
        self._pending += 1
        self._jobs.put(_Job(fn, on_done, on_error))

    def wait_for(self, fn: Callable[[], Any], timeout_ms: int = 60_000) -> Any:
        """Run ``fn()`` on the database thread, in turn, and return its result (or raise its error
        as a :class:`WorkbenchError`) while the GUI keeps handling events: for one-off steps a
        dialog or an opening view needs before it goes on (never for coding on the fly)."""
        outcome: list[tuple[bool, Any]] = []
        loop = QEventLoop()

        def finish(ok: bool, payload: Any) -> None:
            outcome.append((ok, payload))
            loop.quit()

        self.submit(fn, lambda result: finish(True, result), lambda message: finish(False, message))
        if not outcome:
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
        if not outcome:
            raise WorkbenchError("The database is still busy; try again in a moment.")
        ok, payload = outcome[0]
        if not ok:
            raise WorkbenchError(payload)
        return payload

    @property
    def busy(self) -> bool:
        """Jobs are queued, running, or their outcome is not delivered yet."""
        return self._pending > 0

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Deliver outcomes until no job is left, including jobs the callbacks submit (tests, and
        closing a project); other events wait for the event loop. True when idle in time."""
        deadline = time.monotonic() + timeout_ms / 1000
        while self._pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._posted.wait(min(left, 0.05))  # woken as soon as an outcome is posted
            self._posted.clear()
            # only the outcomes: paints and timers wait for the event loop, as they would anyway
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return True

    # --- from other threads --------------------------------------------------------------------
    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()`` on the database thread and return its result (or raise its error) to a
        pool thread. Refused on the GUI thread, which must never wait for the database."""
        if threading.current_thread() is self._thread:
            return fn()
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            raise RuntimeError("The GUI thread must submit database work, not wait for it.")
        future: Future = Future()
        self._jobs.put(_Job(lambda: _into(future, fn), None, None, deliver=False))
        return future.result()

    # --- the thread ------------------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                ok, payload = True, job.fn()
            except WorkbenchError as exc:
                ok, payload = False, str(exc) or "The database refused this."
            except Exception as exc:  # noqa: BLE001 - the worker must survive any job
                log.exception("Database job failed")
                ok, payload = False, short_message(exc)
            if not job.deliver:
                continue
            try:
                self._finished.emit(job, ok, payload)
            except RuntimeError:  # the worker object is gone (the application is closing)
                return
            self._posted.set()

    def _deliver(self, job: _Job, ok: bool, payload: Any) -> None:
        self._pending -= 1
        try:
            if ok and job.on_done is not None:
                job.on_done(payload)
            elif not ok:
                (job.on_error or self.error.emit)(payload)
        except WorkbenchError as exc:
            self.error.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a callback bug is reported, not fatal
            log.exception("Delivering a database result failed")
            self.error.emit(short_message(exc))


def _into(future: Future, fn: Callable[[], Any]) -> None:
    """Run ``fn`` for a waiting pool thread: its result or its error goes into ``future``."""
    try:
        future.set_result(fn())
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        future.set_exception(exc)


_shared: DatabaseWorker | None = None


def database_worker() -> DatabaseWorker:
    """The application's database worker (made on first use, on the GUI thread)."""
    global _shared
    if _shared is None:
        _shared = DatabaseWorker()
        app = QCoreApplication.instance()
        if app is not None and _shared.thread() is not app.thread():
            _shared.moveToThread(app.thread())
    return _shared
