"""The dock contents: the participants tree and the codebook tree (views over the item models)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QVBoxLayout, QWidget

from workbench.model.records import MediaRecord
from workbench.ui.codebook_model import CodebookModel
from workbench.ui.fit import WrappingDelegate
from workbench.ui.participants_model import KEY_ROLE, ParticipantsModel

log = logging.getLogger(__name__)
MenuHook = Callable[[QMenu, QModelIndex, object], None]  # (menu, index, the row's record) adds entries


def _tree() -> QTreeView:
    tree = QTreeView()
    tree.setUniformRowHeights(True)
    tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return tree


class ParticipantsPanel(QWidget):
    """Participant → timepoint → media; keeps rows expanded across refreshes."""

    media_activated = Signal(object)  # MediaRecord, on double-click / Enter
    transcript_activated = Signal(object)  # a transcript row's record (see ParticipantsModel.transcripts)

    def __init__(self, model: ParticipantsModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.tree = _tree()
        self.tree.setModel(model)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionHidden(2, True)  # the kind shows as the icon and in the tooltip; names get the room
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)  # "task · file…": the task stays readable
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self._expanded: set = set()
        self._seen: set = set()
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)
        model.rowsInserted.connect(self._opened)
        self.tree.activated.connect(self._activated)
        self.menu_hooks: list[MenuHook] = []
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_menu)

    # --- the one context menu: each part of the window adds its entries through a hook -------------

    def add_menu_hook(self, hook: MenuHook) -> None:
        self.menu_hooks.append(hook)

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The menu for a row: every hook's entries, groups apart by separators."""
        menu = QMenu(self)
        record = self.model.record_at(index) if index.isValid() else None
        for hook in self.menu_hooks:
            before = len(menu.actions())
            if before:
                separator = menu.addSeparator()
            hook(menu, index, record)
            if before and len(menu.actions()) == before + 1:
                menu.removeAction(separator)
        return menu

    def _show_menu(self, point: QPoint) -> None:
        menu = self.context_menu(self.tree.indexAt(point))
        if not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(point))

    def _remember(self) -> None:
        """Before a reset (the only time the model drops every row): which rows are expanded."""
        self._expanded, self._seen = set(), set()
        stack = [QModelIndex()]
        while stack:
            parent = stack.pop()
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                self._seen.add(index.data(KEY_ROLE))
                if self.tree.isExpanded(index):
                    self._expanded.add(index.data(KEY_ROLE))
                stack.append(index)

    def _restore(self) -> None:
        for row in range(self.model.rowCount()):
            self._expand(self.model.index(row, 0))

    def _opened(self, parent: QModelIndex, first: int, last: int) -> None:
        """Rows inserted by a refresh open fully; the rows around them keep their state."""
        for row in range(first, last + 1):
            self.tree.expandRecursively(self.model.index(row, 0, parent))

    def _expand(self, index: QModelIndex) -> None:
        """New rows open fully; rows seen before a reset keep their expanded state."""
        key = index.data(KEY_ROLE)
        if key in self._expanded or key not in self._seen:
            self.tree.expand(index)
        for row in range(self.model.rowCount(index)):
            self._expand(self.model.index(row, 0, index))

    def _activated(self, index: QModelIndex) -> None:
        record = self.model.record_at(index)
        if isinstance(record, MediaRecord):
            self.media_activated.emit(record)
        elif (index.siblingAtColumn(0).data(KEY_ROLE) or ("",))[0] == "tr":
            self.transcript_activated.emit(record)

    def selected_record(self) -> object:
        return self.model.record_at(self.tree.currentIndex())


class TreePanel(QWidget):
    """A header-less tree over ``model`` filling the panel (the codebook and scheme docks)."""

    def __init__(self, model, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.tree = _tree()
        self.tree.setModel(model)
        self.tree.setHeaderHidden(True)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))  # names wrap rather than being cut short
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # counts: as wide as they are
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names: all the room left
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)


class CodebookPanel(TreePanel):
    """The project's codebooks as trees (colour swatch, definition as tooltip)."""

    def __init__(self, model: CodebookModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        model.rowsInserted.connect(self._expand_new)
        model.modelReset.connect(self.tree.expandAll)

    def _expand_new(self, parent: QModelIndex, first: int, last: int) -> None:
        """New codebooks and codes open fully, and so does the code a new one goes under."""
        for row in range(first, last + 1):
            self.tree.expandRecursively(self.model.index(row, 0, parent))
        if parent.isValid():
            self.tree.expand(parent)


class SchemePanel(TreePanel):
    """The project's video coding schemes: tasks, behaviours with their keys, rating scales."""

    def __init__(self, model, parent: QWidget | None = None):
        super().__init__(model, parent)
        model.modelReset.connect(self.tree.expandAll)
        model.rowsInserted.connect(lambda *_: self.tree.expandToDepth(0))
