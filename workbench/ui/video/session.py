"""One open observation in the coder view: plain data, store commands, and their undo stack.

Every user action is one store command, committed at once; the returned ``ObsChange`` goes on a
``QUndoStack`` whose commands run the store's inverse (``observations.undo``). Views refresh from
what changed: added, edited and deleted events (also by undo and redo) are applied to the local
list row by row (``inserting``/``inserted``, ``removing``/``removed``, then ``events_added`` /
``events_removed``) without re-reading the observation; epochs and ratings re-read it, and the
event list is reset only when the store's differs from ours.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.coding import observation as ob
from workbench.coding.scheme import Scheme
from workbench.model.errors import WorkbenchError
from workbench.store import observations as store
from workbench.store import ratings as rating_store
from workbench.store.engine import Database
from workbench.store.observations import ObsChange
from workbench.ui.video.track_index import order_key

log = logging.getLogger(__name__)
__all__ = ["ObservationSession", "order_key"]


class _StoreCommand(QUndoCommand):
    """A change already made; undo and redo each run the inverse of the last change."""

    def __init__(self, session: ObservationSession, change: ObsChange):
        super().__init__(change.description)
        self._session, self.change, self._done = session, change, True

    def redo(self) -> None:
        if self._done:  # pushed after the store already made the change
            return
        self.change = self._session._invert(self.change)

    def undo(self) -> None:
        self._done = False
        self.change = self._session._invert(self.change)


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

    def __init__(
        self,
        db: Database,
        observation_id: int,
        scheme: Scheme,
        acting_coder: int | None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.db, self.observation_id, self.scheme, self.acting_coder = (
            db,
            observation_id,
            scheme,
            acting_coder,
        )
        self.undo_stack = QUndoStack(self)
        self.events: list[ob.Event] = []
        self._by_id: dict[int, ob.Event] = {}
        self.epochs: tuple[ob.Epoch, ...] = ()
        self.ratings: tuple[ob.Rating, ...] = ()
        self.status = "not_started"
        self.reload()

    # --- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the observation again; the event list is reset only if the store's differs."""
        data = store.observation_data(self.db, self.observation_id, self.acting_coder)
        events = list(data.events)
        if events != self.events:
            self.about_to_reset.emit()
            self.events = events
            self._by_id = {e.id: e for e in events}
            self.reset.emit()
        self.epochs, self.ratings = data.epochs, data.ratings
        self.status = data.record.status
        self.epochs_changed.emit()
        self.status_changed.emit(self.status)

    def event_by_id(self, event_id: int) -> ob.Event:
        return self._by_id[event_id]

    def row_of(self, event_id: int) -> int:
        """The event's row in ``events`` (time order), or -1."""
        event = self._by_id.get(event_id)
        if event is None:
            return -1
        row = bisect.bisect_left(self.events, order_key(event), key=order_key)
        return row if row < len(self.events) and self.events[row].id == event_id else -1

    def rating(self, epoch_id: int, scale: str) -> int | None:
        return next((r.value for r in self.ratings if r.epoch_id == epoch_id and r.scale == scale), None)

    def done_problems(self) -> list[str]:
        return ob.done_problems(self.scheme, self.events, self.epochs, self.ratings)

    # --- events ------------------------------------------------------------------------------
    def press(
        self, key: str, time_ms: int, frame_pts_ms: int | None, subject: str | None
    ) -> tuple[ob.KeyAction, list[ob.Event]] | None:
        """Code ``key`` at this time: the action and the events committed (with ids), or None."""
        try:
            action = ob.key_press(self.scheme, self._relevant(key), key, time_ms, subject, frame_pts_ms)
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            return None
        change = self._run(
            store.add_events,
            self.db,
            self.observation_id,
            list(action.events),
            acting_coder=self.acting_coder,
        )
        if change is None:
            return None
        made = [replace(e, id=i) for e, i in zip(action.events, change.created["events"])]
        self._insert(made)
        return action, made

    def _relevant(self, key: str) -> list[ob.Event]:
        """The events a key press depends on: its behaviour's and its exclusive partners' (the rest
        cannot change what the key does, and skipping them keeps a press fast on long codings)."""
        try:
            code = self.scheme.behaviour_for_key(key).code
        except KeyError:
            return []
        wanted = {code, *self.scheme.exclusive_partners(code)}
        return [e for e in self.events if e.behaviour in wanted]

    def _insert(self, made: list[ob.Event]) -> None:
        for event in made:
            row = bisect.bisect_right(self.events, order_key(event), key=order_key)
            self.inserting.emit(row)
            self.events.insert(row, event)
            self._by_id[event.id] = event
            self.inserted.emit(row)
        self._touched()
        self.events_added.emit(made)

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

    def _replace(self, event_id: int, changes: dict[str, Any]) -> None:
        if "modifiers" in changes:
            changes = {**changes, "modifiers": tuple(changes["modifiers"])}
        new = replace(self.event_by_id(event_id), **changes)
        self._remove([event_id])
        self._insert([new])

    def edit_event(self, event_id: int, **changes: Any) -> bool:
        if self._run(store.edit_event, self.db, event_id, acting_coder=self.acting_coder, **changes) is None:
            return False
        self._replace(event_id, changes)
        return True

    def delete_events(self, event_ids: list[int]) -> bool:
        ids = tuple(event_ids)
        if not ids or self._run(store.delete_events, self.db, ids, acting_coder=self.acting_coder) is None:
            return False
        self._remove(ids)
        return True

    # --- epochs, ratings, status ---------------------------------------------------------------
    def add_epoch(self, task: str, start_ms: int, end_ms: int) -> int | None:
        change = self._run(
            rating_store.add_epoch,
            self.db,
            self.observation_id,
            task,
            int(start_ms),
            int(end_ms),
            acting_coder=self.acting_coder,
        )
        if change is None:
            return None
        self.reload()
        return change.created_id("epochs")

    def edit_epoch(self, epoch_id: int, start_ms: int, end_ms: int) -> bool:
        return self._reload_after(
            rating_store.edit_epoch,
            self.db,
            epoch_id,
            int(start_ms),
            int(end_ms),
            acting_coder=self.acting_coder,
        )

    def delete_epoch(self, epoch_id: int) -> bool:
        return self._reload_after(
            rating_store.delete_epoch, self.db, epoch_id, acting_coder=self.acting_coder
        )

    def rate(self, epoch_id: int, scale: str, value: int | None) -> bool:
        return self._reload_after(
            rating_store.rate, self.db, epoch_id, scale, value, acting_coder=self.acting_coder
        )

    def set_status(self, status: str) -> bool:
        """Change the status; "done" is refused (``error`` lists why) while problems remain."""
        return self._reload_after(
            rating_store.set_status, self.db, self.observation_id, status, acting_coder=self.acting_coder
        )

    # --- plumbing ------------------------------------------------------------------------------
    def _reload_after(self, fn: Callable, *args: Any, **kwargs: Any) -> bool:
        if self._run(fn, *args, **kwargs) is None:
            return False
        self.reload()
        return True

    def _run(self, fn: Callable, *args: Any, **kwargs: Any) -> ObsChange | None:
        """Run a store command and push it on the undo stack; a refusal is reported, not raised."""
        try:
            change = fn(*args, **kwargs)
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            return None
        self.undo_stack.push(_StoreCommand(self, change))
        return change

    def _invert(self, change: ObsChange) -> ObsChange:
        """Run the inverse of ``change``; events follow row by row, anything else is re-read."""
        try:
            result = store.undo(self.db, change, acting_coder=self.acting_coder)
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            self.reload()
            return change
        name, kwargs = change.inverse
        if name == "delete_events":
            self._remove(kwargs["event_ids"])
        elif name == "restore_events":
            self._insert([ob.Event(**{**e, "modifiers": tuple(e["modifiers"])}) for e in kwargs["events"]])
        elif name == "edit_event":
            self._replace(kwargs["event_id"], {k: v for k, v in kwargs.items() if k != "event_id"})
        else:
            self.reload()
        return result

    def _touched(self) -> None:
        if self.status == "not_started":
            self.status = "in_progress"
            self.status_changed.emit(self.status)
