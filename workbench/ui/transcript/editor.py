"""The transcript editor: correct a transcript while listening to its recording.

Keys (in the text): Ctrl+Space or F4 play/pause; Alt+Left / Alt+Right back / forward by the
rewind step (3 s unless set); Alt+Down / Alt+Up slower / faster (0.5×–2×); Enter splits a
segment, Backspace at its start / Delete at its end merges; Ctrl+1…9 sets the segment's speaker;
Ctrl+F find, Ctrl+H replace; F8 next low-confidence word, Shift+F8 mark it reviewed; Ctrl+Z /
Ctrl+Y (the platform's keys) undo / redo; Ctrl+S saves now (it also saves by itself after a pause and on close).

Passages where speech was heard but not transcribed are listed above the text (:mod:`.gaps_bar`):
play one, transcribe it again (its words go into the text as one undoable edit and the marker
goes), or mark it done after typing what is said.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.transcript_editing import Edit, TranscriptDraft
from workbench.exchange.transcripts import export_transcript
from workbench.model.records import Change, Command, NewSegment, NewSpeechGap, SpeechGapRecord
from workbench.services.transcription_runs import retranscribe_passage
from workbench.store.engine import Database
from workbench.store.speech_gaps import list_gaps
from workbench.store.text_correction import transcript_version
from workbench.store.transcript_list import TranscriptRecord
from workbench.store.transcripts import load_segments
from workbench.ui.participants_model import format_duration
from workbench.ui.settings import app_settings
from workbench.ui.shortcuts import with_key
from workbench.ui.sound import show_playing
from workbench.ui.transcript.autosave import AutoSaver
from workbench.ui.transcript.conflict_bar import ConflictBar
from workbench.ui.transcript.find_bar import FindBar
from workbench.ui.transcript.gaps_bar import GapsBar, passage_text
from workbench.ui.transcript.playback import RATES, Playback
from workbench.ui.transcript.speakers_dialog import SUGGESTED, RenameSpeakersDialog
from workbench.ui.transcript.text_view import TranscriptTextView
from workbench.ui.undo import UndoableCommands


def _button(text: str, tip: str, slot) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def insertion(segments: list[NewSegment], found: list[NewSegment]) -> Edit:
    """The edit that puts ``found`` in time order among ``segments``, written as the replacement of a
    neighbour (the text view writes and undoes replacements; an empty transcript is replaced)."""
    if segments == [NewSegment(0, 0, "")]:
        return Edit(0, tuple(segments), tuple(found))
    at = next((i for i, s in enumerate(segments) if s.start_ms > found[0].start_ms), len(segments))
    if at == 0:
        return Edit(0, (segments[0],), (*found, segments[0]))
    return Edit(at - 1, (segments[at - 1],), (segments[at - 1], *found))


class TranscriptEditor(QWidget):
    message = Signal(str)

    def __init__(
        self,
        db: Database,
        record: TranscriptRecord,
        media_path: Path | None,
        duration_ms: int = 0,
        coder_id: int | None = None,
        sound: bool = True,
        settings: QSettings | None = None,
        runner=None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("TranscriptEditor")
        self.record, self.open_key = record, ("transcript", record.id)
        self.settings = settings or app_settings()
        version = transcript_version(db, record.id)
        self.draft = TranscriptDraft(load_segments(db, record.id))
        self.stack = QUndoStack(self)
        self.playback = Playback(media_path, duration_ms or self.draft.segments[-1].end_ms, sound, self)
        self.view = TranscriptTextView(
            self.draft, self.stack, float(str(self.settings.value("transcript/low_confidence", 0.5)))
        )
        self.db, self.media_path, self.coder_id, self.runner = db, media_path, coder_id, runner
        self.saver = AutoSaver(db, record.id, version, self.draft, coder_id, runner=runner, parent=self)
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.conflict_bar = ConflictBar(self.reload_from_store, self.keep_mine)
        self.conflict_bar.hide()
        self.gaps_bar = GapsBar(self.play_from, self.transcribe_again, self.passage_done)
        self.gaps_bar.set_gaps(list_gaps(db, record.id))
        worker = getattr(runner, "db_worker", None)
        self.store_actions = UndoableCommands(db, worker, self, stack=self.stack)
        self._build_controls()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.controls)
        layout.addWidget(self.conflict_bar)
        layout.addWidget(self.gaps_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        self._connect()
        self._bind_keys()
        self._refresh_speakers()
        self._show_position(0)

    # --- building -------------------------------------------------------------------------------

    def _build_controls(self) -> None:
        self.play_button = _button("Play", "Play / pause (Ctrl+Space, F4)", self.playback.toggle)
        show_playing(self.play_button, False)
        self.back_button = _button("⟲", "Back (Alt+Left)", lambda: self.playback.skip(-self.rewind_ms))
        self.forward_button = _button("⟳", "Forward (Alt+Right)", lambda: self.playback.skip(self.rewind_ms))
        self.position_label = QLabel()
        self.position_label.setObjectName("PositionLabel")
        self.rate_box = QComboBox()
        self.rate_box.setToolTip("Speed (Alt+Down / Alt+Up)")
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATES:
            self.rate_box.addItem(f"{rate:g}×", rate)
        self.rate_box.setCurrentIndex(RATES.index(1.0))
        self.rewind_box = QDoubleSpinBox(
            prefix="step ",
            suffix=" s",
            minimum=0.5,
            maximum=30.0,
            singleStep=0.5,
            decimals=1,
        )
        self.rewind_box.setToolTip("How far back and forward go")
        self.rewind_box.setValue(float(str(self.settings.value("transcript/rewind_s", 3.0))))
        self.speaker_box = QComboBox()
        self.speaker_box.setToolTip("Speaker of this segment (Ctrl+1, Ctrl+2, …)")
        self.speaker_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        rename = _button(
            "Rename speakers…", "Rename speakers everywhere in this transcript", self.ask_rename_speakers
        )
        review = _button(
            "Next to check",
            "Next low-confidence word (F8); Shift+F8 marks it checked",
            self.next_low_confidence,
        )
        undo = _button("↶", with_key("Undo", QKeySequence.StandardKey.Undo), self.stack.undo)
        redo = _button("↷", with_key("Redo", QKeySequence.StandardKey.Redo), self.stack.redo)
        self.save_label = QLabel("Saved")
        self.save_label.setObjectName("SaveState")
        self.controls = QHBoxLayout()
        self.controls.setContentsMargins(4, 4, 4, 0)
        for widget in (
            self.back_button,
            self.play_button,
            self.forward_button,
            self.position_label,
            self.rate_box,
            self.rewind_box,
            self.speaker_box,
            rename,
            review,
            undo,
            redo,
        ):
            self.controls.addWidget(widget)
        self.controls.addStretch(1)
        self.controls.addWidget(self.save_label)

    def _connect(self) -> None:
        self.playback.position_changed.connect(self._show_position)
        self.playback.playing_changed.connect(lambda playing: show_playing(self.play_button, playing))
        self.playback.rate_changed.connect(
            lambda rate: self.rate_box.setCurrentIndex(
                min(range(len(RATES)), key=lambda i: abs(RATES[i] - rate))
            )
        )
        self.playback.problem.connect(self.message)
        self.rate_box.activated.connect(lambda i: self.playback.set_rate(RATES[i]))
        self.rewind_box.valueChanged.connect(lambda v: self.settings.setValue("transcript/rewind_s", v))
        self.speaker_box.activated.connect(lambda i: self.set_speaker(self.speaker_box.itemText(i)))
        self.view.seek_requested.connect(self.playback.seek)
        self.store_actions.changed.connect(self._store_changed)
        self.store_actions.error.connect(self._store_failed)
        self.view.edited.connect(lambda _edit: self._refresh_speakers())
        self.view.cursorPositionChanged.connect(self._show_segment_speaker)
        self.saver.state_changed.connect(self.save_label.setText)
        self.saver.state_changed.connect(
            lambda s: self.message.emit(s) if s.startswith("Not saved") else None
        )
        self.saver.conflict.connect(self.conflict_bar.show_conflict)
        self.find_bar.find_next.connect(self.find_next)
        self.find_bar.replace_one.connect(self.replace_one)
        self.find_bar.replace_all.connect(self.replace_all)
        self.find_bar.closed.connect(self._find_closed)

    def _bind_keys(self) -> None:
        keys: dict[str, Callable[[], object]] = {
            "Ctrl+Space": self.playback.toggle,
            "F4": self.playback.toggle,
            "Alt+Left": lambda: self.playback.skip(-self.rewind_ms),
            "Alt+Right": lambda: self.playback.skip(self.rewind_ms),
            "Alt+Down": lambda: self.playback.step_rate(-1),
            "Alt+Up": lambda: self.playback.step_rate(1),
            "Ctrl+F": lambda: self.find_bar.open_bar(),
            "Ctrl+H": lambda: self.find_bar.open_bar(replace=True),
            "F8": self.next_low_confidence,
            "Shift+F8": self.review_word,
            "Ctrl+S": self.save_now,
        }
        for n in range(1, 10):
            keys[f"Ctrl+{n}"] = partial(self.set_speaker_number, n)
        self.view.shortcuts = {
            QKeySequence(k)[0].toCombined(): fn  # type: ignore[index]  # PySide6 stubs lack __getitem__
            for k, fn in keys.items()
        }

    # --- playback -------------------------------------------------------------------------------

    @property
    def rewind_ms(self) -> int:
        return round(self.rewind_box.value() * 1000)

    def _show_position(self, ms: int) -> None:
        self.position_label.setText(f"{format_duration(ms)} / {format_duration(self.playback.duration_ms)}")
        self.view.show_playing(ms)
        if self.playback.playing and self.view.playing_span is not None:
            self.view.scroll_to(self.view.playing_span[0])

    def play_from(self, ms: int) -> None:
        self.playback.seek(ms)
        self.playback.play()

    # --- untranscribed speech -------------------------------------------------------------------

    def transcribe_again(self, gap: SpeechGapRecord) -> None:
        """Decode the passage once more (on the task pool when there is one); see :meth:`passage_found`."""
        if self.media_path is None:
            self._passage_failed(gap, "The recording of this transcript is not available; relink it first.")
            return
        args = (self.media_path, dict(self.record.settings), gap)
        if self.runner is None:
            self.passage_found(gap, retranscribe_passage(*args))
            return
        self.runner.run(
            f"Transcribing {passage_text(gap)} again",
            retranscribe_passage,
            *args,
            on_done=lambda found: self.passage_found(gap, found),
            on_error=lambda text: self._passage_failed(gap, text),
        )

    def passage_found(self, gap: SpeechGapRecord, found: list[NewSegment]) -> None:
        """Put the words found into the text (one undoable edit) and resolve the marker; or say so."""
        row = self.gaps_bar.row(gap.id)
        if row is not None:
            row.set_busy(False)
        if not found:
            self.message.emit(
                f"Still no words at {passage_text(gap)}: listen to it, type what is said, then press Done."
            )
            return
        self.stack.beginMacro("Transcribe passage again")  # one undo takes the words out, marks it again
        self.view.push(insertion(self.draft.segments, found), "Transcribe passage again")
        self.passage_done(gap)
        self.stack.endMacro()
        words = sum(len(s.text.split()) for s in found)
        self.message.emit(
            f"Put in {words} word{'s' if words != 1 else ''} at {passage_text(gap)}; check them."
        )

    def _passage_failed(self, gap: SpeechGapRecord, text: str) -> None:
        row = self.gaps_bar.row(gap.id)
        if row is not None:
            row.set_busy(False)
        self.message.emit(text)

    def passage_done(self, gap: SpeechGapRecord) -> None:
        """Remove the marker, on the database worker and on the undo stack (Ctrl+Z marks it again)."""
        self.gaps_bar.remove(gap.id)
        self.store_actions.run(Command("dismiss_speech_gap", {"gap_id": gap.id, "coder_id": self.coder_id}))

    def _store_changed(self, change: Change) -> None:
        """A marker was resolved, or marked again by an undo: show the markers as stored now."""
        self.message.emit(change.description)
        if change.touches("speech_gaps"):
            self._reload_gaps()

    def _store_failed(self, message: str) -> None:
        self.message.emit(message)
        self._reload_gaps()

    def _reload_gaps(self) -> None:
        db, tid = self.db, self.record.id
        self.store_actions.worker.submit(lambda: list_gaps(db, tid), self._show_gaps, self.message.emit)

    def _show_gaps(self, gaps: list[SpeechGapRecord]) -> None:
        if shiboken6.isValid(self):
            self.gaps_bar.set_gaps(gaps)

    def untranscribed(self) -> list[NewSpeechGap]:
        """The passages still marked, as exports write them."""
        return [NewSpeechGap(g.start_ms, g.end_ms, g.speaker) for g in self.gaps_bar.gaps]

    # --- speakers -------------------------------------------------------------------------------

    def speaker_choices(self) -> list[str]:
        names = self.draft.speakers()
        return names + [s for s in SUGGESTED if s not in names]

    def _refresh_speakers(self) -> None:
        choices = self.speaker_choices()
        if [self.speaker_box.itemText(i) for i in range(self.speaker_box.count())] != choices:
            self.speaker_box.clear()
            self.speaker_box.addItems(choices)
        self._show_segment_speaker()

    def _show_segment_speaker(self) -> None:
        index = self.view.textCursor().blockNumber()
        if 0 <= index < len(self.draft.segments):
            self.speaker_box.setCurrentIndex(
                self.speaker_box.findText(self.draft.segments[index].speaker or "")
            )

    def selected_segments(self) -> range:
        start, end = self.view.selection()
        return self.draft.doc.segments_in(start, end)

    def set_speaker(self, name: str) -> None:
        self.view.push(self.draft.set_speaker(list(self.selected_segments()), name or None), "Change speaker")

    def set_speaker_number(self, n: int) -> None:
        choices = self.speaker_choices()
        if n <= len(choices):
            self.set_speaker(choices[n - 1])

    def rename_speakers(self, names: dict[str, str]) -> None:
        self.view.push(self.draft.rename_speakers(names), "Rename speakers")

    def ask_rename_speakers(self) -> None:
        dialog = RenameSpeakersDialog(self.draft.speakers(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.rename_speakers(dialog.names())

    # --- review and find ------------------------------------------------------------------------

    def next_low_confidence(self) -> tuple[int, int] | None:
        """Select the next low-confidence word after the cursor (wrapping) and play from it."""
        spans = self.draft.low_confidence(self.view.threshold)
        if not spans:
            self.message.emit("No low-confidence words left to check.")
            return None
        at = self.view.selection()[1]
        span = next((s for s in spans if s[0] >= at), spans[0])
        self.view.select(*span)
        self.playback.seek(self.draft.time_at(span[0]))
        return span

    def review_word(self) -> None:
        self.view.push(self.draft.review_word(self.view.selection()[0]), "Mark word checked")

    def find_next(self, backwards: bool = False) -> tuple[int, int] | None:
        matches = self.draft.find(self.find_bar.text, self.find_bar.case_sensitive)
        self.view.found = matches
        self.view.refresh_selections()
        if not matches:
            self.message.emit(f"Not found: {self.find_bar.text}")
            return None
        start, end = self.view.selection()
        if backwards:
            span = next((m for m in reversed(matches) if m[0] < start), matches[-1])
        else:
            span = next((m for m in matches if m[0] >= end or (m[0] > start and start == end)), matches[0])
            if start == end and start in (m[0] for m in matches):
                span = next(m for m in matches if m[0] == start)
        self.view.select(*span)
        return span

    def replace_one(self) -> None:
        start, end = self.view.selection()
        if (start, end) in self.draft.find(self.find_bar.text, self.find_bar.case_sensitive):
            self.view.push(
                self.draft.replace_text(start, end, self.find_bar.replacement),
                "Replace",
                cursor_after=start + len(self.find_bar.replacement),
            )
        self.find_next()

    def replace_all(self) -> int:
        count = len(self.draft.find(self.find_bar.text, self.find_bar.case_sensitive))
        self.view.push(
            self.draft.replace_all(
                self.find_bar.text, self.find_bar.replacement, self.find_bar.case_sensitive
            ),
            "Replace all",
        )
        self.message.emit(f"Replaced {count} match{'es' if count != 1 else ''}")
        return count

    def _find_closed(self) -> None:
        self.view.found = []
        self.view.refresh_selections()
        self.view.setFocus()

    # --- saving and files -----------------------------------------------------------------------

    def save_now(self) -> bool:
        return self.saver.save_now()

    def reload_from_store(self) -> None:
        """Discard my unsaved text: show the transcript as stored now (undo history cleared)."""
        version = transcript_version(self.db, self.record.id)
        stored = load_segments(self.db, self.record.id) or [NewSegment(0, 0, "")]
        if stored != self.draft.segments:
            self.draft.apply(Edit(0, tuple(self.draft.segments), tuple(stored)))
        self.stack.clear()
        self.saver.reloaded(version)
        self.conflict_bar.hide()
        self.message.emit(f"Reloaded {self.record.name} as saved elsewhere (version {version})")

    def keep_mine(self) -> bool:
        """Save my text over the version stored now; the conflict bar stays if that fails too."""
        self.conflict_bar.hide()
        return self.saver.keep_mine()

    def export_to(self, path: Path, fmt: str | None = None) -> Path:
        """Write the transcript as it is in the editor (saved first) to ``path``."""
        self.save_now()
        provenance = dict(self.record.settings, engine=self.record.engine, model=self.record.model)
        return export_transcript(
            Path(path), list(self.draft.segments), self.record.name, fmt, provenance, self.untranscribed()
        )

    def close_editor(self) -> bool:
        """Stop playback and save; False when something could not be saved (it stays open)."""
        self.playback.stop()
        return self.save_now()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override: switching tabs saves
        self.playback.pause()
        self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.close_editor()
        super().closeEvent(event)
