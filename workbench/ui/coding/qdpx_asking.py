"""File → Import REFI-QDA project (.qdpx), asking first: the file is read on the database worker; texts
that nothing places (no case, no participant variable, no participant of their name) are put under one
participant the user names, or one participant each if the user says so; the import report is shown
and only when the user agrees ("Import anyway" when anything would be left out) is anything written,
in one transaction on the database worker; the report of what came in is shown afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.qdpx_model import QdaProject
from workbench.exchange.refi_qdpx_read import read_project
from workbench.services import qdpx_import
from workbench.services.qdpx_import import ImportResult
from workbench.ui import project_ops
from workbench.ui.import_report import ImportReportDialog

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding
    from workbench.ui.runner import Task


class PlaceTextsDialog(QDialog):
    """Where texts that nothing places go: all under one participant (chosen or typed), or one new
    participant per text named after it."""

    def __init__(self, names: Sequence[str], pseudonyms: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Texts without a participant")
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        text = QLabel(
            f"{len(names)} text(s) of this file belong to no case and name no participant of the "
            f"project: {shown}. Where should they go?"
        )
        text.setWordWrap(True)
        self.one = QRadioButton("All under one participant:")
        self.one.setChecked(True)
        self.participant = QComboBox()
        self.participant.setEditable(True)
        self.participant.addItems(list(pseudonyms))
        self.participant.setCurrentIndex(-1)
        self.each = QRadioButton(f"One new participant per text, named after it ({len(names)} participants)")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.one.toggled, self.participant.currentTextChanged):
            signal.connect(self._validate)
        layout = QVBoxLayout(self)
        for widget in (text, self.one, self.participant, self.each, self.buttons):
            layout.addWidget(widget)
        self._validate()

    def choice(self) -> str | None:
        """The participant to put the texts under, or None for one participant per text."""
        return self.participant.currentText().strip() if self.one.isChecked() else None

    def _validate(self, *_args) -> None:
        ok = self.each.isChecked() or bool(self.participant.currentText().strip())
        self.participant.setEnabled(self.one.isChecked())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class QdpxImport(QObject):
    def __init__(self, host: TextCoding):
        super().__init__(host)
        self.host = host
        self.last_dialog: QDialog | None = None
        self.import_task: Task | None = None  # the last import started (after the user agreed)

    def start(self, path: Path) -> Task:
        """Read ``path`` on the database worker (a task), then ask (see the module docstring)."""
        db = self.host.db

        def check(progress=None, cancelled=None) -> tuple[QdaProject, list[str]]:
            qda = read_project(path)
            return qda, qdpx_import.unplaced_texts(db, qda)

        return self.host.window.runner.run(
            f"Reading {path.name}", check, on_done=lambda found: self._ask(path, *found), db_thread=True
        )

    def _ask(self, path: Path, qda: QdaProject, unplaced: list[str]) -> None:
        window = self.host.window
        participant = None
        if unplaced:
            choices = window.guarded(lambda: project_ops.import_choices(self.host.db))
            if choices is None:
                return
            self.last_dialog = place = PlaceTextsDialog(unplaced, choices[0], window)
            if window.exec_dialog(place) != QDialog.DialogCode.Accepted:
                self._cancelled(path)
                return
            participant = place.choice()
        report = window.guarded(lambda: qdpx_import.preview(qda, participant, path.name))
        if report is None:
            return
        self.last_dialog = dialog = ImportReportDialog(report, asking=True, parent=window)
        if window.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            self._cancelled(path)
            return
        self.import_task = window.runner.run(
            "Importing REFI-QDA project",
            qdpx_import.import_project,
            self.host.db,
            qda,
            self.host.coder.id,
            accept_losses=report.losses,  # only the losses the user saw
            file=path.name,
            participant=participant,
            on_done=self._imported,
            db_thread=True,  # its one transaction runs on the database worker, in turn
        )

    def _cancelled(self, path: Path) -> None:
        self.host.window.show_status(f"Import of {path.name} cancelled: nothing was written")

    def _imported(self, result: ImportResult) -> None:
        window = self.host.window
        window.apply_change(result.change)
        if result.report is not None:
            self.last_dialog = dialog = ImportReportDialog(result.report, asking=False, parent=window)
            window.exec_dialog(dialog)
