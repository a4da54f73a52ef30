"""The lead's video assignment screen: who rates which video (with the masked ID each rater sees), the
reliability double-coding share drawn reproducibly from a seed, and each rater's progress.

It reads ``workbench.store.assignment_overview`` and writes through the same store functions as
``workbench assign``, ``workbench reliability-sample`` and ``workbench unassign`` (run by name on the
command bus, on the database worker), so the screen and the command line share one logic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.model.records import Change, Command
from workbench.store import bus
from workbench.store.assignment_overview import STATUS_WORDS, Overview, Slot, VideoRow, overview

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow

VIDEO_COLUMNS = (
    "Participant",
    "Timepoint",
    "Task",
    "Video",
    "Rater",
    "Masked ID",
    "Progress",
    "Second rater",
    "Masked ID",
    "Progress",
)
RATER_COLUMNS = ("Rater", "Role", "Assigned", "Not started", "In progress", "Done", "As second rater")
TABLES = ("assignments", "observations", "media", "coders")


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _slot_cells(slot: Slot | None) -> list[str]:
    if slot is None:
        return ["—", "", ""]
    return [slot.rater, slot.masked_id, STATUS_WORDS.get(slot.status, slot.status)]


def _video_cells(row: VideoRow) -> list[str]:
    return [
        row.participant,
        row.timepoint or "—",
        row.task or "—",
        row.file_name,
        *_slot_cells(row.primary),
        *_slot_cells(row.reliability),
    ]


class AssignmentsView(QWidget):
    """A workspace tab for the lead (the window opens it from Team → Video assignments…)."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None):
        super().__init__(parent)
        self.host = window  # (QWidget.window() is Qt's own)
        self.overview: Overview | None = None
        self.share = QLabel()
        self.videos = _table(VIDEO_COLUMNS)
        self.videos.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.raters = _table(RATER_COLUMNS)
        self.raters.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rater = QComboBox()
        self.assign_button = QPushButton("Assign selected")
        self.assign_button.setToolTip(
            "The chosen person rates the selected videos, each under a new masked ID"
        )
        self.second_button = QPushButton("Assign selected as second rater")
        self.second_button.setToolTip("The chosen person double-codes the selected videos for reliability")
        self.take_back_button = QPushButton("Take back selected")
        self.take_back_button.setToolTip("Remove the selected videos' assignments nobody has started")
        self.percent = QSpinBox()
        self.percent.setRange(1, 100)
        self.percent.setValue(20)
        self.percent.setSuffix(" %")
        self.second_rater = QComboBox()
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setToolTip("The same seed on the same assignments draws the same videos: note it down")
        self.draw_button = QPushButton("Draw sample")
        self.draw_button.setToolTip("Assign a random share of the assigned videos to a second rater")
        self.assign_button.clicked.connect(lambda: self.assign("primary"))
        self.second_button.clicked.connect(lambda: self.assign("reliability"))
        self.take_back_button.clicked.connect(self.take_back)
        self.draw_button.clicked.connect(self.draw_sample)
        self._lay_out()
        window.changed.connect(self._changed)
        self.refresh()

    def _lay_out(self) -> None:
        assign_row = QHBoxLayout()
        widget: QWidget
        for widget in (
            QLabel("Rater:"),
            self.rater,
            self.assign_button,
            self.second_button,
            self.take_back_button,
        ):
            assign_row.addWidget(widget)
        assign_row.addStretch(1)
        sample_row = QHBoxLayout()
        for widget in (
            QLabel("Double-code"),
            self.percent,
            QLabel("of the assigned videos by"),
            self.second_rater,
            QLabel("seed"),
            self.seed,
            self.draw_button,
        ):
            sample_row.addWidget(widget)
        sample_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Videos</b> (raters see only the masked ID, in their own random order)"))
        layout.addWidget(self.videos, 3)
        layout.addLayout(assign_row)
        layout.addWidget(self.share)
        layout.addLayout(sample_row)
        layout.addWidget(QLabel("<b>Progress per rater</b>"))
        layout.addWidget(self.raters, 1)

    # --- reading --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the assignments again (on the database worker)."""
        project = self.host.project
        if project is not None:
            db, lead = project.db, project.coder.id
            self.host.db_worker.submit(lambda: overview(db, lead), self.show_overview, self.host.show_error)

    def _changed(self, change: Change) -> None:
        if any(change.touches(t) for t in TABLES):
            self.refresh()

    def show_overview(self, found: Overview) -> None:
        self.overview = found
        self._fill(self.videos, [_video_cells(v) for v in found.videos])
        self._fill(
            self.raters,
            [
                [r.rater, r.role, r.assigned, r.not_started, r.in_progress, r.done, r.reliability]
                for r in found.raters
            ],
        )
        self.share.setText(found.share_text())
        for combo in (self.rater, self.second_rater):
            chosen = combo.currentData()
            combo.clear()
            for r in found.raters:
                combo.addItem(f"{r.rater} ({r.role})", r.rater_id)
            if chosen is not None and combo.findData(chosen) >= 0:
                combo.setCurrentIndex(combo.findData(chosen))

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list]) -> None:
        table.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(i, j, item)

    def selected_rows(self) -> list[VideoRow]:
        if self.overview is None:
            return []
        rows = sorted({i.row() for i in self.videos.selectionModel().selectedRows()})
        return [self.overview.videos[r] for r in rows if r < len(self.overview.videos)]

    # --- writing (on the database worker, through the command bus) --------------------------------

    def assign(self, purpose: str) -> None:
        """The chosen rater rates the selected videos (``purpose``: primary or reliability)."""
        chosen = self.selected_rows()
        if not chosen or self.rater.currentData() is None:
            self.host.show_status("Select videos in the table and choose a rater first.")
            return
        media = [v.media_id for v in chosen]
        self._run("assign_media", rater_id=self.rater.currentData(), media_ids=media, purpose=purpose)

    def take_back(self) -> None:
        masked = [s.masked_id for v in self.selected_rows() for s in (v.primary, v.reliability) if s]
        if not masked:
            self.host.show_status("Select assigned videos in the table first.")
            return
        self._run("unassign_media", masked_ids=masked)

    def draw_sample(self) -> None:
        """A reproducible random share of the assigned videos for the chosen second rater."""
        if self.second_rater.currentData() is None:
            self.host.show_status("Choose the second rater first.")
            return
        self._run(
            "draw_reliability_sample",
            second_rater_id=self.second_rater.currentData(),
            fraction=self.percent.value() / 100,
            seed=self.seed.value(),
        )

    def _run(self, name: str, **args) -> None:
        project = self.host.project
        if project is None:
            return
        db, command = project.db, Command(name, {"lead_id": project.coder.id, **args})
        self.host.db_worker.submit(lambda: bus.run(db, command), self.host.apply_change, self.host.show_error)
