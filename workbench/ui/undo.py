"""The one Qt undo adapter: store commands run through the database worker, kept on a QUndoStack.

:class:`UndoableCommands` runs a :class:`Command` on the bus (``workbench.store.bus``) through
the :class:`~workbench.ui.db_worker.DatabaseWorker` and goes on the stack at once as a
:class:`StoreCommand`; when its :class:`Change` comes back it goes out through ``changed`` (and
off the stack again if it failed or cannot be undone). Undo and redo each run the inverse of the
last outcome, on the worker thread, so a quick key press, undo, redo, undo runs in order whatever
the GUI thread does meanwhile; each outcome goes out through ``changed`` too. The coding views and
the video coder both use it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import bus
from workbench.store.engine import Database
from workbench.ui.db_worker import DatabaseWorker, database_worker


class StoreCommand(QUndoCommand):
    """One user action on the stack: pushed when it is submitted (so an undo pressed before it is
    saved undoes it, not the one before); undo and redo run its inverse, then that one's, ...

    Its inverse is read and replaced on the worker thread only, in job order: the action's own job
    sets it before any undo job can run. An action that fails (or cannot be undone) drops out."""

    def __init__(self, owner: UndoableCommands, db: Database, text: str):
        super().__init__(text)
        # weakly: the owner's stack holds this command, so a strong reference back would make a
        # cycle, and Python's cycle collector deleting the owner's C++ side (and with it this
        # command's) while tearing the cycle down crashes the process
        self._owner_ref, self._db = weakref.ref(owner), db
        self._worker = owner.worker
        self._inverse: Command | None = None
        self._dropped = False  # the action failed or has no inverse: nothing to replay
        self._broken = False  # an undo or redo failed: it cannot be replayed any more
        self._done = True  # push() calls redo(): the action runs as its own job instead

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._swap()

    def undo(self) -> None:
        self._swap()

    def _swap(self) -> None:
        if not (self._broken or self._dropped):
            self._worker.submit(self._run_inverse, self._replayed, self._failed)

    def _ran(self, change: Change | None) -> None:
        """On the worker thread, in the action's own job: keep what undoes it."""
        self._inverse = change.inverse if change is not None else None
        self._dropped = self._inverse is None

    def _run_inverse(self) -> Change | None:
        """On the worker thread: run the inverse and keep the inverse of its outcome."""
        if self._dropped:
            return None
        if self._broken or self._inverse is None:
            raise WorkbenchError("it can no longer be replayed.")
        try:
            change = bus.run(self._db, self._inverse)
        except Exception:
            self._broken = True
            raise
        self._inverse = change.inverse
        return change

    def _owner(self) -> UndoableCommands | None:
        """The adapter whose stack holds this command, while it is alive."""
        owner = self._owner_ref()
        return owner if owner is not None and shiboken6.isValid(owner) else None

    def _replayed(self, change: Change | None) -> None:
        owner = self._owner()
        if change is not None and owner is not None:
            owner._emit(change)

    def _failed(self, message: str) -> None:
        owner = self._owner()
        if owner is None:
            return
        if shiboken6.isValid(self):  # the stack may have dropped it meanwhile
            self.setObsolete(True)
        owner.error.emit(f"Cannot undo/redo {self.text()}: {message}")

    def drop(self, stack: QUndoStack) -> None:
        """(GUI thread) the action failed or cannot be undone: take it off the stack."""
        self._dropped = True
        self.setObsolete(True)
        if stack.index() > 0 and stack.command(stack.index() - 1) is self:
            stack.undo()  # an obsolete command is deleted by the undo that finds it on top


class UndoableCommands(QObject):
    """Runs store commands for a view (or the window) off the GUI thread, undoably, on one stack."""

    changed = Signal(object)  # every Change: the action's, and each undo's and redo's
    error = Signal(str)  # a refusal or failure, one message

    def __init__(
        self,
        db: Database | None = None,
        worker: DatabaseWorker | None = None,
        parent: QObject | None = None,
        stack: QUndoStack | None = None,
    ):
        """``stack``: a view's own stack to share (the transcript editor's store actions sit on the
        stack of its text edits, so Ctrl+Z undoes whichever came last); by default one of its own."""
        super().__init__(parent)
        self.db, self.worker = db, worker or database_worker()
        self.stack = stack if stack is not None else QUndoStack(self)

    def run(
        self,
        command: Command,
        on_done: Callable[[Change], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Submit ``command``; its change goes on the stack and out through ``changed``, then to
        ``on_done``; a refusal goes to ``error``, then to ``on_error``."""

        def done(change: Change | None) -> None:
            if on_done is not None and change is not None:  # a bus command always returns a change
                on_done(change)

        self.run_fn(lambda db: bus.run(db, command), done, on_error, _text(command))

    def run_fn(
        self,
        fn: Callable[[Database], Change | None],
        on_done: Callable[[Change | None], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        text: str = "Change",
    ) -> None:
        """Like :meth:`run` for a service function ``fn(db) -> Change`` (one unit of work that is not
        a single bus command, e.g. pseudonymising a transcript); a None result (nothing to do) goes
        to ``on_done`` only."""
        db = self.db
        if db is None:
            raise WorkbenchError("No project is open.")
        command = StoreCommand(self, db, text)
        self.stack.push(command)

        def job() -> Change | None:
            try:
                change = fn(db)
            except BaseException:
                command._ran(None)
                raise
            command._ran(change)
            return change

        def done(change: Change | None) -> None:
            if not shiboken6.isValid(self):
                return  # the view that asked is closed: its change is saved, nothing to show
            if not shiboken6.isValid(command):  # a new action cleared it from the redo end meanwhile
                pass
            elif change is None or change.inverse is None:
                command.drop(self.stack)
            else:
                command.setText(change.description)
            if change is not None:
                self._emit(change)
            if on_done is not None:
                on_done(change)

        def failed(message: str) -> None:
            if not shiboken6.isValid(self):
                return
            if shiboken6.isValid(command):
                command.drop(self.stack)
            self.error.emit(message)
            if on_error is not None:
                on_error(message)

        self.worker.submit(job, done, failed)

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


def _text(command: Command) -> str:
    """What the undo action says until the change's own description comes back."""
    return command.name.replace("_", " ").capitalize()
