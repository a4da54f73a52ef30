"""The thumbnail strip under the timeline: frames spread over the video, click one to seek there.

Thumbnails are decoded off the GUI thread by a :class:`_ThumbnailThread` with its own
:class:`FrameReader` (so the player's decoder is never held up), and cached per file (path, size,
modification time, count, height): reopening a video shows its strip at once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRectF, Qt, QThread, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.media.frames import FrameReader
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)
COUNT, HEIGHT = 24, 48
_CACHE: OrderedDict[tuple, list[tuple[int, np.ndarray]]] = OrderedDict()
_CACHE_FILES = 16
_LOCK = threading.Lock()


def _cache_key(path: Path, count: int, height: int) -> tuple:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, count, height)


def cached_thumbnails(path: Path, count: int, height: int) -> list[tuple[int, np.ndarray]] | None:
    try:
        key = _cache_key(path, count, height)
    except OSError:
        return None
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def _store(path: Path, count: int, height: int, thumbs: list[tuple[int, np.ndarray]]) -> None:
    with _LOCK:
        _CACHE[_cache_key(path, count, height)] = thumbs
        while len(_CACHE) > _CACHE_FILES:
            _CACHE.popitem(last=False)


class _ThumbnailThread(QThread):
    done = Signal(object)  # [(pts_ms, RGB array)]
    failed = Signal(str)

    def __init__(self, path: Path, count: int, height: int, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("thumbnails")
        self.path, self.count, self.height_px = path, count, height
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            with FrameReader(self.path) as reader:
                thumbs = reader.thumbnails(self.count, self.height_px, cancelled=self.stop.is_set)
        except Cancelled:
            return
        except WorkbenchError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a worker must never take the app down
            log.exception("Thumbnails of %s failed", self.path)
            self.failed.emit(short_message(exc))
            return
        _store(self.path, self.count, self.height_px, thumbs)
        self.done.emit(thumbs)


def _stop(thread: _ThumbnailThread) -> None:
    if thread.isRunning():
        thread.stop.set()
        thread.wait(5000)


def _qimage(image: np.ndarray) -> QImage:
    height, width, _ = image.shape
    data = np.ascontiguousarray(image)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class ThumbnailStrip(QWidget):
    """``count`` thumbnails side by side from x = ``left`` to ``right`` px before the right edge
    (under the timeline's plot); a click asks to seek to that frame."""

    seek_requested = Signal(int)

    def __init__(
        self,
        path,
        left: int = 0,
        count: int = COUNT,
        height: int = HEIGHT,
        parent: QWidget | None = None,
        right: int = 0,
    ):
        super().__init__(parent)
        self.setObjectName("ThumbnailStrip")
        self.path, self.left, self.right, self.count, self.thumb_height = (
            Path(path),
            left,
            right,
            count,
            height,
        )
        self.thumbs: list[tuple[int, QImage]] = []
        self.playhead_ms = 0
        self.setFixedHeight(height + 4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Click a thumbnail to go to its frame")
        self._thread: _ThumbnailThread | None = None
        found = cached_thumbnails(self.path, count, height)
        if found is not None:
            self._show(found)
        else:
            self._thread = _ThumbnailThread(self.path, count, height, self)
            self._thread.done.connect(self._show)
            self._thread.start()
            thread = self._thread  # a running QThread must not be destroyed: stop it when we go
            self.destroyed.connect(lambda *_: _stop(thread))

    @property
    def ready(self) -> bool:
        return bool(self.thumbs)

    def close_media(self) -> None:
        """Stop a decode in progress (call before the strip is dropped)."""
        if self._thread is not None:
            _stop(self._thread)

    def align(self, left: int, right: int) -> None:
        """Span from ``left`` to ``right`` px before the right edge (under the timeline's plot)."""
        self.left, self.right = left, right
        self.update()

    def set_playhead(self, ms: int) -> None:
        old, self.playhead_ms = self.playhead_ms, int(ms)
        if self.thumbs and self._slot_of(old) != self._slot_of(self.playhead_ms):
            self.update()

    def _show(self, thumbs: list[tuple[int, np.ndarray]]) -> None:
        self.thumbs = [(pts, _qimage(image)) for pts, image in thumbs]
        self.update()

    def _slot_w(self) -> float:
        return max(1.0, (self.width() - self.left - self.right) / max(len(self.thumbs), 1))

    def slot_at(self, x: float) -> int | None:
        if not self.thumbs or x < self.left:
            return None
        return min(int((x - self.left) // self._slot_w()), len(self.thumbs) - 1)

    def _slot_of(self, ms: int) -> int:
        """The thumbnail whose slice of the video holds ``ms`` (the last one at or before it)."""
        slot = 0
        for i, (pts, _image) in enumerate(self.thumbs):
            if pts <= ms:
                slot = i
        return slot

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        if not self.thumbs:
            painter.setPen(QColor("#BBBBBB"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Thumbnails…")
            painter.end()
            return
        w = self._slot_w()
        for i, (_pts, image) in enumerate(self.thumbs):
            target = QRectF(self.left + i * w + 1, 2, w - 2, self.thumb_height)
            scale = min(target.width() / image.width(), target.height() / image.height())
            size = (image.width() * scale, image.height() * scale)
            painter.drawImage(QRectF(target.center().x() - size[0] / 2, target.top(), *size), image)
        painter.setPen(QPen(QColor("#E00000"), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(
            QRectF(self.left + self._slot_of(self.playhead_ms) * w + 1, 1, w - 2, self.thumb_height + 2)
        )
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        slot = self.slot_at(event.position().x())
        if event.button() == Qt.MouseButton.LeftButton and slot is not None:
            self.seek_requested.emit(self.thumbs[slot][0])
