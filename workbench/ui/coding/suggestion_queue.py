"""The "Suggest codings" review queue for one code: passages the sentence model thinks may fit it,
best first, for the coder to accept (a normal coding by them, undoable, audited as suggested),
reject (remembered for them, not shown again; undoable too) or skip. Keyboard: A accept, R reject,
N or Down next, Up previous, O open the passage in its transcript. The ranking reads only the
coder's own codings of the code (``workbench.services.semantic_search``)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.similarity import SimilarPassage
from workbench.model.records import Command
from workbench.services.semantic_search import suggest
from workbench.ui.coding.code_index import CodeInfo
from workbench.ui.participants_model import format_duration

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

TOP = 100
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 1


class SuggestionQueue(QWidget):
    def __init__(self, host: TextCoding, code: CodeInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.host, self.code = host, code
        self.heading = QLabel(f"Suggested passages for <b>{html.escape(code.label)}</b>")
        self.heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._show_current)
        self.context = QTextBrowser()
        self.accept_button = self._button("&Accept (A)", "Code this passage with the code", self.accept)
        self.reject_button = self._button(
            "&Reject (R)", "Not this code here: do not suggest it again", self.reject
        )
        self.next_button = self._button("&Next (N)", "Skip to the next passage", self.next)
        self.open_button = self._button("&Open (O)", "Show the passage in its transcript", self.open_current)
        refresh = self._button("Re&fresh", "Rank again (after coding elsewhere)", self.load)
        self.status = QLabel()
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.reject_button, self.next_button, self.open_button, refresh):
            buttons.addWidget(b)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(self.context)
        split.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        for key, slot in (("A", self.accept), ("R", self.reject), ("N", self.next), ("O", self.open_current)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.load()

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # --- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Rank on the pool (the index catches up first, its writes on the database worker)."""
        self.status.setText("Ranking passages…")
        window = self.host.window
        window.runner.run(
            f"Suggesting codings for {self.code.name}",
            suggest,
            self.host.db,
            self.host.coder.id,
            self.code.id,
            TOP,
            database=window.db_worker.call,
            on_done=self.show_passages,
            on_error=lambda message: self.status.setText(message),
        )

    def show_passages(self, found: list[SimilarPassage]) -> None:
        if not shiboken6.isValid(self):
            return
        self.list.clear()
        for p in found:
            h = p.hit
            item = QListWidgetItem(
                f"{p.score:.2f}  {h.participant} · {h.transcript_name} · "
                f"{format_duration(h.time_ms or 0)}\n{' '.join(h.match.split())}"
            )
            item.setData(PASSAGE_ROLE, p)
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
        self._count()

    def _count(self) -> None:
        left = self.list.count()
        self.status.setText(f"{left} suggestion(s) to review" if left else "Nothing left to suggest.")
        for b in (self.accept_button, self.reject_button, self.next_button, self.open_button):
            b.setEnabled(left > 0)

    def current(self) -> SimilarPassage | None:
        item = self.list.currentItem()
        return item.data(PASSAGE_ROLE) if item is not None else None

    def _show_current(self, _row: int) -> None:
        p = self.current()
        if p is None:
            self.context.clear()
            return
        h = p.hit
        speaker = f"<i>{html.escape(h.speaker)}</i>: " if h.speaker else ""
        self.context.setHtml(
            f"<p>{html.escape(h.participant)} · {html.escape(h.transcript_name)} · "
            f"{format_duration(h.time_ms or 0)} · similarity {p.score:.2f}</p>"
            f"<p>{speaker}…{html.escape(h.left)}<b style='background:#fff3a0'>{html.escape(h.match)}</b>"
            f"{html.escape(h.right)}…</p>"
        )

    # --- decisions ----------------------------------------------------------------------------

    def accept(self) -> None:
        """Code the passage for this coder (the command bus: undoable, audited as a suggestion)."""
        p = self.current()
        if p is None:
            return
        self.host.actions.run(
            Command(
                "apply_code",
                {
                    "transcript_id": p.hit.transcript_id,
                    "code_id": self.code.id,
                    "coder_id": self.host.coder.id,
                    "start": p.hit.start_pos,
                    "end": p.hit.end_pos,
                    "expected_version": p.version,
                    "suggested": True,
                },
            )
        )
        self._drop_current()

    def reject(self) -> None:
        """Remember "not this code here" for this coder (undoable)."""
        p = self.current()
        if p is None:
            return
        self.host.actions.run(
            Command(
                "reject_suggestion",
                {
                    "coder_id": self.host.coder.id,
                    "code_id": self.code.id,
                    "transcript_id": p.hit.transcript_id,
                    "start": p.hit.start_pos,
                    "end": p.hit.end_pos,
                },
            )
        )
        self._drop_current()

    def next(self) -> None:
        row = self.list.currentRow()
        if row + 1 < self.list.count():
            self.list.setCurrentRow(row + 1)

    def open_current(self) -> None:
        p = self.current()
        if p is None:
            return
        view = self.host.open_transcript_id(p.hit.transcript_id)
        view.edit.select_span(p.hit.start_pos, p.hit.end_pos)

    def _drop_current(self) -> None:
        row = self.list.currentRow()
        self.list.takeItem(row)
        if self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))
        self._count()
