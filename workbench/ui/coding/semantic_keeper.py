"""Keeps the semantic index current in the background: a few seconds after a change to transcript
text (transcription, import, correction, pseudonymisation), the stale transcripts are re-encoded on
the task runner's pool, their database steps on the database worker, with a progress bar in the
status bar's task panel. Without the sentence model it says so once, in the status bar, and stops."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.roles import Action
from workbench.services import semantic_index

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow
    from workbench.ui.runner import Task

QUIET_MS = 5000  # corrections come in bursts while someone types: wait until they pause
TEXT_TABLES = ("transcripts", "segments")


class SemanticKeeper(QObject):
    def __init__(self, window: MainWindow, quiet_ms: int = QUIET_MS):
        super().__init__(window)
        self.window = window
        self.task: Task | None = None
        self.again = False
        self.unavailable: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(quiet_ms)
        self.timer.timeout.connect(self.start)
        window.changed.connect(self._changed)
        window.project_changed.connect(lambda _p: self._reset())

    def _reset(self) -> None:
        self.timer.stop()
        self.again = False
        if self.task is not None and self.task.running:
            self.task.cancel()

    def _changed(self, change: Change) -> None:
        if any(change.touches(t) for t in TEXT_TABLES) and not change.touches("passage_embeddings"):
            self.timer.start()

    def available(self) -> bool:
        """Whether the sentence model is there (checked once; the reason goes to the status bar)."""
        if self.unavailable is None:
            from workbench.nlp.embedding import check_model, model_path

            try:
                check_model(model_path())  # the file and its SHA-256; it loads on the pool
                self.unavailable = ""
            except WorkbenchError as exc:
                self.unavailable = str(exc)
                self.window.show_status(self.unavailable)
        return not self.unavailable

    def start(self) -> Task | None:
        """Bring the index up to date now (one run at a time; a change meanwhile runs it again)."""
        project = self.window.project
        if project is None or not project.coder.can(Action.CODE_TRANSCRIPTS) or not self.available():
            return None
        if self.task is not None and self.task.running:
            self.again = True
            return self.task
        self.task = self.window.runner.run(
            "Updating the semantic index",
            semantic_index.build_index,
            project.db,
            database=self.window.db_worker.call,
            on_done=self._done,
        )
        return self.task

    def _done(self, change: Change) -> None:
        if change.touches("passage_embeddings"):
            self.window.apply_change(change, announce=False)
        if self.again:
            self.again = False
            self.start()
