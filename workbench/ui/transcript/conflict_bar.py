"""The bar the transcript editor shows when its save was refused because someone else saved the
transcript meanwhile: the user's text stays; Reload (discard mine) or Keep mine (save it again
over their version)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class ConflictBar(QWidget):
    def __init__(
        self, reload: Callable[[], object], keep_mine: Callable[[], object], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("ConflictBar")
        self.setStyleSheet("#ConflictBar { background: #fff3cd; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setToolTip("Discard my unsaved changes and show the transcript as saved now")
        self.reload_button.clicked.connect(lambda _checked=False: reload())
        self.keep_button = QPushButton("Keep mine")
        self.keep_button.setToolTip(
            "Save my text over the version saved meanwhile (codings follow my corrections)"
        )
        self.keep_button.clicked.connect(lambda _checked=False: keep_mine())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reload_button)
        layout.addWidget(self.keep_button)

    def show_conflict(self, message: str) -> None:
        self.label.setText(
            f"Not saved: {message} Your text is kept: Reload discards it, Keep mine saves "
            "it over the version saved meanwhile."
        )
        self.show()
