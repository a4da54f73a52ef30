"""Saving a transcript as you go: every change is written through the store after a short pause,
and at once when the editor is hidden or closed (:meth:`AutoSaver.save_now`)."""
from __future__ import annotations

import logging
from typing import Optional

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.coding.transcript_editing import Edit, TranscriptDraft
from workbench.errors import WorkbenchError
from workbench.store.engine import Database
from workbench.store.text_correction import update_transcript_text
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)
DELAY_MS = 1500


class AutoSaver(QObject):
    """Writes the draft to transcript ``transcript_id`` (optimistic: it names the version it edits)."""

    state_changed = Signal(str)  # "Saved", "Unsaved changes" or "Not saved: ..."
    saved = Signal(object)  # the store's Change

    def __init__(self, db: Database, transcript_id: int, version: int, draft: TranscriptDraft,
                 coder_id: Optional[int] = None, delay_ms: int = DELAY_MS, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.db, self.transcript_id, self.version, self.draft = db, transcript_id, version, draft
        self.coder_id = coder_id
        self.saved_revision = draft.revision
        self.error: Optional[str] = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)
        draft.subscribe(self._changed)

    @property
    def dirty(self) -> bool:
        return self.draft.revision != self.saved_revision

    def _changed(self, _edit: Edit) -> None:
        self.state_changed.emit("Unsaved changes")
        self._timer.start()

    def save_now(self) -> bool:
        """Write pending changes now; True when nothing is left unsaved."""
        self._timer.stop()
        if not self.dirty:
            return True
        revision = self.draft.revision
        try:
            change = update_transcript_text(self.db, self.transcript_id, list(self.draft.segments), self.version,
                                            self.coder_id)
        except WorkbenchError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - the editor keeps the text; the user is told
            log.exception("Saving transcript %s failed", self.transcript_id)
            self.error = short_message(exc)
        else:
            self.version += 1  # the correction was made on self.version and bumped it by one
            self.saved_revision, self.error = revision, None
            self.state_changed.emit("Saved")
            self.saved.emit(change)
            return True
        self.state_changed.emit(f"Not saved: {self.error}")
        return False
