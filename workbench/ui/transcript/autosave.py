"""Saving a transcript as you go: every change is written through the store after a short pause
(on the window's task runner when there is one, so the editor never waits for the database), and
at once when the editor is hidden or closed (:meth:`AutoSaver.save_now`).

A save writes a snapshot of the draft; what is typed while it is in flight stays unsaved and is
written by the next save. A save refused because someone else saved the transcript meanwhile is
a *conflict*: nothing is saved until the user chooses :meth:`AutoSaver.keep_mine` (save my text
against their version) or reloads (:meth:`AutoSaver.reloaded`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.coding.transcript_editing import Edit, TranscriptDraft
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.store.engine import Database
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)
DELAY_MS = 1500
WAIT_S = 60  # the longest save_now waits for a save in flight


@dataclass(eq=False)
class _Save:
    """One write of a draft snapshot; filled in by whichever thread runs it."""

    revision: int
    version: int
    segments: list[NewSegment]
    change: Any = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _write(
    save: _Save, db: Database, transcript_id: int, coder_id: int | None, progress=None, cancelled=None
) -> _Save:
    """Task function: never raises (the outcome is in ``save``), so the runner shows no error box."""
    try:
        save.change = update_transcript_text(db, transcript_id, save.segments, save.version, coder_id)
    except WorkbenchError as exc:
        save.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - the editor keeps the text; the user is told
        log.exception("Saving transcript %s failed", transcript_id)
        save.error = short_message(exc)
    finally:
        save.done.set()
    return save


class AutoSaver(QObject):
    """Writes the draft to transcript ``transcript_id`` (optimistic: it names the version it edits)."""

    state_changed = Signal(str)  # "Saved", "Saving…", "Unsaved changes" or "Not saved: ..."
    saved = Signal(object)  # the store's Change
    conflict = Signal(str)  # someone else saved meanwhile: the store's message

    def __init__(
        self,
        db: Database,
        transcript_id: int,
        version: int,
        draft: TranscriptDraft,
        coder_id: int | None = None,
        delay_ms: int = DELAY_MS,
        runner=None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.db, self.transcript_id, self.version, self.draft = db, transcript_id, version, draft
        self.coder_id, self.runner = coder_id, runner
        self.saved_revision = draft.revision
        self.error: str | None = None
        self.conflicted = False
        self._flight: _Save | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_later)
        draft.subscribe(self._changed)

    @property
    def dirty(self) -> bool:
        return self.draft.revision != self.saved_revision

    @property
    def saving(self) -> bool:
        return self._flight is not None

    def _changed(self, _edit: Edit) -> None:
        if not self.conflicted:
            self.state_changed.emit("Unsaved changes")
            self._timer.start()

    def _snapshot(self) -> _Save:
        return _Save(self.draft.revision, self.version, list(self.draft.segments))

    def save_later(self) -> None:
        """Start a save on the runner (or save now without one); one save at a time."""
        if self.runner is None:
            self.save_now()
            return
        if self._flight is not None or not self.dirty or self.conflicted:
            return  # a save in flight starts the next one when it lands
        save = self._flight = self._snapshot()
        self.state_changed.emit("Saving…")
        self.runner.run(
            "Saving transcript",
            _write,
            save,
            self.db,
            self.transcript_id,
            self.coder_id,
            on_done=lambda _result, s=save: self._landed(s),
            db_thread=True,
        )

    def _landed(self, save: _Save) -> None:
        if save is not self._flight:
            return  # save_now took it over
        self._flight = None
        if self._settle(save) and self.dirty:
            self._timer.start()  # typed while it was saving: saved next

    def save_now(self) -> bool:
        """Write pending changes now (after a save in flight); True when nothing is left unsaved."""
        self._timer.stop()
        if self._flight is not None:
            save = self._flight
            if not save.done.wait(WAIT_S):
                return False  # still writing; it lands later
            self._flight = None
            if not self._settle(save):
                return False
        if not self.dirty:
            return True
        if self.conflicted:
            return False
        return self._settle(self._write_now(self._snapshot()))

    def _write_now(self, save: _Save) -> _Save:
        """Write on the database worker when there is one (the GUI keeps handling events meanwhile)."""
        worker = getattr(self.runner, "db_worker", None)
        db, transcript_id, coder_id = self.db, self.transcript_id, self.coder_id
        if worker is None:
            return _write(save, db, transcript_id, coder_id)
        return worker.wait_for(lambda: _write(save, db, transcript_id, coder_id))

    def _settle(self, save: _Save) -> bool:
        """Take in a finished save; True when it was written."""
        if save.error is None:
            self.version = save.version + 1  # the correction was made on save.version and bumped it by one
            self.saved_revision, self.error = save.revision, None
            self.state_changed.emit("Saved" if not self.dirty else "Unsaved changes")
            self.saved.emit(save.change)
            return True
        self.error = save.error
        self.state_changed.emit(f"Not saved: {self.error}")
        try:
            stale = transcript_version(self.db, self.transcript_id) != save.version
        except WorkbenchError:
            stale = False
        if stale and not self.conflicted:
            self.conflicted = True
            self.conflict.emit(save.error)
        return False

    # --- after a conflict -------------------------------------------------------------------------

    def keep_mine(self) -> bool:
        """Save my text over the version now stored (codings follow my corrections)."""
        self.version = transcript_version(self.db, self.transcript_id)
        self.conflicted = False
        return self.save_now()

    def reloaded(self, version: int) -> None:
        """The draft now holds the stored text of ``version``: nothing is unsaved."""
        self._timer.stop()
        self.version, self.conflicted, self.error = version, False, None
        self.saved_revision = self.draft.revision
        self.state_changed.emit("Saved")
