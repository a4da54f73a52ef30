"""Whether a multi-channel recording is transcribed per channel or as one mix, decided by the audio.

Two lapel microphones on a stereo file carry different people: each channel is clearly the loudest
(by :data:`~transcription.speakers.MARGIN_DB`) while its own wearer talks. A stereo recorder, a
phone or a stereo MP3 of one voice carries the same sound on every channel: nobody "owns" a
channel, and the channels are correlated copies of each other. :func:`plan_channels` measures both
(how much of the speech each channel owns, and the channels' cross-correlation over a sample of
voiced moments) and transcribes per channel when at least two channels each own a real share of
the speech and they are not copies; otherwise it mixes. ``Options.channels`` True or False
overrides the measurement either way; None (the default) lets the audio decide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import speakers as spk
from .errors import TranscriptionError
from .types import SAMPLE_RATE

MIN_OWN_SHARE = 0.10  # of all owned speech frames
MIN_OWN_MS = 500
COPY_CORRELATION = 0.9  # channels this correlated carry the same sound
_SAMPLE_WINDOWS = 40
_WINDOW_MS = 500


@dataclass(frozen=True)
class ChannelPlan:
    """How a recording's channels are transcribed, and why (in words for the user)."""

    split: bool
    channels: int
    reason: str
    by_user: bool = False
    correlation: float | None = None  # measured typical correlation of the channels (None: not measured)

    @property
    def label(self) -> str:
        """Short form for a settings column: "per channel (audio)", "mixed (you)", "mono"."""
        if self.channels < 2:
            return "mono"
        return f"{'per channel' if self.split else 'mixed'} ({'your choice' if self.by_user else 'from the audio'})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChannelPlan:
        correlation = data.get("correlation")
        return cls(
            bool(data["split"]),
            int(data["channels"]),
            str(data["reason"]),
            bool(data.get("by_user")),
            None if correlation is None else float(correlation),
        )


def plan_channels(audio: np.ndarray, setting: bool | None, name: str = "the recording") -> ChannelPlan:
    """The plan for ``audio`` (``(channels, samples)`` or 1-D) under ``Options.channels`` = ``setting``."""
    audio = np.atleast_2d(audio)
    count = audio.shape[0]
    if count < 2:
        if setting:
            raise TranscriptionError(
                f"Speakers by channel need one microphone per channel; {name} has only one channel"
            )
        return ChannelPlan(False, count, "one channel")
    owned, correlation = measure(audio)
    if setting is not None:
        how = "each channel transcribed on its own" if setting else "the channels mixed into one"
        return ChannelPlan(setting, count, f"{how}, as you asked", True, correlation)
    return _decide(owned, correlation, count)


def _decide(owned_ms: list[int], correlation: float, count: int) -> ChannelPlan:
    total = sum(owned_ms) or 1
    speakers = [i for i, ms in enumerate(owned_ms) if ms >= MIN_OWN_MS and ms / total >= MIN_OWN_SHARE]
    figures = ", ".join(f"channel {i + 1} alone {ms / 1000:.0f} s" for i, ms in enumerate(owned_ms))
    if len(speakers) >= 2 and correlation < COPY_CORRELATION:
        return ChannelPlan(
            True,
            count,
            f"the channels carry different speakers ({figures}; correlation {correlation:.2f}), "
            "so each channel is transcribed on its own",
            correlation=correlation,
        )
    why = (
        f"the channels carry the same sound (correlation {correlation:.2f})"
        if correlation >= COPY_CORRELATION
        else f"no second channel carries a speaker of its own ({figures}; correlation {correlation:.2f})"
    )
    return ChannelPlan(False, count, f"{why}, so they are mixed into one", correlation=correlation)


def measure(audio: np.ndarray) -> tuple[list[int], float]:
    """Per channel, the milliseconds of speech it clearly owns; and the channels' typical
    cross-correlation (median over short voiced windows, best lag within 20 ms)."""
    levels = spk.frame_levels_db(audio)
    owners = spk.frame_owners(levels)
    owned = [int((owners == i).sum()) * spk.FRAME_MS for i in range(audio.shape[0])]
    return owned, _typical_correlation(audio, levels)


def _typical_correlation(audio: np.ndarray, levels: np.ndarray) -> float:
    """Median, over up to 40 of the loudest half-second windows, of the weakest pairwise correlation
    (a silent channel beside a talking one counts as uncorrelated)."""
    frames = _WINDOW_MS // spk.FRAME_MS
    usable = levels.shape[1] // frames
    if usable == 0:
        return 1.0
    loudness = levels[:, : usable * frames].max(axis=0).reshape(usable, frames).mean(axis=1)
    voiced = np.flatnonzero(loudness > spk.ABSOLUTE_FLOOR_DB)
    if voiced.size == 0:
        return 1.0  # nothing to tell apart: silence everywhere
    chosen = voiced[np.argsort(loudness[voiced])[::-1][:_SAMPLE_WINDOWS]]
    values = []
    size = _WINDOW_MS * SAMPLE_RATE // 1000
    for window in chosen:
        piece = audio[:, window * size : (window + 1) * size].astype(np.float64)
        values.append(
            min(
                spk.max_correlation(piece[a], piece[b])
                for a in range(len(piece))
                for b in range(a + 1, len(piece))
            )
        )
    return float(np.median(values))
