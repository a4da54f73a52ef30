"""What a media file holds: streams, duration, frame rate (constant or variable), frame count.

``probe(path)`` reads the container header with PyAV and demuxes packets (never decodes) only
where the header cannot be trusted: the first few hundred video packets to tell constant from
variable frame rate, and the whole file when the header has no plausible duration.
``verify_decodable(path)`` decodes a few frames at the start and the end to catch truncated files.
Every failure is a :class:`WorkbenchError` with one line naming the file; no PyAV error escapes.
Times are integer milliseconds of presentation time.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import CancelFn, Cancelled, ProgressFn, TaskState

DEFAULT_MAX_BYTES = 64 * 1024**3  # larger than any recording a session produces
VFR_SAMPLE = 300  # video packets whose timestamp deltas decide constant vs variable frame rate
_REORDER = 16  # extra packets read so that B-frame reordering cannot hide a timestamp
_ESTIMATING_FORMATS = {"mp3", "aac", "ac3", "eac3", "dts"}  # no index: duration guessed from bitrate
_MAX_PLAUSIBLE_S = 100 * 3600
_MIN_PLAUSIBLE_BITRATE = 1000  # bit/s; a header claiming less than this is lying about the duration


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a media file."""

    index: int
    type: str  # "audio" | "video" | "subtitle" | "data"
    codec: str
    duration_ms: int | None
    sample_rate: int | None = None
    channels: int | None = None
    width: int | None = None
    height: int | None = None
    avg_fps: float | None = None


@dataclass(frozen=True)
class MediaInfo:
    """A probed media file.

    ``start_ms`` is the presentation time of the first packet (usually 0; an MP3's encoder delay
    makes it ~25); the media spans ``start_ms`` to ``start_ms + duration_ms``. ``frame_count`` is
    None where neither the header nor a read of every packet gave it.
    """

    path: Path
    kind: str  # "audio" | "video"
    duration_ms: int
    container: str
    streams: tuple[StreamInfo, ...]
    has_audio: bool
    has_video: bool
    width: int | None
    height: int | None
    frame_rate: float | None
    variable_frame_rate: bool
    frame_count: int | None
    size_bytes: int
    start_ms: int = 0


@dataclass
class _Packets:
    """What a demux pass saw."""

    video_pts: list[int]  # presentation timestamps (stream ticks) of the first video packets read
    video_count: int = 0
    end: Fraction | None = None  # latest packet end over all streams, in seconds
    eof: bool = False


