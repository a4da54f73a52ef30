"""The main window: menus, the participants and codebook docks, the workspace tabs, running tasks.

Messages to the user go through :meth:`MainWindow.show_error`, :meth:`show_info` and
:meth:`show_status`, and file pickers and dialogs through ``ask_*`` / :meth:`exec_dialog`, so
tests can replace them instead of meeting a modal dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDockWidget, QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, ParticipantRecord
from workbench.model.roles import Action
from workbench.services.demo import default_folder as default_demo_folder
from workbench.services.project import PROJECT_FILE, Project
from workbench.ui import project_ops
from workbench.ui.actions import Handlers, build_menus
from workbench.ui.busy import busy_cursor
from workbench.ui.codebook_model import CodebookModel
from workbench.ui.coding.wiring import TextCoding
from workbench.ui.computer_check_dialog import HelpMenu
from workbench.ui.db_worker import database_worker
from workbench.ui.excepthook import short_message
from workbench.ui.import_dialog import ImportMediaDialog, ImportRequest
from workbench.ui.observation_import import ObservationImport
from workbench.ui.panels import CodebookPanel, ParticipantsPanel, SchemePanel
from workbench.ui.participants_model import KEY_ROLE, ParticipantsModel
from workbench.ui.placeholder_linking import PlaceholderLinking
from workbench.ui.project_dialog import NewProjectDialog
from workbench.ui.reliability_work import ReliabilityWork
from workbench.ui.role_gate import RoleGate, requires
from workbench.ui.runner import Task, TaskRunner
from workbench.ui.scheme_model import SchemeModel
from workbench.ui.settings import app_settings
from workbench.ui.task_panel import TaskPanel
from workbench.ui.team import TeamWork
from workbench.ui.team_menu import TeamMenu
from workbench.ui.transcript.opening import TranscriptWork
from workbench.ui.video.opening import VideoCoding
from workbench.ui.welcome import WelcomePage
from workbench.ui.workspace import INTERVIEW, MIN_PANEL_WIDTH, PANEL_WIDTH, VIDEO, Layouts, WorkspaceTabs

log = logging.getLogger(__name__)
T = TypeVar("T")
STATUS_MS = 10_000
LAYOUT_VERSION = 2  # saveState()'s version: 2 = per-job layouts (codebook and scheme apart)


class MainWindow(QMainWindow):
    """The application shell around an optional open :class:`Project`."""

    project_changed = Signal(object)  # Project or None
    changed = Signal(object)  # every Change applied through apply_change

    def __init__(
        self,
        project: Project | None = None,
        runner: TaskRunner | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.project: Project | None = None
        self.settings = settings or app_settings()
        self.db_worker = database_worker()  # every write of the window runs on its one thread
        self.db_worker.error.connect(self.show_error)
        self.runner = runner or TaskRunner(self, db_worker=self.db_worker)
        self.runner.error.connect(self.show_error)
        self.runner.task_finished.connect(self._task_finished)

        self.menu_actions = build_menus(
            self,
            Handlers(
                new_project=self.new_project,
                open_project=self.open_project_dialog,
                open_demo=self.open_demo,
                open_folder=self.open_project_folder,
                import_media=self.import_media,
                import_folder=self.import_media_folder,
                close_project=self.close_project,
                quit=self.close,
            ),
        )
        self.role_gate = RoleGate(self)  # hides what the person's role may not use (parts mark theirs)

        self.workspace = WorkspaceTabs()
        self.workspace.tabCloseRequested.connect(self._close_tab)
        self.welcome = WelcomePage(
            [self.menu_actions.open_demo, self.menu_actions.new_project, self.menu_actions.open_project],
            [self.menu_actions.import_media, self.menu_actions.import_folder],
        )
        self.workspace.add(self.welcome, "Welcome")
        self.workspace.tabBar().setTabButton(0, self.workspace.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.workspace)

        self.participants_model = ParticipantsModel(parent=self)
        self.participants = ParticipantsPanel(self.participants_model)
        self.participants_dock = self._dock(
            "Participants", self.participants, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.participants.add_menu_hook(self._participant_menu)  # first: the row's own entry
        self.codebook_model = CodebookModel(parent=self)
        self.codebook = CodebookPanel(self.codebook_model)
        self.codebook_dock = self._dock("Codebook", self.codebook, Qt.DockWidgetArea.RightDockWidgetArea)
        self.scheme_model = SchemeModel(parent=self)
        self.scheme = SchemePanel(self.scheme_model)
        self.scheme_dock = self._dock("Coding scheme", self.scheme, Qt.DockWidgetArea.RightDockWidgetArea)
        self.scheme_dock.hide()  # the video layout's panel (see Layouts)
        self._mark_roles()

        self.tasks = TaskPanel(self.runner)
        self.statusBar().addPermanentWidget(self.tasks)
        self.video_coding = VideoCoding(self)  # "My queue" dock; opens video media from the tree
        self.text_coding = TextCoding(self)  # coding views, code tree editing, retrieval, exports
        self.reliability = ReliabilityWork(self)  # Analysis → Reliability… tabs
        self.transcripts = TranscriptWork(self)  # transcription queue dock, transcript editor tabs
        self.team = TeamWork(self)  # Connect to team project, audit log, others' changes
        self.welcome.add_start_action(self.team.connect_action)
        self.team_menu = TeamMenu(self)  # Team: independent coding, releasing codings, video assignments
        self.observation_import = ObservationImport(self)  # File → Import → BORIS / ELAN, asking first
        self.placeholder_linking = PlaceholderLinking(self)  # "Link recording…" on placeholders
        self.help_menu = HelpMenu(self)  # Help → Check this computer… (last: the rightmost menu)
        self.layouts = Layouts(
            self,
            self.settings,
            {INTERVIEW: [self.codebook_dock, self.transcripts.dock], VIDEO: [self.scheme_dock]},
        )
        self.workspace.layout_wanted.connect(self.layouts.show)
        self.resize(1280, 800)
        self.resizeDocks(
            [self.participants_dock, self.codebook_dock], [PANEL_WIDTH] * 2, Qt.Orientation.Horizontal
        )
        self._restore_layout()
        self.set_project(project)

    def _mark_roles(self) -> None:
        """What of the window's own only some roles may use (the other parts mark theirs)."""
        actions = self.menu_actions
        for entry in (actions.import_media, actions.import_folder, actions.import_menu):
            requires(entry, Action.IMPORT_MEDIA)
        requires(self.participants_dock, Action.SEE_PARTICIPANTS)
        requires(self.codebook_dock, Action.CODE_TRANSCRIPTS)

    # --- messages and pickers (tests replace these) ------------------------------------------

    def show_error(self, text: str) -> None:
        """Tell the user something went wrong (one short message, no traceback)."""
        self.statusBar().showMessage(text, STATUS_MS)
        QMessageBox.warning(self, "workbench", text)

    def show_info(self, text: str) -> None:
        QMessageBox.information(self, "workbench", text)

    def show_status(self, text: str, timeout_ms: int = STATUS_MS) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def exec_dialog(self, dialog: QDialog) -> int:
        return dialog.exec()

    def ask_open_files(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self, "Media files to import", self._last_folder())
        return [Path(n) for n in names]

    def ask_folder(self, title: str) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, title, self._last_folder())
        return Path(folder) if folder else None

    def _last_folder(self) -> str:
        return str(self.settings.value("last_folder", str(Path.home())))

    def guarded(self, fn: Callable[[], T]) -> T | None:
        """Run ``fn`` on the GUI thread under the busy cursor; a failure becomes a message, never a crash."""
        try:
            with busy_cursor():
                return fn()
        except WorkbenchError as exc:
            self.show_error(str(exc))
        except Exception as exc:  # noqa: BLE001 - the window must survive any bug
            log.exception("Action failed")
            self.show_error(short_message(exc))
        return None

    # --- project ---------------------------------------------------------------------------

    def set_project(self, project: Project | None) -> None:
        """Show ``project`` (or none); the previous one is not closed here."""
        self.project = project
        db = project.db if project else None
        blind = project is not None and not project.coder.can(Action.SEE_PARTICIPANTS)  # raters: masked IDs
        self.participants_model.set_loader(
            project_ops.participants_loader(project) if project and not blind else None
        )
        self.participants_model.set_observations_loader(
            project_ops.observations_loader(project) if project and not blind else None
        )
        if blind:
            self.layouts.show(VIDEO)  # a rater's work is the video layout (the role gate hides the rest)
        self.codebook_model.set_loader(project_ops.codebooks_loader(db) if db else None)
        self.scheme_model.set_loader(project_ops.schemes_loader(db) if db else None)
        self.menu_actions.set_project_open(
            project is not None, can_import=project is not None and project.coder.can(Action.IMPORT_MEDIA)
        )
        self.welcome.show_project(project.name if project else None, masked=blind)
        self.setWindowTitle(project_ops.window_title(project))
        self.project_changed.emit(project)
        self._close_project_tabs()
        if project is not None and project.migrated_from is not None:
            self.show_info(project_ops.migration_note(project))

    def new_project(self) -> None:
        dialog = NewProjectDialog(project_ops.default_location(self.settings), self)
        if self.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        folder = dialog.folder()
        self.settings.setValue("project_location", str(folder.parent))
        self._switch(lambda: Project.create(folder, name=dialog.name.text().strip()))

    def open_project_dialog(self) -> None:
        folder = self.ask_folder("Open project folder")
        if folder is not None:
            self.open_project_folder(folder)

    def open_project_folder(self, folder: Path) -> None:
        self.settings.setValue("last_folder", str(Path(folder).parent))
        self._switch(lambda: Project.open(Path(folder)))

    def open_demo(self) -> Task | None:
        """Open the demo project, creating it first (on a worker thread) where it does not exist yet."""
        folder = default_demo_folder()
        if (folder / PROJECT_FILE).is_file():
            self.open_project_folder(folder)
            return None
        return self.runner.run(
            "Creating the demo project", project_ops.demo_task, folder, on_done=self.open_project_folder
        )

    def open_project_url(self, url: str, media_root: Path | None = None) -> None:
        self._switch(lambda: Project.connect(url, media_root))

    def _switch(self, make: Callable[[], Project]) -> None:
        project = self.guarded(make)
        if project is not None:
            self.close_project()
            self.set_project(project)
            self.show_status(f"Opened {project.name}")

    def close_project(self) -> None:
        """Stop running tasks, close the project and show the welcome page."""
        if self.project is None:
            return
        if not self.runner.shutdown():
            log.warning("Tasks still running while closing %s", self.project.name)
        if not self.db_worker.wait_idle():
            log.warning("Database work still running while closing %s", self.project.name)
        project = self.project
        self.set_project(None)
        self.guarded(project.close)

    # --- media import ----------------------------------------------------------------------

    def import_media(
        self, paths: list[Path] | None = None, for_whom: str = "", when: str = ""
    ) -> Task | None:
        """Ask which files and for whom (``for_whom``/``when`` filled in, e.g. from the participant
        right-clicked), then import them on a worker thread."""
        if self.project is None or not self.role_gate.permits(Action.IMPORT_MEDIA):
            return None
        if paths is None:
            paths = self.ask_open_files()
            if not paths:
                return None
        self.settings.setValue("last_folder", str(Path(paths[0]).parent))
        choices = self.guarded(partial(project_ops.import_choices, self.project.db))
        if choices is None:
            return None
        dialog = ImportMediaDialog(choices[0], choices[1], paths, self)
        if for_whom:
            dialog.participant.setCurrentText(for_whom)
        if when:
            dialog.timepoint.setCurrentText(when)
        if self.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return self.start_import(dialog.request())

    def _participant_menu(self, menu: QMenu, index: QModelIndex, record: object) -> None:
        """A participant's (or a timepoint's) own entry: import recordings for them."""
        if self.project is None or not self.role_gate.permits(Action.IMPORT_MEDIA) or not index.isValid():
            return
        key = index.siblingAtColumn(0).data(KEY_ROLE)
        if isinstance(record, ParticipantRecord):
            whom, when = record.pseudonym, ""
        elif isinstance(key, tuple) and key[:1] == ("t",) and index.parent().isValid():
            whom, when = str(index.parent().data()), str(key[2])
        else:
            return
        label = f"Import media for {whom}" + (f", {when}" if when else "") + "…"
        menu.addAction(label, lambda: self.guarded(lambda: self.import_media(None, whom, when)))

    def import_media_folder(self) -> Task | None:
        if self.project is None or not self.role_gate.permits(Action.IMPORT_MEDIA):
            return None
        folder = self.ask_folder("Folder of media files to import")
        return self.import_media([folder]) if folder is not None else None

    def start_import(self, request: ImportRequest) -> Task | None:
        if self.project is None or not self.role_gate.permits(Action.IMPORT_MEDIA):
            return None
        label = f"Importing for {request.pseudonym}"
        return self.runner.run(
            label,
            project_ops.import_task,
            self.project,
            request,
            on_done=self.apply_change,
            database=self.db_worker.call,  # copying on the pool, the one transaction on the worker
        )

    def apply_change(self, change: Change, announce: bool = True) -> None:
        """Refresh the views a change touches and (``announce``) say what happened in the status bar.
        Every change of the window comes here, video coding's included: ``changed`` is the one
        signal views and models listen to."""
        self.participants_model.on_change(change)
        self.codebook_model.on_change(change)
        self.scheme_model.on_change(change)
        if announce:
            self.show_status(change.description)
        self.changed.emit(change)

    def _task_finished(self, task: Task) -> None:
        if task.state == "cancelled":
            self.show_status(f"Cancelled: {task.label}")

    # --- workspace -------------------------------------------------------------------------

    def add_workspace_tab(
        self, widget: QWidget, title: str, kind: str | None = None, tooltip: str = ""
    ) -> int:
        """Add ``widget`` as a closable workspace tab and show it (``kind``: the layout it wants,
        INTERVIEW or VIDEO; None keeps the current one); returns its index."""
        return self.workspace.add(widget, title, kind, tooltip)

    def _close_project_tabs(self) -> None:
        """The previous project's (or person's) views go with it: nobody inherits another's tabs.
        (Editors that save on closing are closed by their parts on ``project_changed`` first.)"""
        for index in reversed(range(self.workspace.count())):
            widget = self.workspace.widget(index)
            if widget is not None and widget is not self.welcome:
                self.workspace.close_tab(index)  # closed first: e.g. a video coder stops its decoder threads

    def _close_tab(self, index: int) -> None:
        widget = self.workspace.widget(index)
        if widget is not None and widget is not self.welcome:
            self.workspace.close_tab(index)

    # --- layout ----------------------------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title}Dock")  # saveState() finds docks by object name
        widget.setMinimumWidth(MIN_PANEL_WIDTH)  # names stay readable: the centre gives way first
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.menu_actions.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _restore_layout(self) -> None:
        geometry, state = self.settings.value("window/geometry"), self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)  # a state saved by an older layout is ignored
        self.layouts.fit()

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.layouts.remember()
        if not self.role_gate.restricts_panels():  # a rater's panels are the role's, not a choice to keep
            self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_layout()
        self.close_project()
        self.runner.shutdown()
        super().closeEvent(event)
