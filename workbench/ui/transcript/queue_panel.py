"""The transcription queue: add the project's recordings, pick the settings (model, language,
speakers, channels, speech detection: :mod:`.settings_form`), and follow each job (progress, ETA)
with cancel and retry. A finished job says how the channels were used and how many passages of
untranscribed speech need a listen ("done — 2 passages need a listen"). Wraps
:class:`TranscriptionQueue`; jobs run one at a time on the window's :class:`TaskRunner`; a
cancelled job resumes when retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

import transcription
from workbench.model.errors import WorkbenchError
from workbench.model.records import MediaRecord
from workbench.services.transcription_queue import JobState, QueueJob, TranscriptionQueue
from workbench.store import participants
from workbench.ui.participants_model import format_duration
from workbench.ui.runner import Task, TaskRunner
from workbench.ui.transcript.settings_form import TranscriptionSettings, describe

COLUMNS = ("Recording", "Settings", "State", "Progress", "Time left")
LISTEN = QColor("#b35900")  # a finished job with passages that need a listen


class _Relay(QObject):
    """Carries queue notifications from the worker thread to the GUI thread."""

    job = Signal(object)


def state_text(job: QueueJob) -> str:
    """The State column: "done — 2 passages need a listen", "running: Transcribed 0:01:00 of …"."""
    if job.state is JobState.DONE and job.gaps:
        return f"done — {job.message}"
    return job.state.value if not job.message else f"{job.state.value}: {job.message}"


class TranscriptionQueuePanel(QWidget):
    transcript_done = Signal(object)  # the Change of a finished job (a transcript was added)
    open_transcript = Signal(int)  # transcript id

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("TranscriptionQueue")
        self.runner = runner
        self.queue: TranscriptionQueue | None = None
        self.task: Task | None = None
        self._media: list[MediaRecord] = []
        self._runner_hooks: tuple[Callable | None, Callable | None] = (None, None)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._forwarded: set[int] = set()
        self._relay = _Relay(self)
        self._relay.job.connect(self._show_job)
        self._build()
        self._eta_timer = QTimer(self)
        self._eta_timer.setInterval(1000)
        self._eta_timer.timeout.connect(self._refresh_etas)
        self.set_project(None)

    def _build(self) -> None:
        self.media_box = QComboBox()
        self.settings = TranscriptionSettings(self)
        self.add_button = QPushButton("Add to queue")
        self.add_button.clicked.connect(lambda: self.add_selected())
        form = QFormLayout()
        form.addRow("Recording", self.media_box)
        self.settings.add_rows(form)
        form.addRow(self.add_button)
        self.jobs = QTreeWidget()
        self.jobs.setHeaderLabels(list(COLUMNS))
        self.jobs.setRootIsDecorated(False)
        self.jobs.itemDoubleClicked.connect(lambda item, _c: self._open(item))
        self.media_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.media_box.setMinimumContentsLength(8)
        self.jobs.setMinimumWidth(120)
        buttons = QGridLayout()
        self.cancel_button, self.retry_button = QPushButton("Cancel"), QPushButton("Retry")
        self.remove_button, self.open_button = QPushButton("Remove"), QPushButton("Open transcript")
        for i, (button, slot) in enumerate(
            (
                (self.cancel_button, self.cancel_selected),
                (self.retry_button, self.retry_selected),
                (self.remove_button, self.remove_selected),
                (self.open_button, self.open_selected),
            )
        ):
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button, i // 2, i % 2)
        # settings on the left (scrolling when the panel is short), the queue on the right: along the
        # bottom of the window the panel is wide and low, and the open views keep their height
        settings = QWidget()
        settings.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(settings)
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addWidget(self.jobs, 1)
        queue_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(queue)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    # --- project ----------------------------------------------------------------------------------

    def set_project(self, project) -> None:
        self.project = project
        worker = self.runner.db_worker  # transcribing runs on the pool, its database steps on the worker
        self.queue = (
            None
            if project is None
            else TranscriptionQueue.for_project(project, self._listen, worker.call if worker else None)
        )
        self.jobs.clear()
        self._items.clear()
        self.refresh_media()
        self.setEnabled(project is not None)

    def refresh_media(self) -> None:
        people = (
            []
            if self.project is None
            else participants.list_participants(self.project.db, include_masked=False)
        )
        self._pseudonyms = {p.id: p.pseudonym for p in people}
        self._media = [m for p in people for m in p.media if m.kind in ("audio", "video")]
        current = self.media_box.currentData()
        self.media_box.clear()
        for media in self._media:
            self.media_box.addItem(self.label(media), media.id)
        self.select_media(current)

    def label(self, media: MediaRecord) -> str:
        parts = [self._pseudonyms.get(media.participant_id, "?"), media.timepoint, media.original_name]
        return " · ".join(p for p in parts if p) + f" ({format_duration(media.duration_ms)})"

    def select_media(self, media_id: int | None) -> None:
        index = self.media_box.findData(media_id)
        if index >= 0:
            self.media_box.setCurrentIndex(index)

    # --- options ----------------------------------------------------------------------------------

    @property
    def model_box(self) -> QComboBox:
        return self.settings.model_box

    @property
    def speakers_box(self) -> QComboBox:
        return self.settings.speakers_box

    @property
    def channels_box(self) -> QComboBox:
        return self.settings.channels_box

    def options(self) -> transcription.Options:
        return self.settings.options()

    # --- jobs -------------------------------------------------------------------------------------

    def add_selected(self) -> QueueJob | None:
        media_id = self.media_box.currentData()
        return None if media_id is None else self.add(media_id)

    def add(self, media_id: int, options: transcription.Options | None = None) -> QueueJob:
        """Queue ``media_id`` (raises WorkbenchError when it is queued already) and start the queue."""
        media = next(m for m in self._media if m.id == media_id)
        job = self._open_queue().add(media_id, self.label(media), options or self.options())
        self._pump()
        return job

    def _open_queue(self) -> TranscriptionQueue:
        if self.queue is None:
            raise WorkbenchError("Open a project first.")
        return self.queue

    def selected_job(self) -> QueueJob | None:
        item = self.jobs.currentItem()
        return (
            None
            if item is None or self.queue is None
            else self.queue.job(item.data(0, Qt.ItemDataRole.UserRole))
        )

    def cancel_selected(self) -> None:
        job = self.selected_job()
        if job is not None:
            self._open_queue().cancel(job.id)

    def retry_selected(self) -> None:
        job = self.selected_job()
        if job is not None:
            self._open_queue().retry(job.id)
            self._pump()

    def remove_selected(self) -> None:
        job = self.selected_job()
        if job is not None:
            self._open_queue().remove(job.id)
            self.jobs.takeTopLevelItem(self.jobs.indexOfTopLevelItem(self._items.pop(job.id)))

    def open_selected(self) -> None:
        item = self.jobs.currentItem()
        if item is not None:
            self._open(item)

    def _open(self, item: QTreeWidgetItem) -> None:
        job = self.queue.job(item.data(0, Qt.ItemDataRole.UserRole)) if self.queue else None
        if job is not None and job.transcript_id is not None:
            self.open_transcript.emit(job.transcript_id)

    # --- running ----------------------------------------------------------------------------------

    def _pump(self) -> None:
        """Start the next queued job when none is running."""
        if self.task is not None or self.queue is None:
            return
        if not any(j.state is JobState.QUEUED for j in self.queue.jobs):
            self._eta_timer.stop()
            return
        queue = self.queue
        self.task = self.runner.run(
            "Transcribing", self._run_next, queue, on_done=self._ran, on_error=lambda _m: self._ran(None)
        )
        self._eta_timer.start()

    def _run_next(self, queue: TranscriptionQueue, progress=None, cancelled=None) -> QueueJob | None:
        self._runner_hooks, self._forwarded = (progress, cancelled), set()
        try:
            return queue.run_next()
        finally:
            self._runner_hooks = (None, None)

    def _listen(self, job: QueueJob) -> None:
        """Called by the queue on any thread: relay to the GUI, pass progress and cancel through."""
        progress, cancelled = self._runner_hooks
        if job.state is JobState.RUNNING:
            if cancelled is not None and cancelled() and job.id not in self._forwarded:
                self._forwarded.add(job.id)  # cancelling notifies again: forward it once
                self._open_queue().cancel(job.id)
            if progress is not None:
                progress(job.fraction, f"{job.label}: {job.message}")
        self._relay.job.emit(job)

    def _ran(self, job: QueueJob | None) -> None:
        self.task = None
        if job is not None and job.state is JobState.DONE and job.change is not None:
            self.transcript_done.emit(job.change)
        self._pump()

    # --- display ----------------------------------------------------------------------------------

    def _show_job(self, job: QueueJob) -> None:
        if self.queue is None or job not in self.queue.jobs:
            return  # a job of a project closed since
        item = self._items.get(job.id)
        if item is None:
            item = QTreeWidgetItem([job.label, describe(job.options), "", "", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, job.id)
            self.jobs.addTopLevelItem(item)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            self.jobs.setItemWidget(item, 3, bar)
            self._items[job.id] = item
            self.jobs.setCurrentItem(item)
        item.setText(2, state_text(job))
        item.setToolTip(2, job.error or job.message)
        if job.state is JobState.DONE and job.gaps:
            item.setForeground(2, QBrush(LISTEN))
            item.setToolTip(
                2,
                f"{job.message}: open the transcript to listen to the passages marked as untranscribed speech",
            )
        self.progress_bar(job.id).setValue(round(job.fraction * 1000))
        self._show_eta(job, item)

    def progress_bar(self, job_id: int) -> QProgressBar:
        return cast(QProgressBar, self.jobs.itemWidget(self._items[job_id], 3))

    def _show_eta(self, job: QueueJob, item: QTreeWidgetItem) -> None:
        eta = self._open_queue().eta_seconds(job.id) if job.state is JobState.RUNNING else None
        item.setText(4, "" if eta is None else format_duration(round(eta * 1000)))

    def _refresh_etas(self) -> None:
        for job in self.queue.jobs if self.queue else []:
            if job.id in self._items:
                self._show_eta(job, self._items[job.id])

    def job_text(self, job_id: int) -> str:
        return self._items[job_id].text(2)