def probe(path, *, max_bytes: int = DEFAULT_MAX_BYTES, vfr_sample: int = VFR_SAMPLE) -> MediaInfo:
    """Describe the media file at ``path``; raise WorkbenchError if it is not usable media."""
    path = Path(path)
    size = check_file(path, max_bytes)
    with _open(path) as container:
        try:
            return _describe(path, size, container, vfr_sample)
        except WorkbenchError:
            raise
        except Exception as exc:  # PyAV raises many types on damaged input
            raise WorkbenchError(
                f"{path} could not be read: it is truncated or corrupt ({_short(exc)})"
            ) from exc


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Return the size of a regular, non-empty file within the limit, else raise WorkbenchError."""
    if not path.exists():
        raise WorkbenchError(f"{path} does not exist")
    if path.is_dir():
        raise WorkbenchError(f"{path} is a folder, not a media file")
    if not path.is_file():
        raise WorkbenchError(f"{path} is not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise WorkbenchError(f"{path} is empty")
    if size > max_bytes:
        raise WorkbenchError(
            f"{path} is too large ({size / 1024**3:.1f} GiB; the limit is {max_bytes / 1024**3:.1f} GiB)"
        )
    if not os.access(path, os.R_OK):
        raise WorkbenchError(f"{path} cannot be read (permission denied)")
    return size


@contextmanager
def _open(path: Path):
    """Open with PyAV, turning any failure to open into WorkbenchError; always close."""
    try:
        container = av.open(str(path), metadata_errors="replace")
    except Exception as exc:
        raise WorkbenchError(f"{path} is not a media file PyAV can read ({_short(exc)})") from exc
    try:
        yield container
    finally:
        container.close()


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    return text.split(": '")[0]  # PyAV appends the path, which the message already names


def _describe(path: Path, size: int, container, vfr_sample: int) -> MediaInfo:
    streams = tuple(_stream_info(s) for s in container.streams)
    audio = [s for s in container.streams if s.type == "audio"]
    video = [s for s in container.streams if s.type == "video" and not _is_cover_art(s)]
    if not audio and not video:
        raise WorkbenchError(f"{path} has no audio or video stream")
    main_video = video[0] if video else None

    start = Fraction(container.start_time or 0, av.time_base)
    header_end = None
    if container.duration is not None and container.duration > 0:
        header_end = start + Fraction(container.duration, av.time_base)
    trusted = header_end is not None and _plausible(container.format.name, size, header_end - start)

    keep = vfr_sample + _REORDER
    packets = None
    if not trusted:
        packets = _read_packets(container, main_video, keep, stop=False)
    elif main_video is not None and header_end is not None:  # trusted, so the header has an end
        packets = _read_packets(container, main_video, keep, stop=True)
        if packets.end is not None and packets.end > header_end + Fraction(1, 2):
            container.seek(0)  # the header lies: packets run past its end
            packets, trusted = _read_packets(container, main_video, keep, stop=False), False

    end = _settle_end(path, header_end, start, trusted, packets, main_video)

    frame_rate, vfr, frame_count, width, height = None, False, None, None, None
    if main_video is not None:
        assert packets is not None  # read above whenever there is a video stream
        ctx = main_video.codec_context
        width, height = ctx.width or None, ctx.height or None
        frame_rate = _fps(main_video.average_rate)
        pts = sorted(packets.video_pts)[:vfr_sample]  # the reorder margin makes this prefix complete
        vfr = is_variable(pts, main_video.time_base)
        if frame_rate is None and len(pts) > 1:
            frame_rate = float((len(pts) - 1) / ((pts[-1] - pts[0]) * main_video.time_base))
        if packets.eof:
            frame_count = packets.video_count
        elif main_video.frames > 0:
            frame_count = main_video.frames

    return MediaInfo(
        path=path,
        kind="video" if main_video is not None else "audio",
        duration_ms=_ms(end - start),
        container=container.format.name,
        streams=streams,
        has_audio=bool(audio),
        has_video=main_video is not None,
        width=width,
        height=height,
        frame_rate=frame_rate,
        variable_frame_rate=vfr,
        frame_count=frame_count,
        size_bytes=size,
        start_ms=_ms(start),
    )


def _settle_end(path: Path, header_end, start, trusted: bool, packets, video) -> Fraction:
    """The end time in seconds: the header's unless the packets, read to the end, say otherwise."""
    end = header_end
    if packets is not None and packets.eof and packets.end is not None:
        if trusted and packets.end < header_end - max(Fraction(1), (header_end - start) / 20):
            raise WorkbenchError(
                f"{path} is truncated or corrupt: its header says {float(header_end):.1f} s "
                f"but its data ends at {float(packets.end):.1f} s"
            )
        promised = video.frames if video is not None else 0
        if trusted and promised > 0 and packets.video_count < promised * 0.95 - 1:
            raise WorkbenchError(
                f"{path} is truncated or corrupt: its header promises {promised} frames "
                f"but it holds {packets.video_count}"
            )
        if not trusted or abs(packets.end - header_end) > Fraction(1, 10):
            end = packets.end
    if end is None:
        raise WorkbenchError(f"{path} has no readable packets (is it truncated or corrupt?)")
    return end


def _plausible(fmt: str, size: int, duration: Fraction) -> bool:
    """Whether a header duration can be believed without reading the packets."""
    if fmt in _ESTIMATING_FORMATS:
        return False  # cheap to demux, and their headers only estimate
    if duration <= 0 or duration > _MAX_PLAUSIBLE_S:
        return False
    return size * 8 / duration >= _MIN_PLAUSIBLE_BITRATE


