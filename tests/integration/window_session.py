"""One window session, as a user would have it, for ``test_no_telemetry``: ``python window_session.py PROJECT``.

Opens the window on the project through ``workbench open``, opens the first audio recording's
transcript and the first video, lets the event loop run a moment (media decoding, plots, timers),
then closes the window. Exits 0 when all of that worked, non-zero (with the error) otherwise.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench.cli import main
from workbench.store import participants
from workbench.ui.app import application
from workbench.ui.main_window import MainWindow

SETTLE_MS = 1500  # the event loop runs this long with the views open before the window closes
WAIT_MS = 30_000  # how long the project may take to open

failures: list[str] = []


def _window() -> MainWindow | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return shown[0] if shown and shown[0].project is not None else None


def open_views(waited_ms: int = 0) -> None:
    try:
        window = _window()
        if window is None:
            assert waited_ms < WAIT_MS, "the project did not open"
            QTimer.singleShot(100, lambda: open_views(waited_ms + 100))
            return
        assert window.project is not None
        media = [m for p in participants.list_participants(window.project.db) for m in p.media]
        audio = next(m for m in media if m.kind == "audio")
        video = next(m for m in media if m.kind == "video")
        assert window.transcripts.media_activated(audio) is not None, "no transcript opened"
        assert window.video_coding.open_media(video) is not None, "no video opened"
        QTimer.singleShot(SETTLE_MS, window.close)
    except Exception:
        failures.append(traceback.format_exc())
        QApplication.exit(3)


if __name__ == "__main__":
    application()  # the one the window will use, so the timer has an event loop to run in
    QTimer.singleShot(0, open_views)
    code = main(["open", sys.argv[1]])
    print("".join(failures), file=sys.stderr)
    sys.exit(1 if failures else code)
