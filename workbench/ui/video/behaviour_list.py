"""Every behaviour of the scheme in a filterable list: how behaviours without a keyboard key are
coded (and any other, by name); Enter or a double click codes the chosen one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from workbench.coding.scheme import Scheme
from workbench.ui.scheme_model import behaviour_label, behaviour_tooltip


class BehaviourList(QWidget):
    chosen = Signal(str)  # the behaviour code to code at the frame on screen

    def __init__(self, scheme: Scheme, parent: QWidget | None = None):
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setObjectName("BehaviourFilter")
        self.filter.setPlaceholderText("Filter behaviours (name, category)")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("BehaviourList")
        for behaviour in scheme.behaviours:
            item = QListWidgetItem(behaviour_label(behaviour))
            item.setData(Qt.ItemDataRole.UserRole, behaviour.code)
            item.setData(Qt.ItemDataRole.UserRole + 1, f"{behaviour.name} {behaviour.category}".casefold())
            item.setToolTip(behaviour_tooltip(behaviour))
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self._choose_first_shown)
        self.list.itemActivated.connect(lambda item: self.chosen.emit(item.data(Qt.ItemDataRole.UserRole)))

    def apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            haystack = item.data(Qt.ItemDataRole.UserRole + 1)
            item.setHidden(not all(w in haystack for w in words))

    def shown(self) -> list[str]:
        """The codes of the behaviours the filter lets through, in scheme order."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if not item.isHidden()]

    def _choose_first_shown(self) -> None:
        current = self.list.currentItem()
        if current is not None and not current.isHidden():
            self.chosen.emit(current.data(Qt.ItemDataRole.UserRole))
        elif self.shown():
            self.chosen.emit(self.shown()[0])
