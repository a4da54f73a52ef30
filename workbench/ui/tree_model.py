"""One base for the tree models: a Qt item model over a plain tree of ``Node``s.

A subclass turns plain records into nodes (``build``); the base shows them. On a ``Change`` that
touches one of the subclass's ``TABLES`` the records are read again and the new tree is matched
against the shown one by the nodes' keys: only the rows that differ are removed, inserted, moved
or updated (``dataChanged``), so views keep their expansion and selection. A full reset happens
only when a level has two rows with one key (the change cannot be mapped onto rows).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon

from workbench.model.records import Change

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1  # the plain record behind a row
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's stable key (kept across refreshes)

Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class Node:
    """One row: a key unique among its siblings, a text per column and what the row shows."""

    key: Hashable
    texts: tuple[str, ...] = ()
    record: object = None
    tooltip: str = ""
    icon: str = ""  # a name the model turns into an icon (see ``TreeModel.icon``)
    style: str = ""  # "", "bold" or "italic"
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    def looks(self) -> tuple:
        return (self.texts, self.tooltip, self.icon, self.style, self.record)

    def take_looks(self, other: Node) -> None:
        self.texts, self.tooltip, self.icon = other.texts, other.tooltip, other.icon
        self.style, self.record = other.style, other.record


def _adopt(node: Node, parent: Node) -> Node:
    node.parent = parent
    for child in node.children:
        _adopt(child, node)
    return node


def _keys_unique(nodes: Sequence[Node]) -> bool:
    keys = [node.key for node in nodes]
    return len(set(keys)) == len(keys) and all(_keys_unique(node.children) for node in nodes)


class TreeModel(QAbstractItemModel):
    """Shows the nodes ``build`` makes from what ``load`` returns; refreshed row by row."""

    COLUMNS: tuple[str, ...] = ("Name",)
    TABLES: tuple[str, ...] = ()  # a Change touching one of these refreshes the model

    def __init__(self, load: Callable[[], Any] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._load = load
        self._root = Node(None)
        self._icons: dict[str, QIcon | None] = {}

    # --- what a subclass provides -------------------------------------------------------------

    def keep(self, data: Any) -> None:
        """Remember the plain records (e.g. as ``self.records``) before they are shown."""

    def build(self, data: Any) -> list[Node]:
        """The top-level nodes (with their children) for the loaded records."""
        raise NotImplementedError

    def make_icon(self, name: str) -> QIcon | None:
        """The icon a node's ``icon`` names (cached per name)."""
        return None

    def cell(self, node: Node, column: int, role: int) -> Any:
        """What a cell shows for ``role``; subclasses add roles and call this for the rest."""
        if role == Qt.ItemDataRole.DisplayRole:
            return node.texts[column] if column < len(node.texts) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or None
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and node.icon:
            return self.icon(node.icon)
        if role == Qt.ItemDataRole.FontRole and node.style:
            font = QFont()
            font.setBold(node.style == "bold")
            font.setItalic(node.style == "italic")
            return font
        if role == RECORD_ROLE:
            return node.record
        if role == KEY_ROLE:
            return node.key
        return None

    # --- loading and changes --------------------------------------------------------------------

    def set_loader(self, load: Callable[[], Any] | None) -> None:
        self._load = load
        self.refresh()

    def load(self) -> Any:
        return self._load() if self._load is not None else []

    def refresh(self) -> None:
        """Read the records again and show what differs."""
        self.show(self.load())

    def show(self, data: Any) -> None:
        self.keep(data)
        self.sync(self.build(data))

    def on_change(self, change: Change) -> bool:
        """Refresh when ``change`` touches one of ``TABLES``; True when it did."""
        if any(change.touches(table) for table in self.TABLES):
            self.refresh()
            return True
        return False

    def sync(self, nodes: list[Node]) -> None:
        """Make the shown tree equal to ``nodes`` row by row (a reset only for duplicate keys)."""
        if not _keys_unique(nodes):
            self.beginResetModel()
            self._root.children = [_adopt(node, self._root) for node in nodes]
            self.endResetModel()
            return
        self._match(self._root, nodes)

    def _match(self, parent: Node, new: list[Node]) -> None:
        where = self.node_index(parent)
        old = parent.children
        wanted = {node.key for node in new}
        row = len(old) - 1
        while row >= 0:  # removals, one call per run of neighbouring rows
            if old[row].key in wanted:
                row -= 1
                continue
            last = row
            while row > 0 and old[row - 1].key not in wanted:
                row -= 1
            self.beginRemoveRows(where, row, last)
            del old[row : last + 1]
            self.endRemoveRows()
            row -= 1
        shown = {node.key for node in old}
        row = 0
        while row < len(new):
            node = new[row]
            if node.key not in shown:  # insertions, one call per run of new rows
                end = row
                while end + 1 < len(new) and new[end + 1].key not in shown:
                    end += 1
                self.beginInsertRows(where, row, end)
                old[row:row] = [_adopt(n, parent) for n in new[row : end + 1]]
                self.endInsertRows()
                row = end + 1
                continue
            if old[row].key != node.key:  # shown further down: move it up here
                source = next(i for i in range(row + 1, len(old)) if old[i].key == node.key)
                self.beginMoveRows(where, source, source, where, row)
                old.insert(row, old.pop(source))
                self.endMoveRows()
            current = old[row]
            if current.looks() != node.looks():
                current.take_looks(node)
                self.dataChanged.emit(
                    self.index(row, 0, where), self.index(row, self.columnCount() - 1, where)
                )
            self._match(current, node.children)
            row += 1

    # --- reading the tree -----------------------------------------------------------------------

    def node(self, index: Index) -> Node:
        return index.internalPointer() if index.isValid() else self._root

    def node_index(self, node: Node, column: int = 0) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), column, node)

    def nodes(self) -> list[Node]:
        """Every node, pre-order."""
        out: list[Node] = []
        stack = list(reversed(self._root.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def record_at(self, index: Index) -> object:
        """The record behind a row (any column), or None."""
        return self.node(index).record if index.isValid() else None

    def icon(self, name: str) -> QIcon | None:
        if name not in self._icons:
            self._icons[name] = self.make_icon(name)
        return self._icons[name]

    # --- QAbstractItemModel ---------------------------------------------------------------------

    def index(self, row: int, column: int = 0, parent: Index = QModelIndex()) -> QModelIndex:
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        children = self.node(parent).children
        if 0 <= row < len(children) and 0 <= column < len(self.COLUMNS):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: Index | None = None) -> Any:
        """The parent row of ``index``; without one, the QObject parent (as QObject.parent())."""
        if index is None:
            return QObject.parent(self)
        if not index.isValid():
            return QModelIndex()
        return self.node_index(self.node(index).parent or self._root)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return len(self.COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802 - Qt override
        return self.rowCount(parent) > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell(self.node(index), index.column(), role)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None
