"""A whole transcription: the decoding pass, then the coverage check, as one result.

:func:`transcribe_file` is what ``run_job`` does without a checkpoint: read the recording,
decide how its channels are used, decode, check coverage (:mod:`transcription.coverage`) and
hand back the segments in time order with the gaps that are left and the channel plan.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from .api import Cancelled, Progress, read_with_engine, speaker_turns, transcribe_recording
from .channels import ChannelPlan
from .coverage import check_coverage
from .types import Gap, Options, Segment

DECODING_SHARE = 0.95  # of the progress bar; the coverage check takes the rest


@dataclass
class Transcript:
    """Segments in time order (filled gaps included), the gaps still empty, and the channel plan."""

    segments: list[Segment]
    gaps: list[Gap] = field(default_factory=list)
    plan: ChannelPlan | None = None
    gaps_found: int = 0  # before the second try

    @property
    def summary(self) -> str:
        """One line for the user: how the channels were used and what needs a listen."""
        parts = [] if self.plan is None or self.plan.channels < 2 else [self.plan.label]
        if self.gaps:
            count = len(self.gaps)
            parts.append(f"{count} passage{'s' if count != 1 else ''} of untranscribed speech need a listen")
        return "; ".join(parts)


def scaled(progress: Progress | None, low: float, high: float) -> Progress | None:
    """``progress`` with 0..1 mapped onto ``low``..``high``."""
    if progress is None:
        return None
    report = progress
    return lambda fraction, message: report(low + (high - low) * fraction, message)


def transcribe_file(
    source: str | os.PathLike[str],
    options: Options = Options(),
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Transcript | None:
    """Transcribe ``source`` and check its coverage; None when cancelled."""
    recording, engine = read_with_engine(source, options, progress)
    turns = speaker_turns(recording, options, progress)
    segments: list[Segment] = []
    stream = transcribe_recording(
        recording,
        options,
        engine=engine,
        progress=scaled(progress, 0.0, DECODING_SHARE),
        cancelled=cancelled,
        turns=turns,
    )
    if not drain(stream, segments.append):
        return None
    coverage = check_coverage(
        recording, segments, engine, options, turns=turns, progress=scaled(progress, DECODING_SHARE, 1.0)
    )
    result = Transcript(
        sorted(segments + coverage.fills, key=lambda s: s.start_ms),
        coverage.gaps,
        recording.plan,
        coverage.found,
    )
    if progress is not None:
        progress(1.0, ("Transcription finished; " + result.summary).rstrip("; "))
    return result


def drain(stream: Generator[Segment, None, bool], take: Callable[[Segment], None]) -> bool:
    """Hand every segment of ``stream`` to ``take``; the stream's return value (False: cancelled)."""
    while True:
        try:
            take(next(stream))
        except StopIteration as stop:
            return bool(stop.value)
