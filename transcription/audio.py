"""Decode any audio or video container to 16 kHz float32 samples with PyAV.

``decode_audio(path)`` gives a mono 1-D array (the mean of the channels);
``decode_audio(path, per_channel=True)`` gives a ``(channels, samples)`` array, one row per
microphone of a multi-mic recording. ``start_ms`` seeks, so only the remainder is decoded.

Sample 0 is presentation time 0 of the file (relative to the container's start time), so an
audio track that starts late (as in some phone videos) is padded with silence at the front.

Samples are rounded to the 16-bit grid, as faster-whisper's own decoder gives them: Whisper's
decoding is chaotic in its input (the float samples, 1/65536 away from those, changed 3 of the 108
words of the shared sonnet recording with tiny.en), and the model gains nothing from finer steps,
so the pipeline hears exactly what the plain engine hears.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .errors import AudioError
from .types import SAMPLE_RATE

_MAX_BAD_PACKETS = 50


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise AudioError(f"Audio file not found: {path}")
    if path.is_dir():
        raise AudioError(f"Expected an audio or video file, got a folder: {path}")
    if path.stat().st_size == 0:
        raise AudioError(f"The file is empty (0 bytes): {path.name}")
    try:
        return av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        raise AudioError(f"Not a readable audio or video file: {path.name} ({_reason(exc)})") from exc


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split()) or type(exc).__name__


def _audio_stream(container, path: Path):
    streams = list(container.streams.audio)
    if not streams:
        raise AudioError(f"The file has no audio track: {path.name}")
    return streams[0]


def channel_count(source: str | os.PathLike[str]) -> int:
    """Number of channels of the first audio stream of ``source``."""
    path = Path(source)
    with _open(path) as container:
        stream = _audio_stream(container, path)
        return int(stream.codec_context.channels or len(stream.layout.channels) or 1)


def decode_audio(
    source: str | os.PathLike[str], *, per_channel: bool = False, start_ms: int = 0, grid: bool = True
) -> np.ndarray:
    """Decode ``source`` from ``start_ms`` on to 16 kHz float32 (see module docstring); ``grid=False``
    leaves the samples off the 16-bit grid (for a caller that mixes them first).

    Raises :class:`AudioError` for missing, empty, corrupt or non-audio input.
    """
    path = Path(source)
    with _open(path) as container:
        stream = _audio_stream(container, path)
        origin = Fraction(container.start_time or 0, av.time_base)
        target = origin + Fraction(max(0, int(start_ms)), 1000)
        if start_ms > 0 and stream.time_base:
            try:
                container.seek(int(target / stream.time_base), stream=stream, backward=True, any_frame=False)
            except av.error.FFmpegError:
                container.seek(0, stream=stream)
        chunks, first_t, last_error, decoded_any = _decode_frames(container, stream, target)
    if not decoded_any:
        if last_error is not None:
            raise AudioError(f"Could not decode the audio of {path.name} ({last_error})")
        if start_ms <= 0:
            raise AudioError(f"No audio could be decoded from {path.name}")
    channels = max((c.shape[0] for c in chunks), default=1)
    samples = np.concatenate(chunks, axis=1) if chunks else np.zeros((channels, 0), dtype=np.float32)
    if first_t is not None:
        # sample 0 of the result is presentation time ``target``: trim or pad to get there
        shift = int(round(float(first_t - target) * SAMPLE_RATE))
        if shift < 0:
            samples = samples[:, -shift:]
        elif shift > 0:
            samples = np.concatenate([np.zeros((samples.shape[0], shift), dtype=np.float32), samples], axis=1)
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    if not per_channel:
        samples = (
            np.ascontiguousarray(samples.mean(axis=0, dtype=np.float32))
            if samples.shape[0] > 1
            else samples[0]
        )
    return to_16_bit_grid(samples) if grid else samples


def to_16_bit_grid(samples: np.ndarray) -> np.ndarray:
    """``samples`` rounded to multiples of 1/32768 within [-1, 1), in place, a few seconds at a time."""
    step = 1 << 20
    flat = samples.reshape(-1)
    for first in range(0, flat.size, step):
        part = flat[first : first + step]
        np.multiply(part, 32768.0, out=part)
        np.rint(part, out=part)
        np.clip(part, -32768.0, 32767.0, out=part)
        np.multiply(part, 1.0 / 32768.0, out=part)
    return samples


def _decode_frames(container, stream, start_s: Fraction):
    """Decode and resample the frames that end after ``start_s`` (seconds of presentation time)."""
    resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    first_t: Fraction | None = None
    bad, last_error, decoded_any = 0, None, False
    position = Fraction(0)
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.FFmpegError as exc:
            bad += 1
            last_error = _reason(exc)
            if bad > _MAX_BAD_PACKETS and not decoded_any:
                break
            continue
        for frame in frames:
            decoded_any = True
            if frame.pts is not None and frame.time_base:
                t0 = Fraction(frame.pts) * frame.time_base
            else:
                t0 = position
            duration = Fraction(frame.samples, frame.sample_rate or SAMPLE_RATE)
            position = t0 + duration
            if t0 + duration <= start_s:
                continue
            if first_t is None:
                frame, t0 = _trim_front(frame, t0, start_s)
                first_t = t0
            chunks.extend(_to_array(out) for out in resampler.resample(frame))
    if first_t is not None:
        chunks.extend(_to_array(out) for out in resampler.resample(None))
    return [c for c in chunks if c.size], first_t, last_error, decoded_any


def _trim_front(frame, t0: Fraction, start_s: Fraction):
    """Cut the samples before ``start_s`` off ``frame`` at its own rate (exact seeks)."""
    rate = frame.sample_rate
    skip = int((start_s - t0) * rate) if rate and start_s > t0 else 0
    if skip <= 0 or skip >= frame.samples:
        return frame, t0
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    data = data[:, skip:] if frame.format.is_planar else data[:, skip * channels :]
    trimmed = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(data), format=frame.format.name, layout=frame.layout.name
    )
    trimmed.sample_rate = rate
    return trimmed, t0 + Fraction(skip, rate)


def _to_array(frame) -> np.ndarray:
    data = frame.to_ndarray()
    return data.reshape(1, -1) if data.ndim == 1 else data
