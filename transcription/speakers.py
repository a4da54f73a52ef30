"""Who spoke each word.

* Multi-microphone recordings (one person per channel, e.g. two lapel mics on a stereo file):
  :func:`frame_owners` compares the raw channel levels in short frames; a frame belongs to
  a channel when that channel is voiced and at least ``margin_db`` (6 dB) louder than every
  other one, and a word of a mix to the channel that owns most of its frames.
  Each channel is transcribed on its own (people talk over each other, which a mix garbles);
  :class:`ChannelJudge` drops the words that are bleed from another microphone (the other
  channel dominates by the margin and this one is unvoiced or a correlated copy).
  :func:`channel_labels` labels the words of a mix instead.
* Mono recordings: the seam for a diarizer. A diarizer is any callable
  ``(audio, sample_rate, speakers) -> list[Turn]``; register it with
  :func:`register_mono_diarizer` and :func:`labels_from_turns` maps its turns onto words.
  ``transcription/__init__.py`` registers :func:`transcription.diarize.diarize` (resemblyzer's
  voice encoder run with onnxruntime, k-means with the speaker count fixed).

:func:`split_by_speaker` then cuts a segment wherever the speaker changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .types import SAMPLE_RATE, Segment, Word

FRAME_MS = 20
MARGIN_DB = 6.0
ABSOLUTE_FLOOR_DB = -60.0  # quieter than this is never speech
FLOOR_ABOVE_NOISE_DB = 6.0  # a voiced frame is this far above the channel's own noise floor


def speaker_name(index: int) -> str:
    """ "Speaker 1" for channel/cluster 0 (LEFT), "Speaker 2" for 1 (RIGHT), ..."""
    return f"Speaker {index + 1}"


def frame_levels_db(channels: np.ndarray, frame_ms: int = FRAME_MS) -> np.ndarray:
    """RMS level in dBFS of each ``frame_ms`` frame, shape ``(channels, frames)`` (a few minutes at a
    time, so a long recording needs no second full-length copy)."""
    channels = np.atleast_2d(np.asarray(channels, dtype=np.float32))
    hop = SAMPLE_RATE * frame_ms // 1000
    n_frames = -(-channels.shape[1] // hop)
    power = np.zeros((channels.shape[0], n_frames), dtype=np.float64)
    block = hop * 15_000
    for first in range(0, channels.shape[1], block):
        part = channels[:, first : first + block]
        frames = -(-part.shape[1] // hop)
        padded = np.zeros((part.shape[0], frames * hop), dtype=np.float32)
        padded[:, : part.shape[1]] = part
        at = first // hop
        power[:, at : at + frames] = (
            np.square(padded).reshape(part.shape[0], frames, hop).mean(axis=2, dtype=np.float64)
        )
    return 10.0 * np.log10(power + 1e-12)


def frame_owners(levels_db: np.ndarray, margin_db: float = MARGIN_DB) -> np.ndarray:
    """Per frame, the index of the channel that dominates it, or -1 (silence, or too close to call)."""
    if levels_db.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    noise = np.percentile(levels_db, 10, axis=1, keepdims=True)
    voiced = (levels_db > ABSOLUTE_FLOOR_DB) & (levels_db > noise + FLOOR_ABOVE_NOISE_DB)
    order = np.argsort(levels_db, axis=0)
    loudest = order[-1]
    cols = np.arange(levels_db.shape[1])
    top = levels_db[loudest, cols]
    second = levels_db[order[-2], cols] if levels_db.shape[0] > 1 else np.full_like(top, -np.inf)
    owned = voiced[loudest, cols] & (top - second >= margin_db)
    return np.where(owned, loudest, -1)


def word_owners(
    owners: np.ndarray, words: Sequence[Word], *, offset_ms: int = 0, frame_ms: int = FRAME_MS
) -> list[int | None]:
    """For each word, the channel owning most of its frames (None: no owner, or a tie).

    ``owners`` comes from :func:`frame_owners`; its frame 0 starts at ``offset_ms``.
    """
    n_channels = int(owners.max()) + 1 if owners.size and owners.max() >= 0 else 1
    labels: list[int | None] = []
    for word in words:
        first = max(0, (word.start_ms - offset_ms) // frame_ms)
        last = max(first + 1, -(-(word.end_ms - offset_ms) // frame_ms))
        window = owners[first:last]
        counts = np.bincount(window[window >= 0], minlength=n_channels)
        if counts.sum() == 0:
            labels.append(None)
            continue
        best = int(counts.argmax())
        labels.append(best if (counts == counts[best]).sum() == 1 else None)
    return labels


def channel_labels(
    channels: np.ndarray,
    words: Sequence[Word],
    *,
    offset_ms: int = 0,
    margin_db: float = MARGIN_DB,
    frame_ms: int = FRAME_MS,
) -> list[int | None]:
    """Channel index for each word of a mix, undecided words taking their neighbours' label.

    ``channels`` is ``(channels, samples)`` at 16 kHz whose sample 0 is at ``offset_ms``.
    """
    owners = frame_owners(frame_levels_db(channels, frame_ms), margin_db)
    return fill_gaps(word_owners(owners, words, offset_ms=offset_ms, frame_ms=frame_ms))


class ChannelJudge:
    """Decides which words of one channel's transcript are bleed from another microphone.

    A word on channel *k* is bleed when another channel is at least ``margin_db`` louder over
    the word and channel *k* is either not voiced there or carries a copy of that louder
    signal (normalised cross-correlation within +-20 ms at least ``min_correlation``). Two
    people talking at once are uncorrelated, so both keep their words.
    """

    def __init__(
        self,
        channels: np.ndarray,
        *,
        offset_ms: int = 0,
        margin_db: float = MARGIN_DB,
        min_correlation: float = 0.4,
    ) -> None:
        self.channels = np.atleast_2d(np.asarray(channels, dtype=np.float32))
        self.offset_ms, self.margin_db, self.min_correlation = offset_ms, margin_db, min_correlation
        levels = frame_levels_db(self.channels)
        self.noise_db = (
            np.percentile(levels, 10, axis=1) if levels.shape[1] else np.full(len(self.channels), -120.0)
        )

    def _window(self, word: Word) -> slice:
        centre = (word.start_ms + word.end_ms) // 2 - self.offset_ms
        half = max(50, (word.end_ms - word.start_ms) // 2)  # at least 100 ms
        first = max(0, (centre - half) * SAMPLE_RATE // 1000)
        return slice(first, max(first + 1, (centre + half) * SAMPLE_RATE // 1000))

    def is_bleed(self, channel: int, word: Word) -> bool:
        window = self._window(word)
        own = self.channels[channel, window].astype(np.float64)
        if own.size == 0:
            return False
        own_db = _level_db(own)
        voiced = own_db > max(ABSOLUTE_FLOOR_DB, self.noise_db[channel] + FLOOR_ABOVE_NOISE_DB)
        for other in range(self.channels.shape[0]):
            if other == channel:
                continue
            loud = self.channels[other, window].astype(np.float64)
            if _level_db(loud) - own_db < self.margin_db:
                continue
            if not voiced or max_correlation(own, loud) >= self.min_correlation:
                return True
        return False

    def own_words(self, segment: Segment, channel: int) -> list[Segment]:
        """The pieces of ``segment`` (transcribed from ``channel``) that its speaker said.

        Bleed words are dropped; the rest is cut into runs of consecutive kept words, each
        labelled with this channel's speaker.
        """
        name = speaker_name(channel)
        words = segment.words or (Word(segment.start_ms, segment.end_ms, segment.text),)
        keep = [not self.is_bleed(channel, w) for w in words]
        if not segment.words:
            return [replace(segment, speaker=name)] if keep[0] else []
        pieces = split_by_speaker(segment, [channel if k else None for k in keep])
        return [p for p in pieces if p.speaker == name]


def _level_db(samples: np.ndarray) -> float:
    return float(10.0 * np.log10(np.mean(samples * samples) + 1e-12))


def max_correlation(a: np.ndarray, b: np.ndarray, max_lag_ms: int = 20) -> float:
    """Largest normalised cross-correlation of ``a`` and ``b`` within +-``max_lag_ms``."""
    n = min(a.size, b.size)
    a, b = a[:n] - a[:n].mean(), b[:n] - b[:n].mean()
    norm = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    if n == 0 or norm == 0.0:
        return 0.0
    size = 1 << (2 * n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    lag = min(n - 1, max_lag_ms * SAMPLE_RATE // 1000)
    near = np.concatenate([corr[: lag + 1], corr[size - lag :]]) if lag else corr[:1]
    return float(np.abs(near).max() / norm)


def fill_gaps(labels: Sequence[int | None]) -> list[int | None]:
    """Give undecided words the label of the nearest decided word (earlier one on ties)."""
    out = list(labels)
    decided = [i for i, label in enumerate(labels) if label is not None]
    if not decided:
        return out
    for i, label in enumerate(labels):
        if label is None:
            nearest = min(decided, key=lambda j: (abs(j - i), j > i))
            out[i] = labels[nearest]
    return out


@dataclass(frozen=True)
class Turn:
    """A diarizer's answer: ``speaker`` talks from ``start_ms`` to ``end_ms``."""

    start_ms: int
    end_ms: int
    speaker: int


