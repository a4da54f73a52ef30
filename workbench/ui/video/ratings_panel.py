"""Task epochs, global ratings per epoch (anchors shown, one click to rate), observation status."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.observation import format_ms
from workbench.ui.video.session import ObservationSession

STATUS_TEXT = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}
# the chosen point of a scale is unmistakable: a filled, bold button and its anchor highlighted
CHOSEN_STYLE = """
QPushButton:checked { background-color: #1F5FBF; color: white; font-weight: bold;
                      border: 2px solid #0B3A7A; border-radius: 3px; }
QLabel[chosen="true"] { background-color: #DCE8FA; font-weight: bold; border-radius: 3px; }
"""


def _button(text: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(slot)
    return button


class RatingsPanel(QWidget):
    """``now()`` is the player's time: epochs are marked at the frame on screen. ``media_task`` is
    the media item's task label: new epochs default to the scheme's task it names (else the first)."""

    def __init__(
        self,
        session: ObservationSession,
        now: Callable[[], int],
        parent: QWidget | None = None,
        media_task: str | None = None,
    ):
        super().__init__(parent)
        self.session, self._now = session, now
        self.pending_start: int | None = None
        self.task_box = QComboBox()
        self.task_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for task in session.scheme.tasks:
            self.task_box.addItem(task.name, task.code)
        default = session.scheme.task_for_label(media_task)
        if default is not None:
            self.task_box.setCurrentIndex(self.task_box.findData(default.code))
        self.start_button = _button("Mark start", self.mark_start)
        self.end_button = _button("Mark end", self.mark_end)
        self.delete_button = _button("Delete epoch", self.delete_epoch)
        self.epoch_list = QListWidget()
        self.epoch_list.setObjectName("EpochList")
        self.epoch_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.epoch_list.setMaximumHeight(110)
        self.epoch_list.currentRowChanged.connect(lambda _row: self._show_scales())
        self.scales = QWidget()
        self.scales_layout = QVBoxLayout(self.scales)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.scales)
        self.status_label = QLabel()
        self.status_label.setObjectName("StatusLabel")
        self.done_button = _button("Mark done", self.mark_done)
        self.reopen_button = _button("Reopen", lambda: self.session.set_status("in_progress"))
        self.problems = QLabel()
        self.problems.setObjectName("DoneProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #A00000")

        marks = QHBoxLayout()
        for w in (QLabel("Task"), self.task_box, self.start_button, self.end_button, self.delete_button):
            marks.addWidget(w)
        status = QHBoxLayout()
        for w in (self.status_label, self.done_button, self.reopen_button):
            status.addWidget(w)
        status.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(marks)
        layout.addWidget(self.epoch_list)
        layout.addWidget(scroll, 1)
        layout.addLayout(status)
        layout.addWidget(self.problems)
        self.rate_groups: dict[str, QButtonGroup] = {}
        session.epochs_changed.connect(self.refresh)
        session.status_changed.connect(self._show_status)
        self.refresh()
        self._show_status(session.status)

    # --- epochs ------------------------------------------------------------------------------
    def mark_start(self) -> None:
        self.pending_start = self._now()
        self.start_button.setText(f"Start {format_ms(self.pending_start)}")

    def mark_end(self) -> None:
        if self.pending_start is None:
            self.session.error.emit("Mark the start of the task epoch first.")
            return
        start, end = sorted((self.pending_start, self._now()))
        self.session.add_epoch(self.task_box.currentData(), start, end, self._epoch_marked)

    def _epoch_marked(self, epoch_id: int) -> None:
        self.pending_start = None
        self.start_button.setText("Mark start")
        self.select_epoch(epoch_id)

    def delete_epoch(self) -> None:
        epoch_id = self.current_epoch_id()
        if epoch_id is not None:
            self.session.delete_epoch(epoch_id)

    def current_epoch_id(self) -> int | None:
        item = self.epoch_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_epoch(self, epoch_id: int) -> None:
        for row in range(self.epoch_list.count()):
            if self.epoch_list.item(row).data(Qt.ItemDataRole.UserRole) == epoch_id:
                self.epoch_list.setCurrentRow(row)

    def refresh(self) -> None:
        keep = self.current_epoch_id()
        self.epoch_list.blockSignals(True)
        self.epoch_list.clear()
        for epoch in self.session.epochs:
            assert epoch.id is not None  # the session holds saved epochs
            scales = self.session.scheme.scales_for_task(epoch.task)
            rated = sum(self.session.rating(epoch.id, s.code) is not None for s in scales)
            item = QListWidgetItem(
                f"{self._task_name(epoch.task)}  {format_ms(epoch.start_ms)}–"
                f"{format_ms(epoch.end_ms)}  ({rated}/{len(scales)} rated)"
            )
            item.setData(Qt.ItemDataRole.UserRole, epoch.id)
            self.epoch_list.addItem(item)
        self.epoch_list.blockSignals(False)
        if keep is not None:
            self.select_epoch(keep)
        if self.epoch_list.currentRow() < 0 and self.epoch_list.count():
            self.epoch_list.setCurrentRow(0)
        self._show_scales()

    def _task_name(self, code: str) -> str:
        return next((t.name for t in self.session.scheme.tasks if t.code == code), code)

    # --- ratings -----------------------------------------------------------------------------
    def _show_scales(self) -> None:
        while self.scales_layout.count():
            item = self.scales_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rate_groups = {}
        epoch_id = self.current_epoch_id()
        epoch = next((e for e in self.session.epochs if e.id == epoch_id), None)
        if epoch is None or epoch.id is None:
            self.scales_layout.addWidget(QLabel("Mark a task epoch to rate it."))
            return
        for scale in self.session.scheme.scales_for_task(epoch.task):
            self.scales_layout.addWidget(self._scale_box(epoch.id, scale))
        self.scales_layout.addStretch(1)

    def _scale_box(self, epoch_id: int, scale) -> QGroupBox:
        box = QGroupBox(scale.name)
        box.setObjectName(f"scale_{scale.code}")
        box.setToolTip(scale.description)
        box.setStyleSheet(CHOSEN_STYLE)
        grid = QGridLayout(box)
        group = QButtonGroup(box)
        group.setExclusive(True)
        anchors: dict[int, QLabel] = {}
        for row, value in enumerate(range(scale.minimum, scale.maximum + 1)):
            button = QPushButton(str(value))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setFixedWidth(36)
            group.addButton(button, value)
            anchors[value] = QLabel(scale.anchors.get(value, ""))
            anchors[value].setWordWrap(True)
            grid.addWidget(button, row, 0)
            grid.addWidget(anchors[value], row, 1)
        grid.setColumnStretch(1, 1)
        _mark_chosen(group, anchors, self.session.rating(epoch_id, scale.code))
        group.idClicked.connect(lambda value: _mark_chosen(group, anchors, value))
        group.idClicked.connect(lambda value, code=scale.code: self.session.rate(epoch_id, code, value))
        self.rate_groups[scale.code] = group
        return box

    # --- status ------------------------------------------------------------------------------
    def mark_done(self) -> bool:
        """Mark the observation done, or list what is missing first."""
        problems = self.session.done_problems()
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        if problems:
            return False
        return self.session.set_status("done")

    def _show_status(self, status: str) -> None:
        self.status_label.setText(f"Status: {STATUS_TEXT.get(status, status)}")
        self.done_button.setEnabled(status != "done")
        self.reopen_button.setEnabled(status == "done")
        if status == "done":
            self.problems.clear()


def _mark_chosen(group: QButtonGroup, anchors: dict[int, QLabel], value: int | None) -> None:
    """Check the chosen point's button and highlight its anchor (the others plain)."""
    for point, anchor in anchors.items():
        button = group.button(point)
        button.setChecked(point == value)
        button.setAccessibleName(f"{point} (chosen)" if point == value else str(point))
        if bool(anchor.property("chosen")) != (point == value):
            anchor.setProperty("chosen", point == value)
            anchor.style().unpolish(anchor)
            anchor.style().polish(anchor)
