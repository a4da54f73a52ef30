"""Frames decoded off the GUI thread: a decode thread owning its own FrameReader.

A :class:`FrameReader` is confined to one thread, so the thread opens it and answers requests
from a queue. Only the latest wanted time matters: the thread skips requests that a newer one has
overtaken, and :class:`FrameSource` (GUI side) keeps at most one request in flight, so a fast
scrub or playback never piles up stale decodes.
The thread reads a plain queue (no event loop of its own), so dropping overtaken requests is
a matter of draining the queue.
"""

from __future__ import annotations

import logging
import queue
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from workbench.media.frames import Frame, FrameReader
from workbench.model.errors import WorkbenchError
from workbench.ui.excepthook import short_message

log = logging.getLogger(__name__)
_STOP = object()


class _DecodeThread(QThread):
    opened = Signal(object, object)  # FrameIndex, MediaInfo
    frame_ready = Signal(int, object)  # requested ms, Frame
    failed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("frame-decoder")
        self.path = path
        self.requests: queue.Queue = queue.Queue()

    def run(self) -> None:
        reader = self._open()
        if reader is None:
            return
        try:
            while True:
                wanted = self.requests.get()
                while not self.requests.empty() and wanted is not _STOP:  # only the newest counts
                    wanted = self.requests.get_nowait()
                if wanted is _STOP:
                    return
                self._decode(reader, wanted)
        finally:
            reader.close()

    def _open(self) -> FrameReader | None:
        try:
            reader = FrameReader(self.path)
        except WorkbenchError as exc:
            self.failed.emit(str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - a worker must never take the app down
            log.exception("Opening %s failed", self.path)
            self.failed.emit(short_message(exc))
            return None
        self.opened.emit(reader.index, reader.info)
        return reader

    def _decode(self, reader: FrameReader, ms: int) -> None:
        try:
            frame = reader.frame_at(ms)
        except WorkbenchError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("Decoding %s at %d ms failed", self.path, ms)
            self.failed.emit(short_message(exc))
            return
        self.frame_ready.emit(ms, frame)


class FrameSource(QObject):
    """The GUI side: ``request(ms)`` and get ``frame_ready(Frame)`` for the latest wanted time."""

    opened = Signal(object, object)  # FrameIndex, MediaInfo
    frame_ready = Signal(object)  # Frame
    failed = Signal(str)

    def __init__(self, path, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = _DecodeThread(Path(path), self)
        self._thread.opened.connect(self._opened)
        self._thread.frame_ready.connect(self._arrived)
        self._thread.failed.connect(self._failed)
        self._in_flight: int | None = None
        self._wanted: int | None = None
        self._thread.start()
        thread = self._thread  # a running QThread must not be destroyed: stop it when we go
        self.destroyed.connect(lambda *_: _stop(thread))

    def request(self, ms: int) -> None:
        """Ask for the frame on screen at ``ms``; earlier unanswered wishes are dropped."""
        self._wanted = int(ms)
        if self._in_flight is None:
            self._send()

    @property
    def busy(self) -> bool:
        return self._in_flight is not None or self._wanted is not None

    def _send(self) -> None:
        self._in_flight, self._wanted = self._wanted, None
        self._thread.requests.put(self._in_flight)

    def _opened(self, index, info) -> None:
        self.opened.emit(index, info)

    def _arrived(self, _ms: int, frame: Frame) -> None:
        self._in_flight = None
        if self._wanted is not None:
            self._send()
        self.frame_ready.emit(frame)

    def _failed(self, message: str) -> None:
        self._in_flight = None
        self.failed.emit(message)

    def close(self) -> None:
        """Stop the decode thread (after a decode in progress) and close its reader."""
        self._wanted = None
        _stop(self._thread)


def _stop(thread: _DecodeThread) -> None:
    if thread.isRunning():
        thread.requests.put(_STOP)
        thread.wait(5000)
