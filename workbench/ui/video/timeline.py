"""The timeline: one track per behaviour × subject, an epochs band, the playhead.

Zoom with the wheel (around the pointer), pan with Shift+wheel or by dragging the background,
click to seek, drag a state's start or stop edge to move it. Painting touches only what is in
view: per track the states and points are sorted, found by bisection, and anything narrower than
a pixel is merged into its neighbour, so thousands of events cost little.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Optional

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.coding import observation as ob
from workbench.ui.video.session import ObservationSession

LABEL_W, AXIS_H, EPOCH_H, ROW_H = 170, 18, 16, 16
EDGE_PX = 4
MIN_SPAN_MS = 200
STEPS_MS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000,
            300_000, 600_000, 1_800_000, 3_600_000)
TASK_COLOURS = ("#A6CEE3", "#B2DF8A", "#FDBF6F", "#CAB2D6", "#FB9A99", "#FFFF99")


@dataclass
class _Track:
    """One behaviour × subject: state intervals (sorted, not overlapping), open starts, points."""

    starts: list[int] = field(default_factory=list)
    stops: list[int] = field(default_factory=list)
    ids: list[tuple[int, int]] = field(default_factory=list)  # (start id, stop id)
    open_starts: list[int] = field(default_factory=list)
    points: list[int] = field(default_factory=list)


class Timeline(QWidget):
    seek_requested = Signal(int)
    edge_moved = Signal(int, int)  # event id, new time ms

    def __init__(self, session: ObservationSession, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("Timeline")
        self.session = session
        scheme = session.scheme
        self.tracks = [(b.code, s) for b in scheme.behaviours for s in b.subjects]
        names = {s.key: s.name for s in scheme.subjects}
        self._labels = [f"{scheme.behaviour(c).name} · {names.get(s, s)}" for c, s in self.tracks]
        self._colours = [QColor(scheme.behaviour(c).colour) for c, _ in self.tracks]
        self._row = {t: i for i, t in enumerate(self.tracks)}
        self._task_colour = {t.code: QColor(TASK_COLOURS[i % len(TASK_COLOURS)]) for i, t in enumerate(scheme.tasks)}
        self.duration_ms = 60_000
        self.view_start, self.view_span = 0, 60_000
        self.playhead_ms = 0
        self._data: Optional[list[_Track]] = None
        self._dirty: set[int] = set()  # rows to rebuild after events were added
        self._press: Optional[QPointF] = None
        self._pan_from: Optional[tuple[float, int]] = None
        self._edge: Optional[tuple[int, int, int, int]] = None  # event id, low, high, current ms
        self.setMouseTracking(True)
        self.setMinimumHeight(AXIS_H + EPOCH_H + ROW_H * min(len(self.tracks), 6))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        for signal in (session.reset, session.epochs_changed):
            signal.connect(self.invalidate)
        session.events_added.connect(self._added)

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
        self.playhead_ms = int(ms)
        if not self.view_start <= ms <= self.view_start + self.view_span:  # page to keep it in view
            self.set_view(ms - self.view_span * 0.1, self.view_span)
        self.update()

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
        self._data = None
        self.update()

    def _added(self, made: list[ob.Event]) -> None:
        """Only the tracks of new events are rebuilt."""
        self._dirty.update(self._row[(e.behaviour, e.subject)] for e in made if (e.behaviour, e.subject) in self._row)
        self.update()

    def data(self) -> list[_Track]:
        if self._data is None:
            self._data, self._dirty = self._build(self.session.events), set()
        elif self._dirty:
            keys = {self.tracks[row] for row in self._dirty}
            fresh = self._build([e for e in self.session.events if (e.behaviour, e.subject) in keys])
            for row in self._dirty:
                self._data[row] = fresh[row]
            self._dirty = set()
        return self._data

    def _build(self, events: list[ob.Event]) -> list[_Track]:
        tracks = [_Track() for _ in self.tracks]
        pairing = ob.pair_states(events)
        for interval in pairing.intervals:  # sorted by start
            row = self._row.get((interval.behaviour, interval.subject))
            if row is not None:
                t = tracks[row]
                t.starts.append(interval.start_ms)
                t.stops.append(interval.stop_ms)
                t.ids.append((interval.start.id, interval.stop.id))
        for event in events:
            row = self._row.get((event.behaviour, event.subject))
            if row is None:
                continue
            if event.event_type == "point":
                tracks[row].points.append(event.time_ms)
        for event in pairing.unpaired:
            row = self._row.get((event.behaviour, event.subject))
            if row is not None and event.event_type == "start":
                tracks[row].open_starts.append(event.time_ms)
        return tracks

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        lo, hi = self.view_start, self.view_start + self.view_span
        self._paint_axis(painter, lo, hi)
        self._paint_epochs(painter, lo, hi)
        data = self.data()
        for row, track in enumerate(data):
            y = self.row_y(row)
            if y > self.height():
                break
            if row % 2:
                painter.fillRect(QRectF(0, y, self.width(), ROW_H), QColor("#F4F4F4"))
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(4, y, LABEL_W - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, self._labels[row])
            self._paint_track(painter, track, self._colours[row], y, lo, hi)
        if self._edge is not None:
            painter.setPen(QPen(QColor("#000000"), 1, Qt.PenStyle.DashLine))
            x = self.x_of(self._edge[3])
            painter.drawLine(QPointF(x, AXIS_H), QPointF(x, self.height()))
        painter.setPen(QPen(QColor("#E00000"), 2))
        x = self.x_of(self.playhead_ms)
        if x >= LABEL_W:
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _paint_axis(self, painter: QPainter, lo: float, hi: float) -> None:
        step = next((s for s in STEPS_MS if s * self._plot_w / self.view_span >= 80), STEPS_MS[-1])
        painter.setPen(QColor("#666666"))
        t = int(lo // step) * step
        while t <= hi:
            x = self.x_of(t)
            if x >= LABEL_W:
                painter.drawLine(QPointF(x, AXIS_H - 4), QPointF(x, AXIS_H))
                painter.drawText(QPointF(x + 2, AXIS_H - 5), ob.format_ms(t)[:-4] if step >= 1000 else ob.format_ms(t))
            t += step

    def _paint_epochs(self, painter: QPainter, lo: float, hi: float) -> None:
        painter.setPen(QColor("#333333"))
        for epoch in self.session.epochs:
            if epoch.end_ms < lo or epoch.start_ms > hi:
                continue
            x0, x1 = max(self.x_of(epoch.start_ms), LABEL_W), min(self.x_of(epoch.end_ms), self.width())
            rect = QRectF(x0, AXIS_H, max(x1 - x0, 1), EPOCH_H - 2)
            painter.fillRect(rect, self._task_colour.get(epoch.task, QColor("#DDDDDD")))
            painter.drawText(rect.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, epoch.task)

    def _paint_track(self, painter: QPainter, track: _Track, colour: QColor, y: int, lo: float, hi: float) -> None:
        first = bisect.bisect_right(track.stops, lo)
        last = bisect.bisect_left(track.starts, hi)
        top, height = y + 2, ROW_H - 4
        rects: list[QRectF] = []
        run: Optional[list[float]] = None  # merge states that touch the same pixels
        for i in range(first, last):
            x0, x1 = max(self.x_of(track.starts[i]), LABEL_W), self.x_of(track.stops[i])
            if run is not None and x0 <= run[1] + 1:
                run[1] = max(run[1], x1)
                continue
            if run is not None:
                rects.append(QRectF(run[0], top, max(run[1] - run[0], 1), height))
            run = [x0, x1]
        if run is not None:
            rects.append(QRectF(run[0], top, max(run[1] - run[0], 1), height))
        faint = QColor(colour)
        faint.setAlpha(90)
        open_rects = [QRectF(x0, top, self.width() - x0, height)
                      for x0 in (max(self.x_of(s), LABEL_W) for s in track.open_starts if s <= hi)]
        lines: list[QLineF] = []
        last_x = -1
        for i in range(bisect.bisect_left(track.points, lo), bisect.bisect_right(track.points, hi)):
            x = int(self.x_of(track.points[i]))
            if x != last_x:
                lines.append(QLineF(x, y + 1, x, y + ROW_H - 1))
                last_x = x
        # one call per kind: few Python -> Qt calls per track however many events are in view
        painter.setPen(Qt.PenStyle.NoPen)
        if rects:
            painter.setBrush(colour)
            painter.drawRects(rects)
        if open_rects:
            painter.setBrush(faint)
            painter.drawRects(open_rects)
        if lines:
            painter.setPen(QPen(colour, 2))
            painter.drawLines(lines)

    # --- mouse -------------------------------------------------------------------------------
    def edge_at(self, x: float, y: float) -> Optional[tuple[int, int, int]]:
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

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        self._press = pos
        edge = self.edge_at(pos.x(), pos.y())
        if edge is not None:
            self._edge = (*edge, self.ms_at(pos.x()))
        else:
            self._pan_from = (pos.x(), self.view_start)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._edge is not None:
            event_id, low, high, _ = self._edge
            self._edge = (event_id, low, high, min(max(self.ms_at(pos.x()), low), high))
            self.update()
        elif self._pan_from is not None and abs(pos.x() - self._press.x()) > 3:
            x0, start0 = self._pan_from
            self.set_view(start0 - (pos.x() - x0) * self.view_span / self._plot_w, self.view_span)
        else:
            edge = self.edge_at(pos.x(), pos.y())
            self.setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        moved = self._press is not None and abs(pos.x() - self._press.x()) > 3
        if self._edge is not None and moved:
            event_id, _low, _high, ms = self._edge
            self._edge = None
            self.edge_moved.emit(event_id, ms)
        elif self._press is not None and not moved and pos.x() >= LABEL_W:
            self.seek_requested.emit(max(0, min(self.ms_at(pos.x()), self.duration_ms - 1)))
        self._edge, self._press, self._pan_from = None, None, None
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if not steps:
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.set_view(self.view_start - steps * self.view_span * 0.1, self.view_span)
        else:
            anchor = self.ms_at(max(event.position().x(), LABEL_W))
            span = self.view_span / (1.25 ** steps)
            span = min(max(span, MIN_SPAN_MS), self.duration_ms)
            fraction = (anchor - self.view_start) / self.view_span
            self.set_view(anchor - fraction * span, span)
        event.accept()
