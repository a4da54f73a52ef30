"""Start the graphical application: ``run_app(project_folder=None, db_url=None, media_root=None)``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from workbench.services import recent
from workbench.ui.collector import collect_on_gui_thread
from workbench.ui.excepthook import install_excepthook
from workbench.ui.main_window import MainWindow
from workbench.ui.settings import APP_NAME, organisation

LOG_FILE = "workbench.log"


def _setup_logging() -> None:
    """Log to ``<config dir>/workbench.log`` unless logging is configured already."""
    root = logging.getLogger()
    if root.handlers:
        return
    folder = recent.config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / LOG_FILE, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named for QSettings."""
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(argv if argv is not None else sys.argv[:1])
    )
    app.setOrganizationName(organisation())
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    if app.findChild(QTimer, "CycleCollector") is None:
        collect_on_gui_thread(app)  # cycles are freed on the GUI thread, between events
    return app


class FirstPaint(QObject):
    """Quits the application once ``window`` (or a widget in it) has painted: ``--smoke``."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window, self.painted = window, False
        self.title, self.had_project = "", False  # as painted (quitting closes the window and its project)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            not self.painted
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.painted = True
            self.title, self.had_project = self.window.windowTitle(), self.window.project is not None
            QTimer.singleShot(0, self.window.close)  # the last window closed ends app.exec()
        return False


def run_app(
    project_folder: Path | None = None,
    db_url: str | None = None,
    media_root: Path | None = None,
    smoke: bool = False,
) -> int:
    """Show the main window (opening a project folder or database URL if given) until it closes.

    ``smoke``: quit once the window has painted, print one line saying what it showed, and return
    1 when the project asked for did not open (CI and ``bench/bundle_start.py`` use it)."""
    _setup_logging()
    app = application()
    window = MainWindow()
    restore_hook = install_excepthook(window.show_error)
    first_paint = FirstPaint(window)
    try:
        if smoke:
            window.show_error = window.show_status  # type: ignore[method-assign]  # no modal box
            app.installEventFilter(first_paint)
        if project_folder is not None:
            window.open_project_folder(Path(project_folder))
        elif db_url is not None:
            window.open_project_url(db_url, media_root)
        window.show()
        status = app.exec()
        if smoke:
            app.removeEventFilter(first_paint)
            print(f"window painted: {first_paint.title}", flush=True)
            wanted = project_folder is not None or db_url is not None
            return 1 if not first_paint.painted or (wanted and not first_paint.had_project) else status
        return status
    finally:
        restore_hook()
        window.close()
        shiboken6.delete(window)  # the window is gone once run_app returns, not left for a later loop
