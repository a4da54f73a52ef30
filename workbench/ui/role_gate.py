"""Roles in the window: what the person's role lets them open (the rules: ``workbench.model.roles``).

A part of the window marks each menu, action or dock that only some roles may use with
:func:`requires`. On every project change :class:`RoleGate` hides (not just disables) what the
person may not use, so neither a menu nor its shortcut offers it, and shows it again for someone
who may; a menu left with nothing the person may use goes too. The handlers behind those entries
ask :meth:`RoleGate.permits` as well, so a call that comes some other way (a stale shortcut, a
script, a test) is refused with one clear sentence. The store and the team server refuse the same
things underneath (``workbench.store.visibility``, the server's grants): this is what the window
shows, on every backend alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from workbench.model.errors import WorkbenchError
from workbench.model.roles import Action, refusal

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow

PROPERTY = "workbench_requires"  # the name of the Action a menu entry or dock needs


def requires(target: QAction | QMenu | QDockWidget, action: Action) -> None:
    """Mark ``target`` as usable only by roles that may do ``action``."""
    tagged: QObject = target.menuAction() if isinstance(target, QMenu) else target
    tagged.setProperty(PROPERTY, action.name)


def required(target: QObject) -> Action | None:
    """The action ``target`` was marked with (None when anyone may use it)."""
    name = target.property(PROPERTY)
    return Action[name] if isinstance(name, str) and name in Action.__members__ else None


class RoleGate(QObject):
    """Shows the window's parts to the roles that may use them, and refuses the rest."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self._hidden: list[QDockWidget] = []  # docks this gate hid (shown again for a role that may)
        window.project_changed.connect(self.apply)

    def allows(self, action: Action) -> bool:
        """Whether the person working in the window may do ``action`` (nobody, with no project)."""
        project = self.window.project
        return project is not None and project.coder.can(action)

    def permits(self, action: Action) -> bool:
        """:meth:`allows`, saying why not to the user when the role is the reason."""
        project = self.window.project
        if project is None:
            return False
        if project.coder.can(action):
            return True
        self.window.show_error(refusal(project.coder.role, action))
        return False

    def require(self, action: Action) -> None:
        """Raise the refusal (a :class:`WorkbenchError`) unless the person may do ``action``; for
        handlers that already report failures by raising (``MainWindow.guarded`` shows it)."""
        project = self.window.project
        if project is not None and not project.coder.can(action):
            raise WorkbenchError(refusal(project.coder.role, action))

    def apply(self, project=None) -> None:
        """Hide what the current person may not use; show what they may."""

        def allowed(action: Action | None) -> bool:
            return action is None or project is None or project.coder.can(action)

        for entry in self._marked():
            entry.setVisible(allowed(required(entry)))
        self._hide_empty_menus()
        for dock in self.window.findChildren(QDockWidget):
            self._show_dock(dock, allowed(required(dock)))

    def _marked(self) -> Iterator[QAction]:
        """The marked actions of the menu bar (submenus included) and of the window itself."""
        for entry in [*_menu_entries(self.window.menuBar().actions()), *self.window.actions()]:
            if required(entry) is not None:
                yield entry

    def _show_dock(self, dock: QDockWidget, allowed: bool) -> None:
        dock.toggleViewAction().setVisible(allowed)
        if not allowed and not dock.isHidden():
            dock.hide()
            self._hidden.append(dock)
        elif allowed and dock in self._hidden:
            self._hidden.remove(dock)
            dock.show()

    def _hide_empty_menus(self) -> None:
        """A menu holding marked entries, none of them left for this person, is hidden as well."""
        for top in self.window.menuBar().actions():
            menu = top.menu()
            if not isinstance(menu, QMenu) or (required(top) is not None and not top.isVisible()):
                continue
            entries = [a for a in menu.actions() if not a.isSeparator()]
            if any(required(a) is not None for a in entries):
                top.setVisible(any(a.isVisible() for a in entries))

    def restricts_panels(self) -> bool:
        """Whether the person may not use some of the window's panels (then the panels shown are
        the role's doing, not an arrangement to remember for the next person)."""
        project = self.window.project
        return project is not None and any(
            (needed := required(dock)) is not None and not project.coder.can(needed)
            for dock in self.window.findChildren(QDockWidget)
        )


def _menu_entries(actions: list[QAction]) -> Iterator[QAction]:
    """Every action of these menus and of their submenus."""
    for action in actions:
        yield action
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from _menu_entries(menu.actions())


def visible_menu_titles(window: QMainWindow) -> list[str]:
    """The titles of the menu bar's menus the person sees (for tests and the screenshot gallery)."""
    return [a.text().replace("&", "") for a in window.menuBar().actions() if a.isVisible() and a.menu()]
