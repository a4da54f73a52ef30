"""The one Qt undo adapter: store commands run through the database worker, kept on a QUndoStack.

:class:`UndoableCommands` runs a :class:`Command` on the bus (``workbench.store.bus``) through
the :class:`~workbench.ui.db_worker.DatabaseWorker`; when its :class:`Change` comes back it goes on
the stack as a :class:`StoreCommand` (if it has an inverse) and out through ``changed``. Undo and
redo each run the inverse of the last outcome, on the worker thread, so a quick undo-redo-undo
runs in order whatever the GUI thread does meanwhile; each outcome goes out through ``changed``
too. The coding views and the video coder both use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import bus
from workbench.store.engine import Database
from workbench.ui.db_worker import DatabaseWorker, database_worker


class StoreCommand(QUndoCommand):
    """A change already made; undo and redo run its inverse (then that one's inverse, ...)."""

    def __init__(self, owner: UndoableCommands, db: Database, change: Change):
        super().__init__(change.description)
        self._owner, self._db = owner, db
        self._inverse = change.inverse  # read and replaced on the worker thread only, in job order
        self._broken = False
        self._done = True  # the action itself already ran: the push's redo() does nothing

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._swap()

    def undo(self) -> None:
        self._swap()

    def _swap(self) -> None:
        if self._broken:
            return  # obsolete: the stack drops it
        self._owner.worker.submit(self._run_inverse, self._owner._emit, self._failed)

    def _run_inverse(self) -> Change:
        """On the worker thread: run the inverse and keep the inverse of its outcome."""
        if self._broken or self._inverse is None:
            raise WorkbenchError("It can no longer be replayed.")
        try:
            change = bus.run(self._db, self._inverse)
        except Exception:
            self._broken = True
            raise
        self._inverse = change.inverse
        return change

    def _failed(self, message: str) -> None:
        self.setObsolete(True)
        self._owner.error.emit(f"Cannot undo/redo {self.text()}: {message}")


class UndoableCommands(QObject):
    """Runs store commands for a view (or the window) off the GUI thread, undoably, on one stack."""

    changed = Signal(object)  # every Change: the action's, and each undo's and redo's
    error = Signal(str)  # a refusal or failure, one message

    def __init__(
        self, db: Database | None = None, worker: DatabaseWorker | None = None, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.db, self.worker = db, worker or database_worker()
        self.stack = QUndoStack(self)

    def run(
        self,
        command: Command,
        on_done: Callable[[Change], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Submit ``command``; its change goes on the stack and out through ``changed``, then to
        ``on_done``; a refusal goes to ``error``, then to ``on_error``."""
        self.run_fn(lambda db: bus.run(db, command), on_done, on_error)

    def run_fn(
        self,
        fn: Callable[[Database], Change | None],
        on_done: Callable[[Change | None], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Like :meth:`run` for a service function ``fn(db) -> Change`` (one unit of work that is not
        a single bus command, e.g. pseudonymising a transcript); a None result (nothing to do) goes
        to ``on_done`` only."""
        db = self.db
        if db is None:
            raise WorkbenchError("No project is open.")

        def done(change: Change | None) -> None:
            if change is not None:
                if change.inverse is not None:
                    self.stack.push(StoreCommand(self, db, change))
                self._emit(change)
            if on_done is not None:
                on_done(change)

        def failed(message: str) -> None:
            self.error.emit(message)
            if on_error is not None:
                on_error(message)

        self.worker.submit(lambda: fn(db), done, failed)

    def perform(self, fn: Callable[..., Change | None], *args: Any, **kwargs: Any) -> Change | None:
        """Run ``fn(db, *args, **kwargs)`` on the worker and wait for its change (None when refused
        or nothing to do) while the GUI keeps handling events: for dialogs and menu commands that
        need the outcome before they go on. Views coding on the fly use :meth:`run`."""
        outcome: list[Change | None] = []
        loop = QEventLoop()

        def finish(change: Change | None) -> None:
            outcome.append(change)
            loop.quit()

        self.run_fn(lambda db: fn(db, *args, **kwargs), finish, lambda _m: finish(None))
        if not outcome:
            loop.exec()
        return outcome[0]

    def _emit(self, change: Change) -> None:
        self.changed.emit(change)

    def set_db(self, db: Database | None) -> None:
        """Work on another project (or none): the old undo history goes."""
        self.db = db
        self.stack.clear()
