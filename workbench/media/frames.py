"""Exact video frames by presentation time (PyAV), for constant and variable frame rate alike.

``FrameReader(path).frame_at(ms)`` returns the frame on screen at ``ms``: the last frame whose
presentation time is at or before ``ms`` (the first frame for times before it, the last for times
after the end). Frames are found through the file's :class:`~workbench.media.frame_index.FrameIndex`
(every frame's timestamp, demuxed once per file), never from ``index / fps``: a seek goes to the
keyframe at or before the wanted frame and decodes forward to its exact timestamp.

Pictures: frames come as they are shown, not as stored: turned by the display matrix (phones'
rotation flags) and stretched to square pixels (:mod:`workbench.media.orientation`);
``FrameReader(path, oriented=False)`` gives the stored pixels.

Clock: ``Frame.pts_ms`` is integer ms relative to the container's start (``MediaInfo.start_ms``),
the clock a player shows; ``frame_at(frame.pts_ms)`` is that frame again.

Threads: a reader holds one demuxer and decoder, which must not be used from two threads. A reader
is confined to the thread that first decodes with it (another thread gets RuntimeError); open one
reader per thread. Frame indexes are shared between readers (cached per file, thread-safe).
"""

from __future__ import annotations

import logging
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.container import InputContainer
from av.sidedata.sidedata import Type as SideDataType
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from workbench.media.frame_cache import ByteLRU
from workbench.media.frame_index import FrameIndex, frame_index
from workbench.media.images import scaled
from workbench.media.orientation import Orientation
from workbench.media.probe import MediaInfo, _short, probe
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import CancelFn, ProgressFn, TaskState

log = logging.getLogger(__name__)

