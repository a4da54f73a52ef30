"""Pseudonymisation review: spaCy's suggestions (people, places, organisations, facilities, dates)
and custom term lists in a list to accept, reject or accept all of one name; the replacements
("[Baby]", "[Hospital 1]") chosen once for the whole project; Apply saves the key (leads only; kept apart
from the texts) and replaces through the store so codings stay on the same words (one undo step)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.retrieval import kwic
from workbench.model.errors import WorkbenchError
from workbench.model.roles import Action
from workbench.nlp.pseudonymise import ACCEPTED, PseudonymKey, Review
from workbench.store import pseudonym_keys, transcript_list
from workbench.ui.coding.pseudonymise_ops import apply_to_project, parse_terms, suggestions_task

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding

SUGGESTION_COLUMNS = ("Original", "Category", "Transcript", "Context", "Decision")
KEY_COLUMNS = ("Original", "Category", "Replacement")


class PseudonymiseDialog(QDialog):
    def __init__(
        self, host: TextCoding, parent: QWidget | None = None, transcript_ids: Sequence[int] | None = None
    ):
        super().__init__(parent)
        self.host = host
        self.setWindowTitle("Pseudonymise transcripts")
        self.transcripts = {
            t.id: t
            for t in transcript_list.list_transcripts(host.db)
            if transcript_ids is None or t.id in transcript_ids
        }
        self.texts: dict[str, str] = {}
        self.review = Review([])
        # the stored key (leads only): the same replacements in every transcript, across sessions
        self.key = (
            pseudonym_keys.load_key(host.db, host.coder.id)
            if host.coder.can(Action.KEEP_PSEUDONYM_KEY)
            else PseudonymKey()
        )
        self.terms = QPlainTextEdit()
        self.terms.setPlaceholderText(
            "Custom terms, one category a line:\nStaff: Dr Patel, Jo Smith\n"
            "Service: Riverside Mother and Baby Unit"
        )
        self.terms.setMaximumHeight(80)
        self.suggestions = QStandardItemModel(self)
        self.suggestions.setHorizontalHeaderLabels(list(SUGGESTION_COLUMNS))
        self.table = QTableView()
        self.table.setModel(self.suggestions)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.key_model = QStandardItemModel(self)
        self.key_model.setHorizontalHeaderLabels(list(KEY_COLUMNS))
        self.key_model.itemChanged.connect(self._replacement_edited)
        self.key_table = QTableView()
        self.key_table.setModel(self.key_model)
        self.status = QLabel(f"{len(self.transcripts)} transcript(s)")
        self._layout()
        self._show_key()

    def _layout(self) -> None:
        find = QPushButton("Find suggestions")
        find.clicked.connect(lambda: self.host.window.guarded(self.find))
        buttons = QHBoxLayout()
        for text, slot in (
            ("Accept", lambda: self._each_selected(self.accept_row)),
            ("Reject", lambda: self._each_selected(self.reject_row)),
            ("Accept all of this name", lambda: self._each_selected(self.accept_all_row)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        apply = QPushButton("Apply replacements")
        apply.clicked.connect(lambda: self.host.window.guarded(self.apply))
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Custom term lists"))
        left_layout.addWidget(self.terms)
        left_layout.addWidget(find)
        left_layout.addWidget(self.table)
        left_layout.addLayout(buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("Replacements (the same in every transcript; edit to choose)"))
        right_layout.addWidget(self.key_table)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(apply)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(1000, 600)

    # --- suggestions -------------------------------------------------------------------------

    def find(self):
        """Run spaCy and the term lists over the transcripts (on a worker thread)."""
        terms = parse_terms(self.terms.toPlainText())
        self.status.setText("Finding suggestions…")
        return self.host.window.runner.run(
            "Pseudonymisation suggestions",
            suggestions_task,
            self.host.db,
            list(self.transcripts),
            terms,
            on_done=self.show_suggestions,
        )

    def show_suggestions(self, result) -> None:
        self.texts, suggestions = result
        self.review = Review(suggestions)
        self.suggestions.removeRows(0, self.suggestions.rowCount())
        for s in suggestions:
            left, match, right = kwic(self.texts[s.text_id], s.start, s.end, 30)
            row = [
                QStandardItem(s.original),
                QStandardItem(s.category),
                QStandardItem(self.transcripts[int(s.text_id)].name),
                QStandardItem(f"{left}[{match}]{right}"),
                QStandardItem("pending"),
            ]
            for item in row:
                item.setEditable(False)
            self.suggestions.appendRow(row)
        self.status.setText(f"{len(suggestions)} suggestions in {len(self.texts)} transcript(s)")

    def _each_selected(self, fn) -> None:
        for index in self.table.selectionModel().selectedRows():
            fn(index.row())

    def accept_row(self, row: int) -> None:
        self.review.accept(row)
        self._sync()

    def reject_row(self, row: int) -> None:
        self.review.reject(row)
        self._sync()

    def accept_all_row(self, row: int) -> int:
        count = self.review.accept_all(self.review.suggestions[row].original)
        self._sync()
        return count

    def _sync(self) -> None:
        for row, status in enumerate(self.review.status):
            self.suggestions.item(row, 4).setText(status)
        self.review.update_key(self.key)
        self._show_key()

    # --- the key -----------------------------------------------------------------------------

    def _show_key(self) -> None:
        self.key_model.blockSignals(True)
        self.key_model.removeRows(0, self.key_model.rowCount())
        for original, replacement, category, _cs in self.key.rows():
            cells = [QStandardItem(original), QStandardItem(category), QStandardItem(replacement)]
            cells[0].setEditable(False)
            cells[1].setEditable(False)
            self.key_model.appendRow(cells)
        self.key_model.blockSignals(False)
        self.key_table.reset()

    def set_replacement(self, original: str, replacement: str) -> None:
        try:
            self.key.set_replacement(original, replacement)
        except (KeyError, ValueError) as exc:
            raise WorkbenchError(f"Cannot use {replacement!r} for {original!r}: {exc}") from None
        self._show_key()

    def _replacement_edited(self, item: QStandardItem) -> None:
        if item.column() == 2:
            original = self.key_model.item(item.row(), 0).text()
            self.host.window.guarded(lambda: self.set_replacement(original, item.text().strip()))

    # --- applying ----------------------------------------------------------------------------

    def apply(self) -> int:
        """Store the key and replace every accepted original in every transcript: one action (one
        transaction on the database worker, one undo step); returns how many transcripts changed."""
        if not any(status == ACCEPTED for status in self.review.status) and not self.key.entries:
            raise WorkbenchError("Accept some suggestions first.")
        keep = {tid: self.review.rejected_spans(str(tid)) for tid in self.transcripts}
        lead, key, ids = self.host.coder.id, self.key, list(self.transcripts)
        change = self.host.actions.perform(lambda db: apply_to_project(db, lead, key, keep, ids).change)
        changed = len(change.updated.get("transcripts", ())) if change is not None else 0
        self.status.setText(f"Pseudonymised {changed} transcript(s); codings re-anchored.")
        self.host.window.show_status(self.status.text())
        return changed
