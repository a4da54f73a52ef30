"""What a blind rater's window must never show, found in a real widget tree.

:func:`widget_texts` walks a widget and everything under it (hidden parts too: a hidden panel is one
click away) and yields every text it can show, with where it was found: window and dock titles,
labels, buttons, tab texts and tab tooltips, group boxes, line and text edits (and placeholders),
combo boxes, every cell of every item model (display, tooltip and status-tip roles, tree children
too) with both headers, status-bar messages, menus and actions (text, tooltip, status tip), and
each widget's tooltip, status tip, what's-this and accessible name.

:func:`find_leaks` reports each text that holds a secret as a whole word (case-insensitive), and
:func:`blinding_secrets` reads a project's secrets the way a lead sees them: participant IDs,
timepoint names and masked attribute values (the trial arm). Used by the role tests and the
screenshot gallery::

    qtbot.wait(20)  # let the event loop delete closed tabs first (a removed tab lingers until then)
    leaks = find_leaks(window, blinding_secrets(project.db))
    assert not leaks, describe(leaks)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QStatusBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from workbench.store import participants, people

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.StatusTipRole,
    Qt.ItemDataRole.WhatsThisRole,
)
MAX_ROWS = 20_000  # per model: enough for any test project, bounded for a runaway model


@dataclass(frozen=True)
class Leak:
    where: str  # e.g. "MainWindow/MyQueueDock/QListWidget: cell 0,0"
    text: str
    secret: str

    def __str__(self) -> str:
        return f"{self.secret!r} in {self.where}: {self.text[:120]!r}"


def describe(leaks: list[Leak]) -> str:
    return "\n".join(map(str, leaks))


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def _path(widget: QWidget, root: QWidget) -> str:
    parts, current = [], widget
    while current is not None and current is not root:
        parts.append(_name(current))
        current = current.parentWidget()
    parts.append(_name(root))
    return "/".join(reversed(parts))


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:  # a list model keeps columnCount private: one column
        return 1


def _has_children(model: QAbstractItemModel, index: QModelIndex) -> bool:
    try:
        return model.hasChildren(index)
    except TypeError:  # a list or table model keeps hasChildren private: flat
        return False


def _model_texts(model: QAbstractItemModel) -> Iterator[tuple[str, str]]:
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        horizontal = orientation == Qt.Orientation.Horizontal
        count = _columns(model, QModelIndex()) if horizontal else model.rowCount(QModelIndex())
        for section in range(min(count, MAX_ROWS)):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.headerData(section, orientation, role)
                if value is not None:
                    yield f"header {orientation.name} {section}", str(value)
    stack, seen = [QModelIndex()], 0
    while stack and seen < MAX_ROWS:
        parent = stack.pop()
        columns = _columns(model, parent)
        for row in range(model.rowCount(parent)):
            seen += 1
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in ROLES:
                    value = index.data(role)
                    if value is not None and not isinstance(value, (bool, int, float)):
                        yield f"cell {row},{column}", str(value)
            child = model.index(row, 0, parent)
            if _has_children(model, child):
                stack.append(child)


def _action_texts(action: QAction) -> Iterator[str]:
    yield from (action.text(), action.toolTip(), action.statusTip(), action.whatsThis())
    menu = action.menu()
    if menu is not None:
        yield menu.title()
        for sub in menu.actions():
            yield from _action_texts(sub)


def _own_texts(widget: QWidget) -> Iterator[str]:
    """The texts one widget shows itself (its children are walked separately)."""
    yield from (widget.windowTitle(), widget.toolTip(), widget.statusTip(), widget.whatsThis())
    yield widget.accessibleName()
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield widget.text()
    if isinstance(widget, QGroupBox):
        yield widget.title()
    if isinstance(widget, QLineEdit):
        yield from (widget.text(), widget.placeholderText())
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        yield widget.toPlainText()
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield from (widget.tabText(i), widget.tabToolTip(i), widget.tabWhatsThis(i))
    if isinstance(widget, QStatusBar):
        yield widget.currentMessage()
    if isinstance(widget, QMainWindow):
        for action in widget.menuBar().actions():
            yield from _action_texts(action)
    for action in widget.actions():
        yield from _action_texts(action)


def widget_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """Every (where, text) the widget tree under ``root`` (itself included) can show."""
    models: set[int] = set()
    for widget in [root, *root.findChildren(QWidget)]:
        where = _path(widget, root)
        for text in _own_texts(widget):
            if text:
                yield where, text
        model = widget.model() if isinstance(widget, (QAbstractItemView, QComboBox)) else None
        if model is not None and id(model) not in models:
            models.add(id(model))
            for cell, text in _model_texts(model):
                yield f"{where}: {cell}", text


def _pattern(secret: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(secret)}(?!\w)", re.IGNORECASE)


def find_leaks(root: QWidget, secrets: Iterable[str]) -> list[Leak]:
    """Every text under ``root`` holding one of ``secrets`` as a whole word."""
    patterns = [(s, _pattern(s)) for s in dict.fromkeys(secrets) if s and s.strip()]
    leaks = []
    for where, text in widget_texts(root):
        leaks += [Leak(where, text, secret) for secret, pattern in patterns if pattern.search(text)]
    return leaks


def find_leaks_in_app(secrets: Iterable[str]) -> list[Leak]:
    """:func:`find_leaks` over every top-level window of the application (dialogs included)."""
    wanted = list(secrets)
    return [leak for top in QApplication.topLevelWidgets() for leak in find_leaks(top, wanted)]


def blinding_secrets(db) -> list[str]:
    """What a rater must not see, read as a lead sees it: participant IDs, timepoint names and the
    values of masked attributes (e.g. the trial arm). An arm value that is also a word of names a
    rater may read (a study called like its intervention: codebook "COS-P", arm "COS-P") would be
    found there too: give such a study arm values of their own, or pass your own list."""
    found = []
    for record in participants.list_participants(db, include_masked=True):
        found.append(record.pseudonym)
        found += [a.value for a in record.attributes if a.masked]
    found += [t.name for t in people.list_timepoints(db)]
    return list(dict.fromkeys(found))
