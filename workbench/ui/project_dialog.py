"""The "New project" dialog: a project name and the folder it goes in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_BAD_CHARS = set('/\\:*?"<>|')


class NewProjectDialog(QDialog):
    """Asks for a name and a location; :meth:`folder` is ``location / name``."""

    def __init__(self, location: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.setMinimumWidth(460)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. cosp-interviews")
        self.location = QLineEdit(str(location))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.location, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Project name:", self.name)
        form.addRow("Create in:", where)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self.location.textChanged.connect(self._validate)
        self._validate()

    def folder(self) -> Path:
        return Path(self.location.text().strip()).expanduser() / self.name.text().strip()

    def problem(self) -> str | None:
        name = self.name.text().strip()
        if not name:
            return "Give the project a name."
        if _BAD_CHARS & set(name) or name in (".", ".."):
            return 'A project name cannot contain / \\ : * ? " < > |.'
        if not self.location.text().strip():
            return "Choose where to create the project."
        if (self.folder() / "project.sqlite").exists():
            return f"{self.folder()} already holds a project; open it instead."
        return None

    def _validate(self, *_args) -> None:
        problem = self.problem()
        self.hint.setText(problem or f"The project folder will be {self.folder()}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Create the project in", self.location.text())
        if folder:
            self.location.setText(folder)
