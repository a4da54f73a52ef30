"""The window's actions and menus, built from a table of handlers (no logic of their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from workbench.services import recent


@dataclass
class Handlers:
    """What the menu entries call (their results are not used)."""

    new_project: Callable[[], object]
    open_project: Callable[[], object]
    open_demo: Callable[[], object]
    open_folder: Callable[[Path], object]
    import_media: Callable[[], object]
    import_folder: Callable[[], object]
    close_project: Callable[[], object]
    quit: Callable[[], object]


@dataclass
class WindowActions:
    new_project: QAction
    open_project: QAction
    open_demo: QAction
    recent_menu: QMenu
    import_media: QAction
    import_folder: QAction
    close_project: QAction
    quit: QAction
    view_menu: QMenu
    import_menu: QMenu  # File → Import: other tools' files (filled by the window's parts)

    def set_project_open(self, is_open: bool, can_import: bool = True) -> None:
        """Enable what needs an open project (importing media also needs a role that sees participants)."""
        self.close_project.setEnabled(is_open)
        for action in (self.import_media, self.import_folder):
            action.setEnabled(is_open and can_import)
        self.import_menu.setEnabled(is_open)


def _action(
    window: QMainWindow, text: str, handler: Callable[[], object], shortcut=None, tip: str = ""
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: handler())
    return action


def build_menus(window: QMainWindow, handlers: Handlers) -> WindowActions:
    """Create the File and View menus on ``window``'s menu bar."""
    file_menu = window.menuBar().addMenu("&File")
    new = _action(
        window,
        "&New project…",
        handlers.new_project,
        QKeySequence.StandardKey.New,
        "Create a new project folder",
    )
    open_ = _action(
        window,
        "&Open project…",
        handlers.open_project,
        QKeySequence.StandardKey.Open,
        "Open a project folder",
    )
    demo = _action(
        window,
        "Open the &demo project",
        handlers.open_demo,
        tip="Try the workbench on three demo participants (created in your projects folder the first time)",
    )
    recent_menu = QMenu("Open &recent", window)
    recent_menu.aboutToShow.connect(lambda: _fill_recent(recent_menu, handlers.open_folder))
    import_media = _action(
        window, "&Import media…", handlers.import_media, "Ctrl+I", "Import recordings for a participant"
    )
    import_folder = _action(
        window,
        "Import media &folder…",
        handlers.import_folder,
        "Ctrl+Shift+I",
        "Import every recording in a folder for a participant",
    )
    close = _action(window, "&Close project", handlers.close_project, QKeySequence.StandardKey.Close)
    quit_ = _action(window, "&Quit", handlers.quit, QKeySequence.StandardKey.Quit)
    file_menu.addActions([new, open_])
    file_menu.addMenu(recent_menu)
    file_menu.addAction(demo)
    file_menu.addSeparator()
    file_menu.addActions([import_media, import_folder])
    import_menu = file_menu.addMenu("Im&port")
    file_menu.addSeparator()
    file_menu.addAction(close)
    file_menu.addSeparator()
    file_menu.addAction(quit_)
    view_menu = window.menuBar().addMenu("&View")
    actions = WindowActions(
        new, open_, demo, recent_menu, import_media, import_folder, close, quit_, view_menu, import_menu
    )
    actions.set_project_open(False)
    return actions


def _fill_recent(menu: QMenu, open_folder: Callable[[Path], object]) -> None:
    menu.clear()
    folders = recent.recent_projects()
    if not folders:
        empty = menu.addAction("(no recent projects)")
        empty.setEnabled(False)
        return
    for folder in folders:
        action = menu.addAction(f"{folder.name}  —  {folder}")
        action.triggered.connect(lambda _checked=False, f=folder: open_folder(f))
