"""Python's cycle collector, run on the GUI thread only, between events.

Left automatic, the collector runs on whichever thread happens to allocate when its threshold is
crossed: a database or transcription worker, or the GUI thread in the middle of painting. Freeing
Qt objects there (pixmaps and icons belong to the GUI thread; a Qt object's C++ side may be in use
further up the stack) can crash the process. So the application turns automatic collection off
(a threshold of 0, which holds even when a library calls ``gc.enable()``, as srsly does for
spaCy) and collects from a timer on the GUI thread, where no Qt call is under way. Reference
counting still frees everything that is not in a cycle at once; the code keeps Qt objects out of
cycles (weak references back to owners), see ``tests/ui/test_qt_cycles.py``.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 3_000  # often enough that cycles never pile up; each collection takes milliseconds


def collect_now() -> int:
    """One full collection on the calling (GUI) thread; returns how many objects it freed."""
    return gc.collect()


def stop_automatic_collection() -> None:
    """No collection is started by allocation any more, on any thread."""
    gc.disable()
    gc.set_threshold(0)


def collect_on_gui_thread(app: QObject, interval_ms: int = INTERVAL_MS) -> QTimer:
    """Turn automatic collection off and collect every ``interval_ms`` from the event loop of
    ``app``'s (the GUI) thread; returns the timer (a child of ``app``)."""
    stop_automatic_collection()
    timer = QTimer(app)
    timer.setObjectName("CycleCollector")
    timer.timeout.connect(collect_now)
    timer.start(interval_ms)
    return timer
