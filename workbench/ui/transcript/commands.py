"""Undo commands for transcript edits, and reading a typed change back from the document."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from workbench.coding.transcript_editing import Edit, TranscriptDraft

TYPING_ID = 7301


def changed_span(old: str, new: str) -> tuple[int, int, int]:
    """``(start, old_end, new_end)``: ``old[start:old_end]`` became ``new[start:new_end]``
    (common prefix and suffix found by bisection on slices, fast on long texts)."""
    lo, hi = 0, min(len(old), len(new))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, min(len(old), len(new)) - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, len(old) - lo, len(new) - lo


class EditCommand(QUndoCommand):
    """Applies an :class:`Edit` to the draft (redo) or its inverse (undo). Consecutive typing in
    one paragraph merges into one command."""

    def __init__(
        self,
        draft: TranscriptDraft,
        edit: Edit,
        text: str,
        typed: bool = False,
        cursor_after: int | None = None,
        view=None,
    ):
        super().__init__(text)
        self.draft, self.edit, self.typed, self.cursor_after = draft, edit, typed, cursor_after
        self.view = view

    def id(self) -> int:  # noqa: A003 - Qt override
        single = len(self.edit.old) == len(self.edit.new) == 1
        return TYPING_ID if self.typed and single else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if (
            not isinstance(other, EditCommand)
            or other.edit.first != self.edit.first
            or other.edit.old != self.edit.new
        ):
            return False
        self.edit = Edit(self.edit.first, self.edit.old, other.edit.new)
        return True

    def redo(self) -> None:
        self.draft.apply(self.edit)
        if self.cursor_after is not None and self.view is not None:
            self.view.place_cursor(self.cursor_after)

    def undo(self) -> None:
        self.draft.apply(self.edit.inverse())