def _read_packets(container, video, keep: int, stop: bool) -> _Packets:
    """Demux (no decode); keep the first ``keep`` video timestamps, stop there if ``stop`` else read to the end."""
    seen = _Packets(video_pts=[])
    budget = 50 * keep  # bounds a sample read when video packets are sparse
    last_video, no_duration = None, False
    for n, packet in enumerate(container.demux()):
        if packet.pts is None:
            continue  # includes the empty flush packets PyAV yields at the end
        if video is not None and packet.stream.index == video.index:
            seen.video_count += 1
            if len(seen.video_pts) < keep:
                seen.video_pts.append(packet.pts)
            if last_video is None or packet.pts >= last_video:
                last_video, no_duration = packet.pts, not packet.duration
        pkt_end = (packet.pts + (packet.duration or 0)) * Fraction(packet.stream.time_base)
        if seen.end is None or pkt_end > seen.end:
            seen.end = pkt_end
        if stop and (seen.video_count >= keep or n >= budget):
            break
    else:
        seen.eof = True
    if last_video is not None and no_duration:  # the last frame lasts about one frame interval
        pts = sorted(seen.video_pts)
        deltas = sorted(b - a for a, b in zip(pts, pts[1:]))
        step = deltas[len(deltas) // 2] if deltas else 0
        seen.end = max(seen.end, (last_video + step) * Fraction(video.time_base))
    return seen


def is_variable(pts: list, time_base: Fraction) -> bool:
    """Whether sorted presentation timestamps step unevenly, beyond the rounding of the time base.

    Timestamps rounded to the time base (e.g. 33/34 ms for 30 fps in a millisecond time base)
    jitter by one tick; that is constant frame rate. Anything wider than one tick (at most 2 ms)
    or 0.5 ms, whichever is larger, is variable.
    """
    if len(pts) < 3:
        return False
    deltas = [b - a for a, b in zip(pts, pts[1:])]
    spread_ms = (max(deltas) - min(deltas)) * Fraction(time_base) * 1000
    tick_ms = Fraction(time_base) * 1000
    return spread_ms > max(min(tick_ms, Fraction(2)), Fraction(1, 2))


def _stream_info(stream) -> StreamInfo:
    ctx = stream.codec_context
    kind = stream.type if stream.type in ("audio", "video", "subtitle") else "data"
    duration = None
    if stream.duration is not None and stream.duration > 0 and stream.time_base is not None:
        duration = _ms(Fraction(stream.duration) * stream.time_base)
    info = dict(
        index=stream.index, type=kind, codec=(ctx.name if ctx is not None else "") or "", duration_ms=duration
    )
    if kind == "audio":
        info.update(sample_rate=ctx.sample_rate or None, channels=ctx.channels or None)
    elif kind == "video":
        info.update(width=ctx.width or None, height=ctx.height or None, avg_fps=_fps(stream.average_rate))
    return StreamInfo(**info)


def _is_cover_art(stream) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _fps(rate) -> float | None:
    return float(rate) if rate else None


def _ms(seconds: Fraction) -> int:
    return int(round(seconds * 1000))


def verify_decodable(
    path,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MediaInfo:
    """Decode a few frames at the start and the last seconds; raise WorkbenchError if that fails.

    Returns the probe result. Catches files cut short (e.g. an interrupted copy) whose header
    still promises the full length.
    """
    state = TaskState(progress, cancelled)
    info = probe(path, max_bytes=max_bytes)
    state.report(0.1, "Checking the start")
    bad = f"{info.path} is truncated or corrupt"
    end_s = Fraction(info.start_ms + info.duration_ms, 1000)
    with _open(info.path) as container:
        usable = [s for s in container.streams if s.type in ("audio", "video") and not _is_cover_art(s)]
        main = next(s for s in usable if s.type == info.kind)
        try:
            if _decode_until(container, [main], state, max_frames=3, max_packets=300) is None:
                raise WorkbenchError(f"{bad}: nothing at its start could be decoded")
            state.report(0.5, "Checking the end")
            target = max(Fraction(info.start_ms, 1000), end_s - 3)
            container.seek(int(target / main.time_base), stream=main, backward=True)
            last = _decode_until(container, usable, state)
        except (WorkbenchError, Cancelled):
            raise
        except Exception as exc:  # PyAV raises many types on damaged input
            raise WorkbenchError(f"{bad} ({_short(exc)})") from exc
    if last is None or last < end_s - 1:  # frame start times: allow up to a second for the last frame
        reached = "nothing near its end decodes" if last is None else f"decoding ends at {float(last):.1f} s"
        raise WorkbenchError(f"{bad}: it should last {float(end_s):.1f} s but {reached}")
    state.report(1.0, "Decodable")
    return info


def _decode_until(
    container, streams: list, state: TaskState, max_frames: int | None = None, max_packets: int | None = None
) -> Fraction | None:
    """Decode packets of ``streams`` (all to the end by default); return the latest frame time in seconds."""
    latest, frames = None, 0
    for n, packet in enumerate(container.demux(streams)):
        state.check()
        for frame in packet.decode():
            if frame.pts is None:
                continue
            t = Fraction(frame.pts) * frame.time_base
            if packet.stream.type == "audio" and frame.sample_rate:
                t += Fraction(frame.samples, frame.sample_rate)
            latest = t if latest is None or t > latest else latest
            frames += 1
        if (max_frames is not None and frames >= max_frames) or (
            max_packets is not None and n >= max_packets
        ):
            break
    return latest
