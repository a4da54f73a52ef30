"""A memo editor: title and text for a memo on a coding, code, transcript or participant."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)


class MemoDialog(QDialog):
    def __init__(
        self, about: str, title: str = "", text: str = "", others: str = "", parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(f"Memo on {about}")
        self.title = QLineEdit(title)
        self.text = QPlainTextEdit(text)
        self.text.setMinimumSize(420, 200)
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{about}</b>"))
        if others:
            other = QLabel(others)
            other.setWordWrap(True)
            form.addRow("Other memos:", other)
        form.addRow("Title:", self.title)
        form.addRow(self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str]:
        return self.title.text().strip(), self.text.toPlainText()
