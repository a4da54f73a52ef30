"""The presentation time of every video frame, from demuxing packets only (no decoding).

``frame_index(path)`` builds a :class:`FrameIndex` once per file (keyed by path, size and
modification time) and caches it, so every reader of a file shares one index. Headers lie
(a WebM without duration, an MKV without a frame count, VFR phone video whose "frame rate"
is an average): the index is what the stream itself holds.

Clock: ``pts_ms`` is integer milliseconds relative to the container's start time
(``MediaInfo.start_ms``), i.e. the clock a player shows, which starts at 0 at the file's start.
A frame's ``pts_ms`` is its presentation timestamp rounded to the nearest millisecond.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from workbench.media.probe import _short, check_file
from workbench.model.errors import WorkbenchError

log = logging.getLogger(__name__)

_CACHE_SIZE = 32
_cache: OrderedDict[tuple, FrameIndex] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class FrameIndex:
    """Sorted presentation times of the frames of one video stream.

    ``pts`` are stream ticks (``time_base`` seconds each), ``pts_ms`` the same on the player's
    clock; ``keyframes`` are the positions (into ``pts``) of frames a decoder can start from.
    ``end_ms`` is when the last frame stops being shown.
    """

    stream_index: int
    time_base: Fraction
    origin: Fraction  # seconds: the container's start time, the player's 0
    pts: tuple
    pts_ms: tuple
    keyframes: tuple
    end_ms: int

    def __len__(self) -> int:
        return len(self.pts)

    @property
    def frame_count(self) -> int:
        return len(self.pts)

    @property
    def duration_ms(self) -> int:
        return self.end_ms

    def at(self, ms: int) -> int:
        """Position of the frame on screen at ``ms``: the last with pts_ms <= ms (the first before it)."""
        return max(0, bisect.bisect_right(self.pts_ms, ms) - 1)

    def keyframe_before(self, position: int) -> int:
        """Position of the last keyframe at or before ``position`` (0 when there is none)."""
        k = bisect.bisect_right(self.keyframes, position) - 1
        return self.keyframes[k] if k >= 0 else 0

    def position_of(self, pts: int) -> int:
        """Position of the frame with exactly these ticks, or -1."""
        i = bisect.bisect_left(self.pts, pts)
        return i if i < len(self.pts) and self.pts[i] == pts else -1

    def duration_of(self, position: int) -> int:
        """How long frame ``position`` stays on screen, in ms."""
        following = self.pts_ms[position + 1] if position + 1 < len(self.pts_ms) else self.end_ms
        return following - self.pts_ms[position]


def frame_index(path) -> FrameIndex:
    """The (cached) frame index of the first video stream of ``path``; WorkbenchError if none."""
    path = Path(path)
    check_file(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    index = build_index(path)
    with _lock:
        _cache[key] = index
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def build_index(path: Path) -> FrameIndex:
    """Demux every packet of the first video stream (no decoding) and index its timestamps."""
    try:
        container = av.open(str(path), metadata_errors="replace")
    except Exception as exc:
        raise WorkbenchError(f"{path} is not a media file PyAV can read ({_short(exc)})") from exc
    try:
        video = video_stream(container, path)
        origin = Fraction(container.start_time or 0, av.time_base)
        stream_index, time_base = video.index, Fraction(video.time_base)  # not readable once closed
        promised = (video.frames or 0, container.duration)
        entries = []
        for packet in container.demux(video):
            ticks = packet.pts if packet.pts is not None else packet.dts
            if ticks is None or packet.is_discard or packet.size == 0:
                continue  # flush packets, and frames an edit list drops before the start
            entries.append((ticks, bool(packet.is_keyframe), packet.duration or 0))
    except WorkbenchError:
        raise
    except Exception as exc:  # PyAV raises many types on damaged input
        raise WorkbenchError(f"{path} could not be read: it is truncated or corrupt ({_short(exc)})") from exc
    finally:
        container.close()
    if not entries:
        raise WorkbenchError(f"{path} has no video frames (is it truncated or corrupt?)")
    index = _assemble(path, stream_index, time_base, origin, entries)
    _check_complete(path, index, *promised)
    return index


def _check_complete(path: Path, index: FrameIndex, header_frames: int, header_duration) -> None:
    """Refuse a file cut short: fewer frames, or a much earlier end, than its header promises.

    The same slack as :func:`workbench.media.probe.probe` allows when it reads a whole file.
    """
    if header_frames > 0 and len(index) < header_frames * 0.95 - 1:
        raise WorkbenchError(
            f"{path} is truncated or corrupt: its header promises {header_frames} frames "
            f"but it holds {len(index)}"
        )
    if header_duration and header_duration > 0:
        header_ms = _ms(Fraction(header_duration, av.time_base))
        if index.end_ms < header_ms - max(1000, header_ms / 20) and len(index) > 1:
            raise WorkbenchError(
                f"{path} is truncated or corrupt: its header says {header_ms / 1000:.1f} s "
                f"but its video ends at {index.end_ms / 1000:.1f} s"
            )


def video_stream(container, path: Path):
    """The first video stream that is not cover art, else WorkbenchError."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise WorkbenchError(f"{path} has no video stream")


def _assemble(
    path: Path, stream_index: int, time_base: Fraction, origin: Fraction, entries: list[tuple[int, bool, int]]
) -> FrameIndex:
    entries.sort(key=lambda e: e[0])
    pts: list[int] = []
    keys: list[int] = []
    durations: list[int] = []
    for ticks, key, duration in entries:
        if pts and ticks == pts[-1]:
            log.warning("%s: two video packets at the same time (%s ticks); keeping one", path, ticks)
            continue
        if key:
            keys.append(len(pts))
        pts.append(ticks)
        durations.append(duration)
    if not keys or keys[0] != 0:
        keys.insert(0, 0)  # decoding starts at the first packet after a seek to the start
    to_ms = [_ms(t * time_base - origin) for t in pts]
    last = durations[-1]
    if not last:  # the last frame lasts a typical frame interval
        deltas = sorted(b - a for a, b in zip(pts, pts[1:]))
        last = deltas[len(deltas) // 2] if deltas else 0
    end_ms = max(_ms((pts[-1] + last) * time_base - origin), to_ms[-1] + (1 if last else 0))
    return FrameIndex(
        stream_index=stream_index,
        time_base=time_base,
        origin=origin,
        pts=tuple(pts),
        pts_ms=tuple(to_ms),
        keyframes=tuple(keys),
        end_ms=end_ms,
    )


def _ms(seconds: Fraction) -> int:
    return int(round(seconds * 1000))
