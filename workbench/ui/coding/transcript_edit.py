"""The transcript as a read-only document: one paragraph per segment, its start time and speaker
in the left margin, coding stripes in the right margin.

The document's text is exactly the transcript's document text (``TranscriptText.text``), so a
store position and a cursor position differ only by UTF-16 pairs (:class:`PositionMap`).
Dragging a selection carries its span (``SPAN_MIME``) so it can be dropped on a code.
"""

from __future__ import annotations

import json
from bisect import bisect_right

from PySide6.QtCore import QMimeData, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from workbench.coding.transcript_text import TranscriptText
from workbench.ui.coding.positions import PositionMap
from workbench.ui.coding.stripes import StripeMargin
from workbench.ui.participants_model import format_duration

SPAN_MIME = "application/x-workbench-text-span"
LABEL_W = 150


def span_mime(transcript_id: int, start: int, end: int, text: str = "") -> QMimeData:
    mime = QMimeData()
    mime.setData(SPAN_MIME, json.dumps({"transcript": transcript_id, "start": start, "end": end}).encode())
    if text:
        mime.setText(text)
    return mime


def read_span_mime(mime: QMimeData) -> tuple[int, int, int] | None:
    """(transcript id, start, end) from a dragged selection, or None."""
    if not mime.hasFormat(SPAN_MIME):
        return None
    try:
        data = json.loads(bytes(mime.data(SPAN_MIME).data()).decode())
        return int(data["transcript"]), int(data["start"]), int(data["end"])
    except (ValueError, KeyError, TypeError):
        return None


class _Labels(QWidget):
    """Start time and speaker of each segment, beside its first line."""

    def __init__(self, edit: TranscriptEdit):
        super().__init__(edit)
        self.edit = edit

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().window())
        metrics = QFontMetrics(self.font())
        block = self.edit.firstVisibleBlock()
        offset = self.edit.contentOffset()
        dim = self.palette().placeholderText().color()
        while block.isValid():
            top = int(self.edit.blockBoundingGeometry(block).translated(offset).top())
            if top > self.height():
                break
            label = self.edit.label_for_block(block.blockNumber(), block.position())
            if label:
                time_text, speaker = label
                painter.setPen(dim)
                painter.drawText(4, top + metrics.ascent() + 2, time_text)
                painter.setPen(self.palette().text().color())
                x = 8 + metrics.horizontalAdvance("00:00:00")
                painter.drawText(
                    x,
                    top + metrics.ascent() + 2,
                    metrics.elidedText(speaker, Qt.TextElideMode.ElideRight, LABEL_W - x - 4),
                )
            block = block.next()
        painter.end()


class TranscriptEdit(QPlainTextEdit):
    """Read-only, selectable transcript text with time/speaker labels and coding stripes."""

    selection_span_changed = Signal(int, int)  # code points; equal when nothing is selected

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCenterOnScroll(False)
        self.transcript_id = 0
        self.text: TranscriptText | None = None
        self.positions = PositionMap("")
        self._qt_starts: list[int] = []  # Qt position where each segment starts
        self.labels = _Labels(self)
        self.stripes = StripeMargin(self)
        self.updateRequest.connect(self._scrolled)
        self.selectionChanged.connect(self._selection_changed)
        self._update_margins()

    # --- content ------------------------------------------------------------------------------

    def set_transcript(self, transcript_id: int, text: TranscriptText) -> None:
        self.transcript_id, self.text = transcript_id, text
        self.positions = PositionMap(text.text)
        self._qt_starts = [self.positions.to_qt(s) for s in text.starts]
        self.setPlainText(text.text)

    def label_for_block(self, number: int, qt_position: int) -> tuple[str, str] | None:
        """(time, speaker) when this block starts a segment (segments hold no line breaks, so
        normally every block does)."""
        if self.text is None or not self._qt_starts:
            return None
        index = bisect_right(self._qt_starts, qt_position) - 1
        if index < 0 or self._qt_starts[index] != qt_position:
            return None
        segment = self.text.segments[index]
        speaker = segment.speaker or ""
        return format_duration(segment.start_ms), speaker

    # --- positions and selection (code points) -----------------------------------------------

    def selected_span(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return (
            self.positions.from_qt(cursor.selectionStart()),
            self.positions.from_qt(cursor.selectionEnd()),
        )

    def select_span(self, start: int, end: int, scroll: bool = True) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.positions.to_qt(start))
        cursor.setPosition(self.positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        if scroll:
            self.ensureCursorVisible()

    def highlight(self, spans: list[tuple[int, int, str]]) -> None:
        """Shade these spans (start, end, colour) lightly, e.g. the coding picked in the margin."""
        selections = []
        for start, end, colour in spans:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.positions.to_qt(start))
            cursor.setPosition(self.positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            shade = QColor(colour)
            shade.setAlpha(70)
            selection.format.setBackground(shade)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, False)
            selections.append(selection)
        self.setExtraSelections(selections)

    def visible_range(self) -> tuple[int, int]:
        """Qt positions of the first and last visible characters."""
        first = self.cursorForPosition(self.viewport().rect().topLeft()).position()
        last = self.cursorForPosition(self.viewport().rect().bottomRight()).position()
        return first, last

    def position_rect(self, qt_position: int) -> QRect:
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(qt_position, self.document().characterCount() - 1))
        return self.cursorRect(cursor)

    def _selection_changed(self) -> None:
        start, end = self.selected_span()
        self.selection_span_changed.emit(start, end)

    # --- drag a selection onto a code ---------------------------------------------------------

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt override
        start, end = self.selected_span()
        return span_mime(self.transcript_id, start, end, self.text.text[start:end] if self.text else "")

    # --- margins ------------------------------------------------------------------------------

    def _update_margins(self) -> None:
        self.setViewportMargins(LABEL_W, 0, self.stripes.width_needed(), 0)

    def refresh_stripes(self, stripes) -> None:
        self.stripes.set_stripes(stripes)
        self._update_margins()
        self._place_margins()

    def _scrolled(self, rect: QRect, dy: int) -> None:
        for margin in (self.labels, self.stripes):
            if dy:
                margin.scroll(0, dy)
            else:
                margin.update(0, rect.y(), margin.width(), rect.height())
        self.stripes.update()  # stripes that start off-screen change length as the view scrolls

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_margins()

    def _place_margins(self) -> None:
        view = self.viewport().geometry()
        width = self.stripes.width_needed()
        self.labels.setGeometry(QRect(view.left() - LABEL_W, view.top(), LABEL_W, view.height()))
        self.stripes.setGeometry(QRect(view.right() + 1, view.top(), width, view.height()))
