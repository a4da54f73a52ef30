"""Widgets that fit a 1280×800 screen: combo boxes that do not widen to their longest item, rows
of labelled filters that wrap onto a grid instead of widening the window, and tree items whose
names wrap instead of being cut short."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

COMBO_CHARS = 14  # a combo shows at least this many characters; its list opens as wide as its items


def compact(combo: QComboBox, chars: int = COMBO_CHARS) -> QComboBox:
    """Size ``combo`` for ``chars`` characters rather than its longest item; its list still opens
    as wide as the longest item (Qt widens the popup), and the tooltip names the current one."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    tip = combo.toolTip()

    def show_current(_index: int = 0) -> None:
        current = combo.currentText()
        combo.setToolTip(f"{tip}: {current}" if tip and current else tip or current)

    combo.currentIndexChanged.connect(show_current)
    show_current()
    return combo


def labelled_grid(pairs: Iterable[tuple[str, QWidget]], columns: int = 4) -> QGridLayout:
    """Label/widget pairs laid out ``columns`` pairs to a row (a pair with no label spans both cells)."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(8)
    for n, (label, widget) in enumerate(pairs):
        row, column = divmod(n, columns)
        if label:
            grid.addWidget(QLabel(label), row, 2 * column)
            grid.addWidget(widget, row, 2 * column + 1)
        else:
            grid.addWidget(widget, row, 2 * column, 1, 2)
        grid.setColumnStretch(2 * column + 1, 1)
    return grid


class WrappingDelegate(QStyledItemDelegate):
    """Item texts of a tree's first column wrap onto as many lines as the column's width needs
    (rows grow to fit), so names are read whole instead of cut short with "…"."""

    def __init__(self, view: QTreeView):
        super().__init__(view)
        self.view = view
        view.setWordWrap(True)
        view.setUniformRowHeights(False)
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        view.header().sectionResized.connect(lambda column, _old, _new: self._relayout(column))

    def _relayout(self, column: int) -> None:
        if column == 0:
            self.view.scheduleDelayedItemsLayout()

    def _text_width(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        """The width the text gets: the column less the indentation, the decoration and margins."""
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        indent = self.view.indentation() * (depth + (1 if self.view.rootIsDecorated() else 0))
        room = self.view.columnWidth(0) - indent - 8
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            room -= option.decorationSize.width() + 4
        return max(40, room)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 - Qt
        hint = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if index.column() != 0 or not isinstance(text, str) or not text:
            return hint
        self.initStyleOption(option, index)
        bounds = option.fontMetrics.boundingRect(
            QRect(0, 0, self._text_width(option, index), 10_000), Qt.TextFlag.TextWordWrap, text
        )
        return QSize(hint.width(), max(hint.height(), bounds.height() + 4))
