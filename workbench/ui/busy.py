"""The busy cursor while the GUI thread works on something the user asked for (opening Retrieval,
a transcript, a video): the pointer says "wait" at once, and is back however the work ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QGuiApplication


@contextmanager
def busy_cursor() -> Iterator[None]:
    """Show the wait cursor for the duration of the block (nested blocks are fine)."""
    QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