MonoDiarizer = Callable[[np.ndarray, int, "int | None"], Sequence[Turn]]
_mono_diarizer: MonoDiarizer | None = None


def register_mono_diarizer(diarizer: MonoDiarizer | None) -> None:
    """Install (or with None remove) the diarizer used for mono files when ``Options.speakers`` is set."""
    global _mono_diarizer
    _mono_diarizer = diarizer


def get_mono_diarizer() -> MonoDiarizer | None:
    """The registered mono diarizer, or None when none is available."""
    return _mono_diarizer


def labels_from_turns(words: Sequence[Word], turns: Sequence[Turn]) -> list[int | None]:
    """Speaker of each word: the turn overlapping it most, else the nearest turn in time (a word
    the decoder placed in a pause between turns, or a segment wholly outside them, still gets one)."""
    labels: list[int | None] = []
    for word in words:
        best, best_overlap = None, 0
        for turn in turns:
            overlap = min(word.end_ms, turn.end_ms) - max(word.start_ms, turn.start_ms)
            if overlap > best_overlap:
                best, best_overlap = turn.speaker, overlap
        if best is None and turns:
            best = min(turns, key=lambda t: max(t.start_ms - word.end_ms, word.start_ms - t.end_ms)).speaker
        labels.append(best)
    return fill_gaps(labels)


def split_by_speaker(segment: Segment, labels: Sequence[int | None]) -> list[Segment]:
    """Cut ``segment`` into consecutive pieces with one speaker each (``labels`` per word)."""
    if not segment.words:
        label = labels[0] if labels else None
        return [replace(segment, speaker=None if label is None else speaker_name(label))]
    pieces: list[Segment] = []
    start = 0
    for i in range(1, len(segment.words) + 1):
        if i == len(segment.words) or labels[i] != labels[start]:
            words = segment.words[start:i]
            label = labels[start]
            pieces.append(
                replace(
                    segment,
                    start_ms=segment.start_ms if start == 0 else words[0].start_ms,
                    end_ms=segment.end_ms if i == len(segment.words) else words[-1].end_ms,
                    text=" ".join(w.text for w in words),
                    speaker=None if label is None else speaker_name(label),
                    words=tuple(words),
                )
            )
            start = i
    return pieces
