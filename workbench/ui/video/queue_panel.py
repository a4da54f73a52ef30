"""A rater's queue: their videos by masked ID only, in their randomised order."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from workbench.model.errors import WorkbenchError
from workbench.store.assignments import RaterItem
from workbench.ui.db_worker import DatabaseWorker

STATUS_TEXT = {"not_started": "not started", "in_progress": "in progress", "done": "done"}


def item_text(item: RaterItem) -> str:
    """What a rater sees of one video: place in the queue, masked ID, status."""
    return f"{item.position}. {item.masked_id} · {STATUS_TEXT.get(item.status, item.status)}"


class QueuePanel(QWidget):
    """``load()`` returns the rater's items (``rater_queue``); activating one asks to open it."""

    item_activated = Signal(object)  # RaterItem

    def __init__(self, parent: QWidget | None = None, worker: DatabaseWorker | None = None):
        super().__init__(parent)
        self._load: Callable[[], list[RaterItem]] | None = None
        self._worker = worker  # when given, the queue is read on the database worker
        self.list = QListWidget()
        self.list.setObjectName("QueueList")
        self.list.itemActivated.connect(
            lambda it: self.item_activated.emit(it.data(Qt.ItemDataRole.UserRole))
        )
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.refresh_button)

    def set_loader(self, load: Callable[[], list[RaterItem]] | None) -> None:
        self._load = load
        self.refresh()

    def refresh(self) -> None:
        if self._load is None:
            self.list.clear()
            self.note.setText("No project open.")
            return
        if self._worker is not None:
            self._worker.submit(self._load, self._show, self._failed)
            return
        try:
            self._show(self._load())
        except WorkbenchError as exc:
            self._failed(str(exc))

    def _failed(self, message: str) -> None:
        if not shiboken6.isValid(self):
            return
        self.list.clear()
        self.note.setText(message)

    def _show(self, items: list[RaterItem]) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed meanwhile
        self.list.clear()
        for item in items:
            row = QListWidgetItem(item_text(item))
            row.setData(Qt.ItemDataRole.UserRole, item)
            self.list.addItem(row)
        self.note.setText(
            f"{len(items)} video(s) to rate, in your order." if items else "No videos are assigned to you."
        )

    def items(self) -> list[RaterItem]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
