"""Who spoke when on a one-microphone recording (offline, no torch).

The pipeline, as measured for issue 3:

1. voice activity from the Silero VAD model inside faster-whisper;
2. inside speech, windows of 1.5 s every 0.75 s (a shorter stretch of speech is one window);
3. an embedding per window from resemblyzer's voice encoder, exported once to ONNX
   (``models/voice_encoder.onnx``, see ``models/PROVENANCE.md``) and run with onnxruntime on
   a mel spectrogram computed here in numpy exactly as resemblyzer computes it with librosa,
   the speech first brought to -30 dBFS as resemblyzer does (the mel is not logarithmic, so
   the level matters);
4. k-means (numpy, k-means++ starts) with the number of speakers fixed (automatic counting
   over-counts);
5. each 10 ms frame of speech goes to the speaker most windows covering it voted for, and a
   pause of up to 1 s between two stretches of one speaker becomes part of that turn.

The same audio always gives the same turns (fixed k-means seed), so a resumed job that
diarizes the whole file again gets the same speaker numbers.

:func:`diarize` is the mono diarizer that :mod:`transcription.speakers` calls.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import TranscriptionError
from .onnx_runtime import open_session
from .speakers import Turn
from .types import SAMPLE_RATE

MODEL_PATH = Path(__file__).resolve().parent / "models" / "voice_encoder.onnx"

# resemblyzer's front end (hparams.py): 25 ms windows every 10 ms, 40 mel bands, power spectrum.
N_FFT = SAMPLE_RATE * 25 // 1000  # 400
HOP = SAMPLE_RATE * 10 // 1000  # 160 samples = one 10 ms frame
N_MELS = 40
FRAME_MS = 10

WINDOW_FRAMES = 150  # 1.5 s
HOP_FRAMES = 75  # 0.75 s
MIN_WINDOW_FRAMES = 40  # speech shorter than 0.4 s is not embedded; it takes its neighbours' speaker
BATCH = 64
TARGET_DBFS = -30.0
BRIDGE_FRAMES = 100  # pauses up to 1 s inside one speaker's turn
VAD = {"threshold": 0.5, "min_speech_duration_ms": 100, "min_silence_duration_ms": 300, "speech_pad_ms": 150}


def diarize(audio: np.ndarray, sample_rate: int = SAMPLE_RATE, speakers: int | None = 2) -> list[Turn]:
    """Speaker turns of 16 kHz mono ``audio`` for ``speakers`` people (2 when None).

    Turns cover the detected speech only; speakers are numbered 0.. in order of first speech.
    """
    if sample_rate != SAMPLE_RATE:
        raise TranscriptionError(f"The diarizer needs {SAMPLE_RATE} Hz audio, got {sample_rate} Hz")
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise TranscriptionError("The diarizer needs mono audio (a 1-D array)")
    speakers = 2 if speakers is None else int(speakers)
    if speakers < 1:
        raise TranscriptionError("The number of speakers must be 1 or more")
    regions = speech_regions(audio)
    if not regions:
        return []
    total = frame_count(audio.size)
    windows = speech_windows(regions)
    audio = normalise_level(audio, regions)
    if speakers == 1 or len(windows) < speakers:
        labels = np.zeros(len(windows), dtype=np.int64)
    else:
        labels = cluster(embed_windows(audio, windows), speakers)
    frames = vote(windows, labels, regions, total, speakers)
    return turns_from_frames(frames)


def speech_regions(audio: np.ndarray) -> list[tuple[int, int]]:
    """Speech as ``(first, last)`` 10 ms frame ranges (end exclusive), from faster-whisper's Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions(**VAD), sampling_rate=SAMPLE_RATE)
    regions = [(int(c["start"]) // HOP, -(-int(c["end"]) // HOP)) for c in chunks]
    return [(a, b) for a, b in regions if b > a]


def normalise_level(audio: np.ndarray, regions: list[tuple[int, int]]) -> np.ndarray:
    """``audio`` scaled so that its speech is at -30 dBFS RMS (the level resemblyzer's encoder was trained on)."""
    speech = np.concatenate([audio[a * HOP : b * HOP] for a, b in regions]) if regions else audio
    power = float(np.mean(np.square(speech, dtype=np.float64))) if speech.size else 0.0
    if power <= 1e-12:
        return audio
    return audio * np.float32(10 ** ((TARGET_DBFS - 10 * np.log10(power)) / 20))


def speech_windows(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """1.5 s windows every 0.75 s inside each region, the last one flush with the region's end."""
    windows: list[tuple[int, int]] = []
    for first, last in regions:
        length = last - first
        if length < MIN_WINDOW_FRAMES:
            continue
        if length <= WINDOW_FRAMES:
            windows.append((first, last))
            continue
        starts = list(range(first, last - WINDOW_FRAMES + 1, HOP_FRAMES))
        if starts[-1] + WINDOW_FRAMES < last:
            starts.append(last - WINDOW_FRAMES)
        windows.extend((s, s + WINDOW_FRAMES) for s in starts)
    return windows


def frame_count(samples: int) -> int:
    """Mel frames of ``samples`` samples (centred frames, as librosa's ``center=True``)."""
    return 1 + samples // HOP


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """Slaney-style mel filter bank ``(40, 201)`` for 16 kHz, 400-point FFT, 0-8 kHz, area-normalised."""
    bins = np.linspace(0.0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - bins[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


_LINEAR_HZ_PER_MEL = 200.0 / 3  # Slaney's scale: linear to 1 kHz, logarithmic above
_LOG_STEP = np.log(6.4) / 27.0
_BREAK_HZ = 1000.0
_BREAK_MEL = _BREAK_HZ / _LINEAR_HZ_PER_MEL


def _hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    hz = np.asarray(hz, dtype=np.float64)
    log_part = _BREAK_MEL + np.log(np.maximum(hz, _BREAK_HZ) / _BREAK_HZ) / _LOG_STEP
    return np.where(hz >= _BREAK_HZ, log_part, hz / _LINEAR_HZ_PER_MEL)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    log_part = _BREAK_HZ * np.exp(_LOG_STEP * (np.maximum(mel, _BREAK_MEL) - _BREAK_MEL))
    return np.where(mel >= _BREAK_MEL, log_part, mel * _LINEAR_HZ_PER_MEL)


def mel_spectrogram(audio: np.ndarray, first: int = 0, last: int | None = None) -> np.ndarray:
    """Mel power frames ``first..last`` of ``audio``, shape ``(frames, 40)`` float32.

    Frame *i* is centred on sample ``i * 160`` (zero padding beyond the ends), windowed with a
    periodic Hann window, |FFT|^2, then the mel filter bank: resemblyzer's
    ``wav_to_mel_spectrogram`` (librosa's ``melspectrogram``), not a log-mel.
    """
    last = frame_count(audio.size) if last is None else last
    start = first * HOP - N_FFT // 2
    stop = (last - 1) * HOP + N_FFT // 2 if last > first else start
    piece = np.zeros(max(0, stop - start), dtype=np.float32)
    lo, hi = max(0, start), min(audio.size, stop)
    if hi > lo:
        piece[lo - start : hi - start] = audio[lo:hi]
    if last <= first:
        return np.zeros((0, N_MELS), dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(piece, N_FFT)[::HOP]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    spectrum = np.fft.rfft(frames * window, axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    return power @ mel_filters().T


class VoiceEncoder:
    """The exported resemblyzer encoder: mel frames ``(batch, frames, 40)`` -> unit vectors ``(batch, 256)``."""

    def __init__(self, path: Path | None = None) -> None:
        path = MODEL_PATH if path is None else Path(path)
        if not path.is_file():
            raise TranscriptionError(
                f"The speaker model is missing ({path}); reinstall the workbench to restore transcription/models/"
            )
        self.session = open_session(path, "speaker model")

    def __call__(self, mels: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"mels": np.ascontiguousarray(mels, dtype=np.float32)})[0]


_encoders: dict[Path, VoiceEncoder] = {}
_lock = threading.Lock()


def get_encoder(path: Path | None = None) -> VoiceEncoder:
    """The encoder for ``path`` (default :data:`MODEL_PATH`), loaded once per process."""
    path = MODEL_PATH if path is None else path
    with _lock:
        if path not in _encoders:
            _encoders[path] = VoiceEncoder(path)
        return _encoders[path]


def embed_windows(
    audio: np.ndarray, windows: list[tuple[int, int]], encoder: VoiceEncoder | None = None
) -> np.ndarray:
    """One embedding per ``(first, last)`` frame window, shape ``(windows, 256)``."""
    encoder = encoder or get_encoder()
    out = np.zeros((len(windows), 256), dtype=np.float32)
    by_length: dict[int, list[int]] = {}
    for i, (first, last) in enumerate(windows):
        by_length.setdefault(last - first, []).append(i)
    for indices in by_length.values():
        for b in range(0, len(indices), BATCH):
            batch = indices[b : b + BATCH]
            mels = np.stack([mel_spectrogram(audio, *windows[i]) for i in batch])
            out[batch] = encoder(mels)
    return out


def cluster(
    embeddings: np.ndarray, k: int, seed: int = 0, restarts: int = 10, iterations: int = 100
) -> np.ndarray:
    """K-means labels of ``embeddings`` into ``k`` groups: k-means++ starts, Lloyd then Hartigan
    refinement, fixed seed, the best of ``restarts``."""
    points = np.asarray(embeddings, dtype=np.float64)
    if len(points) <= k:
        return np.arange(len(points), dtype=np.int64)
    rng = np.random.default_rng(seed)
    best_labels, best_inertia = np.zeros(len(points), dtype=np.int64), np.inf
    for _ in range(restarts):
        centres = _kmeans_plus_plus(points, k, rng)
        labels = np.full(len(points), -1, dtype=np.int64)
        for _ in range(iterations):
            distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            new = distances.argmin(axis=1)
            if (new == labels).all():
                break
            labels = new
            for c in range(k):
                members = points[labels == c]
                centres[c] = members.mean(axis=0) if len(members) else points[distances.min(axis=1).argmax()]
        labels, centres = _hartigan(points, labels, k)
        inertia = float(((points - centres[labels]) ** 2).sum())
        if inertia < best_inertia - 1e-12:
            best_labels, best_inertia = labels, inertia
    return best_labels


def _hartigan(points: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Move single points between groups while a move lowers the total squared distance.

    Lloyd's iterations stop where every point is nearest its own centre; moving one point also
    moves both centres, which can still pay (Hartigan & Wong). Converges: each move lowers it.
    """
    labels = labels.copy()
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    centres = np.array([points[labels == c].mean(axis=0) if counts[c] else points[0] for c in range(k)])
    moved = True
    while moved:
        moved = False
        for i, x in enumerate(points):
            own = labels[i]
            if counts[own] <= 1:
                continue
            distances = ((centres - x) ** 2).sum(axis=1)
            gain = counts[own] / (counts[own] - 1) * distances[own]
            cost = counts / (counts + 1) * distances
            cost[own] = np.inf
            target = int(cost.argmin())
            if cost[target] < gain - 1e-12:
                centres[own] = (centres[own] * counts[own] - x) / (counts[own] - 1)
                centres[target] = (centres[target] * counts[target] + x) / (counts[target] + 1)
                counts[own] -= 1
                counts[target] += 1
                labels[i] = target
                moved = True
    return labels, centres


def _kmeans_plus_plus(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Starting centres: the first at random, each next one drawn in proportion to squared distance."""
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        nearest = ((points[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(axis=2).min(axis=1)
        total = nearest.sum()
        pick = rng.choice(len(points), p=nearest / total) if total > 0 else rng.integers(len(points))
        centres.append(points[pick])
    return np.array(centres)


def vote(
    windows: list[tuple[int, int]],
    labels: np.ndarray,
    regions: list[tuple[int, int]],
    total: int,
    speakers: int,
) -> np.ndarray:
    """Per 10 ms frame: the speaker most covering windows voted for, -1 outside speech.

    Speech frames that no window covers take the nearest voted frame's speaker.
    """
    votes = np.zeros((total, max(1, speakers)), dtype=np.int32)
    for (first, last), label in zip(windows, labels):
        votes[first:last, label] += 1
    voted = votes.sum(axis=1) > 0
    frames = np.where(voted, votes.argmax(axis=1), -1)
    speech = np.zeros(total, dtype=bool)
    for first, last in regions:
        speech[first : min(last, total)] = True
    if voted.any():
        idx = np.flatnonzero(voted)
        missing = np.flatnonzero(speech & ~voted)
        if missing.size:
            pos = (
                np.clip(np.searchsorted(idx, missing), 1, idx.size - 1)
                if idx.size > 1
                else np.zeros_like(missing)
            )
            left, right = idx[np.maximum(pos - 1, 0)], idx[pos]
            nearest = np.where(np.abs(missing - left) <= np.abs(right - missing), left, right)
            frames[missing] = frames[nearest]
    else:
        frames[speech] = 0
    frames[~speech] = -1
    return _renumber(bridge(frames, BRIDGE_FRAMES))


def bridge(frames: np.ndarray, longest: int) -> np.ndarray:
    """Silences of at most ``longest`` frames between two stretches of one speaker become that speaker's.

    A speaker's pause inside a turn is part of the turn (as references annotate it).
    """
    out = frames.copy()
    voiced = np.flatnonzero(frames >= 0)
    if voiced.size < 2:
        return out
    gaps = np.flatnonzero(np.diff(voiced) > 1)
    for g in gaps:
        left, right = voiced[g], voiced[g + 1]
        if right - left - 1 <= longest and frames[left] == frames[right]:
            out[left + 1 : right] = frames[left]
    return out


def _renumber(frames: np.ndarray) -> np.ndarray:
    """Speakers numbered in order of first appearance."""
    order = [int(s) for s in dict.fromkeys(frames[frames >= 0].tolist())]
    mapping = np.full(max(order, default=0) + 2, -1, dtype=np.int64)
    for new, old in enumerate(order):
        mapping[old] = new
    return mapping[frames]


def turns_from_frames(frames: np.ndarray) -> list[Turn]:
    """Runs of one speaker in per-10 ms labels (-1 is silence) as turns in milliseconds."""
    if frames.size == 0:
        return []
    change = np.flatnonzero(np.diff(frames)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [frames.size]])
    return [
        Turn(int(s) * FRAME_MS, int(e) * FRAME_MS, int(frames[s]))
        for s, e in zip(starts, ends)
        if frames[s] >= 0
    ]
