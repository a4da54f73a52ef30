"""Help → Check this computer…: the self-check's lines in a dialog, run on the window's task runner
(loading the Whisper models takes seconds: never on the GUI thread), with a progress bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.self_check import FAIL, OK, Check, CheckResult, run_checks, summary
from workbench.ui.computer_check import all_checks, qt_probe, team_url
from workbench.ui.runner import Task, TaskRunner

_SHADES = {OK: QColor("#1b7f2a"), FAIL: QColor("#b3261e")}
_NOT_AVAILABLE = QColor("#8a6d00")


class ComputerCheckDialog(QDialog):
    """Runs ``checks()`` (built on the GUI thread, run on the runner's pool) and lists the lines."""

    def __init__(
        self, runner: TaskRunner, checks: Callable[[], Sequence[Check]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Check this computer")
        self.runner, self._checks = runner, checks
        self.task: Task | None = None
        self.results: list[CheckResult] = []
        self.status = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.lines = QListWidget()
        self.lines.setWordWrap(True)
        self.lines.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.again = QPushButton("Check again")
        self.again.clicked.connect(self.start)
        self.copy = QPushButton("Copy the lines")
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.again, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.progress, self.lines, buttons):
            layout.addWidget(widget)
        runner.task_progressed.connect(self._progressed)
        self.resize(760, 480)

    def start(self) -> Task:
        """Start the checks (again); the list fills when they have all run."""
        if self.task is not None and self.task.running:
            return self.task
        self.lines.clear()
        self.results = []
        self.progress.setValue(0)
        self.status.setText("Checking…")
        self.again.setEnabled(False)
        checks = list(self._checks())
        self.task = self.runner.run(
            "Checking this computer", run_checks, checks, on_done=self._show, on_error=self._failed
        )
        return self.task

    def text(self) -> str:
        """The lines as ``workbench self-check`` prints them."""
        lines = [line for result in self.results for line in result.lines()]
        return "\n".join(lines + ([summary(self.results)] if self.results else []))

    def _progressed(self, task: Task) -> None:
        if task is self.task:
            self.progress.setValue(int(task.fraction * 100))
            self.status.setText(f"Checking: {task.message}…")

    def _show(self, results: list[CheckResult]) -> None:
        self.results = list(results)
        for result in self.results:
            item = QListWidgetItem("\n".join(result.lines()))
            item.setForeground(QBrush(_SHADES.get(result.status, _NOT_AVAILABLE)))
            item.setData(Qt.ItemDataRole.UserRole, result.status)
            self.lines.addItem(item)
        self.progress.setValue(100)
        self.status.setText(summary(self.results))
        self.again.setEnabled(True)

    def _failed(self, message: str) -> None:
        self.status.setText(f"The check stopped: {message}")
        self.again.setEnabled(True)

    def reject(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()  # stops between two checks
        super().reject()


class HelpMenu:
    """The window's Help menu: Check this computer…"""

    def __init__(self, window) -> None:
        self.window = window
        self.dialog: ComputerCheckDialog | None = None
        menu = window.menuBar().addMenu("&Help")
        self.check_action = QAction("&Check this computer…", window)
        self.check_action.setStatusTip("Sound, Qt, media, the Whisper models, spaCy, the project store")
        self.check_action.triggered.connect(lambda _checked=False: self.check_computer())
        menu.addAction(self.check_action)

    def checks(self) -> list[Check]:
        """The self-check for this window: its own Qt, and the team server it is connected to (or
        last connected to)."""
        project = self.window.project
        if project is not None and project.folder is None:
            url: str | None = project.db.engine.url.render_as_string(hide_password=False)
        else:
            url = team_url(self.window.settings)
        return all_checks(qt_probe(), url)

    def check_computer(self) -> ComputerCheckDialog:
        if self.dialog is None:
            self.dialog = ComputerCheckDialog(self.window.runner, self.checks, self.window)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.start()
        return self.dialog
