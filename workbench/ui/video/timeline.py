"""The timeline: a lane per behaviour × subject in collapsible groups, an epochs band, the playhead.

Zoom with the wheel (around the pointer), pan with Shift+wheel or by dragging the background,
click to seek, drag a state's start or stop edge to move it, drag an epoch's edge to move it.
The lanes scroll under the fixed time axis and epochs band (scroll bar, the wheel over the
labels, or Alt+wheel); click a group's header to collapse or expand it (right-click: all, or
group by subject or category). The lane of a new or selected event is brought into view
(``reveal``). Lane labels are as wide as the longest name needs (up to ``MAX_LABEL_W``; a
longer one is elided, its tooltip whole).

Speed: the tracks are a :class:`TrackIndex` updated event by event, and are painted into a
cached layer (one pixmap for all rows); a change repaints only its rows in the layer and asks
Qt to repaint only those rows on screen. Moving the playhead repaints two thin strips.
"""

from __future__ import annotations

import bisect
from functools import partial
from typing import cast

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QMenu, QScrollBar, QSizePolicy, QToolTip, QWidget

from workbench.coding import observation as ob
from workbench.ui.video.lane_layer import INDENT, ROW_H, LaneLayer, Viewport
from workbench.ui.video.lanes import GROUPINGS, LaneLayout
from workbench.ui.video.session import ObservationSession
from workbench.ui.video.track_index import Track, TrackIndex

