"""Undo/redo of every coding action: a QUndoStack over the store's invertible commands.

A store action runs once (``perform``); its :class:`UndoableChange` goes on the stack as a
:class:`StoreCommand`, whose undo runs the change's inverse and keeps the inverse of *that* for
the redo, and so on. Each outcome goes to the window (``apply_change``) so every view refreshes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.model.errors import WorkbenchError
from workbench.store import commands
from workbench.store.commands import UndoableChange
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)


class StoreCommand(QUndoCommand):
    def __init__(
        self, db, change: UndoableChange, on_change: Callable[[object], None], on_error: Callable[[str], None]
    ):
        super().__init__(change.description)
        self._db, self._inverse = db, change.inverse
        self._on_change, self._on_error = on_change, on_error
        self._done = True  # the action itself already ran

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._swap()

    def undo(self) -> None:
        self._swap()

    def _swap(self) -> None:
        try:
            change = commands.run(self._db, self._inverse)
        except WorkbenchError as exc:
            self._fail(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - an undo must never take the window down
            log.exception("Undo/redo failed")
            self._fail(short_message(exc))
            return
        self._inverse = change.inverse
        self._on_change(change)

    def _fail(self, message: str) -> None:
        self.setObsolete(True)  # the stack drops a command that can no longer be replayed
        self._on_error(f"Cannot undo/redo {self.text()}: {message}")


class UndoableActions(QObject):
    """Runs store actions for the window and keeps them undoable on one stack."""

    def __init__(self, window, parent: QObject | None = None):
        super().__init__(parent or window)
        self.window = window
        self.stack = QUndoStack(self)

    @property
    def db(self):
        return self.window.project.db

    def perform(self, fn: Callable[..., UndoableChange], *args, **kwargs) -> UndoableChange | None:
        """Run ``fn(db, *args, **kwargs)``; on success put it on the stack and show its change."""
        change = self.window.guarded(lambda: fn(self.db, *args, **kwargs))
        if change is None:
            return None
        if getattr(change, "inverse", None) is not None:
            self.stack.push(StoreCommand(self.db, change, self.window.apply_change, self.window.show_error))
        self.window.apply_change(change)
        return change

    def clear(self) -> None:
        self.stack.clear()
