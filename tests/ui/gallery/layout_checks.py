"""What a screenshot cannot be trusted to show: texts cut short, and a window wider than the screen.

:func:`cut_texts` walks the visible widgets of a window and names every code name, behaviour name,
column header, tab title or button label that is drawn narrower than its text (Qt elides item
texts with "…" and clips labels and buttons). Texts a widget wraps onto more lines count as whole.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabBar,
    QTreeView,
    QWidget,
)

from tests.ui.video_helpers import column_count

SLACK = 2  # px of rounding between a text's advance and the room Qt gives it
ITEM_PADDING = 8  # the item delegate's margins either side of the text (Fusion and the offscreen style)


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def _where(widget: QWidget) -> str:
    """A path of object names / class names from the window down to ``widget``, for the failure message."""
    parts = []
    while widget is not None:
        parts.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return "/".join(reversed(parts[:4]))


def _item_room(view: QAbstractItemView, index: QModelIndex, rect: QRect) -> int:
    """The width left for an item's text: its cell, less the check box, icon and padding drawn
    before it (as the style lays the item out, where the delegate lets us ask)."""
    delegate = view.itemDelegateForIndex(index)
    if isinstance(delegate, QStyledItemDelegate):
        option = QStyleOptionViewItem()
        option.rect = rect
        option.font = view.font()
        option.fontMetrics = view.fontMetrics()
        option.decorationSize = view.iconSize() if view.iconSize().isValid() else QSize(16, 16)
        delegate.initStyleOption(option, index)
        return view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view).width()
    room = rect.width() - ITEM_PADDING
    if index.data(Qt.ItemDataRole.DecorationRole) is not None:
        icon = view.iconSize()
        room -= (icon.width() if icon.isValid() and icon.width() > 0 else 16) + 4
    if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
        room -= 20
    return room


def _visible_indexes(view: QAbstractItemView):
    """Every index whose cell shows in the viewport (trees: expanded rows only)."""
    model = view.model()
    if model is None:
        return
    viewport = view.viewport().rect()
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            for column in range(column_count(model, parent)):
                index = model.index(row, column, parent)
                rect = view.visualRect(index)
                if rect.isValid() and rect.intersects(viewport):
                    yield index, rect
            first = model.index(row, 0, parent)
            if isinstance(view, QTreeView) and view.isExpanded(first) and model.rowCount(first) > 0:
                stack.append(first)


def _item_cuts(view: QAbstractItemView) -> list[str]:
    found = []
    wraps = bool(getattr(view, "wordWrap", lambda: False)())
    metrics = view.fontMetrics()
    for index, rect in _visible_indexes(view):
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text.strip():
            continue
        needed = max(metrics.horizontalAdvance(line) for line in text.splitlines())
        room = _item_room(view, index, rect)
        if wraps and " " in text:
            wrapped = metrics.boundingRect(QRect(0, 0, max(1, room), 100_000), Qt.TextFlag.TextWordWrap, text)
            if wrapped.height() <= rect.height() + SLACK:  # wrapped onto as many lines as it needs
                continue
        if needed > room + SLACK:
            found.append(f"{_where(view)}: item {text!r} ({needed} px in {rect.width()} px)")
    return found


def _header_cuts(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None or not _shown(header):
        return []
    found = []
    metrics = header.fontMetrics()
    for section in range(header.count()):
        if header.isSectionHidden(section) or header.sectionSize(section) == 0:
            continue
        text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            continue
        needed = metrics.horizontalAdvance(text) + ITEM_PADDING
        size = header.sectionSize(section)
        if header.orientation() == Qt.Orientation.Horizontal and needed > size + SLACK:
            found.append(f"{_where(header)}: column {text!r} ({needed} px in {size} px)")
    return found


def _tab_cuts(bar: QTabBar) -> list[str]:
    found = []
    metrics = bar.fontMetrics()
    for tab in range(bar.count()):
        text = bar.tabText(tab)
        rect = bar.tabRect(tab)
        buttons = sum(
            (bar.tabButton(tab, side).width() + 4)
            for side in (QTabBar.ButtonPosition.LeftSide, QTabBar.ButtonPosition.RightSide)
            if bar.tabButton(tab, side) is not None
        )
        needed = metrics.horizontalAdvance(text.replace("&", "")) + buttons + 2 * ITEM_PADDING
        if text and needed > rect.width() + SLACK:
            found.append(f"{_where(bar)}: tab {text!r} ({needed} px in {rect.width()} px)")
    return found


def _clipped(widget: QWidget, text: str, hint: QSize) -> str | None:
    if text and widget.width() + SLACK < hint.width():
        return (
            f"{_where(widget)}: {type(widget).__name__} {text!r} ({hint.width()} px in {widget.width()} px)"
        )
    return None


def cut_texts(root: QWidget) -> list[str]:
    """Every visible text under ``root`` drawn narrower than it needs, as readable lines."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget):
            continue
        if isinstance(widget, QHeaderView):
            found += _header_cuts(widget)
        elif isinstance(widget, QAbstractItemView):
            found += _item_cuts(widget)
        elif isinstance(widget, QTabBar):
            found += _tab_cuts(widget)
        elif isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            found.append(_clipped(widget, widget.text(), widget.minimumSizeHint()) or "")
        elif isinstance(widget, QAbstractButton) and widget.text():
            found.append(_clipped(widget, widget.text(), widget.sizeHint()) or "")
        elif isinstance(widget, QComboBox) and widget.currentText():
            found.append(_clipped(widget, widget.currentText(), widget.minimumSizeHint()) or "")
        elif isinstance(widget, QDockWidget) and widget.windowTitle():
            needed = widget.fontMetrics().horizontalAdvance(widget.windowTitle()) + 60  # float/close buttons
            if needed > widget.width() + SLACK:
                found.append(f"{_where(widget)}: dock title {widget.windowTitle()!r}")
    return sorted({f for f in found if f})


def oversize(window: QWidget, screen: QSize = QSize(1280, 800)) -> list[str]:
    """Why ``window`` does not fit ``screen``: its minimum size, or the size it grew to."""
    problems = []
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if minimum.width() > screen.width() or minimum.height() > screen.height():
        problems.append(
            f"minimum size {minimum.width()}×{minimum.height()} exceeds {screen.width()}×{screen.height()}"
        )
    if window.width() > screen.width() or window.height() > screen.height():
        problems.append(
            f"window is {window.width()}×{window.height()} on a {screen.width()}×{screen.height()} screen"
        )
    return problems
