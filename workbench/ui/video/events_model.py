"""Table model over an observation's events (an adapter over ``ObservationSession.events``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from workbench.coding import observation as ob
from workbench.model.errors import WorkbenchError
from workbench.ui.tree_model import Index
from workbench.ui.video.session import ObservationSession

COLUMNS = ("Time", "Frame (ms)", "Subject", "Behaviour", "Type", "Modifiers", "Comment")
TIME, FRAME, SUBJECT, BEHAVIOUR, TYPE, MODIFIERS, COMMENT = range(len(COLUMNS))
EDITABLE = {TIME, SUBJECT, MODIFIERS, COMMENT}
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _EDIT = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole
_DECORATION, _ALIGN = Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_COLUMN_FLAGS = tuple(
    _FLAGS | Qt.ItemFlag.ItemIsEditable if c in EDITABLE else _FLAGS for c in range(len(COLUMNS))
)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def parse_time(text: str) -> int:
    """Milliseconds from ``12345`` (ms), ``mm:ss[.mmm]`` or ``h:mm:ss[.mmm]``."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    match = _CLOCK.match(text)
    if match is None:
        raise WorkbenchError(f"{text!r} is not a time: type ms (12345) or mm:ss.mmm (00:12.345).")
    hours, minutes, seconds, millis = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise WorkbenchError(f"{text!r} is not a time: seconds and minutes go up to 59.")
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(
        (millis or "0").ljust(3, "0")
    )


class EventsModel(QAbstractTableModel):
    """Rows are the session's events in time order; edits go through the session (the store).
    Rows are inserted and removed one by one as the session's list changes (no reset per edit).

    ``frame_pts_at(ms)`` gives the frame on screen at a typed time, so a moved event keeps the
    presentation time of its new frame.
    """

    def __init__(
        self,
        session: ObservationSession,
        frame_pts_at: Callable[[int], int | None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.frame_pts_at = frame_pts_at
        scheme = session.scheme
        self._names = {b.code: b.name for b in scheme.behaviours}
        self._colours = {b.code: QColor(b.colour) for b in scheme.behaviours}
        self._subjects = {s.key: s.name for s in scheme.subjects}
        self._subject_keys = {s.name.casefold(): s.key for s in scheme.subjects} | {
            s.key: s.key for s in scheme.subjects
        }
        session.about_to_reset.connect(self.beginResetModel)
        session.reset.connect(self.endResetModel)
        session.inserting.connect(lambda row: self.beginInsertRows(QModelIndex(), row, row))
        session.inserted.connect(lambda _row: self.endInsertRows())
        session.removing.connect(lambda row: self.beginRemoveRows(QModelIndex(), row, row))
        session.removed.connect(lambda _row: self.endRemoveRows())

    @property
    def events(self) -> list[ob.Event]:
        return self.session.events

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.events)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802 - Qt override
        """Only the root has rows (public: PySide6 keeps QAbstractTableModel's private)."""
        return not parent.isValid() and bool(self.events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # computed once per column: the table asks for every visible cell on every paint
        return _COLUMN_FLAGS[index.column()] if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sample_texts(self) -> dict[int, list[str]]:
        """The widest texts each fixed column can show (the comment column stretches instead)."""
        return {
            TIME: [ob.format_ms(9 * 3_600_000 + 59 * 60_000 + 59_999)],
            FRAME: ["00000000"],
            SUBJECT: list(self._subjects.values()),
            BEHAVIOUR: list(self._names.values()),
            TYPE: list(ob.EVENT_TYPES),
            MODIFIERS: [m for s in self.session.scheme.modifier_sets for m in s.values],
        }

    def event_at(self, row: int) -> ob.Event:
        return self.events[row]

    def row_of(self, event_id: int) -> int:
        return self.session.row_of(event_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event, column = self.session.events[index.row()], index.column()
        if role == _DISPLAY:
            return self._display(event, column)
        if role == _EDIT:
            if column == MODIFIERS:
                return ", ".join(event.modifiers)
            if column == SUBJECT:
                return self._subject_name(event.subject)
            return self._display(event, column)
        if role == _DECORATION and column == BEHAVIOUR:
            return self._colours.get(event.behaviour)
        if role == EVENT_ROLE:
            return event
        if role == _ALIGN and column <= FRAME:
            return _RIGHT
        return None

    def _subject_name(self, subject: str | None) -> str:
        return "" if subject is None else self._subjects.get(subject, subject)

    def _display(self, event: ob.Event, column: int) -> str:
        if column == TIME:
            return ob.format_ms(event.time_ms)
        if column == FRAME:
            return "" if event.frame_pts_ms is None else str(event.frame_pts_ms)
        if column == SUBJECT:
            return self._subject_name(event.subject)
        if column == BEHAVIOUR:
            return self._names.get(event.behaviour, event.behaviour)
        if column == TYPE:
            return event.event_type
        if column == MODIFIERS:
            return ", ".join(event.modifiers)
        return event.comment

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in EDITABLE:
            return False
        event = self.events[index.row()]
        assert event.id is not None  # the table shows stored events
        try:
            changes = self._changes(index.column(), str(value))
        except WorkbenchError as exc:
            self.session.error.emit(str(exc))
            return False
        return self.session.edit_event(event.id, **changes)

    def _changes(self, column: int, text: str) -> dict[str, Any]:
        if column == TIME:
            ms = parse_time(text)
            return {"time_ms": ms, "frame_pts_ms": self.frame_pts_at(ms)}
        if column == SUBJECT:
            key = self._subject_keys.get(text.strip().casefold())
            if key is None:
                raise WorkbenchError(
                    f"No subject {text.strip()!r} (subjects: {', '.join(self._subjects.values())})."
                )
            return {"subject": key}
        if column == MODIFIERS:
            return {"modifiers": tuple(m.strip() for m in text.split(",") if m.strip())}
        return {"comment": text}
