"""The None guard keeps None's reference count up however many void Qt calls are made."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from workbench.ui import none_guard


@pytest.mark.skipif(not none_guard.NEEDED, reason="None is immortal on Python 3.12+: nothing to guard")
def test_guard_restores_references_lost_to_void_calls(qtbot):
    guard = none_guard.NoneGuard()
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    colour, rect = QColor("#336699"), QRectF(1, 1, 10, 10)
    for _ in range(20_000):
        painter.fillRect(rect, colour)
    painter.end()
    guard.check()
    assert sys.getrefcount(None) >= guard.floor - 1  # check() held one more reference while it looked
