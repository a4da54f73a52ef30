"""Guards against a Qt binding that corrupts the interpreter (PySide6 6.12.0 on Python 3.11 lost a
reference to None on every call returning nothing, and the app aborted after a few minutes)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_qt_calls_keep_reference_counts_of_none_and_booleans(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(2000):
        label.setText("x")
        label.setVisible(False)
        painter = QPainter(image)
        painter.fillRect(0, 0, 4, 4, 0)
        painter.end()
    after = [sys.getrefcount(x) for x in (None, True, False)]
    assert all(abs(a - b) < 500 for a, b in zip(after, before)), (before, after)
