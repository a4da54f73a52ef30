"""The timeline: one track per behaviour × subject, an epochs band, the playhead.

Zoom with the wheel (around the pointer), pan with Shift+wheel or by dragging the background,
click to seek, drag a state's start or stop edge to move it, drag an epoch's edge to move it.

Speed: the tracks are a :class:`TrackIndex` updated event by event, and are painted into a
cached layer (one pixmap for all rows); a change repaints only its rows in the layer and asks
Qt to repaint only those rows on screen. Moving the playhead repaints two thin strips.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.coding import observation as ob
from workbench.ui.video.session import ObservationSession
from workbench.ui.video.track_index import Track, TrackIndex, track_shapes

LABEL_W, AXIS_H, EPOCH_H, ROW_H = 170, 18, 16, 16
EDGE_PX = 4
MIN_SPAN_MS = 200
STEPS_MS = (
    10,
    20,
    50,
    100,
    200,
    500,
    1000,
    2000,
    5000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    1_800_000,
    3_600_000,
)
TASK_COLOURS = ("#A6CEE3", "#B2DF8A", "#FDBF6F", "#CAB2D6", "#FB9A99", "#FFFF99")


class Timeline(QWidget):
    seek_requested = Signal(int)
    edge_moved = Signal(int, int)  # event id, new time ms
    epoch_moved = Signal(int, int, int)  # epoch id, new start ms, new end ms

    def __init__(self, session: ObservationSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Timeline")
        self.session = session
        scheme = session.scheme
        self.tracks = [(b.code, s) for b in scheme.behaviours for s in b.subjects]
        names = {s.key: s.name for s in scheme.subjects}
        self._labels = [f"{scheme.behaviour(c).name} · {names.get(s, s)}" for c, s in self.tracks]
        self._colours = [QColor(scheme.behaviour(c).colour) for c, _ in self.tracks]
        self._task_colour = {
            t.code: QColor(TASK_COLOURS[i % len(TASK_COLOURS)]) for i, t in enumerate(scheme.tasks)
        }
        self.duration_ms = 60_000
        self.view_start: float = 0
        self.view_span: float = 60_000
        self.playhead_ms = 0
        self.index = TrackIndex(self.tracks)
        self._built = False
        self._layer: QPixmap | None = None
        self._layer_key: tuple | None = None
        self._stale_rows: set[int] = set()  # rows to paint again in the layer
        self._press: QPointF | None = None
        self._pan_from: tuple[float, float] | None = None
        self._edge: tuple[int, int, int, int] | None = None  # event id, low, high, current ms
        self._epoch_edge: tuple[int, str, int, int, int] | None = None  # id, "start"/"end", low, high, ms
        self.setMouseTracking(True)
        self.setMinimumHeight(AXIS_H + EPOCH_H + ROW_H * min(len(self.tracks), 6))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        session.reset.connect(self.invalidate)
        session.epochs_changed.connect(self._epochs_changed)
        session.events_added.connect(lambda made: self._changed(self.index.add(made)))
        session.events_removed.connect(lambda gone: self._changed(self.index.remove(gone)))

    # --- geometry ----------------------------------------------------------------------------
    def sizeHint(self):  # noqa: N802 - Qt override
        size = super().sizeHint()
        size.setHeight(AXIS_H + EPOCH_H + ROW_H * len(self.tracks) + 2)
        return size

    def set_duration(self, ms: int) -> None:
        self.duration_ms = max(1, int(ms))
        self.view_start, self.view_span = 0, self.duration_ms
        self.update()

    def set_view(self, start_ms: float, span_ms: float) -> None:
        span = min(max(float(span_ms), MIN_SPAN_MS), max(self.duration_ms, MIN_SPAN_MS))
        self.view_span = span
        self.view_start = min(max(float(start_ms), 0.0), max(self.duration_ms - span, 0.0))
        self.update()

    def set_playhead(self, ms: int) -> None:
        old = self.x_of(self.playhead_ms)
        self.playhead_ms = int(ms)
        if not self.view_start <= ms <= self.view_start + self.view_span:  # page to keep it in view
            self.set_view(ms - self.view_span * 0.1, self.view_span)
            return
        for x in (old, self.x_of(ms)):  # only the strips under the old and new playhead
            self.update(QRect(int(x) - 2, 0, 5, self.height()))

    @property
    def _plot_w(self) -> float:
        return max(1.0, self.width() - LABEL_W)

    def x_of(self, ms: float) -> float:
        return LABEL_W + (ms - self.view_start) * self._plot_w / self.view_span

    def ms_at(self, x: float) -> int:
        return int(round(self.view_start + (x - LABEL_W) * self.view_span / self._plot_w))

    def row_y(self, row: int) -> int:
        return AXIS_H + EPOCH_H + row * ROW_H

    # --- data --------------------------------------------------------------------------------
    def invalidate(self, *_args) -> None:
        """Rebuild the tracks from the session's events (after a reload)."""
        self._built = False
        self._layer_key = None
        self.update()

    def _changed(self, rows: set[int]) -> None:
        if not self._built:
            return
        self._stale_rows |= rows
        for row in rows:
            self.update(QRect(0, self.row_y(row), self.width(), ROW_H))

    def _epochs_changed(self) -> None:
        self.update(QRect(0, AXIS_H, self.width(), EPOCH_H))

    def data(self) -> list[Track]:
        if not self._built:
            self.index.build(self.session.events)
            self._built, self._layer_key = True, None
        return self.index.tracks

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setClipRegion(event.region())
        painter.fillRect(event.rect(), QColor("#FFFFFF"))
        lo, hi = self.view_start, self.view_start + self.view_span
        self._paint_axis(painter, lo, hi)
        self._paint_epochs(painter, lo, hi)
        painter.drawPixmap(0, self.row_y(0), self._tracks_layer())
        ms: int | None = None  # where an edge being dragged is now
        if self._edge is not None:
            ms = self._edge[3]
        elif self._epoch_edge is not None:
            ms = self._epoch_edge[4]
        if ms is not None:
            painter.setPen(QPen(QColor("#000000"), 1, Qt.PenStyle.DashLine))
            x = self.x_of(ms)
            painter.drawLine(QPointF(x, AXIS_H), QPointF(x, self.height()))
        painter.setPen(QPen(QColor("#E00000"), 2))
        x = self.x_of(self.playhead_ms)
        if x >= LABEL_W:
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _tracks_layer(self) -> QPixmap:
        """All rows, painted once per view and size; rows changed since are painted again."""
        data = self.data()
        ratio = self.devicePixelRatioF()
        key = (self.view_start, self.view_span, self.width(), self.height(), ratio)
        if self._layer_key != key or self._layer is None:
            height = max(1, min(self.height() - self.row_y(0), ROW_H * len(self.tracks)))
            self._layer = QPixmap(int(self.width() * ratio), int(height * ratio))
            self._layer.setDevicePixelRatio(ratio)
            self._layer_key, self._stale_rows = key, set(range(len(data)))
        if self._stale_rows:
            painter = QPainter(self._layer)
            lo, hi = self.view_start, self.view_start + self.view_span
            for row in sorted(self._stale_rows):
                if row * ROW_H < self._layer.height() / ratio:
                    self._paint_row(painter, row, data[row], lo, hi)
            painter.end()
            self._stale_rows = set()
        return self._layer

    def _paint_row(self, painter: QPainter, row: int, track: Track, lo: float, hi: float) -> None:
        y = row * ROW_H  # in the layer
        painter.fillRect(QRectF(0, y, self.width(), ROW_H), QColor("#F4F4F4" if row % 2 else "#FFFFFF"))
        painter.setPen(QColor("#333333"))
        painter.drawText(QRectF(4, y, LABEL_W - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, self._labels[row])
        shapes = track_shapes(track, lo, hi, self.x_of(lo), self._plot_w / self.view_span)
        top, height, colour = y + 2, ROW_H - 4, self._colours[row]
        # one call per kind: few Python -> Qt calls per track however many events are in view
        painter.setPen(Qt.PenStyle.NoPen)
        if len(shapes.runs):
            painter.setBrush(colour)
            painter.drawRects([QRectF(x0, top, max(x1 - x0, 1), height) for x0, x1 in shapes.runs.tolist()])
        if len(shapes.open_x):
            faint = QColor(colour)
            faint.setAlpha(90)
            painter.setBrush(faint)
            painter.drawRects([QRectF(x0, top, self.width() - x0, height) for x0 in shapes.open_x.tolist()])
        if len(shapes.point_x):
            painter.setPen(QPen(colour, 2))
            painter.drawLines([QLineF(x, y + 1, x, y + ROW_H - 1) for x in shapes.point_x.tolist()])

    def _paint_axis(self, painter: QPainter, lo: float, hi: float) -> None:
        step = next((s for s in STEPS_MS if s * self._plot_w / self.view_span >= 80), STEPS_MS[-1])
        painter.setPen(QColor("#666666"))
        t = int(lo // step) * step
        while t <= hi:
            x = self.x_of(t)
            if x >= LABEL_W:
                painter.drawLine(QPointF(x, AXIS_H - 4), QPointF(x, AXIS_H))
                painter.drawText(
                    QPointF(x + 2, AXIS_H - 5), ob.format_ms(t)[:-4] if step >= 1000 else ob.format_ms(t)
                )
            t += step

    def _paint_epochs(self, painter: QPainter, lo: float, hi: float) -> None:
        painter.setPen(QColor("#333333"))
        moving = self._epoch_edge
        for epoch in self.session.epochs:
            start, end = epoch.start_ms, epoch.end_ms
            if moving is not None and moving[0] == epoch.id:
                start, end = (moving[4], end) if moving[1] == "start" else (start, moving[4])
            if end < lo or start > hi:
                continue
            x0, x1 = max(self.x_of(start), LABEL_W), min(self.x_of(end), self.width())
            rect = QRectF(x0, AXIS_H, max(x1 - x0, 1), EPOCH_H - 2)
            painter.fillRect(rect, self._task_colour.get(epoch.task, QColor("#DDDDDD")))
            painter.drawText(rect.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, epoch.task)

    # --- mouse -------------------------------------------------------------------------------
    def edge_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """(event id, lowest ms, highest ms) of the state edge under the pointer, or None."""
        row = int((y - self.row_y(0)) // ROW_H) if y >= self.row_y(0) else -1
        data = self.data()
        if not 0 <= row < len(data) or x < LABEL_W:
            return None
        track, ms = data[row], self.ms_at(x)
        slack = EDGE_PX * self.view_span / self._plot_w
        i = bisect.bisect_right(track.starts, ms + slack) - 1
        for j in (i, i + 1):
            if 0 <= j < len(track.starts):
                if abs(track.starts[j] - ms) <= slack:
                    low = track.stops[j - 1] if j > 0 else 0
                    return track.ids[j][0], low, track.stops[j] - 1
                if abs(track.stops[j] - ms) <= slack:
                    high = track.starts[j + 1] if j + 1 < len(track.starts) else self.duration_ms
                    return track.ids[j][1], track.starts[j] + 1, high
        return None

    def epoch_edge_at(self, x: float, y: float) -> tuple[int, str, int, int] | None:
        """(epoch id, "start" or "end", lowest ms, highest ms) of the epoch edge under the pointer."""
        if not AXIS_H <= y < AXIS_H + EPOCH_H or x < LABEL_W:
            return None
        ms, slack = self.ms_at(x), EDGE_PX * self.view_span / self._plot_w
        near = [
            (abs(e.start_ms - ms), e.id, "start", 0, e.end_ms - 1)
            for e in self.session.epochs
            if abs(e.start_ms - ms) <= slack and e.id is not None
        ]
        near += [
            (abs(e.end_ms - ms), e.id, "end", e.start_ms + 1, self.duration_ms)
            for e in self.session.epochs
            if abs(e.end_ms - ms) <= slack and e.id is not None
        ]
        return min(near)[1:] if near else None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        self._press = pos
        edge = self.edge_at(pos.x(), pos.y())
        epoch_edge = self.epoch_edge_at(pos.x(), pos.y())
        if edge is not None:
            self._edge = (*edge, self.ms_at(pos.x()))
        elif epoch_edge is not None:
            self._epoch_edge = (*epoch_edge, self.ms_at(pos.x()))
        else:
            self._pan_from = (pos.x(), self.view_start)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._edge is not None:
            event_id, low, high, _ = self._edge
            self._edge = (event_id, low, high, min(max(self.ms_at(pos.x()), low), high))
            self.update()
        elif self._epoch_edge is not None:
            epoch_id, side, low, high, _ = self._epoch_edge
            self._epoch_edge = (epoch_id, side, low, high, min(max(self.ms_at(pos.x()), low), high))
            self.update()
        elif self._pan_from is not None and self._press is not None and abs(pos.x() - self._press.x()) > 3:
            x0, start0 = self._pan_from
            self.set_view(start0 - (pos.x() - x0) * self.view_span / self._plot_w, self.view_span)
        else:
            edge = self.edge_at(pos.x(), pos.y()) or self.epoch_edge_at(pos.x(), pos.y())
            self.setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        pressed = self._press is not None
        moved = self._press is not None and abs(pos.x() - self._press.x()) > 3
        edge, epoch_edge = self._edge, self._epoch_edge
        self._edge, self._epoch_edge, self._press, self._pan_from = None, None, None, None
        if edge is not None and moved:
            self.edge_moved.emit(edge[0], edge[3])
        elif epoch_edge is not None and moved:
            epoch_id, side, _low, _high, ms = epoch_edge
            epoch = next((e for e in self.session.epochs if e.id == epoch_id), None)
            if epoch is not None:
                start, end = (ms, epoch.end_ms) if side == "start" else (epoch.start_ms, ms)
                self.epoch_moved.emit(epoch_id, start, end)
        elif pressed and not moved and pos.x() >= LABEL_W:
            self.seek_requested.emit(max(0, min(self.ms_at(pos.x()), self.duration_ms - 1)))
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if not steps:
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.set_view(self.view_start - steps * self.view_span * 0.1, self.view_span)
        else:
            anchor = self.ms_at(max(event.position().x(), LABEL_W))
            span = self.view_span / (1.25**steps)
            span = min(max(span, MIN_SPAN_MS), self.duration_ms)
            fraction = (anchor - self.view_start) / self.view_span
            self.set_view(anchor - fraction * span, span)
        event.accept()
