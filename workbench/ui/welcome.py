"""The workspace's first page: what the user can do next."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

_NO_PROJECT = (
    "<h2>Welcome to the workbench</h2>"
    "<p>Everything stays on this computer: recordings, transcripts and codes.</p>"
    "<p>Try the demo project (three participants, real recordings, the team's codebook), create a "
    "project of your own, open a project folder, or connect to your team's project on its server.</p>"
)
_PROJECT = (
    "<h2>{name}</h2>"
    "<p>Next steps:</p><ol>"
    "<li>Import interview recordings or play-task videos for a participant "
    "(they appear under <i>Participants</i>, by timepoint).</li>"
    "<li>Open a recording to transcribe it or to code behaviour.</li>"
    "<li>Code transcripts against the codebook on the right.</li></ol>"
)
_RATER = (
    "<h2>{name}</h2>"
    "<p>Your videos are listed under <i>My queue</i>, each under a masked ID, in your own order.</p>"
    "<p>Open one to rate it: what you code is yours alone, and you see nobody else's.</p>"
)


class WelcomePage(QWidget):
    """Shows a short guide and buttons for the given actions (no project / project open)."""

    def __init__(
        self,
        start_actions: Sequence[QAction],
        project_actions: Sequence[QAction],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setFixedWidth(520)  # a fixed width lets the wrapped text take its full height
        self._layout = layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        self._start = [self._button(a) for a in start_actions]
        self._project = [self._button(a) for a in project_actions]
        for button in self._start + self._project:
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.show_project(None)

    def add_start_action(self, action: QAction) -> None:
        """One more button for the first page (after the others offered without a project)."""
        button = self._button(action)
        self._layout.insertWidget(1 + len(self._start), button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._start.append(button)
        button.setVisible(self._without_project)

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMinimumWidth(220)
        return button

    def show_project(self, name: str | None, masked: bool = False) -> None:
        """The guide for no project (``None``) or for the open project ``name``; ``masked``: the
        rater's guide (their queue only), without the project's buttons."""
        self._without_project = name is None
        guide = _RATER if masked else _PROJECT
        self.text.setText(_NO_PROJECT if name is None else guide.format(name=escape(name)))
        for button in self._start:
            button.setVisible(name is None)
        for button in self._project:
            button.setVisible(name is not None and not masked)
