"""A last-resort guard: an exception that reaches the event loop is logged and shown briefly."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("workbench.ui")

Notify = Callable[[str], None]


def short_message(exc: BaseException) -> str:
    """ "Unexpected error: Type: first line" for the user; the traceback goes to the log."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    return f"Unexpected error: {type(exc).__name__}" + (f": {first}" if first else "")


def install_excepthook(notify: Notify) -> Callable[[], None]:
    """Route uncaught exceptions to the log and ``notify``; returns a function that undoes it."""
    previous = sys.excepthook
    busy = False

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal busy
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        log.error("Uncaught exception", exc_info=(kind, exc, tb))
        if busy:  # an error while showing an error: log only
            return
        busy = True
        try:
            from workbench.model.errors import WorkbenchError

            notify(str(exc) if isinstance(exc, WorkbenchError) else short_message(exc))
        except Exception:  # noqa: BLE001 - never raise from the hook
            log.exception("Could not show the error")
        finally:
            busy = False

    sys.excepthook = hook

    def restore() -> None:
        sys.excepthook = previous

    return restore
