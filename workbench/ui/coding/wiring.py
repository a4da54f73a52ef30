"""Thematic coding in the main window: opens coding views from the participants tree, applies the
code clicked in the code tree, owns the undo stack (the one undo adapter, ``workbench.ui.undo``,
running every coding command on the database worker), the recent codes and the Coding menu."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from workbench.coding.codebook import Code
from workbench.model.records import Change, MediaRecord, ParticipantRecord
from workbench.model.roles import Action
from workbench.store import coding_lookups, transcript_list
from workbench.store.transcript_list import TranscriptRecord
from workbench.ui.codebook_model import CODE_ROLE
from workbench.ui.coding.code_index import CodeIndex, CodeInfo
from workbench.ui.coding.code_tree_editor import CodeTreeEditor
from workbench.ui.coding.codebook_files import CodebookFiles
from workbench.ui.coding.coding_view import CodingView
from workbench.ui.coding.export_menu import ExportMenu
from workbench.ui.coding.semantic_keeper import SemanticKeeper
from workbench.ui.participants_model import KEY_ROLE
from workbench.ui.role_gate import requires
from workbench.ui.undo import UndoableCommands
from workbench.ui.workspace import INTERVIEW

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow
    from workbench.ui.video.audio import AudioTrack

RECENT = 9


class TextCoding(QObject):
    def __init__(self, window: MainWindow, sound: bool = True):
        super().__init__(window)
        self.window, self.sound = window, sound
        self.actions = UndoableCommands(worker=window.db_worker, parent=self)
        self.actions.changed.connect(window.apply_change)
        self.actions.error.connect(window.show_error)
        self.recent: list[int] = []
        self.codes = CodeIndex()
        self._audio: dict[str, AudioTrack] = {}
        self.tree_editor = CodeTreeEditor(self)
        self.files = CodebookFiles(self)
        self.exports = ExportMenu(self)
        self.semantic = SemanticKeeper(window)  # the semantic index, kept current in the background
        self._build_menu()
        window.participants.add_menu_hook(self._menu_entries)
        window.codebook.tree.clicked.connect(self._code_clicked)
        window.codebook_model.rowsInserted.connect(lambda *_: self.reload_codes())
        window.changed.connect(self._changed)
        window.project_changed.connect(self._project_changed)
        self._project_changed(window.project)

    # --- what views ask -----------------------------------------------------------------------

    @property
    def db(self):
        return self.window.project.db

    @property
    def coder(self):
        return self.window.project.coder

    def reload_codes(self) -> None:
        project = self.window.project
        ids = coding_lookups.code_ids(project.db) if project else {}
        self.codes = CodeIndex(self.window.codebook_model.codebooks, ids)

    def current_code(self) -> CodeInfo | None:
        data = self.window.codebook.tree.currentIndex().siblingAtColumn(0).data(CODE_ROLE)
        return self.codes.by_guid.get(data.guid) if isinstance(data, Code) else None

    def first_codebook_id(self) -> int | None:
        ids = coding_lookups.codebook_ids(self.db)
        return next(iter(sorted(ids.items())), (None, None))[1]

    def remember_recent(self, code_id: int) -> None:
        self.recent = ([code_id] + [c for c in self.recent if c != code_id])[:RECENT]

    def audio_for(self, info: TranscriptRecord) -> AudioTrack | None:
        """The sound of a transcript's recording, or None without one."""
        if not info.media_path:
            return None
        if info.media_path not in self._audio:
            from workbench.ui.video.audio import AudioTrack

            project = self.window.project
            assert project is not None  # a transcript is open
            path = (project.media_root / info.media_path).resolve()
            self._audio[info.media_path] = AudioTrack(
                Path(path), enabled=self.sound and path.is_file(), parent=self
            )
        return self._audio[info.media_path]

    def views(self) -> list[CodingView]:
        tabs = self.window.workspace
        return [w for w in map(tabs.widget, range(tabs.count())) if isinstance(w, CodingView)]

    def current_view(self) -> CodingView | None:
        widget = self.window.workspace.currentWidget()
        return widget if isinstance(widget, CodingView) else None

    # --- file pickers (tests replace these) -----------------------------------------------------

    def ask_open_file(self, title: str, filter_text: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self.window, title, str(Path.cwd()), filter_text)
        return Path(name) if name else None

    def ask_save_file(self, title: str, filter_text: str, suggested: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        project = self.window.project
        start = str(project.exports_folder / suggested) if project else suggested
        name, _ = QFileDialog.getSaveFileName(self.window, title, start, filter_text)
        return Path(name) if name else None

    # --- opening ------------------------------------------------------------------------------

    def open_transcript(self, info: TranscriptRecord) -> CodingView:
        self.window.role_gate.require(Action.CODE_TRANSCRIPTS)
        for view in self.views():
            if view.info.id == info.id:
                self.window.workspace.setCurrentWidget(view)
                return view
        view = CodingView(self, info)
        self.window.add_workspace_tab(view, f"Coding: {info.participant} · {info.name}", INTERVIEW)
        return view

    def open_transcript_id(self, transcript_id: int) -> CodingView:
        for view in self.views():
            if view.info.id == transcript_id:
                return self.open_transcript(view.info)
        return self.open_transcript(transcript_list.transcript_record(self.db, transcript_id))

    def transcripts_for(self, record, key=None) -> list[TranscriptRecord]:
        """Transcripts of a participant, a media item, or a transcript row (keyed ``("tr", id)``)."""
        if isinstance(key, tuple) and key[:1] == ("tr",):
            return [transcript_list.transcript_record(self.db, key[1])]
        if isinstance(record, ParticipantRecord):
            return transcript_list.list_transcripts(self.db, participant_id=record.id)
        if isinstance(record, MediaRecord):
            return transcript_list.list_transcripts(self.db, media_id=record.id)
        return []

    def participants_menu(self, index: QModelIndex) -> QMenu:
        """The participants tree's context menu for a row (with the other parts' entries)."""
        return self.window.participants.context_menu(index)

    def _menu_entries(self, menu: QMenu, index: QModelIndex, record) -> None:
        if self.window.project is None:
            return
        key = index.siblingAtColumn(0).data(KEY_ROLE) if index.isValid() else None
        found = self.window.guarded(lambda: self.transcripts_for(record, key)) or []
        for info in found:
            menu.addAction(
                f"Code transcript {info.name}",
                partial(self.window.guarded, partial(self.open_transcript, info)),
            )

    # --- applying codes from the tree ---------------------------------------------------------

    def _code_clicked(self, index: QModelIndex) -> None:
        """Clicking a code while text is selected in the coding view codes the selection."""
        data = index.siblingAtColumn(0).data(CODE_ROLE)
        view = self.current_view()
        if view is None or not isinstance(data, Code):
            return
        start, end = view.edit.selected_span()
        info = self.codes.by_guid.get(data.guid)
        if end > start and info is not None and info.codable:
            view.apply_code(info.id)

    def code_span(self, span: tuple[int, int, int], code_id: int) -> None:
        """A selection (transcript, start, end) dropped on a code."""
        transcript_id, start, end = span
        view = next((v for v in self.views() if v.info.id == transcript_id), None)
        if view is None:
            view = self.open_transcript_id(transcript_id)
        view.apply_code(code_id, (start, end))

    def code_memo(self, code_id: int, name: str) -> None:
        view = self.current_view() or next(iter(self.views()), None)
        if view is None:
            self.window.show_status("Open a transcript to write memos.")
            return
        view.memo("code", code_id, f"code {name}")

    # --- window events ------------------------------------------------------------------------

    def _changed(self, change: Change) -> None:
        if change.touches("codes") or change.touches("codebooks"):
            self.reload_codes()
        for view in self.views():
            view.on_change(change)
        if any(change.touches(t) for t in ("text_codings", "codes", "codebooks")):
            self.tree_editor.schedule_counts()

    def _project_changed(self, project) -> None:
        self.actions.set_db(project.db if project is not None else None)
        self.recent = []
        for media in list(self._audio.values()):
            media.stop()
        self._audio = {}
        for view in self.views():
            view.stop_sound()
            self.window.workspace.close_tab(self.window.workspace.indexOf(view))
        self.reload_codes()
        self.menu.setEnabled(project is not None)
        self.tree_editor.refresh_counts()

    def codebook_file_actions(self):
        return self.files.actions()

    def _build_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Coding")
        self.menu = menu
        requires(menu, Action.CODE_TRANSCRIPTS)
        undo = self.actions.stack.createUndoAction(menu, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.actions.stack.createRedoAction(menu, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        menu.addActions([undo, redo])
        menu.addSeparator()
        menu.addAction("&Retrieval", lambda: self.window.guarded(self.open_retrieval)).setShortcut(
            QKeySequence("Ctrl+Shift+R")
        )
        menu.addAction(
            "&Suggest codings for the current code…", lambda: self.window.guarded(self.open_suggestions)
        ).setShortcut(QKeySequence("Ctrl+Shift+G"))
        menu.addAction("&Pseudonymise transcripts…", lambda: self.window.guarded(self.open_pseudonymise))
        menu.addSeparator()
        for text, slot in self.files.actions():
            menu.addAction(text, slot)
        self.exports.install(menu)

    def open_retrieval(self):
        from workbench.ui.coding.retrieval_tab import RetrievalTab

        if self.window.project is None or not self.window.role_gate.permits(Action.CODE_TRANSCRIPTS):
            return None
        tab = RetrievalTab(self)
        self.window.add_workspace_tab(tab, "Retrieval", INTERVIEW)
        return tab

    def retrieval_tab(self):
        """The open Retrieval tab (shown), or a new one."""
        from workbench.ui.coding.retrieval_tab import RetrievalTab

        tabs = self.window.workspace
        for widget in map(tabs.widget, range(tabs.count())):
            if isinstance(widget, RetrievalTab):
                tabs.setCurrentWidget(widget)
                return widget
        return self.open_retrieval()

    def find_similar(self, span: tuple[int, int, int]) -> None:
        """Passages like the selection (transcript, start, end), in Retrieval."""
        tab = self.retrieval_tab()
        if tab is not None:
            tab.find_similar(span=span)

    def open_suggestions(self, code_id: int | None = None):
        """The "Suggest codings" review queue for a code (default: the one chosen in the code tree)."""
        from workbench.model.errors import WorkbenchError
        from workbench.ui.coding.suggestion_queue import SuggestionQueue

        if self.window.project is None or not self.window.role_gate.permits(Action.CODE_TRANSCRIPTS):
            return None
        code = self.codes.get(code_id) if code_id is not None else self.current_code()
        if code is None or not code.codable:
            raise WorkbenchError("Choose a code (not a heading) in the code tree to see suggestions for it.")
        queue = SuggestionQueue(self, code)
        self.window.add_workspace_tab(queue, f"Suggestions: {code.name}", INTERVIEW)
        return queue

    def open_pseudonymise(self):
        from workbench.ui.coding.pseudonymise_dialog import PseudonymiseDialog

        if self.window.project is None or not self.window.role_gate.permits(Action.CODE_TRANSCRIPTS):
            return None
        dialog = PseudonymiseDialog(self, self.window)
        self.window.exec_dialog(dialog)
        return dialog
