"""The "Import media" dialog: which files, for which participant, timepoint and task, copy or link.

The dialog only collects an :class:`ImportRequest`; the main window runs the import through the
task runner (``workbench.services.media_import.import_media``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

TASKS = ("free play", "book sharing", "clothing change", "interview")
NO_TASK = "(none)"


def _line_edit(combo: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box."""
    edit = combo.lineEdit()
    assert edit is not None  # the combo box is editable
    return edit


@dataclass(frozen=True)
class ImportRequest:
    files: tuple[Path, ...]
    pseudonym: str
    timepoint: str | None
    task: str | None
    link: bool


class ImportMediaDialog(QDialog):
    """Collects an :class:`ImportRequest`; OK is enabled once there are files and a participant."""

    def __init__(
        self,
        pseudonyms: Sequence[str],
        timepoints: Sequence[str],
        files: Sequence[Path] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Import media")
        self.setMinimumWidth(480)

        self.file_list = QListWidget()
        self.file_list.setMinimumHeight(90)
        add_files = QPushButton("Add files…")
        add_files.clicked.connect(self._choose_files)
        add_folder = QPushButton("Add folder…")
        add_folder.clicked.connect(self._choose_folder)
        clear = QPushButton("Clear")
        clear.clicked.connect(self._clear)
        buttons_row = QHBoxLayout()
        for button in (add_files, add_folder, clear):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)

        self.participant = QComboBox()
        self.participant.setEditable(True)
        self.participant.addItems(list(pseudonyms))
        self.participant.setCurrentIndex(-1)
        _line_edit(self.participant).setPlaceholderText("Pseudonymous ID, e.g. P001 (new IDs are added)")
        self.participant.currentTextChanged.connect(self._validate)

        self.timepoint = QComboBox()
        self.timepoint.setEditable(True)
        self.timepoint.addItems(list(timepoints))
        self.timepoint.setCurrentIndex(-1)
        _line_edit(self.timepoint).setPlaceholderText("e.g. baseline (optional)")

        self.task = QComboBox()
        self.task.addItems([NO_TASK, *TASKS])

        self.link = QCheckBox("Link to the files where they are (do not copy into the project)")
        self.link.setToolTip(
            "Copying keeps the project self-contained; linking saves disk space. "
            "A linked file that moves can be relinked by its SHA-256."
        )

        form = QFormLayout()
        form.addRow("Participant:", self.participant)
        form.addRow("Timepoint:", self.timepoint)
        form.addRow("Task:", self.task)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files (a folder brings in the media files inside it):"))
        layout.addWidget(self.file_list)
        layout.addLayout(buttons_row)
        layout.addLayout(form)
        layout.addWidget(self.link)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

        self._files: list[Path] = []
        self.add_paths(files)

    # --- state ------------------------------------------------------------------------------

    def add_paths(self, paths: Sequence[Path]) -> None:
        for path in map(Path, paths):
            if path not in self._files:
                self._files.append(path)
                self.file_list.addItem(f"{path}  (folder)" if path.is_dir() else str(path))
        self._validate()

    def files(self) -> list[Path]:
        return list(self._files)

    def request(self) -> ImportRequest:
        """What the user chose (text fields trimmed; empty timepoint and "(none)" task are None)."""
        task = self.task.currentText()
        return ImportRequest(
            files=tuple(self._files),
            pseudonym=self.participant.currentText().strip(),
            timepoint=self.timepoint.currentText().strip() or None,
            task=None if task == NO_TASK else task,
            link=self.link.isChecked(),
        )

    def problem(self) -> str | None:
        """Why the dialog cannot be accepted yet, or None."""
        if not self._files:
            return "Add the files or a folder to import."
        if not self.participant.currentText().strip():
            return "Choose a participant or type a new pseudonymous ID."
        return None

    def _validate(self, *_args) -> None:
        problem = self.problem()
        self.hint.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def _clear(self) -> None:
        self._files.clear()
        self.file_list.clear()
        self._validate()

    # --- pickers (overridable in tests) -----------------------------------------------------

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Media files to import")
        self.add_paths([Path(n) for n in names])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of media files to import")
        if folder:
            self.add_paths([Path(folder)])
