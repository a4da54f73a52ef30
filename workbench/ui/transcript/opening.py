"""Transcription and transcript editing in the main window: the "Transcription" queue dock, the
Transcripts menu, transcripts under their recordings in the participants tree, editor tabs
(saved when closed or when the project closes), and transcript import/export."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from workbench.exchange.transcripts import EXPORT_FORMATS, IMPORT_FORMATS
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, MediaRecord
from workbench.model.roles import Action
from workbench.services.transcript_import import import_transcript_file
from workbench.store import participants
from workbench.store.transcript_list import TranscriptRecord, list_transcripts, transcript_record
from workbench.ui.role_gate import requires
from workbench.ui.transcript.editor import TranscriptEditor
from workbench.ui.transcript.queue_panel import TranscriptionQueuePanel
from workbench.ui.workspace import INTERVIEW

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow


def _grouped(db) -> dict[int, list[TranscriptRecord]]:
    groups: dict[int, list[TranscriptRecord]] = {}
    for record in list_transcripts(db):
        if record.media_id is not None:
            groups.setdefault(record.media_id, []).append(record)
    return groups


class TranscriptWork(QObject):
    def __init__(self, window: MainWindow, sound: bool = True):
        super().__init__(window)
        self.window, self.sound = window, sound
        self.queue = TranscriptionQueuePanel(window.runner)
        self.queue.transcript_done.connect(window.apply_change)
        self.queue.open_transcript.connect(lambda tid: window.guarded(lambda: self.open_transcript(tid)))
        self.dock = QDockWidget("Transcription", window)
        self.dock.setObjectName("TranscriptionDock")
        self.dock.setWidget(self.queue)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)  # wide: every column shows
        requires(self.dock, Action.TRANSCRIBE)
        self.dock.hide()  # shown when there is something to transcribe (Transcripts menu, a recording)
        self._build_menu()
        window.participants.media_activated.connect(lambda m: window.guarded(lambda: self.media_activated(m)))
        window.participants.transcript_activated.connect(
            lambda r: window.guarded(lambda: self.open_transcript(r.id))
        )
        window.participants.add_menu_hook(self._menu_entries)
        window.workspace.tabCloseRequested.connect(lambda _i: self._closed_tabs())
        window.project_changed.connect(self._project_changed)
        window.changed.connect(self._changed)
        self._project_changed(window.project)

    def _build_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Transcripts")
        self.menu = menu
        requires(menu, Action.TRANSCRIBE)
        menu.addAction(
            "&Transcribe selected recording", lambda: self.window.guarded(self.transcribe_selected)
        )
        menu.addAction("&Open transcript", lambda: self.window.guarded(self.open_selected))
        menu.addSeparator()
        menu.addAction(
            "&Import transcript for selected recording…",
            lambda: self.window.guarded(self.import_for_selected),
        )
        menu.addAction("&Export transcript…", lambda: self.window.guarded(self.export_current))
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        self.window.menu_actions.view_menu.addAction(self.dock.toggleViewAction())

    # --- project ----------------------------------------------------------------------------------

    @property
    def project(self):
        return self.window.project

    def _project_changed(self, project) -> None:
        for editor in self.editors():  # save and close the previous project's editors (its db is still open)
            editor.close_editor()
            self.window.workspace.close_tab(self.window.workspace.indexOf(editor))
        self._open: list[TranscriptEditor] = []
        if project is not None and not project.coder.can(Action.TRANSCRIBE):
            project = None  # raters neither transcribe nor see participants (the server refuses it too)
        self.queue.set_project(project)
        self.window.participants_model.set_transcripts_loader(
            None if project is None else partial(_grouped, project.db)
        )
        self.menu.setEnabled(project is not None)

    def _changed(self, change: Change) -> None:
        if change.touches("media"):
            self.queue.refresh_media()

    def editors(self) -> list[TranscriptEditor]:
        tabs = self.window.workspace
        return [w for w in map(tabs.widget, range(tabs.count())) if isinstance(w, TranscriptEditor)]

    def _closed_tabs(self) -> None:
        """A closed tab's editor (removed, deleted later) saves before it goes."""
        still = self.editors()
        for editor in [e for e in self._open if e not in still]:
            editor.close_editor()
            self._open.remove(editor)

    def _menu_entries(self, menu, _index, record) -> None:
        """Participants tree context menu, for a recording: Transcribe… and Open transcript."""
        if (
            not isinstance(record, MediaRecord)
            or record.kind not in ("audio", "video")
            or not self.menu.isEnabled()
        ):
            return
        menu.addAction("Transcribe…", lambda: self.window.guarded(lambda: self.show_queue(record)))
        for found in self.window.guarded(lambda: list_transcripts(self.project.db, record.id)) or []:
            menu.addAction(
                f"Open transcript {found.name}",
                lambda tid=found.id: self.window.guarded(lambda: self.open_transcript(tid)),
            )

    # --- selection --------------------------------------------------------------------------------

    def selected(self) -> object:
        return self.window.participants.selected_record()

    def selected_media(self) -> MediaRecord:
        record = self.selected()
        if isinstance(record, TranscriptRecord) and record.media_id is not None:
            record = self.media(record.media_id)
        if not isinstance(record, MediaRecord):
            raise WorkbenchError("Select a recording in the Participants panel first.")
        return record

    def media(self, media_id: int) -> MediaRecord:
        return participants.get_media(self.project.db, media_id)

    # --- actions ----------------------------------------------------------------------------------

    def show_queue(self, media: MediaRecord | None = None) -> None:
        self.window.role_gate.require(Action.TRANSCRIBE)
        opening = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if opening and not self.dock.isFloating():  # along the bottom: a third of the height, not half
            self.window.resizeDocks([self.dock], [self.window.height() // 3], Qt.Orientation.Vertical)
        if media is not None:
            self.queue.select_media(media.id)

    def transcribe_selected(self):
        self.window.role_gate.require(Action.TRANSCRIBE)
        media = self.selected_media()
        self.show_queue(media)
        return self.queue.add(media.id)

    def media_activated(self, media: MediaRecord) -> TranscriptEditor | None:
        """An audio recording opens its latest transcript, or is offered for transcription."""
        if media.kind != "audio" or self.project is None:
            return None
        self.window.role_gate.require(Action.TRANSCRIBE)
        found = list_transcripts(self.project.db, media.id)
        if found:
            return self.open_transcript(found[-1].id)
        self.show_queue(media)
        self.window.show_status(
            f"{media.original_name} has no transcript yet: choose the settings and press Add to queue."
        )
        return None

    def open_selected(self) -> TranscriptEditor:
        self.window.role_gate.require(Action.TRANSCRIBE)
        record = self.selected()
        if isinstance(record, TranscriptRecord):
            return self.open_transcript(record.id)
        media = self.selected_media()
        found = list_transcripts(self.project.db, media.id)
        if not found:
            raise WorkbenchError(f"{media.original_name} has no transcript yet; transcribe or import one.")
        return self.open_transcript(found[-1].id)

    def open_transcript(self, transcript_id: int) -> TranscriptEditor:
        self.window.role_gate.require(Action.TRANSCRIBE)
        for editor in self.editors():
            if editor.open_key == ("transcript", transcript_id):
                self.window.workspace.setCurrentWidget(editor)
                return editor
        project = self.project
        record = transcript_record(project.db, transcript_id)
        media = self.media(record.media_id) if record.media_id is not None else None
        path = project.media_path(media) if media is not None else None
        editor = TranscriptEditor(
            project.db,
            record,
            path if path is not None and path.is_file() else None,
            media.duration_ms if media else 0,
            coder_id=project.coder.id,
            sound=self.sound,
            settings=self.window.settings,
            runner=self.window.runner,
        )
        editor.message.connect(self.window.show_status)
        editor.saver.saved.connect(self.window.changed.emit)  # e.g. coding views of this transcript reload
        self._open.append(editor)
        self.window.add_workspace_tab(editor, f"Transcript: {record.participant} · {record.name}", INTERVIEW)
        editor.view.setFocus()
        return editor

    # --- files ------------------------------------------------------------------------------------

    def ask_open_transcript(self) -> Path | None:
        patterns = " ".join(f"*.{f}" for f in IMPORT_FORMATS)
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Import transcript", "", f"Transcripts ({patterns})"
        )
        return Path(name) if name else None

    def ask_save_transcript(self, suggested: str) -> Path | None:
        start = str(self.project.exports_folder / suggested)
        patterns = ";;".join(f"{f.upper()} (*.{f})" for f in EXPORT_FORMATS)
        name, _ = QFileDialog.getSaveFileName(self.window, "Export transcript", start, patterns)
        return Path(name) if name else None

    def import_for_selected(self, path: Path | None = None) -> TranscriptEditor | None:
        self.window.role_gate.require(Action.TRANSCRIBE)
        media = self.selected_media()
        path = path or self.ask_open_transcript()
        if path is None:
            return None
        change = import_transcript_file(self.project.db, media.id, Path(path))
        self.window.apply_change(change)
        return self.open_transcript(change.created_id("transcripts"))

    def current_editor(self) -> TranscriptEditor:
        widget = self.window.workspace.currentWidget()
        if not isinstance(widget, TranscriptEditor):
            raise WorkbenchError("Open a transcript in the editor first.")
        return widget

    def export_current(self, path: Path | None = None) -> Path | None:
        editor = self.current_editor()
        path = path or self.ask_save_transcript(f"{editor.record.participant} {editor.record.name}.txt")
        if path is None:
            return None
        written = editor.export_to(Path(path))
        self.window.show_status(f"Exported {editor.record.name} to {written}")
        return written
