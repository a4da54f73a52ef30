"""The coding view (a workspace tab): a transcript with its codings, and every coding action.

Apply a code to the selected text by clicking it in the code tree, dropping the selection on it,
Ctrl+1..9 for the recent codes, or the quick-code box; remove, recode, memo and play a coding
from the stripes or the context menu; in-vivo code a selection. Every action is a command on the
bus run by the window's one undo adapter (``workbench.ui.undo``) on the database worker: the
handler submits it and returns at once, and the codings are read again (on the worker too) when
its change comes back through ``MainWindow.changed``. Edit → Undo reverses it in the store.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import coding_lookups, people
from workbench.store.retrieval import CodingRecord, open_transcript
from workbench.store.text_correction import transcript_version
from workbench.store.transcript_list import TranscriptRecord
from workbench.ui.coding.coder_filter import CoderFilter
from workbench.ui.coding.memo_dialog import MemoDialog
from workbench.ui.coding.quick_code import QuickCodeBox
from workbench.ui.coding.stripes import Stripe, assign_lanes
from workbench.ui.coding.transcript_edit import TranscriptEdit
from workbench.ui.participants_model import format_duration
from workbench.ui.sound import silent_reason

if TYPE_CHECKING:
    from workbench.ui.coding.wiring import TextCoding
    from workbench.ui.video.audio import AudioTrack

RELOAD_TABLES = ("text_codings", "codes", "memos", "settings")  # settings: the coding mode


class CodingView(QWidget):
    def __init__(self, host: TextCoding, info: TranscriptRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.host, self.info = host, info
        self.db, self.coder = host.db, host.coder
        self.codings: tuple[CodingRecord, ...] = ()
        self.memos: dict[int, list] = {}
        self.picked: int | None = None
        self._stripe_cache: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}  # see _stripe_spans
        self.version = info.version  # the transcript version on screen (codings are made on it)
        self.last_played_ms: int | None = None
        self.filter = CoderFilter(self.coder, people.list_coders(self.db))
        self.filter.viewer_changed.connect(lambda _v: self.reload_codings())
        self.quick = QuickCodeBox(lambda: host.codes.choices())
        self.quick.code_chosen.connect(self.apply_code)
        self.edit = TranscriptEdit()
        self.edit.stripes.coding_clicked.connect(self.pick)
        self.edit.stripes.set_tooltips(self._tooltip_of)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.edit.customContextMenuRequested.connect(self._context_menu)
        self.status = QLabel()
        self.stop_timer = QTimer(self)  # pauses the sound at the end of a played passage; dies with the view
        self.stop_timer.setSingleShot(True)
        self.stop_timer.timeout.connect(self._stop_sound)
        self._sounding: tuple[AudioTrack, int] | None = None  # (track, end ms) while a passage plays
        self._build_layout()
        self._shortcuts()
        self.load()

    # --- building -----------------------------------------------------------------------------

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show:"))
        bar.addWidget(self.filter)
        bar.addWidget(self.quick, 1)
        bar.addWidget(
            self._button("In vivo", "Make a code from the selected words and code them", self.in_vivo)
        )
        bar.addWidget(self._button("Remove", "Remove the picked coding (Del)", self.remove_picked))
        bar.addWidget(self._button("Play", "Play the picked coding or the selection (Ctrl+P)", self.play))
        bar.addWidget(
            self._button("Memo", "Memo on this transcript", lambda: self.memo("transcript", self.info.id))
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.status)

    def _shortcuts(self) -> None:
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=n: self.apply_recent(n))
        for keys, slot in (
            ("Ctrl+K", self.quick.setFocus),
            ("Del", self.remove_picked),
            ("Ctrl+P", self.play),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Load the text and the codings (when the view opens)."""
        self._show(*_read_transcript(self.db, self.filter.viewer(), self.info.id))

    def reload(self) -> None:
        """Read the text and the codings again on the database worker (the text changed)."""
        db, viewer, tid = self.db, self.filter.viewer(), self.info.id
        self._submit(lambda: _read_transcript(db, viewer, tid), lambda found: self._show(*found))

    def _show(self, view, memos: dict[int, list]) -> None:
        self.version = view.version
        self.edit.set_transcript(self.info.id, view.text)
        self._stripe_cache = {}  # paragraphs may have moved
        self._set_codings(view.codings, memos)

    def reload_codings(self) -> None:
        """Read the codings shown (and their memos) again on the database worker."""
        db, viewer, tid = self.db, self.filter.viewer(), self.info.id
        self._submit(lambda: _read_codings(db, viewer, tid), lambda found: self._set_codings(*found))

    def _submit(self, read, show) -> None:
        """Read on the database worker; show the result if this view is still open by then."""

        def show_if_open(found) -> None:
            if shiboken6.isValid(self):
                show(found)

        self.host.actions.worker.submit(read, show_if_open, self.host.window.show_error)

    def _set_codings(self, codings: tuple[CodingRecord, ...], memos: dict[int, list]) -> None:
        self.codings = codings
        self.memos = memos
        if self.picked is not None and all(c.id != self.picked for c in codings):
            self.picked = None
        to_qt = self.edit.positions.to_qt
        spans = self._stripe_spans(codings)
        lanes = assign_lanes([(c.id, *spans[c.id]) for c in codings])
        stripes = []
        for c in codings:
            code = self.host.codes.get(c.code_id)
            stripes.append(
                Stripe(
                    c.id,
                    to_qt(c.start_pos),
                    to_qt(c.end_pos),
                    lanes[c.id],
                    code.colour if code else "#808080",
                )
            )
        self.edit.refresh_stripes(stripes)
        self._show_picked()
        self.status.setText(f"{self.info.participant} · {self.info.name} · {len(codings)} codings shown")

    def _stripe_spans(self, codings: tuple[CodingRecord, ...]) -> dict[int, tuple[int, int]]:
        """Each coding's span widened to whole paragraphs, worked out again only for codings that are
        new or moved since the last call (after one coding is applied, the other 2,000 are looked up,
        not located again). Forgotten when the text changes (:meth:`_show`)."""
        cache = {}
        for c in codings:
            found = self._stripe_cache.get(c.id)
            if found is None or found[0] != (c.start_pos, c.end_pos):
                found = ((c.start_pos, c.end_pos), self._paragraphs(c.start_pos, c.end_pos))
            cache[c.id] = found
        self._stripe_cache = cache
        return {cid: paragraphs for cid, (_span, paragraphs) in cache.items()}

    def _paragraphs(self, start: int, end: int) -> tuple[int, int]:
        """The span widened to whole paragraphs, so stripes of one paragraph never share a lane."""
        text = self.edit.text
        if text is None or not text.segments:
            return start, end
        first = text.locate(min(start, len(text))).segment
        last = text.locate(min(max(start, end - 1), len(text))).segment
        return text.starts[first], text.segment_span(last)[1] + 1

    def _tooltip_of(self, coding_id: int) -> str:
        """The hovered stripe's text (asked by the stripe margin)."""
        coding = self.coding(coding_id)
        return self._tooltip(coding) if coding is not None else ""

    def _tooltip(self, coding: CodingRecord) -> str:
        code = self.host.codes.get(coding.code_id)
        lines = [
            f"<b>{escape(code.label if code else str(coding.code_id))}</b>",
            f"Coder: {escape(coding.coder)}",
        ]
        if coding.needs_review:
            lines.append("<i>Its text was deleted by a correction: review it.</i>")
        for memo in self.memos.get(coding.id, []):
            lines.append(f"Memo ({escape(memo.coder)}): {escape(memo.text[:300])}")
        return "<br>".join(lines)

    def on_change(self, change: Change) -> None:
        """Refresh what this view shows, only when the change is about it: its transcript (or no
        one transcript in particular), or the codes its stripes are coloured and named by."""
        if self.info.id in change.updated.get("transcripts", ()):
            self.reload()  # its text changed (a correction or pseudonymisation)
        elif change.touches("codes") or (
            change.scope in (None, ("transcript", self.info.id))
            and any(change.touches(t) for t in RELOAD_TABLES)
        ):
            self.reload_codings()

    # --- picking codings ---------------------------------------------------------------------

    def coding(self, coding_id: int) -> CodingRecord | None:
        return next((c for c in self.codings if c.id == coding_id), None)

    def codings_at(self, position: int) -> list[CodingRecord]:
        return [c for c in self.codings if c.start_pos <= position < c.end_pos]

    def pick(self, coding_id: int | None) -> None:
        """Make a coding the one Remove/Play/Memo act on, and select its text."""
        self.picked = coding_id
        coding = self.coding(coding_id) if coding_id is not None else None
        if coding is not None:
            self.edit.select_span(coding.start_pos, coding.end_pos)
        self._show_picked()

    def _show_picked(self) -> None:
        coding = self.coding(self.picked) if self.picked is not None else None
        code = self.host.codes.get(coding.code_id) if coding else None
        self.edit.highlight(
            [(coding.start_pos, coding.end_pos, code.colour if code else "#808080")] if coding else []
        )

    # --- actions ------------------------------------------------------------------------------

    def _span(self) -> tuple[int, int] | None:
        start, end = self.edit.selected_span()
        if end <= start:
            self.host.window.show_status("Select some text first.")
            return None
        return start, end

    def _run(self, name: str, on_done=None, on_error=None, **args) -> Command:
        """Submit a coding command (returns at once; its change comes back through the window)."""
        command = Command(name, args)
        self.host.actions.run(command, on_done, on_error)
        return command

    def apply_code(self, code_id: int, span: tuple[int, int] | None = None) -> Command | None:
        """Code the selection (or ``span``) with ``code_id``: the command submitted, or None."""
        span = span or self._span()
        if span is None:
            return None
        start, end = span
        return self._run(
            "apply_code",
            on_done=lambda _change: self.host.remember_recent(code_id),
            on_error=lambda _message: self._check_version(),
            transcript_id=self.info.id,
            code_id=code_id,
            coder_id=self.coder.id,
            start=start,
            end=end,
            expected_version=self.version,
        )

    def _check_version(self) -> None:
        """After a refusal: if the transcript was corrected elsewhere since it was shown, show it again."""
        if not shiboken6.isValid(self):
            return  # closed meanwhile
        db, viewer, tid, shown = self.db, self.filter.viewer(), self.info.id, self.version
        self._submit(lambda: _read_if_newer(db, viewer, tid, shown), self._reloaded)

    def _reloaded(self, found) -> None:
        if found is None:
            return
        self._show(*found)
        self.host.window.show_status(
            f"Reloaded {self.info.name} (version {self.version}): select the passage again and code it."
        )

    def apply_recent(self, n: int) -> Command | None:
        recent = self.host.recent
        if n > len(recent):
            self.host.window.show_status(f"No recent code {n} yet.")
            return None
        return self.apply_code(recent[n - 1])

    def remove(self, coding_ids: list[int]) -> Command:
        return self._run("remove_codings", coding_ids=list(coding_ids), coder_id=self.coder.id)

    def remove_picked(self) -> None:
        if self.picked is not None:
            self.remove([self.picked])

    def recode(self, coding_ids: list[int], code_id: int) -> Command:
        return self._run("recode", coding_ids=list(coding_ids), new_code_id=code_id, coder_id=self.coder.id)

    def in_vivo(self) -> Command | None:
        span = self._span()
        if span is None:
            return None
        parent = self.host.current_code()
        book = None if parent is not None else self.host.first_codebook_id()
        start, end = span
        return self._run(
            "in_vivo_code",
            transcript_id=self.info.id,
            parent_id=parent.id if parent else None,
            coder_id=self.coder.id,
            start=start,
            end=end,
            codebook_id=book,
            expected_version=self.version,
        )

    def memo(self, kind: str, target_id: int, about: str = "") -> None:
        """Write (or edit my) memo on a coding, code, transcript or participant: the memos there are
        read on the database worker, then the dialog asks, then the memo is saved on the worker."""
        db, reader = self.db, self.coder.id
        self._submit(
            lambda: coding_lookups.memos_on(db, kind, [target_id], reader=reader).get(target_id, []),
            lambda memos: self._ask_memo(kind, target_id, about, memos),
        )

    def _ask_memo(self, kind: str, target_id: int, about: str, memos: list) -> Command | None:
        mine = next((m for m in memos if m.coder_id == self.coder.id), None)
        others = "\n".join(f"{m.coder}: {m.text[:200]}" for m in memos if m is not mine)
        dialog = MemoDialog(
            about or f"{kind} {self._about(kind)}",
            mine.title if mine else "",
            mine.text if mine else "",
            others,
            self,
        )
        if self.host.window.exec_dialog(dialog) != MemoDialog.DialogCode.Accepted:
            return None
        title, text = dialog.values()
        if mine is not None:
            return self._run("edit_memo", memo_id=mine.id, coder_id=self.coder.id, text=text, title=title)
        return self._run(
            "add_memo",
            coder_id=self.coder.id,
            target_kind=kind,
            target_id=target_id,
            text=text,
            title=title,
        )

    def _about(self, kind: str) -> str:
        return {"transcript": self.info.name, "participant": self.info.participant}.get(kind, "")

    def play(self, coding_id: int | None = None) -> int | None:
        """Play the picked coding (or the selection) from its start time; returns that time (ms)."""
        coding = self.coding(coding_id if coding_id is not None else self.picked or -1)
        start, end = (coding.start_pos, coding.end_pos) if coding else self.edit.selected_span()
        if self.edit.text is None or not len(self.edit.text):
            return None
        start_ms, end_ms = self.edit.text.span_times(start, max(start, end))
        self.last_played_ms = start_ms
        audio = self.host.audio_for(self.info)
        if audio is None:
            self.host.window.show_status(f"No recording linked to {self.info.name}.")
            return start_ms
        if not audio.available:
            self.host.window.show_status(
                f"{silent_reason(audio.problem)} The passage starts at {format_duration(start_ms)}."
            )
            return start_ms
        audio.play(start_ms, 1.0)
        self.stop_timer.stop()
        if end_ms > start_ms:
            self._sounding = (audio, end_ms)
            self.stop_timer.start(end_ms - start_ms)
        self.host.window.show_status(f"Playing from {format_duration(start_ms)}")
        return start_ms

    def _stop_sound(self) -> None:
        audio, end_ms = self._sounding or (None, 0)
        self._sounding = None
        if audio is not None and shiboken6.isValid(audio):  # the track goes when the project closes
            audio.pause(end_ms)

    def stop_sound(self) -> None:
        """Forget a passage still playing (the view or its project is closing)."""
        self.stop_timer.stop()
        self._sounding = None

    # --- context menu -------------------------------------------------------------------------

    def _context_menu(self, point: QPoint) -> None:
        menu = self.build_context_menu(
            self.edit.positions.from_qt(self.edit.cursorForPosition(point).position())
        )
        menu.exec(self.edit.mapToGlobal(point))

    def build_context_menu(self, position: int) -> QMenu:
        menu = QMenu(self)
        current = self.host.current_code()
        if current is not None and current.codable:
            menu.addAction(f"Code with {current.name}", lambda: self.apply_code(current.id))
        menu.addAction("In-vivo code", self.in_vivo)
        start, end = self.edit.selected_span()
        similar = menu.addAction(
            "Find similar passages",
            lambda: self.host.window.guarded(lambda: self.host.find_similar((self.info.id, start, end))),
        )
        similar.setEnabled(end > start)
        for coding in self.codings_at(position):
            code = self.host.codes.get(coding.code_id)
            sub = menu.addMenu(f"{code.name if code else coding.code_id} ({coding.coder})")
            sub.addAction("Remove", partial(self.remove, [coding.id]))
            if current is not None and current.codable and current.id != coding.code_id:
                sub.addAction(f"Recode as {current.name}", partial(self.recode, [coding.id], current.id))
            sub.addAction(
                "Memo…", partial(self.memo, "coding", coding.id, f"coding {code.name if code else ''}")
            )
            sub.addAction("Play", partial(self.play, coding.id))
        menu.addSeparator()
        menu.addAction("Memo on transcript…", lambda: self.memo("transcript", self.info.id))
        menu.addAction("Memo on participant…", lambda: self.memo("participant", self.info.participant_id))
        action = QAction("Copy", menu)
        action.triggered.connect(self.edit.copy)
        menu.addAction(action)
        return menu


# --- reads (on the database worker) ---------------------------------------------------------------


def _read_codings(db, viewer, transcript_id: int) -> tuple[tuple[CodingRecord, ...], dict[int, list]]:
    codings = coding_lookups.transcript_codings(db, viewer, transcript_id)
    ids = [c.id for c in codings]
    memos = coding_lookups.memos_on(db, "coding", ids, reader=viewer.coder_id) if codings else {}
    return codings, memos


def _read_transcript(db, viewer, transcript_id: int):
    view = open_transcript(db, viewer, transcript_id)
    ids = [c.id for c in view.codings]
    memos = coding_lookups.memos_on(db, "coding", ids, reader=viewer.coder_id) if ids else {}
    return view, memos


def _read_if_newer(db, viewer, transcript_id: int, shown: int):
    """The transcript again if its version is no longer ``shown`` (it was corrected), else None."""
    try:
        if transcript_version(db, transcript_id) == shown:
            return None
    except WorkbenchError:
        return None
    return _read_transcript(db, viewer, transcript_id)
