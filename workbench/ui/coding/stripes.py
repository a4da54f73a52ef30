"""Coding stripes: one coloured bar per coding beside the text it covers, in lanes so overlapping
codings sit side by side; hovering a stripe tells code, coder and memo, clicking selects it."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

STRIPE_W, GAP, MAX_LANES = 6, 2, 12


@dataclass(frozen=True)
class Stripe:
    coding_id: int
    start: int  # Qt (UTF-16) positions
    end: int
    lane: int
    colour: str


def assign_lanes(spans: list[tuple[int, int, int]]) -> dict[int, int]:
    """Lane per id for spans (id, start, end): the first lane free at the span's start."""
    ends: list[int] = []
    lanes: dict[int, int] = {}
    for key, start, end in sorted(spans, key=lambda s: (s[1], -s[2], s[0])):
        for lane, lane_end in enumerate(ends):
            if lane_end <= start:
                ends[lane] = end
                lanes[key] = lane
                break
        else:
            lanes[key] = len(ends)
            ends.append(end)
    return lanes


class StripeMargin(QWidget):
    """Paints the stripes of a :class:`~workbench.ui.coding.transcript_edit.TranscriptEdit`."""

    coding_clicked = Signal(int)

    def __init__(self, edit) -> None:
        super().__init__(edit)
        self.edit = edit
        self.stripes: list[Stripe] = []
        self.lanes = 0
        self.painted: list[tuple[QRect, Stripe]] = []  # what the last paint drew, for hover and clicks
        self._tooltip_of: weakref.WeakMethod | None = None
        self.setMouseTracking(True)

    def set_tooltips(self, tooltip_of: Callable[[int], str]) -> None:
        """Where a hovered stripe's text comes from (a method, given a coding id, asked only on hover:
        building 2,000 tooltips for every refresh cost more than the rest of it). Held weakly, as the
        owner of the method owns this margin."""
        self._tooltip_of = weakref.WeakMethod(tooltip_of)

    def tooltip(self, stripe: Stripe) -> str:
        method = self._tooltip_of() if self._tooltip_of is not None else None
        return method(stripe.coding_id) if method is not None else ""

    def set_stripes(self, stripes: list[Stripe]) -> None:
        self.stripes = stripes
        self.lanes = min(MAX_LANES, 1 + max((s.lane for s in stripes), default=0))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.width_needed(), 0)

    def width_needed(self) -> int:
        return GAP + max(1, self.lanes) * (STRIPE_W + GAP)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        self.painted = []
        first, last = self.edit.visible_range()
        height = self.height()
        for stripe in self.stripes:
            if stripe.end < first or stripe.start > last or stripe.lane >= MAX_LANES:
                continue
            top = 0 if stripe.start < first else self.edit.position_rect(stripe.start).top()
            bottom = (
                height
                if stripe.end > last
                else self.edit.position_rect(max(stripe.start, stripe.end - 1)).bottom()
            )
            rect = QRect(GAP + stripe.lane * (STRIPE_W + GAP), top, STRIPE_W, max(3, bottom - top))
            colour = QColor(stripe.colour)
            painter.fillRect(rect, colour if colour.isValid() else QColor("#808080"))
            self.painted.append((rect, stripe))
        painter.end()

    def stripe_at(self, x: int, y: int) -> Stripe | None:
        for rect, stripe in reversed(self.painted):
            if rect.adjusted(-1, 0, 1, 0).contains(x, y):
                return stripe
        return None

    def event(self, event: QEvent) -> bool:  # noqa: D401 - Qt override
        if event.type() == QEvent.Type.ToolTip:
            help_event = cast(QHelpEvent, event)
            stripe = self.stripe_at(help_event.pos().x(), help_event.pos().y())
            if stripe is not None:
                QToolTip.showText(help_event.globalPos(), self.tooltip(stripe), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        stripe = self.stripe_at(int(event.position().x()), int(event.position().y()))
        if stripe is not None and event.button() == Qt.MouseButton.LeftButton:
            self.coding_clicked.emit(stripe.coding_id)
        super().mousePressEvent(event)
