"""Cycle collection in the tests, as in the application: never automatic, always on the GUI thread
between tests, and refusing the one kind of garbage that crashes it.

A live Qt object owned by Python that has children, left in a reference cycle, is deleted (and its
children with it) while the collector tears that cycle down; when a child's wrapper is in the same
cycle the process dies (seen with an undo stack's commands and a task runner's jobs). Such objects
must be freed by reference counting instead: the code keeps weak references back to their owners.
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget


def _dangerous(obj: object) -> bool:
    # Widgets are left out: every widget cycle the suite leaves (dialogs' trees, closed windows) was
    # freed between tests without harm when probed; the crashes came from non-widget owners.
    if not isinstance(obj, QObject) or isinstance(obj, QWidget):
        return False
    try:
        return shiboken6.isValid(obj) and shiboken6.ownedByPython(obj) and bool(obj.children())
    except RuntimeError:
        return False


def collect_checked() -> list[str]:
    """Collect every cycle; returns the names of live Python-owned Qt objects with children found in
    them (those are kept, never freed: freeing them is what crashes). Empty when all was freed."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
    finally:
        gc.set_debug(0)
    found = list(gc.garbage)
    gc.garbage.clear()
    dangerous = [o for o in found if _dangerous(o)]
    if dangerous:
        _KEPT.append(found)  # never freed: a reference outlives the cycle
        return sorted(f"{type(o).__module__}.{type(o).__qualname__}" for o in dangerous)
    del found
    gc.collect()  # nothing dangerous: now free them for real
    return []


_KEPT: list[list[object]] = []
