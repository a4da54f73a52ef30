"""Status bar widget: one row per running task (label, progress bar, cancel button)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from workbench.ui.runner import Task, TaskRunner


class TaskRow(QWidget):
    """The label, progress bar and cancel button of one task."""

    def __init__(self, task: Task, parent: QWidget | None = None):
        super().__init__(parent)
        self.task = task
        self.label = QLabel(task.label)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(f"Stop {task.label}")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.update_from_task()

    def update_from_task(self) -> None:
        self.bar.setValue(round(self.task.fraction * 1000))
        self.bar.setToolTip(
            f"{self.task.message} ({self.task.fraction:.0%})"
            if self.task.message
            else f"{self.task.fraction:.0%}"
        )

    def _cancel(self) -> None:
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.task.label} (stopping…)")


class TaskPanel(QWidget):
    """Lists the runner's running tasks; hidden while nothing runs."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: dict[Task, TaskRow] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        runner.task_started.connect(self._add)
        runner.task_progressed.connect(self._update)
        runner.task_finished.connect(self._remove)
        for task in runner.tasks():
            self._add(task)
        self.setVisible(bool(self._rows))

    def row(self, task: Task) -> TaskRow | None:
        return self._rows.get(task)

    def rows(self) -> list[TaskRow]:
        return list(self._rows.values())

    def _add(self, task: Task) -> None:
        row = TaskRow(task, self)
        self._rows[task] = row
        self._layout.addWidget(row)
        self.setVisible(True)

    def _update(self, task: Task) -> None:
        row = self._rows.get(task)
        if row is not None:
            row.update_from_task()

    def _remove(self, task: Task) -> None:
        row = self._rows.pop(task, None)
        if row is not None:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.setVisible(bool(self._rows))
