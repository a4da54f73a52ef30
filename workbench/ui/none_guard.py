"""A guard against a PySide6 6.12.0 bug on Python 3.11: every call of a Qt function that returns
nothing (``QPainter.fillRect``, ``QLabel.setText``, ``processEvents`` …) drops one reference to
``None`` that it never took. After some hundred thousand such calls (a minute or two of video
playback) ``None``'s count reaches zero and the interpreter aborts with "deallocating None".

From Python 3.12 on ``None`` is immortal and this module does nothing. On 3.11, :func:`install`
tops the count up by a large reserve and a timer restores the reserve a few times a second. The
real fix is a PySide6 release without the bug, or Python 3.12+. ``True`` and ``False`` lose
references the same way on some paths (signals carrying a bool), so they are guarded too.
"""
from __future__ import annotations

import ctypes
import sys
from typing import Optional

from PySide6.QtCore import QObject, QTimer

RESERVE = 50_000_000
INTERVAL_MS = 250
NEEDED = sys.version_info < (3, 12) and sys.implementation.name == "cpython"


GUARDED = (None, True, False)


def _add_references(obj: object, n: int) -> None:
    """Add ``n`` to an object's reference count (CPython's ``ob_refcnt`` is its first field)."""
    count = ctypes.c_ssize_t.from_address(id(obj))
    count.value += n


class NoneGuard(QObject):
    """Keeps the reference counts of None, True and False at least ``RESERVE`` above their start."""

    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.floors = [sys.getrefcount(obj) + RESERVE for obj in GUARDED]
        self.topped_up = 0
        self.check()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @property
    def floor(self) -> int:
        """None's floor."""
        return self.floors[0]

    def check(self) -> None:
        for obj, floor in zip(GUARDED, self.floors):
            missing = floor - sys.getrefcount(obj)
            if missing > 0:
                _add_references(obj, missing)
                self.topped_up += missing


def install(parent: Optional[QObject] = None) -> Optional[NoneGuard]:
    """Start the guard where the bug can bite (CPython < 3.12); None elsewhere."""
    return NoneGuard(parent) if NEEDED else None
