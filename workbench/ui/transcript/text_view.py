"""The transcript text: one paragraph per segment, a gutter with each segment's time and speaker,
low-confidence words underlined, the playing word highlighted.

The view edits a :class:`TranscriptDraft` only through undoable :class:`EditCommand` s: typing is
let into the document, then the change is read back (diff against the draft's text) and pushed;
Enter splits, Backspace at a paragraph's start and Delete at its end merge; undo, redo and other
programmatic edits come back through the draft's listener and are written into the document.
Qt positions count UTF-16 units; the draft counts code points: the conversions are here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from workbench.coding.transcript_editing import Edit, TranscriptDraft, word_places
from workbench.coding.transcript_text import SEPARATOR
from workbench.ui.participants_model import format_duration
from workbench.ui.transcript.commands import EditCommand, changed_span

SPEAKER_COLOURS = ("#1f5fa8", "#a83a1f", "#2d7d3a", "#7a3fa0", "#8a6d00")
PLAYING = QColor("#ffe680")
FOUND = QColor("#b8e0ff")
LOW_CONFIDENCE = QColor("#e07000")
GUTTER_PAD = 6


def u16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_u16(text: str, offset: int) -> int:
    """A code-point offset into ``text`` as Qt's UTF-16 offset."""
    return offset if u16_len(text) == len(text) else u16_len(text[:offset])


def from_u16(text: str, offset: int) -> int:
    if u16_len(text) == len(text):
        return min(offset, len(text))
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


class LowConfidence(QSyntaxHighlighter):
    """Underlines the words of a paragraph whose probability is below the threshold."""

    def __init__(self, view: TranscriptTextView):
        super().__init__(view.document())
        self.view = view
        self.low_format = QTextCharFormat()
        self.low_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.low_format.setUnderlineColor(LOW_CONFIDENCE)
        self.low_format.setForeground(LOW_CONFIDENCE)
        self.low_format.setToolTip("Low confidence: check this word")

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        index, draft = self.currentBlock().blockNumber(), self.view.draft
        if not 0 <= index < len(draft.segments) or draft.segments[index].text != text:
            return  # the draft catches up with typing right after; the block is redone then
        for a, b, word in word_places(draft.segments[index]):
            if word.probability is not None and word.probability < self.view.threshold:
                start = to_u16(text, a)
                self.setFormat(start, to_u16(text, b) - start, self.low_format)


class Gutter(QWidget):
    """Time and speaker beside each paragraph; a click seeks to the segment's start."""

    def __init__(self, view: TranscriptTextView):
        super().__init__(view)
        self.view = view

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.view.gutter_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view.paint_gutter(self, event.rect())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        block = self.view.cursorForPosition(QPoint(1, int(event.position().y())))
        index = block.blockNumber()
        if 0 <= index < len(self.view.draft.segments):
            self.view.seek_requested.emit(self.view.draft.segments[index].start_ms)


