"""A timed or rating disagreement side by side: both raters' events (or ratings) on one timeline
at its time, the video there when the recording is on this machine, and Keep A / Keep B / the
other choices, which resolve it through the reliability view (the Consensus coder).

Read-only: it opens no one's observation and writes nothing but the lead's resolution.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.coding.observation import format_ms
from workbench.coding.side_by_side import Lane, Mark, SideBySide
from workbench.ui.reliability_disagreements import CHOICE_LABELS
from workbench.ui.video.player import Player

if TYPE_CHECKING:
    from workbench.ui.reliability_view import ReliabilityView

LABEL_W, AXIS_H, ROW_H, GAP = 190, 20, 18, 6


class PairTimeline(QWidget):
    """Lanes of two rows, rater A above rater B, over [start, end]; the disagreement's time marked."""

    seek_requested = Signal(int)

    def __init__(self, picture: SideBySide, parent: QWidget | None = None):
        super().__init__(parent)
        self.picture = picture
        self.start_ms, self.end_ms = picture.start_ms, picture.end_ms
        self.playhead_ms = picture.time_ms
        self.setMinimumHeight(self._height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _height(self) -> int:
        return AXIS_H + len(self.picture.lanes) * (2 * ROW_H + GAP) + GAP

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(640, self._height())

    def set_range(self, start_ms: int, end_ms: int) -> None:
        self.start_ms, self.end_ms = start_ms, max(end_ms, start_ms + 1)
        self.update()

    def set_playhead(self, ms: int) -> None:
        self.playhead_ms = ms
        self.update()

    def x_of(self, ms: float) -> float:
        width = max(1, self.width() - LABEL_W - 8)
        return LABEL_W + (ms - self.start_ms) * width / (self.end_ms - self.start_ms)

    def row_top(self, lane: int, rater: int) -> int:
        return AXIS_H + lane * (2 * ROW_H + GAP) + rater * ROW_H

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        self._paint_axis(painter)
        for i, lane in enumerate(self.picture.lanes):
            if lane.focus:
                painter.fillRect(0, self.row_top(i, 0), self.width(), 2 * ROW_H, QColor("#FFF3C4"))
            painter.setPen(self.palette().text().color())
            font = painter.font()
            font.setBold(lane.focus)
            painter.setFont(font)
            painter.drawText(
                QRectF(4, self.row_top(i, 0), LABEL_W - 30, 2 * ROW_H),
                Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                lane.label,
            )
            font.setBold(False)
            painter.setFont(font)
            for rater, marks in ((0, lane.a), (1, lane.b)):
                top = self.row_top(i, rater)
                painter.setPen(self.palette().text().color())
                painter.drawText(
                    QRectF(LABEL_W - 24, top, 22, ROW_H), Qt.AlignmentFlag.AlignCenter, "AB"[rater]
                )
                self._paint_marks(painter, lane, marks, top)
        x = self.x_of(self.playhead_ms)
        painter.setPen(QPen(QColor("#C00000"), 2))
        painter.drawLine(int(x), AXIS_H - 4, int(x), self.height())
        painter.end()

    def _paint_axis(self, painter: QPainter) -> None:
        painter.setPen(self.palette().text().color())
        ticks = (
            (self.start_ms, 0, Qt.AlignmentFlag.AlignLeft),
            ((self.start_ms + self.end_ms) // 2, -45, Qt.AlignmentFlag.AlignHCenter),
            (self.end_ms, -90, Qt.AlignmentFlag.AlignRight),
        )
        for ms, shift, align in ticks:
            x = self.x_of(ms)
            painter.drawLine(int(x), AXIS_H - 4, int(x), AXIS_H)
            painter.drawText(
                QRectF(x + shift, 0, 90, AXIS_H - 4), align | Qt.AlignmentFlag.AlignVCenter, format_ms(ms)
            )

    def _paint_marks(self, painter: QPainter, lane: Lane, marks: tuple[Mark, ...], top: int) -> None:
        colour = QColor(lane.colour)
        for mark in marks:
            x0 = self.x_of(mark.start_ms)
            if mark.end_ms is None:  # a point event: a diamond
                painter.setPen(QPen(colour.darker(140), 1))
                painter.setBrush(colour)
                mid = top + ROW_H / 2
                painter.drawPolygon([*_diamond(x0, mid, ROW_H / 2 - 2)])
                continue
            rect = QRectF(x0, top + 3, max(2.0, self.x_of(mark.end_ms) - x0), ROW_H - 6)
            painter.fillRect(rect, colour)
            if mark.text:
                painter.setPen(self.palette().text().color())
                painter.drawText(rect.adjusted(4, -3, 0, 3), Qt.AlignmentFlag.AlignVCenter, mark.text)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        x = event.position().x()
        if x >= LABEL_W:
            width = max(1, self.width() - LABEL_W - 8)
            self.seek_requested.emit(
                int(self.start_ms + (x - LABEL_W) * (self.end_ms - self.start_ms) / width)
            )


def _diamond(x: float, y: float, r: float) -> tuple[QPointF, ...]:
    return (QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y))


class PairView(QWidget):
    """One disagreement of a comparison shown side by side, with the choices that resolve it."""

    def __init__(
        self,
        view: ReliabilityView,
        row: int,
        media_path: Path | None = None,
        sound: bool = True,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.view, self.outcome = view, view.outcome
        self.item = view.items[row]
        self.key = self.item.key
        self.picture = view.side_by_side(row)
        self.rating = view.rating_material()
        self.player: Player | None = None
        self.timeline = PairTimeline(self.picture)
        layout = QVBoxLayout(self)
        self.title = QLabel(self.picture.title)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addWidget(QLabel(f"A: {self.picture.raters[0]} · B: {self.picture.raters[1]} · read-only"))
        video = self._video(media_path, sound)
        layout.addWidget(video, 1 if self.player is not None else 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        scroll.setMinimumHeight(min(self.timeline.sizeHint().height() + 4, 220))
        layout.addWidget(scroll, 0 if self.player is not None else 1)
        self.whole = QCheckBox("Whole recording")
        self.whole.toggled.connect(self._whole_toggled)
        layout.addLayout(self._buttons())
        self.status = QLabel(self._resolved_text())
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        view.results_cleared.connect(self._stale)
        self._enable()

    def _video(self, media_path: Path | None, sound: bool) -> QWidget:
        if media_path is None or not Path(media_path).is_file():
            note = QLabel("The recording is not on this machine; both raters' coding is shown below.")
            note.setWordWrap(True)
            return note
        player = self.player = Player(media_path, self, sound=sound)
        start = self.picture.time_ms
        player.ready.connect(lambda _index: player.seek(start))
        player.time_changed.connect(self.timeline.set_playhead)
        return player

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.whole)
        row.addStretch(1)
        self.choice_buttons: dict[str, QPushButton] = {}
        choices = ("A", "B") if self.rating else tuple(CHOICE_LABELS)
        for choice in choices:
            button = QPushButton(CHOICE_LABELS[choice])
            button.clicked.connect(lambda _checked=False, c=choice: self.resolve(c))
            row.addWidget(button)
            self.choice_buttons[choice] = button
        self.agreed_value = QSpinBox()
        self.value_button = QPushButton("Agreed value")
        if self.rating:
            scale = self.item.range
            self.agreed_value.setRange(scale.minimum, scale.maximum)
            self.agreed_value.setToolTip("\n".join(f"{v}: {t}" for v, t in scale.anchors))
            self.value_button.clicked.connect(lambda: self.resolve("value", self.agreed_value.value()))
            row.addWidget(self.agreed_value)
            row.addWidget(self.value_button)
        self.timeline.seek_requested.connect(self._seek)
        return row

    def _seek(self, ms: int) -> None:
        if self.player is not None:
            self.player.seek(ms)
        else:
            self.timeline.set_playhead(ms)

    def _whole_toggled(self, whole: bool) -> None:
        p = self.picture
        self.timeline.set_range(0, p.duration_ms) if whole else self.timeline.set_range(p.start_ms, p.end_ms)

    def current(self) -> bool:
        """Still the comparison the view shows (a new compare makes this one stale)."""
        return self.view.outcome is self.outcome and self.outcome is not None

    def _enable(self) -> None:
        ok = self.current() and self.view.lead_id is not None
        for button in (*self.choice_buttons.values(), self.value_button, self.agreed_value):
            button.setEnabled(ok)

    def _stale(self) -> None:
        self._enable()
        self.status.setText("The comparison was run again: open this disagreement from the new results.")

    def resolve(self, choice: str, value: int | None = None):
        """Resolve through the reliability view (one transaction on the database worker)."""
        if not self.current():
            return None
        row = self.view.row_of(self.key)
        if row is None:
            return None
        change = self.view.resolve(row, choice, value)
        if change is not None:
            self.status.setText(f"{self._resolved_text()} · {change.description}")
        return change

    def _resolved_text(self) -> str:
        done = self.view.resolution(self.key)
        return f"Resolved: {done}" if done else "Not resolved yet."

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.player is not None:
            self.player.close_media()
        super().closeEvent(event)
