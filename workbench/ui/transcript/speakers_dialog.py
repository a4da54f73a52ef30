"""Rename a transcript's speakers everywhere, e.g. Speaker 1 → Interviewer, Speaker 2 → Participant."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

SUGGESTED = ("Interviewer", "Participant")


def suggestion(name: str, index: int) -> str:
    """Machine labels ("Speaker 1", "Channel 2") get the interview roles, in order; others stay."""
    if re.fullmatch(r"(speaker|channel|spk)[ _]?\d+", name.strip(), re.IGNORECASE) and index < len(SUGGESTED):
        return SUGGESTED[index]
    return name


class RenameSpeakersDialog(QDialog):
    def __init__(self, speakers: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Rename speakers")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        for i, name in enumerate(speakers):
            edit = QLineEdit(suggestion(name, i))
            edit.setMaxLength(100)
            self.edits[name] = edit
            form.addRow(f"{name} →", edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def names(self) -> dict[str, str]:
        """Old name → new name, for the names that change."""
        return {
            old: edit.text().strip()
            for old, edit in self.edits.items()
            if edit.text().strip() and edit.text().strip() != old
        }
