"""The timeline's rows painted into one cached pixmap: group headers and lanes with their states
and points, for one viewport (what time range, how wide). Lanes changed since are painted again
(``mark``); a new viewport or arrangement paints every row. The timeline scrolls over the pixmap.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QPolygonF

from workbench.ui.video.lanes import LaneLayout
from workbench.ui.video.track_index import Track, track_shapes

ROW_H = 18
INDENT = 14  # lane labels sit under their group's arrow


@dataclass(frozen=True)
class Viewport:
    """``lo``..``hi`` ms drawn from x ``x0`` at ``px_per_ms``, clipped at x ``right``; labels in
    the first ``label_w`` px of ``width``; ``ratio`` device pixels per pixel."""

    lo: float
    hi: float
    x0: float
    px_per_ms: float
    width: int
    label_w: int
    right: float
    ratio: float


class LaneLayer:
    def __init__(self, lanes: LaneLayout, colours: list[QColor]):
        self.lanes, self.colours = lanes, colours
        self.selected_lane: int | None = None
        self._pixmap: QPixmap | None = None
        self._key: tuple | None = None
        self._stale: set[int] = set()

    def invalidate(self) -> None:
        self._key = None

    def mark(self, lanes: set[int]) -> None:
        """Paint these lanes again before the next use."""
        self._stale |= lanes

    def pixmap(self, tracks: list[Track], view: Viewport) -> QPixmap:
        """Every row for ``view``: painted whole when the view or the rows changed, else only
        the lanes marked since."""
        key = (view, tuple(self.lanes.rows))
        if self._key != key or self._pixmap is None:
            height = max(1, ROW_H * len(self.lanes.rows))
            self._pixmap = QPixmap(int(view.width * view.ratio), int(height * view.ratio))
            self._pixmap.setDevicePixelRatio(view.ratio)
            self._pixmap.fill(QColor("#FFFFFF"))
            self._key, self._stale = key, set(range(len(tracks)))
            painter = QPainter(self._pixmap)
            for place, (kind, item) in enumerate(self.lanes.rows):
                if kind == "group":
                    self._paint_header(painter, place, item, tracks, view)
            painter.end()
        if self._stale:
            painter = QPainter(self._pixmap)
            for lane in sorted(self._stale):
                row = self.lanes.row_of_lane(lane)
                if row is not None:
                    self._paint_lane(painter, row * ROW_H, lane, tracks[lane], view)
                else:  # in a collapsed group: its header shows a summary of its lanes
                    group = self.lanes.group_of(lane)
                    self._paint_header(painter, self.lanes.row_of_group(group), group, tracks, view)
            painter.end()
            self._stale = set()
        return self._pixmap

    def _paint_header(
        self, painter: QPainter, row: int, group: int, tracks: list[Track], view: Viewport
    ) -> None:
        """A group's header row: arrow, title and lane count; collapsed, its lanes' events too."""
        item, y = self.lanes.groups[group], row * ROW_H
        painter.fillRect(QRectF(0, y, view.width, ROW_H), QColor("#E4E8EE"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#444444"))
        cx, cy = 7.0, y + ROW_H / 2
        arrow = (
            [QPointF(cx - 3, cy - 5), QPointF(cx + 3, cy), QPointF(cx - 3, cy + 5)]
            if item.collapsed
            else [QPointF(cx - 5, cy - 3), QPointF(cx + 5, cy - 3), QPointF(cx, cy + 3)]
        )
        painter.drawPolygon(QPolygonF(arrow))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#222222"))
        painter.drawText(
            QRectF(INDENT, y, view.label_w - INDENT - 4, ROW_H),
            Qt.AlignmentFlag.AlignVCenter,
            self.lanes.header(group),
        )
        font.setBold(False)
        painter.setFont(font)
        if item.collapsed:
            for lane in item.lanes:
                self._paint_shapes(painter, y, lane, tracks[lane], view)

    def _paint_lane(self, painter: QPainter, y: float, lane: int, track: Track, view: Viewport) -> None:
        shade = "#DCEBFF" if lane == self.selected_lane else ("#F4F4F4" if lane % 2 else "#FFFFFF")
        painter.fillRect(QRectF(0, y, view.width, ROW_H), QColor(shade))
        painter.setPen(QColor("#333333"))
        room = view.label_w - INDENT - 8
        label = painter.fontMetrics().elidedText(
            self.lanes.lanes[lane].label, Qt.TextElideMode.ElideRight, room
        )
        painter.drawText(QRectF(INDENT, y, room, ROW_H), Qt.AlignmentFlag.AlignVCenter, label)
        self._paint_shapes(painter, y, lane, track, view)

    def _paint_shapes(self, painter: QPainter, y: float, lane: int, track: Track, view: Viewport) -> None:
        shapes = track_shapes(track, view.lo, view.hi, view.x0, view.px_per_ms)
        top, height, colour, right = y + 3, ROW_H - 6, self.colours[lane], view.right
        # one call per kind: few Python -> Qt calls per track however many events are in view
        painter.setPen(Qt.PenStyle.NoPen)
        if len(shapes.runs):
            painter.setBrush(colour)
            painter.drawRects(
                [
                    QRectF(x0, top, max(min(x1, right) - x0, 1), height)
                    for x0, x1 in shapes.runs.tolist()
                    if x0 < right
                ]
            )
        if len(shapes.open_x):
            faint = QColor(colour)
            faint.setAlpha(90)
            painter.setBrush(faint)
            painter.drawRects(
                [QRectF(x0, top, right - x0, height) for x0 in shapes.open_x.tolist() if x0 < right]
            )
        if len(shapes.point_x):
            painter.setPen(QPen(colour, 2))
            painter.drawLines(
                [QLineF(x, y + 1, x, y + ROW_H - 1) for x in shapes.point_x.tolist() if x <= right]
            )
