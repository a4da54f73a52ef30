"""The video coder view: player, timeline, events table and ratings around one observation.

Keys (when no text is being edited): a behaviour's key codes it at the frame on screen (behaviours
without a key, and any other, from the filterable Behaviours list); 1, 2, …
choose the subject (0: automatic); Space plays/pauses; ←/→ step one frame, Shift ±1 s,
Ctrl ±5 s; PgUp/PgDown jump to the previous/next event; Ctrl+Z / Ctrl+Shift+Z undo/redo.
"""

from __future__ import annotations

import logging
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCursor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.coding import observation as ob
from workbench.coding.scheme import ModifierSet, Scheme
from workbench.store.engine import Database
from workbench.ui.db_worker import DatabaseWorker
from workbench.ui.video.behaviour_list import BehaviourList
from workbench.ui.video.events_model import EventsModel
from workbench.ui.video.events_panel import EventsPanel
from workbench.ui.video.player import Player
from workbench.ui.video.ratings_panel import RatingsPanel
from workbench.ui.video.session import ObservationSession
from workbench.ui.video.thumbnails import ThumbnailStrip
from workbench.ui.video.timeline import Timeline

log = logging.getLogger(__name__)
_ARROWS: dict[int, int] = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}


class VideoCoderView(QWidget):
    message = Signal(str)  # refusals and notes for the status bar
    open_key: tuple | None = None  # what the tab shows, set by whoever opens it

    def __init__(
        self,
        db: Database,
        observation_id: int,
        scheme: Scheme,
        media_path,
        title: str,
        acting_coder: int | None = None,
        sound: bool = True,
        parent: QWidget | None = None,
        worker: DatabaseWorker | None = None,
        media_task: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("VideoCoderView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scheme = scheme
        self.session = ObservationSession(db, observation_id, scheme, acting_coder, self, worker)
        self.session.error.connect(self.show_message)
        self.player = Player(media_path, self, sound=sound)
        self.player.event_times = lambda: [e.time_ms for e in self.session.events]
        self.player.failed.connect(self.show_message)
        self.player.notice.connect(self.show_message)
        self.timeline = Timeline(self.session)
        self.thumbnails = ThumbnailStrip(media_path, left=self.timeline.label_w, right=self.timeline.scroll_w)
        self.events_model = EventsModel(self.session, self._pts_at, self)
        self.events = EventsPanel(self.events_model, self.current_stamp)
        self.ratings = RatingsPanel(self.session, lambda: self.player.time_ms, media_task=media_task)
        self.behaviours = BehaviourList(scheme)
        self.behaviours.chosen.connect(self.code_behaviour)

        self.title_label = QLabel(title)
        self.title_label.setObjectName("CoderTitle")
        self.title_label.setStyleSheet("font-weight: bold")
        self.subject_box = QComboBox()
        self.subject_box.setObjectName("SubjectBox")
        self.subject_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.subject_box.addItem("0 · automatic", None)
        for n, subject in enumerate(scheme.subjects, start=1):
            self.subject_box.addItem(f"{n} · {subject.name}", subject.key)
        self.message_label = QLabel()
        self.message_label.setObjectName("CoderMessage")
        top = QHBoxLayout()
        for w in (self.title_label, QLabel("Subject"), self.subject_box):
            top.addWidget(w)
        top.addWidget(self.message_label, 1)

        side = QTabWidget()
        side.addTab(self.events, "Events")
        side.addTab(self.ratings, "Epochs and ratings")
        side.addTab(self.behaviours, "Behaviours")
        if any(b.key is None for b in scheme.behaviours):
            side.setCurrentWidget(self.behaviours)  # some can only be coded from the list
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.player)
        under = QWidget()
        under_layout = QVBoxLayout(under)
        under_layout.setContentsMargins(0, 0, 0, 0)
        under_layout.setSpacing(2)
        under_layout.addWidget(self.timeline, 1)
        under_layout.addWidget(self.thumbnails)
        left.addWidget(under)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(side)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(main, 1)

        self.player.ready.connect(lambda index: self.timeline.set_duration(index.end_ms))
        self.player.time_changed.connect(self.timeline.set_playhead)
        self.timeline.seek_requested.connect(self.player.seek)
        self.player.time_changed.connect(self.thumbnails.set_playhead)
        self.thumbnails.seek_requested.connect(self.player.seek)
        self.timeline.plot_moved.connect(self.thumbnails.align)
        self.timeline.edge_moved.connect(self._edge_moved)
        self.timeline.epoch_moved.connect(self.session.edit_epoch)
        self.events.seek_requested.connect(self.player.seek)
        self.events.table.selectionModel().currentRowChanged.connect(self._event_selected)
        for name, direction in (("prev_event", -1), ("next_event", 1)):
            self.player.buttons[name].clicked.disconnect()
            self.player.buttons[name].clicked.connect(lambda _c=False, d=direction: self.jump_to_event(d))
        for label, keys, slot in (
            ("Undo", QKeySequence.StandardKey.Undo, self.session.undo_stack.undo),
            ("Redo", QKeySequence.StandardKey.Redo, self.session.undo_stack.redo),
        ):
            action = QAction(label, self)
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        for widget in (self.events.table, self.timeline, self.player, self.player.view):
            widget.installEventFilter(self)

    # --- what is on screen -------------------------------------------------------------------
    def _pts_at(self, ms: int) -> int | None:
        return self.player.frame_pts_at(ms)

    def current_stamp(self) -> tuple[int, int | None]:
        """(time in ms, presentation time of the frame on screen then)."""
        return self.player.time_ms, self.player.current_pts_ms

    @property
    def subject(self) -> str | None:
        return self.subject_box.currentData()

    def set_subject(self, key: str | None) -> None:
        self.subject_box.setCurrentIndex(max(0, self.subject_box.findData(key)))

    # --- coding ------------------------------------------------------------------------------
    def code_key(self, key: str) -> ob.KeyAction | None:
        """Code the behaviour bound to ``key`` at the frame on screen: the action, at once (its
        events are saved on the database worker and appear when their ids come back)."""
        try:
            code = self.scheme.behaviour_for_key(key).code
        except KeyError:
            return None
        return self.code_behaviour(code)

    def code_behaviour(self, code: str) -> ob.KeyAction | None:
        """Code the behaviour ``code`` (its key pressed, or picked from the list) at the frame on
        screen, as ``code_key`` does."""
        if self.player.index is None:
            self.show_message("The video is still opening.")
            return None
        behaviour = self.scheme.behaviour(code)
        subject = self.subject if len(behaviour.subjects) > 1 else None
        time_ms, pts = self.current_stamp()
        question: list[ModifierSet] = []

        def ask(made: list[ob.Event]) -> None:
            if question:
                self.choose_modifier(question[0], made[0])

        action = self.session.code_behaviour(code, time_ms, pts, subject, ask)
        if action is None:
            return None
        self.show_message(f"{action.primary.event_type} {behaviour.name} at {ob.format_ms(time_ms)}")
        if action.ask_modifiers is not None:
            question.append(action.ask_modifiers)
        return action

    def choose_modifier(self, modifier_set: ModifierSet, event: ob.Event) -> None:
        """Ask for a modifier without blocking (the event is already saved); tests replace this."""
        menu = QMenu(self)
        menu.setTitle(modifier_set.name)
        menu.addSection(modifier_set.name)
        event_id = event.id
        assert event_id is not None  # saved already
        for n, value in enumerate(modifier_set.values, start=1):
            action = menu.addAction(f"&{n} {value}")
            action.triggered.connect(lambda _checked=False, v=value: self.set_modifier(event_id, v))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(QCursor.pos())

    def set_modifier(self, event_id: int, value: str) -> bool:
        return self.session.edit_event(event_id, modifiers=(value,))

    def _edge_moved(self, event_id: int, ms: int) -> None:
        self.session.edit_event(event_id, time_ms=ms, frame_pts_ms=self._pts_at(ms))

    def _event_selected(self, current, _previous) -> None:
        """The selected event's lane is marked and kept in view on the timeline."""
        if current.isValid():
            self.timeline.reveal_event(self.events_model.event_at(current.row()), select=True)

    def jump_to_event(self, direction: int) -> None:
        """Go to the previous (-1) or next (+1) event time and select the event there."""
        self.player.jump_event(direction)
        found = next((e for e in self.session.events if e.time_ms == self.player.time_ms), None)
        if found is not None and found.id is not None:
            self.events.select_event(found.id)
            self.timeline.reveal_event(found, select=True)  # also when it was selected already

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message.emit(text)

    # --- keyboard ----------------------------------------------------------------------------
    def handle_key(self, event: QKeyEvent) -> bool:
        """Transport, subject and behaviour keys; True when the key was used."""
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key in _ARROWS:
            step = _ARROWS[key]
            if ctrl:
                self.player.jump_ms(5000 * step)
            elif shift:
                self.player.jump_ms(1000 * step)
            else:
                self.player.step_frames(step)
            return True
        if ctrl or mods & Qt.KeyboardModifier.AltModifier:
            return False
        if key == Qt.Key.Key_Space:
            self.player.toggle_play()
            return True
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.jump_to_event(-1 if key == Qt.Key.Key_PageUp else 1)
            return True
        text = event.text()
        if len(text) != 1 or not text.isprintable():
            return False
        if text.isdigit() and int(text) < self.subject_box.count():
            self.subject_box.setCurrentIndex(int(text))
            return True
        try:
            self.scheme.behaviour_for_key(text)
        except KeyError:
            return False
        self.code_key(text)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and self.handle_key(cast(QKeyEvent, event)):
            return True
        return super().eventFilter(watched, event)

    def close_media(self) -> None:
        """Stop playback and the decoder threads (call before the view is dropped)."""
        self.thumbnails.close_media()
        self.player.close_media()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.close_media()
        super().closeEvent(event)