class TranscriptTextView(QPlainTextEdit):
    seek_requested = Signal(int)  # ms: a click on a word or a segment's time
    edited = Signal(object)  # Edit, after the draft changed (typing, undo, redo, commands)

    def __init__(
        self, draft: TranscriptDraft, stack: QUndoStack, threshold: float = 0.5, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("TranscriptText")
        self.draft, self.stack, self.threshold = draft, stack, threshold
        self.shortcuts: dict[int, Callable[[], object]] = {}
        self.playing_span: tuple[int, int] | None = None
        self.playing_ms: int | None = None  # the time shown as playing: its word is found again after an edit
        self.found: list[tuple[int, int]] = []
        self._applying = False
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlainText(draft.text)
        self.document().setUndoRedoEnabled(False)
        self.gutter = Gutter(self)
        self.highlighter = LowConfidence(self)
        self.highlighter.rehighlight()  # now, not on the next event loop turn
        self.updateRequest.connect(self._update_gutter)
        self.document().contentsChanged.connect(self._typed)
        draft.subscribe(self._draft_changed)
        self._fit_gutter()

    # --- positions ------------------------------------------------------------------------------

    def qt_position(self, position: int) -> int:
        located = self.draft.doc.locate(position)
        block = self.document().findBlockByNumber(located.segment)
        return block.position() + to_u16(block.text(), located.offset)

    def draft_position(self, cursor: QTextCursor) -> int:
        block = cursor.block()
        offset = from_u16(block.text(), cursor.positionInBlock())
        return self.draft.doc.position(
            block.blockNumber(), min(offset, len(self.draft.segments[block.blockNumber()].text))
        )

    def cursor_position(self) -> int:
        return self.draft_position(self.textCursor())

    def selection(self) -> tuple[int, int]:
        cursor = self.textCursor()
        a, b = QTextCursor(cursor), QTextCursor(cursor)
        a.setPosition(cursor.selectionStart())
        b.setPosition(cursor.selectionEnd())
        return self.draft_position(a), self.draft_position(b)

    def select(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.qt_position(start))
        cursor.setPosition(self.qt_position(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def word_rect(self, position: int) -> QRect:
        """Viewport rectangle of the character at ``position`` (tests click here)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.qt_position(position))
        return self.cursorRect(cursor)

    # --- edits ----------------------------------------------------------------------------------

    def push(self, edit: Edit | None, text: str, cursor_after: int | None = None) -> None:
        if edit is not None:
            self.stack.push(EditCommand(self.draft, edit, text, cursor_after=cursor_after, view=self))

    def _typed(self) -> None:
        """The document changed (typing, paste, cut): turn the difference into an edit."""
        if self._applying:
            return
        new = self.document().toRawText().replace("\u2029", SEPARATOR).replace("\u2028", SEPARATOR)
        old = self.draft.text
        if new == old:
            return
        start, old_end, new_end = changed_span(old, new)
        edit = self.draft.replace_text(start, old_end, new[start:new_end])
        if edit is not None:
            self.stack.push(EditCommand(self.draft, edit, "Typing", typed=True))

    def _draft_changed(self, edit: Edit) -> None:
        doc = self.document()
        texts = [s.text for s in edit.new]
        blocks = [doc.findBlockByNumber(edit.first + i) for i in range(len(texts))]
        in_sync = doc.blockCount() == len(self.draft.segments) and all(
            b.isValid() and b.text() == t for b, t in zip(blocks, texts)
        )
        if not in_sync:
            self._write(edit)
        for i in range(len(texts)):
            self.highlighter.rehighlightBlock(doc.findBlockByNumber(edit.first + i))
        self.found = []
        self._fit_gutter()
        self.gutter.update()
        if self.playing_ms is not None:  # the text moved: the playing word is where its time now is
            self.playing_span = self.draft.word_at_time(self.playing_ms)
        self.refresh_selections()
        self.edited.emit(edit)

    def _write(self, edit: Edit) -> None:
        """Put the edit's new paragraphs in place of its old ones in the document."""
        doc = self.document()
        first = doc.findBlockByNumber(edit.first)
        last = doc.findBlockByNumber(edit.first + len(edit.old) - 1)
        cursor = QTextCursor(doc)
        cursor.setPosition(first.position())
        cursor.setPosition(last.position() + last.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        self._applying = True
        try:
            cursor.beginEditBlock()
            cursor.insertText(SEPARATOR.join(s.text for s in edit.new))
            cursor.endEditBlock()
        finally:
            self._applying = False

    def place_cursor(self, position: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.qt_position(min(max(0, position), len(self.draft.text))))
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        combo = event.keyCombination().toCombined() & ~int(Qt.KeyboardModifier.KeypadModifier.value)
        if combo in self.shortcuts:
            self.shortcuts[combo]()
            return
        if event.matches(QKeySequence.StandardKey.Undo):
            self.stack.undo()
            return
        if event.matches(QKeySequence.StandardKey.Redo):
            self.stack.redo()
            return
        cursor = self.textCursor()
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._split()
            return
        if (
            not cursor.hasSelection()
            and key == Qt.Key.Key_Backspace
            and cursor.atBlockStart()
            and cursor.blockNumber() > 0
        ):
            self._merge(cursor.blockNumber() - 1)
            return
        if not cursor.hasSelection() and key == Qt.Key.Key_Delete and cursor.atBlockEnd():
            self._merge(cursor.blockNumber())
            return
        super().keyPressEvent(event)

    def _split(self) -> None:
        start, end = self.selection()
        if start != end:
            self.push(self.draft.replace_text(start, end, ""), "Delete")
            start = self.cursor_position()
        edit = self.draft.split(start)
        self.push(
            edit,
            "Split segment",
            cursor_after=self.draft.doc.starts[edit.first] + len(edit.new[0].text) + 1 if edit else None,
        )

    def _merge(self, index: int) -> None:
        join = self.draft.doc.starts[index] + len(self.draft.segments[index].text.rstrip())
        self.push(self.draft.merge(index), "Merge segments", cursor_after=join)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.seek_requested.emit(self.draft.time_at(self.cursor_position()))

    # --- decorations ----------------------------------------------------------------------------

    def show_playing(self, time_ms: int) -> None:
        self.playing_ms = time_ms
        span = self.draft.word_at_time(time_ms)
        if span != self.playing_span:
            self.playing_span = span
            self.refresh_selections()

    def playing_word(self) -> str:
        return self.draft.text[slice(*self.playing_span)] if self.playing_span else ""

    def scroll_to(self, position: int) -> None:
        """Scroll (without moving the text cursor) so that ``position`` is visible."""
        if not self.viewport().rect().contains(self.word_rect(position)):
            self.verticalScrollBar().setValue(max(0, self.draft.doc.locate(position).segment - 2))

    def refresh_selections(self) -> None:
        selections = [self._selection(a, b, FOUND) for a, b in self.found]
        if self.playing_span is not None:
            selections.append(self._selection(*self.playing_span, PLAYING))
        self.setExtraSelections(selections)

    def _selection(self, start: int, end: int, colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(colour)
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.qt_position(start))
        cursor.setPosition(self.qt_position(end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        return selection

    def set_threshold(self, threshold: float) -> None:
        self.threshold = threshold
        self.highlighter.rehighlight()

    # --- gutter ---------------------------------------------------------------------------------

    def gutter_width(self) -> int:
        names = self.draft.speakers() or ["Speaker 1"]
        widest = max(self.fontMetrics().horizontalAdvance(f"00:00:00  {n}") for n in names[:8])
        return min(widest, self.fontMetrics().horizontalAdvance("0" * 34)) + 2 * GUTTER_PAD

    def _fit_gutter(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self._place_gutter()

    def _place_gutter(self) -> None:
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_gutter()

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def paint_gutter(self, widget: QWidget, rect: QRect) -> None:
        painter = QPainter(widget)
        painter.fillRect(rect, self.palette().alternateBase())
        speakers = self.draft.speakers()
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= rect.bottom():
            index = block.blockNumber()
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= rect.top() and index < len(self.draft.segments):
                segment = self.draft.segments[index]
                painter.setPen(self.palette().placeholderText().color())
                stamp = format_duration(segment.start_ms)
                painter.drawText(GUTTER_PAD, top, widget.width(), height, Qt.AlignmentFlag.AlignLeft, stamp)
                if segment.speaker:
                    colour = (
                        SPEAKER_COLOURS[speakers.index(segment.speaker) % len(SPEAKER_COLOURS)]
                        if segment.speaker in speakers
                        else "#444"
                    )
                    painter.setPen(QColor(colour))
                    x = GUTTER_PAD + self.fontMetrics().horizontalAdvance(stamp + "  ")
                    name = self.fontMetrics().elidedText(
                        segment.speaker, Qt.TextElideMode.ElideRight, widget.width() - x - GUTTER_PAD
                    )
                    painter.drawText(x, top, widget.width() - x, height, Qt.AlignmentFlag.AlignLeft, name)
            block = block.next()
            top = bottom
        painter.end()


def block_formats(view: TranscriptTextView, index: int) -> list[tuple[int, int, QTextCharFormat]]:
    """(start, end, format) in code points of the highlighter's formats on paragraph ``index``."""
    block = view.document().findBlockByNumber(index)
    text = block.text()
    ranges = block.layout().formats()
    return [
        (from_u16(text, r.start), from_u16(text, r.start + r.length), QTextCharFormat(r.format))
        for r in ranges
    ]
