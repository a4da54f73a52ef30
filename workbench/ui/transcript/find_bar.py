"""Find and replace in a transcript (plain text, within paragraphs)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QToolButton, QWidget


class FindBar(QWidget):
    find_next = Signal(bool)  # backwards
    replace_one = Signal()
    replace_all = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("FindBar")
        self.find_edit = QLineEdit(placeholderText="Find")
        self.replace_edit = QLineEdit(placeholderText="Replace with")
        self.case = QCheckBox("Match case")
        buttons = []
        for text, slot in (
            ("Previous", lambda: self.find_next.emit(True)),
            ("Next", lambda: self.find_next.emit(False)),
            ("Replace", self.replace_one.emit),
            ("Replace all", self.replace_all.emit),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.append(button)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        self.find_edit.returnPressed.connect(lambda: self.find_next.emit(False))
        self.replace_edit.returnPressed.connect(self.replace_one.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.find_edit, 2)
        layout.addWidget(self.replace_edit, 2)
        layout.addWidget(self.case)
        for button in buttons:
            layout.addWidget(button)
        layout.addWidget(close)

    @property
    def text(self) -> str:
        return self.find_edit.text()

    @property
    def replacement(self) -> str:
        return self.replace_edit.text()

    @property
    def case_sensitive(self) -> bool:
        return self.case.isChecked()

    def open_bar(self, replace: bool = False) -> None:
        self.show()
        (self.replace_edit if replace and self.find_edit.text() else self.find_edit).setFocus()
        self.find_edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)