LABEL_W, AXIS_H, EPOCH_H = 170, 18, 16  # LABEL_W: the narrowest label column
MAX_LABEL_W = 300
MIN_ROWS = 4  # lanes the timeline keeps room for however small its panel
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
    plot_moved = Signal(int, int)  # the plot's left edge and right margin changed (px)

    def __init__(self, session: ObservationSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Timeline")
        self.session = session
        scheme = session.scheme
        self.lanes = LaneLayout(scheme)
        self.tracks = self.lanes.keys
        self.layer = LaneLayer(self.lanes, self._lane_colours())
        self._task_colour = {
            t.code: QColor(TASK_COLOURS[i % len(TASK_COLOURS)]) for i, t in enumerate(scheme.tasks)
        }
        self.label_w = self._fit_labels()
        self.duration_ms = 60_000
        self.view_start: float = 0
        self.view_span: float = 60_000
        self.playhead_ms = 0
        self.index = TrackIndex(self.tracks)
        self._built = False
        self._press: QPointF | None = None
        self._pan_from: tuple[float, float] | None = None
        self._edge: tuple[int, int, int, int] | None = None  # event id, low, high, current ms
        self._epoch_edge: tuple[int, str, int, int, int] | None = None  # id, "start"/"end", low, high, ms
        self.scrollbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.scrollbar.setObjectName("TimelineScroll")
        self.scrollbar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scrollbar.valueChanged.connect(lambda _v: self.update())
        self.setMouseTracking(True)
        self.setMinimumHeight(self.lanes_top + ROW_H * MIN_ROWS)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        session.reset.connect(self.invalidate)
        session.epochs_changed.connect(self._epochs_changed)
        session.events_added.connect(lambda made: self._changed(self.index.add(made)))
        session.events_removed.connect(lambda gone: self._changed(self.index.remove(gone)))
        self._arranged()

    # --- geometry ----------------------------------------------------------------------------
    lanes_top = AXIS_H + EPOCH_H

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Room for every row (the layout may give less: the lanes then scroll)."""
        return QSize(self.label_w + 400, self.lanes_top + ROW_H * len(self.lanes.rows) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.label_w + 120, self.lanes_top + ROW_H * MIN_ROWS)

    def _fit_labels(self) -> int:
        """The label column's width: the widest header or lane label, within LABEL_W..MAX_LABEL_W."""
        metrics = self.fontMetrics()
        bold = self.font()
        bold.setBold(True)
        widths = [INDENT + metrics.horizontalAdvance(lane.label) for lane in self.lanes.lanes]
        widths += [
            INDENT + QFontMetrics(bold).horizontalAdvance(self.lanes.header(g))
            for g in range(len(self.lanes.groups))
        ]
        return min(max(LABEL_W, max(widths, default=0) + 12), MAX_LABEL_W)

    def elided_labels(self) -> list[str]:
        """Lane labels that do not fit the label column (shown elided, whole in their tooltip)."""
        room = self.label_w - INDENT - 8
        return [
            lane.label for lane in self.lanes.lanes if self.fontMetrics().horizontalAdvance(lane.label) > room
        ]

    @property
    def selected_lane(self) -> int | None:
        """The lane of the event selected in the events table (marked)."""
        return self.layer.selected_lane

    def _lane_colours(self) -> list[QColor]:
        return [QColor(self.session.scheme.behaviour(c).colour) for c, _ in self.tracks]

    @property
    def scroll_w(self) -> int:
        """Width kept for the lanes' scroll bar at the right (kept whether it shows or not)."""
        return self.scrollbar.sizeHint().width()

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
        return max(1.0, self.width() - self.label_w - self.scroll_w)

    @property
    def _plot_right(self) -> float:
        return self.label_w + self._plot_w

    def x_of(self, ms: float) -> float:
        return self.label_w + (ms - self.view_start) * self._plot_w / self.view_span

    def ms_at(self, x: float) -> int:
        return int(round(self.view_start + (x - self.label_w) * self.view_span / self._plot_w))

    @property
    def _offset(self) -> int:
        return self.scrollbar.value()

    def _screen_y(self, display_row: int) -> int:
        return self.lanes_top + display_row * ROW_H - self._offset

    def row_y(self, lane: int) -> int:
        """Top of a lane on screen (its group's header row while the group is collapsed)."""
        row = self.lanes.row_of_lane(lane)
        if row is None:
            row = self.lanes.row_of_group(self.lanes.group_of(lane))
        return self._screen_y(row)

    def row_at(self, y: float) -> tuple[str, int] | None:
        """("group", g) or ("lane", i) under ``y``, or None above the lanes or past the last."""
        if y < self.lanes_top:
            return None
        return self.lanes.entry(int((y - self.lanes_top + self._offset) // ROW_H))

    def lane_visible(self, lane: int) -> bool:
        row = self.lanes.row_of_lane(lane)
        if row is None:
            return False
        y = self._screen_y(row)
        return y >= self.lanes_top and y + ROW_H <= self.height()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arranged()

    def _arranged(self) -> None:
        """After a resize or a group collapsed/expanded: the scroll bar's place and range."""
        visible = max(0, self.height() - self.lanes_top)
        content = ROW_H * len(self.lanes.rows)
        self.scrollbar.setGeometry(self.width() - self.scroll_w, self.lanes_top, self.scroll_w, visible)
        self.scrollbar.setRange(0, max(0, content - visible))
        self.scrollbar.setPageStep(max(ROW_H, visible))
        self.scrollbar.setSingleStep(ROW_H)
        self.scrollbar.setVisible(content > visible)
        self.layer.invalidate()
        self.update()

    # --- lanes in view ---------------------------------------------------------------------------
    def reveal(self, lane: int) -> None:
        """Bring a lane into view: expand its group and scroll to it (nothing when it shows)."""
        if self.lanes.set_collapsed(self.lanes.group_of(lane), False):
            self._arranged()
        if self.lane_visible(lane):
            return
        row = self.lanes.row_of_lane(lane)
        assert row is not None  # its group is expanded
        visible = self.height() - self.lanes_top
        top = row * ROW_H
        value = top if top < self._offset else top + ROW_H - visible
        self.scrollbar.setValue(max(0, value))

    def reveal_event(self, event: ob.Event, select: bool = False) -> None:
        """Bring an event's lane into view; ``select`` marks it as the selected event's lane."""
        lane = self.lanes.lane_of(event.behaviour, event.subject)
        if lane is None:
            return
        if select and lane != self.selected_lane:
            old, self.layer.selected_lane = self.selected_lane, lane
            self._changed({r for r in (old, lane) if r is not None})
        self.reveal(lane)

    def toggle_group(self, group: int) -> None:
        self.lanes.set_collapsed(group, not self.lanes.groups[group].collapsed)
        self._arranged()

    def set_all_collapsed(self, collapsed: bool) -> None:
        if self.lanes.set_all(collapsed):
            self._arranged()

    def group_by(self, grouping: str) -> None:
        """Group the lanes by "subject" or "category" (the tracks keep their data)."""
        if grouping == self.lanes.grouping:
            return
        self.lanes = LaneLayout(self.session.scheme, grouping)
        order = {key: i for i, key in enumerate(self.tracks)}
        self.tracks = self.lanes.keys
        self.layer = LaneLayer(self.lanes, self._lane_colours())
        tracks = self.index.tracks
        self.index = TrackIndex(self.tracks)
        if self._built:
            self.index.tracks = [tracks[order[key]] for key in self.tracks]
        self.label_w = self._fit_labels()
        self._arranged()
        self.plot_moved.emit(self.label_w, self.scroll_w)

    # --- data --------------------------------------------------------------------------------
    def invalidate(self, *_args) -> None:
        """Rebuild the tracks from the session's events (after a reload)."""
        self._built = False
        self.layer.invalidate()
        self.update()

    def _changed(self, lanes: set[int]) -> None:
        if not self._built:
            return
        self.layer.mark(lanes)
        for lane in lanes:
            self.update(QRect(0, self.row_y(lane), self.width(), ROW_H))

    def _epochs_changed(self) -> None:
        self.update(QRect(0, AXIS_H, self.width(), EPOCH_H))

    def data(self) -> list[Track]:
        if not self._built:
            self.index.build(self.session.events)
            self._built = True
            self.layer.invalidate()
        return self.index.tracks

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setClipRegion(event.region())
        painter.fillRect(event.rect(), QColor("#FFFFFF"))
        lo, hi = self.view_start, self.view_start + self.view_span
        lanes_h = self.height() - self.lanes_top
        layer = self.layer.pixmap(self.data(), self._viewport())
        ratio = layer.devicePixelRatio()
        painter.drawPixmap(
            QRectF(0, self.lanes_top, self.width(), lanes_h),
            layer,
            QRectF(0, self._offset * ratio, self.width() * ratio, lanes_h * ratio),
        )
        painter.fillRect(QRectF(0, 0, self.width(), self.lanes_top), QColor("#FFFFFF"))
        self._paint_axis(painter, lo, hi)
        self._paint_epochs(painter, lo, hi)
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
        if self.label_w <= x <= self._plot_right:
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _viewport(self) -> Viewport:
        lo = self.view_start
        return Viewport(
            lo,
            lo + self.view_span,
            self.x_of(lo),
            self._plot_w / self.view_span,
            self.width(),
            self.label_w,
            self._plot_right,
            self.devicePixelRatioF(),
        )

    def _paint_axis(self, painter: QPainter, lo: float, hi: float) -> None:
        step = next((s for s in STEPS_MS if s * self._plot_w / self.view_span >= 80), STEPS_MS[-1])
        painter.setPen(QColor("#666666"))
        t = int(lo // step) * step
        while t <= hi:
            x = self.x_of(t)
            if self.label_w <= x <= self._plot_right:
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
            x0, x1 = max(self.x_of(start), self.label_w), min(self.x_of(end), self._plot_right)
            rect = QRectF(x0, AXIS_H, max(x1 - x0, 1), EPOCH_H - 2)
            painter.fillRect(rect, self._task_colour.get(epoch.task, QColor("#DDDDDD")))
            painter.drawText(
                rect.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, self._task_name(epoch.task)
            )

    def _task_name(self, code: str) -> str:
        return next((t.name for t in self.session.scheme.tasks if t.code == code), code)

    # --- mouse -------------------------------------------------------------------------------
    def edge_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """(event id, lowest ms, highest ms) of the state edge under the pointer, or None."""
        entry = self.row_at(y)
        if entry is None or entry[0] != "lane" or not self.label_w <= x <= self._plot_right:
            return None
        track, ms = self.data()[entry[1]], self.ms_at(x)
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
        if not AXIS_H <= y < AXIS_H + EPOCH_H or not self.label_w <= x <= self._plot_right:
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
        entry = self.row_at(pos.y())
        if pos.x() < self.label_w and entry is not None and entry[0] == "group":
            self.toggle_group(entry[1])  # a click on a group's header opens or closes it
            return
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
            header = pos.x() < self.label_w and (self.row_at(pos.y()) or ("",))[0] == "group"
            cursor = Qt.CursorShape.PointingHandCursor if header else Qt.CursorShape.ArrowCursor
            self.setCursor(Qt.CursorShape.SizeHorCursor if edge else cursor)

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
        elif pressed and not moved and self.label_w <= pos.x() <= self._plot_right:
            self.seek_requested.emit(max(0, min(self.ms_at(pos.x()), self.duration_ms - 1)))
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if not steps:
            return
        mods = event.modifiers()
        if mods & Qt.KeyboardModifier.AltModifier or event.position().x() < self.label_w:
            self.scrollbar.setValue(int(self.scrollbar.value() - steps * 3 * ROW_H))  # the lanes scroll
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            self.set_view(self.view_start - steps * self.view_span * 0.1, self.view_span)
        else:
            anchor = self.ms_at(max(event.position().x(), self.label_w))
            span = self.view_span / (1.25**steps)
            span = min(max(span, MIN_SPAN_MS), self.duration_ms)
            fraction = (anchor - self.view_start) / self.view_span
            self.set_view(anchor - fraction * span, span)
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event = cast(QHelpEvent, event)
            tip = self.tooltip_at(help_event.pos().x(), help_event.pos().y())
            if tip:
                QToolTip.showText(help_event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, x: float, y: float) -> str:
        """What the pointer is over, in words: a lane's behaviour in full, a group, or help."""
        entry = self.row_at(y)
        if entry is None or x >= self.label_w:
            return "" if y >= self.lanes_top else "Drag an epoch's edge to move it; click to go there"
        kind, item = entry
        if kind == "lane":
            return self.lanes.lanes[item].tooltip
        state = "expand" if self.lanes.groups[item].collapsed else "collapse"
        return f"{self.lanes.groups[item].title}: click to {state}; right-click for all groups"

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.lanes_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def lanes_menu(self) -> QMenu:
        """Expand or collapse every group; group the lanes by subject or category."""
        menu = QMenu(self)
        menu.addAction("Expand all groups", lambda: self.set_all_collapsed(False))
        menu.addAction("Collapse all groups", lambda: self.set_all_collapsed(True))
        menu.addSeparator()
        for grouping in GROUPINGS:
            action = menu.addAction(f"Group lanes by {grouping}", partial(self.group_by, grouping))
            action.setCheckable(True)
            action.setChecked(self.lanes.grouping == grouping)
        return menu
