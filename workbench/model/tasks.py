"""Qt-free protocol for long work: a plain function takes a progress callback and a cancel check.

A long function has the signature ``f(..., progress=None, cancelled=None)`` where
``progress(fraction, message)`` receives a fraction in [0, 1] and a short message, and
``cancelled()`` returns True when the user asked to stop. Use :class:`TaskState` inside:

    state = TaskState(progress, cancelled)
    for i, item in enumerate(items):
        state.check()                       # raises Cancelled
        state.report(i / len(items), f"Item {i + 1} of {len(items)}")

Tests pass plain lambdas; the Qt runner in ``workbench.ui.runner`` passes thread-safe ones.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


class Cancelled(Exception):
    """Raised inside a task when the user cancelled it; the task leaves no partial result."""


def _no_progress(fraction: float, message: str) -> None:
    return None


def _never_cancelled() -> bool:
    return False


class TaskState:
    """Wraps the optional callbacks so task code never checks for None."""

    def __init__(self, progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> None:
        self.progress: ProgressFn = progress or _no_progress
        self.cancelled: CancelFn = cancelled or _never_cancelled

    def report(self, fraction: float, message: str = "") -> None:
        self.progress(min(1.0, max(0.0, fraction)), message)

    def check(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def sub(self, start: float, end: float) -> TaskState:
        """A state whose 0..1 progress maps to start..end of this one (for a step of a larger task)."""
        return TaskState(scaled_progress(self.progress, start, end), self.cancelled)


def scaled_progress(progress: ProgressFn, start: float, end: float) -> ProgressFn:
    """Map a sub-task's 0..1 progress onto ``start..end`` of the parent's."""

    def relay(fraction: float, message: str) -> None:
        progress(start + (end - start) * min(1.0, max(0.0, fraction)), message)

    return relay
