"""A recording made ready to transcribe: its streams, how its channels are used, and where speech is.

:func:`prepare` takes the decoded channels of a whole file, decides per channel or mixed
(:func:`transcription.channels.plan_channels`) and runs the speech detector once per channel
(:mod:`transcription.speech`); the decoding pass reads the detector with the VAD settings, the
coverage check (:mod:`transcription.coverage`) reads it leniently. Channels that are copies of one
another (a stereo file of one voice) are heard once, as their mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import speakers as spk
from .audio import to_16_bit_grid
from .channels import COPY_CORRELATION, ChannelPlan, plan_channels
from .speech import Span, SpeechActivity, subtract, union
from .types import SAMPLE_RATE, Options


@dataclass
class Recording:
    """``streams`` are what the model hears: one per channel when split, else the mix."""

    streams: list[np.ndarray]
    plan: ChannelPlan
    activity: list[SpeechActivity]  # split: one per stream; mixed: one per distinct channel, or the mix's
    bleed: list[list[Span]] | None = None  # split: per channel, where another channel is clearly louder
    offset_ms: int = 0  # file time of sample 0; every span here is in file time

    @property
    def end_ms(self) -> int:
        return self.offset_ms + (self.streams[0].size * 1000 // SAMPLE_RATE if self.streams else 0)

    def probabilities(self, index: int) -> tuple[np.ndarray, int]:
        """Speech probability per frame that stream ``index`` carries (the loudest channel's when
        mixed), with the file time of frame 0."""
        mine = self.activity[index : index + 1] if self.plan.split else self.activity
        return np.max(np.stack([a.probabilities for a in mine]), axis=0), mine[0].offset_ms

    @property
    def channels(self) -> np.ndarray:
        """The streams as one ``(streams, samples)`` array (no copy when they are rows of one)."""
        base = self.streams[0].base
        if isinstance(base, np.ndarray) and base.ndim == 2 and base.shape[0] == len(self.streams):
            return base
        return np.stack(self.streams)

    def speaker(self, index: int) -> str | None:
        return spk.speaker_name(index) if self.plan.split else None

    def decoded(self, index: int, options: Options) -> list[Span] | None:
        """The stretches (file time) the model is given on stream ``index``; None: all of it."""
        if not options.vad:
            return None
        mine = self.activity[index : index + 1] if self.plan.split else self.activity
        return union(
            *(
                a.stretches(
                    options.vad_threshold,
                    bridge_ms=options.vad_min_silence_ms,
                    pad_ms=options.vad_speech_pad_ms,
                )
                for a in mine
            )
        )

    def heard(self, index: int, threshold: float, bridge_ms: int) -> list[Span]:
        """Where the lenient detector hears speech that belongs on stream ``index`` (file time)."""
        mine = self.activity[index : index + 1] if self.plan.split else self.activity
        spans = union(*(a.stretches(threshold, bridge_ms=bridge_ms) for a in mine))
        return subtract(spans, self.bleed[index]) if self.bleed else spans


def prepare(
    audio: np.ndarray,
    options: Options,
    plan: ChannelPlan | None = None,
    name: str = "the recording",
    owned: bool = False,
) -> Recording:
    """A :class:`Recording` of ``audio`` (``(channels, samples)`` or 1-D, 16 kHz, from time 0); the
    streams are put on the 16-bit grid (see :mod:`transcription.audio`), the mix after mixing.
    ``owned``: ``audio`` is the caller's to give away (it is then changed in place, not copied: a
    90-minute recording is 345 MB a channel)."""
    audio = np.atleast_2d(np.asarray(audio, dtype=np.float32))
    plan = plan or plan_channels(audio, options.channels, name)
    if plan.split:
        audio = to_16_bit_grid(audio if owned and audio.flags.c_contiguous else np.array(audio, order="C"))
        streams = list(audio)
        return Recording(streams, plan, [SpeechActivity.of(s) for s in streams], _bleed(audio))
    if audio.shape[0] > 1:
        mix = to_16_bit_grid(audio.mean(axis=0, dtype=np.float32))
    else:
        mix = to_16_bit_grid(audio[0] if owned and audio[0].flags.c_contiguous else np.array(audio[0]))
    distinct = audio.shape[0] > 1 and (plan.correlation or 0.0) < COPY_CORRELATION
    activity = [SpeechActivity.of(row) for row in audio] if distinct else [SpeechActivity.of(mix)]
    return Recording([mix], plan, activity)


def shifted(recording: Recording, offset_ms: int) -> Recording:
    """``recording`` with its sample 0 at file time ``offset_ms`` (for arrays cut from a longer file)."""
    if not offset_ms:
        return recording
    bleed = [[(s + offset_ms, e + offset_ms) for s, e in spans] for spans in recording.bleed or []]
    return replace(
        recording,
        activity=[replace(a, offset_ms=a.offset_ms + offset_ms) for a in recording.activity],
        bleed=bleed or None,
        offset_ms=recording.offset_ms + offset_ms,
    )


def _bleed(audio: np.ndarray) -> list[list[Span]]:
    """Per channel, the stretches another channel clearly dominates (that speech is not its own)."""
    owners = spk.frame_owners(spk.frame_levels_db(audio))
    result = []
    for channel in range(audio.shape[0]):
        other = (owners >= 0) & (owners != channel)
        result.append(_runs(other, spk.FRAME_MS))
    return result


def _runs(mask: np.ndarray, frame_ms: int) -> list[Span]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a) * frame_ms, int(b) * frame_ms) for a, b in zip(edges[::2], edges[1::2])]


def clips_within(spans: Sequence[Span] | None, start_ms: int, end_ms: int) -> list[Span] | None:
    """``spans`` cut to ``start_ms``..``end_ms`` and made relative to ``start_ms`` (None stays None)."""
    if spans is None:
        return None
    return [
        (max(s, start_ms) - start_ms, min(e, end_ms) - start_ms)
        for s, e in spans
        if e > start_ms and s < end_ms
    ]
