"""The quick-code box: type part of a code's name (fuzzy), press Enter to apply the best match."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from workbench.ui.coding.fuzzy import rank


class QuickCodeBox(QLineEdit):
    code_chosen = Signal(int)  # code id

    def __init__(self, choices: Callable[[], list[tuple[str, int]]], parent: QWidget | None = None):
        super().__init__(parent)
        self._choices = choices
        self._matches: list[tuple[str, int]] = []
        self.setPlaceholderText("Quick code… (Ctrl+K)")
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self.textEdited.connect(self._update)
        self.returnPressed.connect(self._enter)

    def matches(self) -> list[tuple[str, int]]:
        return list(self._matches)

    def _update(self, text: str) -> None:
        self._matches = rank(text, self._choices()) if text.strip() else []
        self._model.setStringList([label for label, _ in self._matches])

    def _picked(self, label: str) -> None:
        found = next((cid for lab, cid in self._matches if lab == label), None)
        if found is not None:
            self._done(found)

    def _enter(self) -> None:
        popup = self._popup()
        if popup.isVisible() and popup.currentIndex().isValid():
            return  # the completer's activated signal handles it
        self._update(self.text())
        if self._matches:
            self._done(self._matches[0][1])

    def _popup(self) -> QAbstractItemView:
        popup = self.completer().popup()
        assert popup is not None  # a completer always has its popup
        return popup

    def _done(self, code_id: int) -> None:
        self._popup().hide()
        self.clear()
        self._matches = []
        self.code_chosen.emit(code_id)