DEFAULT_CACHE_BYTES = 256 * 1024**2
KEEP_BEHIND = 24  # decoded frames kept (unconverted) before a sought frame, so stepping back is a cache hit
SEEK_COST = 3  # frames: decode on instead of seeking when the decoder is at most this far before the keyframe
_OVERSHOT = object()


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded video frame: its position in the stream, when it shows and for how long, its pixels.

    ``image`` is a read-only HxWx3 uint8 RGB array as shown (turned, square pixels; scaled when
    the reader was given a size).
    """

    index: int
    pts_ms: int
    duration_ms: int
    image: np.ndarray


class FrameReader:
    """Frame-exact access to the first video stream of a file; see the module docstring."""

    def __init__(
        self,
        path,
        *,
        size: tuple[int, int] | None = None,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        oriented: bool = True,
    ):
        self.path = Path(path)
        self.info: MediaInfo = probe(self.path)
        if not self.info.has_video:
            raise WorkbenchError(f"{self.path} has no video stream")
        self.index: FrameIndex = frame_index(self.path)
        self._size: tuple[int, int] | None = None if size is None else (size[0], size[1])
        self._cache = ByteLRU(cache_bytes)
        self._container: InputContainer | None = None
        self._stream: VideoStream | None = None
        self._frames: Iterator[VideoFrame] | None = None  # generator of decoded frames from the last seek
        self._decoded: int | None = None  # position of the last trusted frame the decoder produced
        self._trusted_from = 0  # frames before the keyframe sought to may be damaged: ignored
        self._thread: int | None = None
        self.position: int | None = None  # the playhead: the frame last returned
        self._oriented = oriented
        self.orientation = Orientation()  # read from the first frame by _open
        self._open()
        ctx = self._opened()[1].codec_context
        self._native_size = self.orientation.display_size(ctx.width, ctx.height)

    # -- what the stream holds -------------------------------------------------------------
    @property
    def frame_count(self) -> int:
        return len(self.index)

    @property
    def duration_ms(self) -> int:
        """When the last frame stops showing, on the player's clock."""
        return self.index.end_ms

    @property
    def frame_times(self) -> tuple:
        """``pts_ms`` of every frame, in order."""
        return self.index.pts_ms

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the images returned."""
        return self._size if self._size is not None else self._native_size

    def frame_index_at(self, ms: int) -> int:
        """Position of the frame on screen at ``ms``."""
        return self.index.at(ms)

    # -- frames ----------------------------------------------------------------------------
    def frame_at(self, ms: int) -> Frame:
        """The frame on screen at ``ms`` (clamped to the first and last frame); moves the playhead."""
        return self.frame(self.index.at(int(ms)))

    def frame(self, position: int) -> Frame:
        """The frame at ``position`` (0-based, presentation order); moves the playhead."""
        self._check_thread()
        if not 0 <= position < len(self.index):
            raise IndexError(f"frame {position} is outside 0..{len(self.index) - 1}")
        found = self._get(position)
        self.position = found.index
        return found

    def next_frame(self) -> Frame:
        """One frame on from the playhead (the first frame if none yet; stays on the last)."""
        return self.frame(0 if self.position is None else min(self.position + 1, len(self.index) - 1))

    def previous_frame(self) -> Frame:
        """One frame back from the playhead (stays on the first)."""
        return self.frame(0 if self.position is None else max(self.position - 1, 0))

    def thumbnails(
        self, n: int, height: int, progress: ProgressFn | None = None, cancelled: CancelFn | None = None
    ) -> list[tuple[int, np.ndarray]]:
        """``n`` frames evenly spread over the video, scaled to ``height``: ``[(pts_ms, image), ...]``.

        Each is the frame on screen at the middle of one of ``n`` equal slices of the duration.
        The playhead and the frame cache are left as they were.
        """
        self._check_thread()
        if n <= 0 or height <= 0:
            raise ValueError("n and height must be positive")
        state = TaskState(progress, cancelled)
        out = []
        for k in range(n):
            state.check()
            position = self.index.at(int(self.duration_ms * (2 * k + 1) / (2 * n)))
            cached = self._cache.get(position)
            if isinstance(cached, Frame) and self._size is None:
                image = cached.image
            else:
                raw = None if cached is None or isinstance(cached, Frame) else cached
                if raw is None:
                    position, raw = self._decode_to(position, keep_behind=0)
                image = self._picture(raw)
            out.append((self.index.pts_ms[position], scaled(image, height=height)))
            state.report((k + 1) / n, f"Thumbnail {k + 1} of {n}")
        return out

    def clear_cache(self) -> None:
        self._cache.clear()

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container = self._stream = self._frames = None
        self._cache.clear()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- decoding --------------------------------------------------------------------------
    def _get(self, position: int) -> Frame:
        cached = self._cache.get(position)
        if isinstance(cached, Frame):
            return cached
        if cached is not None:
            raw = cached
        else:
            position, raw = self._decode_to(position, keep_behind=KEEP_BEHIND)
        found = self._convert(position, raw)
        self._cache.put(position, found, found.image.nbytes)
        return found

    def _picture(self, raw: VideoFrame) -> np.ndarray:
        """The RGB pixels of a decoded frame as shown."""
        return self.orientation.apply(raw.to_ndarray(format="rgb24"))

    def _convert(self, position: int, raw) -> Frame:
        image = self._picture(raw)
        if self._size is not None:
            image = scaled(image, *self._size)
        image.setflags(write=False)
        return Frame(
            index=position,
            pts_ms=self.index.pts_ms[position],
            duration_ms=self.index.duration_of(position),
            image=image,
        )

    def _decode_to(self, position: int, keep_behind: int):
        """(position, undecoded-to-RGB frame) for ``position``, or the nearest earlier frame that decodes."""
        self._opened()  # raises when closed
        key = self.index.keyframe_before(position)
        reopened = False
        try:
            if (
                self._frames is None
                or self._decoded is None
                or not key - SEEK_COST <= self._decoded < position
            ):
                self._seek(key)
            while True:
                result = self._decode_forward(position, keep_behind)
                if result is not _OVERSHOT:
                    return result
                if key > 0:  # the seek landed past the keyframe: go one keyframe further back
                    key = self.index.keyframe_before(key - 1)
                    self._seek(key)
                elif not reopened:  # cannot even seek to the start: decode from a fresh open
                    self._open()
                    reopened = True
                else:
                    raise WorkbenchError(
                        f"{self.path} is corrupt: the frame at "
                        f"{self.index.pts_ms[position]} ms cannot be decoded"
                    )
        except WorkbenchError:
            self._frames = self._decoded = None
            raise
        except Exception as exc:  # PyAV raises many types on damaged input
            self._frames = self._decoded = None
            raise WorkbenchError(
                f"{self.path} could not be decoded at {self.index.pts_ms[position]} ms: "
                f"it is truncated or corrupt ({_short(exc)})"
            ) from exc

    def _decode_forward(self, position: int, keep_behind: int):
        last: tuple[int, VideoFrame] | None = None
        assert self._frames is not None  # _decode_to seeks (which sets it) when it is None
        for raw in self._frames:
            at = self._position_of(raw)
            if at < self._trusted_from:
                continue  # unknown timestamp, or before the keyframe sought to
            if at > position:
                if last is None:
                    return _OVERSHOT  # the seek landed past the wanted frame (or it did not decode)
                self._decoded = at  # the wanted frame did not decode: the one before it stays on screen
                log.warning("%s: frame %d did not decode; showing frame %d", self.path, position, last[0])
                return last
            self._decoded = at
            if at == position:
                return at, raw
            last = (at, raw)
            if at >= position - keep_behind and at not in self._cache:
                self._cache.put(at, raw, sum(plane.buffer_size for plane in raw.planes))
        self._frames = self._decoded = None  # the decoder is drained; the next request seeks
        if last is not None:
            log.warning("%s: decoding ended before frame %d; showing frame %d", self.path, position, last[0])
            return last
        return _OVERSHOT

    def _position_of(self, raw: VideoFrame) -> int:
        """Position of a decoded frame by its timestamp; -1 when it has none or none in the index."""
        ticks = raw.pts if raw.pts is not None else raw.dts
        return self.index.position_of(ticks) if ticks is not None else -1

    def _opened(self) -> tuple[InputContainer, VideoStream]:
        """The open container and its video stream."""
        if self._container is None or self._stream is None:
            raise WorkbenchError(f"{self.path} is closed")
        return self._container, self._stream

    def _seek(self, key: int) -> None:
        container, stream = self._opened()
        container.seek(self.index.pts[key], stream=stream, backward=True)  # flushes the decoder
        self._start(key)

    def _start(self, key: int) -> None:
        self._frames = self._decoded_frames()
        self._decoded = None
        self._trusted_from = key

    def _decoded_frames(self):
        for packet in self._container.demux(self._stream):
            try:
                yield from packet.decode()
            except av.error.InvalidDataError as exc:  # one damaged packet: skip its frame
                log.warning("%s: skipped a damaged packet (%s)", self.path, _short(exc))

    def _open(self) -> None:
        if self._container is not None:
            self._container.close()
        try:
            self._container = container = av.open(str(self.path), metadata_errors="replace")
            self._stream = stream = next(
                s for s in container.streams.video if s.index == self.index.stream_index
            )
            stream.thread_type = "AUTO"
            self._start(0)
            self._prime()
        except Exception as exc:
            self._container = None
            raise WorkbenchError(f"{self.path} is not a media file PyAV can read ({_short(exc)})") from exc

    def _prime(self) -> None:
        """Decode the first frame before any seek: the decoder keeps what the stream's start tells it.

        An H.264 stream from x264 names its encoder build in an SEI message in the first packet only,
        and FFmpeg chooses bug workarounds from it; a decoder that starts at a later keyframe without
        it decodes some files (e.g. x264 4:4:4) to garbage. Seeks flush frames, not that knowledge.
        """
        assert self._frames is not None  # _open() has just started them
        for raw in self._frames:
            at = self._position_of(raw)
            if at >= 0:
                self._decoded = at
                self._cache.put(at, raw, sum(plane.buffer_size for plane in raw.planes))
            if self._oriented:
                self.orientation = orientation_of(raw, self._opened()[1])
            return

    def _check_thread(self) -> None:
        me = threading.get_ident()
        if self._thread is None:
            self._thread = me
        elif self._thread != me:
            raise RuntimeError(
                "a FrameReader is confined to the thread that first used it; open one per thread"
            )


def orientation_of(raw: VideoFrame, stream: VideoStream) -> Orientation:
    """How ``raw`` (a decoded frame of ``stream``) is shown: its display matrix and the sample
    aspect ratio (the container's where it gives one, else the codec's)."""
    data = raw.side_data.get(SideDataType.DISPLAYMATRIX)  # type: ignore[call-overload]  # the stubs key by name
    matrix = struct.unpack("=9i", bytes(data)) if data is not None else None
    sar = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    return Orientation.from_matrix(matrix, Fraction(sar) if sar else None)
