"""Transcribing a recording file with the workbench's settings, independent of any project: the
resumable job (checkpoint beside the caller's choice), the provenance stored with a transcript, the
engine's segments and gaps as store records, and transcribing one passage again. The CLI without
``--project`` and the transcript editor use this directly; :mod:`.transcribing` adds the project.
Failures raise :class:`WorkbenchError` with one line naming the recording.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import transcription
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment, NewSpeechGap, NewWord, Provenance, SpeechGapRecord
from workbench.model.tasks import CancelFn, Cancelled, ProgressFn, TaskState

UNKNOWN = "unknown"
# the packages whose versions provenance records (their metadata must travel with the code)
PROVENANCE_PACKAGES = ("workbench", "faster-whisper", "ctranslate2")


def package_version(package: str) -> str:
    """The installed version of ``package``, or ``UNKNOWN`` when its metadata is missing."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def provenance_for(
    options: transcription.Options,
    transcript: transcription.Transcript | None = None,
    when: datetime | None = None,
) -> Provenance:
    """Engine, model, settings and versions, how the channels were used and what the coverage check
    found, as stored with a transcript."""
    when = when or datetime.now(UTC)
    settings = dict(options.to_dict())
    settings.update(
        {
            "transcription_package": package_version("workbench"),
            "faster_whisper": package_version("faster-whisper"),
            "ctranslate2": package_version("ctranslate2"),
            "transcribed_at": when.isoformat(timespec="seconds"),
        }
    )
    if transcript is not None:
        if transcript.plan is not None:
            settings["channel_plan"] = transcript.plan.to_dict()
        settings["coverage"] = {"gaps_found": transcript.gaps_found, "untranscribed": len(transcript.gaps)}
    return Provenance(
        engine=options.engine,
        model=options.model,
        engine_version=f"{options.engine} {package_version('faster-whisper')}"[:50],
        language=options.language,
        settings=settings,
    )


def to_new_segments(segments: Iterable[transcription.Segment]) -> list[NewSegment]:
    """Engine segments as store records; ``confidence`` is exp(avg_logprob), the mean token probability."""
    result = []
    for s in segments:
        confidence = math.exp(s.avg_logprob) if s.avg_logprob is not None else None
        words = tuple(NewWord(w.start_ms, w.end_ms, w.text, w.probability) for w in s.words)
        result.append(NewSegment(s.start_ms, s.end_ms, s.text, s.speaker, confidence, words))
    return result


def to_new_gaps(gaps: Iterable[transcription.Gap]) -> list[NewSpeechGap]:
    return [NewSpeechGap(g.start_ms, g.end_ms, g.speaker) for g in gaps]


def transcribe_job(
    source: Path,
    options: transcription.Options,
    checkpoint: Path,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    label: str | None = None,
) -> transcription.Transcript:
    """The whole transcript of ``source`` (coverage checked) through a resumable job; raises
    Cancelled or WorkbenchError. ``label`` names the recording in messages (e.g. its original
    name, not the stored copy's)."""
    state = TaskState(progress, cancelled)
    try:
        for _segment in transcription.run_job(source, options, checkpoint, state.progress, state.cancelled):
            pass
        finished = transcription.read_checkpoint(checkpoint)
    except transcription.TranscriptionError as exc:
        _drop_if_empty(checkpoint)
        raise WorkbenchError(_one_line(exc, source, label or source.name)) from exc
    except OSError as exc:
        raise WorkbenchError(f"Cannot transcribe {label or source.name}: {exc.strerror or exc}") from exc
    if finished is None or not finished.complete:
        raise Cancelled()
    return finished.transcript


def _drop_if_empty(checkpoint: Path) -> None:
    """Remove a checkpoint that holds nothing worth resuming (a job that failed at once)."""
    try:
        found = transcription.read_checkpoint(checkpoint)
    except transcription.TranscriptionError:
        return  # not ours to delete
    if found is not None and not found.segments:
        checkpoint.unlink(missing_ok=True)


def _one_line(exc: Exception, source: Path, label: str) -> str:
    text = (
        (" ".join(str(exc).split()) or type(exc).__name__)
        .replace(str(source), label)
        .replace(source.name, label)
    )
    return text if label in text else f"{label}: {text}"


def retranscribe_passage(
    media_path: Path,
    settings: dict[str, Any],
    gap: SpeechGapRecord,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> list[NewSegment]:
    """Decode one untranscribed passage of a recording again ("transcribe this part again"), with the
    transcript's own settings (its provenance) and more context; its segments, possibly none."""
    state = TaskState(progress, cancelled)
    if not media_path.is_file():
        raise WorkbenchError(f"The recording {media_path.name} is missing; relink the media first.")
    options = transcription.Options.from_dict(settings)
    state.report(0.1, "Listening to the passage again")
    try:
        found = transcription.transcribe_span(media_path, options, gap.start_ms, gap.end_ms, gap.speaker)
    except transcription.TranscriptionError as exc:
        raise WorkbenchError(_one_line(exc, media_path, media_path.name)) from exc
    state.check()
    return to_new_segments(found)
