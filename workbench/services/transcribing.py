"""Transcribing a project's media: a resumable job, then the transcript stored in one transaction
(the project-free part, also used by the CLI without a project: :mod:`.transcription_runs`).

A job's checkpoint lives in the project: ``<project>/jobs/<media sha256[:16]>-<options hash>.jsonl``
(see :func:`transcription.run_job`). Every finished segment is on disk before the next is decoded,
so a cancelled, crashed or killed job resumes from where it stopped the next time the same media
is transcribed with the same options. Only when the whole recording is done is the transcript
saved, with its provenance, in one transaction; then the checkpoint is deleted. A failure
(corrupt media, missing model) raises :class:`WorkbenchError` with one line and stores nothing.
The long part runs wherever it is called; its two database steps (finding the media, saving the
transcript) go through ``database(step)`` when given (the window's one database thread).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import transcription
from workbench.model.errors import WorkbenchError
from workbench.model.records import (
    Change,
    MediaRecord,
)
from workbench.model.tasks import CancelFn, ProgressFn, TaskState
from workbench.services.project import Project
from workbench.services.transcription_runs import provenance_for, to_new_gaps, to_new_segments, transcribe_job
from workbench.store import participants, transcripts
from workbench.store.transcript_list import list_transcripts

JOBS_FOLDER = "jobs"


def options_hash(options: transcription.Options) -> str:
    """A short stable digest of the options (part of a checkpoint's name)."""
    text = json.dumps(options.to_dict(), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def job_path(project: Project, media: MediaRecord, options: transcription.Options) -> Path:
    """Where the checkpoint of transcribing ``media`` with ``options`` lives."""
    root = project.folder or project.media_root
    return root / JOBS_FOLDER / f"{media.sha256[:16]}-{options_hash(options)}.jsonl"


def find_media(project: Project, media_id: int) -> tuple[MediaRecord, str]:
    """The media item and its participant's pseudonym."""
    for participant in participants.list_participants(project.db):
        for media in participant.media:
            if media.id == media_id:
                return media, participant.pseudonym
    raise WorkbenchError(f"No media item {media_id} in this project.")


def transcribe_media(
    project: Project,
    media_id: int,
    options: transcription.Options = transcription.Options(),
    name: str | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    database: Callable[[Callable[[], Any]], Any] | None = None,
) -> Change:
    """Transcribe a media item of ``project`` and store the transcript (see the module text);
    ``database(step)`` runs the database steps (default: here)."""
    state = TaskState(progress, cancelled)
    run = database or _here
    media, pseudonym = run(lambda: find_media(project, media_id))
    source = project.media_path(media)
    if not source.is_file():
        raise WorkbenchError(
            f"The recording {media.original_name} is missing from {source.parent}; relink the media first."
        )
    checkpoint = job_path(project, media, options)
    transcript = transcribe_job(
        source, options, checkpoint, state.sub(0.0, 0.97).progress, state.cancelled, media.original_name
    )
    state.check()
    state.report(0.98, "Saving the transcript")
    change = run(lambda: save_transcript(project, media_id, transcript, options, name))
    state.report(1.0, change.description)
    return change


def _here(step: Callable[[], Any]) -> Any:
    return step()


def save_transcript(
    project: Project,
    media_id: int,
    transcript: transcription.Transcript,
    options: transcription.Options,
    name: str | None = None,
) -> Change:
    """Store a finished job's transcript (segments, untranscribed-speech markers, provenance) for
    the media item in one transaction, then delete the job's checkpoint."""
    media, pseudonym = find_media(project, media_id)
    gaps = to_new_gaps(transcript.gaps)
    change = transcripts.add_transcript(
        project.db,
        pseudonym,
        name
        or free_name(default_name(media, options), {t.name for t in list_transcripts(project.db, media.id)}),
        to_new_segments(transcript.segments),
        media.id,
        provenance_for(options, transcript),
        gaps,
    )
    if transcript.plan is not None and transcript.plan.channels > 1:
        head, _sep, listen = change.description.partition("; ")
        described = f"{head}: {transcript.plan.label}" + (f"; {listen}" if listen else "")
        change = replace(change, description=described)
    change = replace(change, rows={**change.rows, "speech_gaps": tuple(gaps)})
    job_path(project, media, options).unlink(missing_ok=True)
    return change


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or "name 2", "name 3", … when a transcript of the recording already has it (a
    recording transcribed again gets a name of its own)."""
    number, candidate = 2, name
    while candidate in taken:
        candidate, number = f"{name} {number}", number + 1
    return candidate


def default_name(media: MediaRecord, options: transcription.Options) -> str:
    model = Path(options.model).name if os.sep in options.model else options.model
    return f"{Path(media.original_name).stem} ({model})"


def rename_speakers(project: Project, transcript_id: int, names: dict[str, str]) -> Change:
    """Rename speakers in a transcript, e.g. ``{"Speaker 1": "Interviewer", "Speaker 2": "Participant"}``."""
    return transcripts.rename_speakers(project.db, transcript_id, names)


def pending_job(project: Project, media: MediaRecord, options: transcription.Options) -> int | None:
    """Milliseconds already transcribed by an interrupted job for this media and options, else None."""
    try:
        found = transcription.read_checkpoint(job_path(project, media, options))
    except transcription.TranscriptionError:
        return None
    return None if found is None else found.resume_ms
