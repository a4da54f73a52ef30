"""One open observation in the coder view: plain data, store commands, and their undo stack.

Every user action is one command on the bus (``workbench.store.bus``), run through the database
worker (:class:`~workbench.ui.undo.UndoableCommands`), so the GUI thread never touches the
database: a key press computes its events here (``observation.key_press`` is pure), submits them
and returns; the rows go in when their ids come back. Every :class:`Change` — the action's, an
undo's, a redo's — is applied the same way (``_apply``): events row by row from the change's
``deleted`` ids and ``rows`` (``inserting``/``inserted``, ``removing``/``removed``, then
``events_added`` / ``events_removed``) without re-reading the observation; epochs and ratings are
re-read (on the worker), and the event list is reset only when the store's differs from ours.
Each change then goes out through ``changed`` (the window's one change signal).
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.coding import observation as ob
from workbench.coding.scheme import Scheme
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import observations as store
from workbench.store.engine import Database
from workbench.ui.db_worker import DatabaseWorker
from workbench.ui.undo import UndoableCommands
from workbench.ui.video.track_index import order_key

log = logging.getLogger(__name__)
__all__ = ["ObservationSession", "order_key"]


def _time(event: ob.Event) -> int:
    return event.time_ms


class ObservationSession(QObject):
    """Events, epochs, ratings and status of one observation, kept in step with the store."""

    about_to_reset = Signal()  # before the event list is replaced (reload, edit, delete)
    reset = Signal()  # after it
    inserting = Signal(int)  # row an event is about to be inserted at
    inserted = Signal(int)  # ... and now is
    removing = Signal(int)  # row an event is about to be removed from
    removed = Signal(int)  # ... and now is
    events_added = Signal(list)  # [Event] with ids, once all are inserted
    events_removed = Signal(list)  # [Event] as they were, once all are removed
    epochs_changed = Signal()  # epochs or ratings
    status_changed = Signal(str)
    error = Signal(str)
    changed = Signal(object)  # every Change applied (actions, undos, redos)

    def __init__(
        self,
        db: Database,
        observation_id: int,
        scheme: Scheme,
        acting_coder: int | None,
        parent: QObject | None = None,
        worker: DatabaseWorker | None = None,
    ):
        super().__init__(parent)
        self.db, self.observation_id, self.scheme, self.acting_coder = (
            db,
            observation_id,
            scheme,
            acting_coder,
        )
        self.commands = UndoableCommands(db, worker, self)
        self.worker = self.commands.worker
        self.undo_stack = self.commands.stack
        self.commands.changed.connect(self._apply)
        self.commands.error.connect(self._refused)
        self.events: list[ob.Event] = []
        self._by_id: dict[int, ob.Event] = {}
        self._pending: list[ob.Event] = []  # pressed, not yet saved: later presses depend on them
        self._after_reload: list[Callable[[], None]] = []
        self.epochs: tuple[ob.Epoch, ...] = ()
        self.ratings: tuple[ob.Rating, ...] = ()
        self.status = "not_started"
        self._show(store.observation_data(db, observation_id, acting_coder))  # opening reads once

    # --- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the observation again (on the worker); the event list is reset only if it differs."""
        db, oid, coder = self.db, self.observation_id, self.acting_coder
        self.worker.submit(lambda: store.observation_data(db, oid, coder), self._show, self.error.emit)

    def _show(self, data: store.ObservationData) -> None:
        events = list(data.events)
        if events != self.events:
            self.about_to_reset.emit()
            self.events = events
            self._by_id = {e.id: e for e in events if e.id is not None}
            self.reset.emit()
        self.epochs, self.ratings = data.epochs, data.ratings
        self.status = data.record.status
        self.epochs_changed.emit()
        self.status_changed.emit(self.status)
        then, self._after_reload = self._after_reload, []
        for fn in then:
            fn()

    def event_by_id(self, event_id: int) -> ob.Event:
        return self._by_id[event_id]

    def row_of(self, event_id: int) -> int:
        """The event's row in ``events`` (time order), or -1."""
        event = self._by_id.get(event_id)
        if event is None:
            return -1
        row = bisect.bisect_left(self.events, event.time_ms, key=_time)
        while row < len(self.events) and self.events[row].time_ms == event.time_ms:
            if self.events[row].id == event_id:
                return row
            row += 1
        return -1

    def rating(self, epoch_id: int, scale: str) -> int | None:
        return next((r.value for r in self.ratings if r.epoch_id == epoch_id and r.scale == scale), None)

    def done_problems(self) -> list[str]:
        return ob.done_problems(self.scheme, self.events, self.epochs, self.ratings)

    # --- events ------------------------------------------------------------------------------
    def press(
        self,
        key: str,
        time_ms: int,
        frame_pts_ms: int | None,
        subject: str | None,
        on_saved: Callable[[list[ob.Event]], None] | None = None,
    ) -> ob.KeyAction | None:
        """Code ``key`` at this time: the action (computed here, at once), or None when refused.
        The events are saved on the worker; ``on_saved`` gets them with their ids once inserted."""
        try:
            code = self.scheme.behaviour_for_key(key).code
        except KeyError:
            self.error.emit(f"No behaviour is bound to the key {key!r}.")
            return None
        return self.code_behaviour(code, time_ms, frame_pts_ms, subject, on_saved)

    def code_behaviour(
        self,
        code: str,
        time_ms: int,
        frame_pts_ms: int | None,
        subject: str | None,
        on_saved: Callable[[list[ob.Event]], None] | None = None,
    ) -> ob.KeyAction | None:
        """Code the behaviour ``code`` (keyed or picked from the list) as ``press`` does."""
        try:
            action = ob.code_behaviour(
                self.scheme, self._relevant(code), code, time_ms, subject, frame_pts_ms
            )
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            return None
        events = list(action.events)
        self._pending += events

        def saved(change: Change) -> None:
            self._forget(events)
            if on_saved is not None:
                on_saved(list(change.rows["events"]))

        args = {"observation_id": self.observation_id, "events": events, "acting_coder": self.acting_coder}
        self.commands.run(Command("add_events", args), saved, lambda _m: self._forget(events))
        return action

    def _forget(self, events: list[ob.Event]) -> None:
        self._pending = [e for e in self._pending if all(e is not x for x in events)]

    def _relevant(self, code: str) -> list[ob.Event]:
        """The events coding a behaviour depends on: its and its exclusive partners', saved or
        still on their way (the rest cannot change what coding it does, and skipping them keeps a
        press fast on long codings)."""
        wanted = {code, *self.scheme.exclusive_partners(code)}
        return [e for e in (*self.events, *self._pending) if e.behaviour in wanted]

    def _insert(self, made: list[ob.Event]) -> None:
        for event in made:
            row = self._insert_row(event)
            if row is None:  # rows at its time move too (rare): show the list afresh
                self.about_to_reset.emit()
                self.events = ob.time_order([*self.events, event])
            else:
                self.inserting.emit(row)
                self.events.insert(row, event)
            if event.id is not None:  # always: these are saved events
                self._by_id[event.id] = event
            if row is None:
                self.reset.emit()
            else:
                self.inserted.emit(row)
        self._touched()
        self.events_added.emit(made)

    def _insert_row(self, event: ob.Event) -> int | None:
        """Where ``event`` goes in ``events`` (``observation.time_order``); None when events
        already at its time would have to move."""
        low = bisect.bisect_left(self.events, event.time_ms, key=_time)
        high = bisect.bisect_right(self.events, event.time_ms, key=_time)
        if low == high:
            return low  # nothing else at its time: the usual case
        group = self.events[low:high]
        kinds: dict[tuple, set[str]] = {}
        for e in (*group, event):
            kinds.setdefault((e.behaviour, e.subject), set()).add(e.event_type)
        tied = {key for key, seen in kinds.items() if {"start", "stop"} <= seen}
        before = [e for e in self.events[:low] if (e.behaviour, e.subject) in tied] if tied else []
        running = ob.active_states(before, event.time_ms)
        settled = ob.settle_ties(sorted([*group, event], key=order_key), running)
        if [e for e in settled if e is not event] != group:
            return None
        return low + next(i for i, e in enumerate(settled) if e is event)

    def _remove(self, event_ids) -> None:
        gone = []
        for event_id in event_ids:
            row = self.row_of(event_id)
            if row < 0:
                continue
            self.removing.emit(row)
            gone.append(self.events.pop(row))
            del self._by_id[event_id]
            self.removed.emit(row)
        self._touched()
        self.events_removed.emit(gone)

    def edit_event(self, event_id: int, **changes: Any) -> bool:
        """Submit an edit of an event's time, frame, subject, modifiers or comment."""
        self._run("edit_event", event_id=event_id, **changes)
        return True

    def delete_events(self, event_ids: list[int]) -> bool:
        ids = tuple(event_ids)
        if not ids:
            return False
        self._run("delete_events", event_ids=ids)
        return True

    # --- epochs, ratings, status ---------------------------------------------------------------
    def add_epoch(
        self, task: str, start_ms: int, end_ms: int, on_shown: Callable[[int], None] | None = None
    ) -> None:
        """Mark a task epoch; ``on_shown(epoch id)`` once it is saved and the epochs are re-read."""

        def saved(change: Change) -> None:
            if on_shown is not None:
                epoch_id = change.created_id("epochs")
                self._after_reload.append(lambda: on_shown(epoch_id))

        args = {"task": task, "start_ms": int(start_ms), "end_ms": int(end_ms)}
        self._run("add_epoch", saved, observation_id=self.observation_id, **args)

    def edit_epoch(self, epoch_id: int, start_ms: int, end_ms: int) -> bool:
        self._run("edit_epoch", epoch_id=epoch_id, start_ms=int(start_ms), end_ms=int(end_ms))
        return True

    def delete_epoch(self, epoch_id: int) -> bool:
        self._run("delete_epoch", epoch_id=epoch_id)
        return True

    def rate(self, epoch_id: int, scale: str, value: int | None) -> bool:
        self._run("rate", epoch_id=epoch_id, scale=scale, value=value)
        return True

    def set_status(self, status: str) -> bool:
        """Submit a status; "done" is refused (``error`` lists why) while problems remain."""
        self._run("set_status", observation_id=self.observation_id, status=status)
        return True

    # --- plumbing ------------------------------------------------------------------------------
    def _run(self, name: str, on_done: Callable[[Change], None] | None = None, **args: Any) -> None:
        self.commands.run(Command(name, {**args, "acting_coder": self.acting_coder}), on_done)

    def _apply(self, change: Change) -> None:
        """Bring the local copy in step with a change of this observation, then announce it."""
        if change.scope == store.scope(self.observation_id):
            gone = change.deleted.get("events", ()) + change.updated.get("events", ())
            if gone:
                self._remove(gone)
            made = change.rows.get("events", ())
            if made:
                self._insert(list(made))
            for record in change.rows.get("observations", ()):
                self.status = record.status
                self.status_changed.emit(self.status)
            if change.touches("epochs") or change.touches("ratings"):
                self.reload()
        self.changed.emit(change)

    def _refused(self, message: str) -> None:
        """A refusal or a failed undo/redo: say so, and read the observation again."""
        self.error.emit(message)
        self.reload()

    def _touched(self) -> None:
        if self.status == "not_started":
            self.status = "in_progress"
            self.status_changed.emit(self.status)
