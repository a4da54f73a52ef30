"""The Team menu: the lead switches independent coding on and off, releases the codings (to everyone,
or on the open transcript), opens the video assignment screen, and on a local project hands the
window over to another person. While independent coding hides others' work, the status bar says so.

Every write runs on the database worker through the command bus (``workbench.store.bus``) and comes
back as a change the window applies; the store refuses anyone but a lead underneath, as the team
server does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLabel

from workbench.model.records import Change, Command
from workbench.model.roles import Action
from workbench.store import bus, people, visibility
from workbench.store.visibility import CodingMode
from workbench.ui.role_gate import requires

if TYPE_CHECKING:
    from workbench.ui.assignment_view import AssignmentsView
    from workbench.ui.main_window import MainWindow


class TeamMenu(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.mode: CodingMode | None = None
        self.menu = window.menuBar().addMenu("&Team")
        self.independent = self._action(
            "&Independent coding",
            "Coders see only their own codings and memos until you release them",
            lambda checked: self.set_independent(checked),
            Action.SET_CODING_MODE,
            checkable=True,
        )
        self.release_all = self._action(
            "&Release codings to all coders",
            "While coding independently: let every coder see everyone's codings and memos",
            lambda checked: self.set_released(checked),
            Action.SET_CODING_MODE,
            checkable=True,
        )
        self.release_open = self._action(
            "Release codings on the open &transcript",
            "Let every coder see everyone's codings and memos on the transcript open in the coding view",
            lambda _checked: self.release_open_transcript(),
            Action.SET_CODING_MODE,
        )
        self.menu.addSeparator()
        self.assignments = self._action(
            "Video &assignments…",
            "Who rates which video, the double-coded share, and each rater's progress",
            lambda _checked: self.open_assignments(),
            Action.ASSIGN_VIDEOS,
        )
        self.work_as_action = self._action(
            "&Work as another person…",
            "Hand this window over to a coder or rater of this local project (open it again to return)",
            lambda _checked: self.work_as(),
            Action.HAND_OVER,
        )
        self.mode_label = QLabel()
        self.mode_label.setObjectName("CodingModeLabel")
        window.statusBar().addPermanentWidget(self.mode_label)
        window.project_changed.connect(self._project_changed)
        window.changed.connect(self._changed)
        self._project_changed(window.project)

    def _action(self, text: str, tip: str, slot, needs: Action, checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        requires(action, needs)
        self.menu.addAction(action)
        return action

    # --- the coding mode ------------------------------------------------------------------------

    def _project_changed(self, project) -> None:
        self._show(None)
        self.work_as_action.setEnabled(project is not None and project.folder is not None)
        if project is not None:
            self.refresh()

    def _changed(self, change: Change) -> None:
        if self.window.project is not None and (change.touches("settings") or change.touches("transcripts")):
            self.refresh()

    def refresh(self) -> None:
        """Read the coding mode again (on the database worker)."""
        project = self.window.project
        if project is not None and project.coder.can(Action.CODE_TRANSCRIPTS):  # raters: no transcripts
            db = project.db
            self.window.db_worker.submit(lambda: visibility.coding_mode(db), self._show)

    def _show(self, mode: CodingMode | None) -> None:
        self.mode = mode
        independent = mode is not None and mode.independent
        for action, checked in (
            (self.independent, independent),
            (self.release_all, bool(mode and mode.released_all)),
        ):
            action.blockSignals(True)
            action.setChecked(checked)
            action.blockSignals(False)
        self.release_all.setEnabled(independent)
        self.release_open.setEnabled(independent and not self.release_all.isChecked())
        self.mode_label.setText(self._label(mode))
        self.mode_label.setToolTip(mode.describe() if mode is not None else "")
        self.mode_label.setVisible(bool(self.mode_label.text()))

    def _label(self, mode: CodingMode | None) -> str:
        project = self.window.project
        if mode is None or project is None or not mode.independent:
            return ""
        coder = project.coder
        if not coder.can(Action.CODE_TRANSCRIPTS):
            return ""  # raters see nobody's work in any mode
        if coder.can(Action.SEE_ALL_CODINGS):
            return "Independent coding on" + (" · codings released" if mode.released_all else "")
        if mode.released_all:
            return "Independent coding: codings released"
        return "Independent coding: you see only your own codings"

    def set_independent(self, on: bool) -> None:
        """Switch independent coding on or off (a lead only)."""
        self._run(Action.SET_CODING_MODE, "set_independent_mode", on=on)

    def set_released(self, released: bool) -> None:
        """Release every coder's codings to everyone, or withhold them again (a lead only)."""
        self._run(Action.SET_CODING_MODE, "release_codings", transcript_id=None, released=released)

    def release_open_transcript(self) -> None:
        view = self.window.text_coding.current_view()
        if view is None:
            self.window.show_status("Open a transcript in the coding view first, then release its codings.")
            return
        self._run(Action.SET_CODING_MODE, "release_codings", transcript_id=view.info.id, released=True)

    def _run(self, needs: Action, name: str, **args) -> None:
        project = self.window.project
        if project is None or not self.window.role_gate.permits(needs):
            self._show(self.mode)  # a refused toggle shows the mode as it is
            return
        db, command = project.db, Command(name, {"lead_id": project.coder.id, **args})
        self.window.db_worker.submit(lambda: bus.run(db, command), self.window.apply_change, self._failed)

    def _failed(self, message: str) -> None:
        self.window.show_error(message)
        self.refresh()

    # --- assignments and handing over -----------------------------------------------------------

    def open_assignments(self) -> AssignmentsView | None:
        """The video assignment screen (one tab; a lead only)."""
        from workbench.ui.assignment_view import AssignmentsView

        if self.window.project is None or not self.window.role_gate.permits(Action.ASSIGN_VIDEOS):
            return None
        tabs = self.window.workspace
        for i in range(tabs.count()):
            found = tabs.widget(i)
            if isinstance(found, AssignmentsView):
                tabs.setCurrentIndex(i)
                return found
        view = AssignmentsView(self.window)
        self.window.add_workspace_tab(view, "Video assignments")
        return view

    def ask_person(self, choices: list[str]) -> str | None:
        """Which person to work as (tests replace this)."""
        chosen, ok = QInputDialog.getItem(
            self.window, "Work as another person", "Who works in this window now?", choices, 0, False
        )
        return chosen if ok else None

    def work_as(self, name: str | None = None) -> None:
        """Hand this local project's window over to ``name`` (asked when not given)."""
        project = self.window.project
        if project is None or not self.window.role_gate.permits(Action.HAND_OVER):
            return
        worker = self.window.db_worker
        if name is None:
            everyone = self.window.guarded(lambda: worker.wait_for(lambda: people.list_coders(project.db)))
            labels = {f"{p.name} ({p.role})": p.name for p in everyone or [] if p.id != project.coder.id}
            chosen = self.ask_person(list(labels)) if labels else None
            if chosen is None:
                return
            name = labels[chosen]
        handed = self.window.guarded(lambda: worker.wait_for(lambda: project.work_as(name)))
        if handed is not None:
            self.window.set_project(handed)
            self.window.show_status(f"{handed.coder.name} ({handed.coder.role}) now works in this window.")
