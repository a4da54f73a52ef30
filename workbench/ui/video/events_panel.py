"""The events table with its actions: set to current frame, delete, undo, redo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.shortcuts import with_key
from workbench.ui.video.events_model import BEHAVIOUR, EventsModel

CELL_PADDING = 8  # either side of a cell's text


class EventsPanel(QWidget):
    """Double-click a time to seek there; edit time, subject, modifiers and comment in place."""

    seek_requested = Signal(int)

    def __init__(
        self, model: EventsModel, current: Callable[[], tuple[int, int | None]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.model = model
        self._current = current  # () -> (time_ms, frame_pts_ms) of the frame on screen
        self.table = QTableView()
        self.table.setObjectName("EventsTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._fit_columns()
        self.table.activated.connect(self._activated)
        session = model.session
        self.set_current_button = QPushButton("Set to current frame")
        self.set_current_button.setToolTip("Move the selected event to the frame on screen")
        self.set_current_button.clicked.connect(self.set_to_current_frame)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip(with_key("Undo the last change", QKeySequence.StandardKey.Undo))
        self.undo_button.clicked.connect(session.undo_stack.undo)
        session.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.redo_button = QPushButton("Redo")
        self.redo_button.setToolTip(with_key("Redo", QKeySequence.StandardKey.Redo))
        self.redo_button.clicked.connect(session.undo_stack.redo)
        session.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        buttons = QHBoxLayout()
        for button in (self.set_current_button, self.delete_button, self.undo_button, self.redo_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        session.events_added.connect(lambda made: self.select_event(made[0].id))

    def _fit_columns(self) -> None:
        """Each column as wide as its widest possible text (behaviour and subject names from the
        scheme, times, event types) and its title: names are never cut; the table scrolls sideways."""
        cells, titles = self.table.fontMetrics(), self.table.horizontalHeader().fontMetrics()
        for column, texts in self.model.sample_texts().items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widest = max([cells.horizontalAdvance(t) for t in texts] + [0])
            if column == BEHAVIOUR:
                widest += self.table.iconSize().width() if self.table.iconSize().width() > 0 else 16
                widest += 4  # the colour swatch before the name
            self.table.setColumnWidth(column, max(widest, titles.horizontalAdvance(title)) + 2 * CELL_PADDING)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.event_at(r).id for r in rows]
        return [i for i in ids if i is not None]  # (all are: the table shows saved events)

    def select_event(self, event_id: int) -> None:
        row = self.model.row_of(event_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def set_to_current_frame(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            time_ms, pts = self._current()
            self.model.session.edit_event(ids[0], time_ms=time_ms, frame_pts_ms=pts)
            self.select_event(ids[0])

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.model.session.delete_events(ids)

    def _activated(self, index) -> None:
        if not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.seek_requested.emit(self.model.event_at(index.row()).time_ms)
