"""A Qt-free queue of transcription jobs: states, progress, ETA, cancel and retry.

The UI wraps it (a Qt item model over :attr:`TranscriptionQueue.jobs`, refreshed from the
listener) and calls :meth:`TranscriptionQueue.run_next` on a worker thread; :meth:`cancel` may be
called from any thread. A cancelled or failed job keeps its checkpoint, so :meth:`retry` resumes
where it stopped instead of starting again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import transcription
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.tasks import CancelFn, Cancelled, ProgressFn
from workbench.store.transcripts import passages

Runner = Callable[["QueueJob", ProgressFn, CancelFn], Change]
Listener = Callable[["QueueJob"], None]
MIN_FRACTION_FOR_ETA = 0.02


class JobState(str, Enum):  # noqa: UP042 - str() must stay the member name in logs
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class QueueJob:
    """One media item to transcribe with some options, and how far it has got."""

    id: int
    media_id: int
    label: str
    options: transcription.Options
    state: JobState = JobState.QUEUED
    fraction: float = 0.0
    message: str = ""
    error: str | None = None
    change: Change | None = None
    gaps: int = 0  # passages of untranscribed speech the finished transcript has (need a listen)
    started: float | None = None  # clock time of this run's start
    start_fraction: float = 0.0  # the fraction when this run began reporting (a resumed job starts late)
    finished: float | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def transcript_id(self) -> int | None:
        return (
            self.change.created_id("transcripts")
            if self.change and self.change.touches("transcripts")
            else None
        )

    def eta_seconds(self, now: float) -> float | None:
        """Seconds left, from the time this run took so far for the fraction it did; None until known."""
        if self.state is not JobState.RUNNING or self.started is None:
            return None
        done = self.fraction - self.start_fraction
        if done < MIN_FRACTION_FOR_ETA:
            return None
        return max(0.0, (now - self.started) * (1.0 - self.fraction) / done)


def done_message(change: Change, gaps: int) -> str:
    """What a finished job says: how its channels were used and how many passages need a listen."""
    if not gaps:
        return change.description
    head = change.description.split("; ")[0]
    how = head.split(": ", 1)[1] if ": " in head else ""
    return f"{how}; {passages(gaps)}" if how else passages(gaps)


class TranscriptionQueue:
    """Jobs run one at a time, in the order they were added (``run_next`` / ``run_all``)."""

    def __init__(
        self, runner: Runner, listener: Listener | None = None, clock: Callable[[], float] = time.monotonic
    ):
        self._runner, self._clock = runner, clock
        self._listeners: list[Listener] = [listener] if listener else []
        self._lock = threading.RLock()
        self._jobs: list[QueueJob] = []
        self._next_id = 1

    @classmethod
    def for_project(
        cls, project, listener: Listener | None = None, database: Callable | None = None
    ) -> TranscriptionQueue:
        """A queue that transcribes into ``project`` (see :func:`workbench.services.transcribing.transcribe_media`);
        ``database(step)`` runs its database steps (the window passes its database worker's)."""
        from workbench.services.transcribing import transcribe_media

        def run(job: QueueJob, progress: ProgressFn, cancelled: CancelFn) -> Change:
            return transcribe_media(
                project, job.media_id, job.options, progress=progress, cancelled=cancelled, database=database
            )

        return cls(run, listener)

    # --- reading ----------------------------------------------------------------------------

    @property
    def jobs(self) -> list[QueueJob]:
        with self._lock:
            return list(self._jobs)

    def job(self, job_id: int) -> QueueJob:
        with self._lock:
            for job in self._jobs:
                if job.id == job_id:
                    return job
        raise WorkbenchError(f"No transcription job {job_id}.")

    def eta_seconds(self, job_id: int) -> float | None:
        return self.job(job_id).eta_seconds(self._clock())

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    # --- changing ---------------------------------------------------------------------------

    def add(
        self, media_id: int, label: str, options: transcription.Options = transcription.Options()
    ) -> QueueJob:
        with self._lock:
            if any(
                j.media_id == media_id
                and j.options == options
                and j.state in (JobState.QUEUED, JobState.RUNNING)
                for j in self._jobs
            ):
                raise WorkbenchError(f"{label} is already in the queue with these settings.")
            job = QueueJob(self._next_id, media_id, label, options)
            self._next_id += 1
            self._jobs.append(job)
        self._notify(job)
        return job

    def cancel(self, job_id: int) -> None:
        """Cancel a queued job at once, or ask a running one to stop (it keeps its checkpoint)."""
        job = self.job(job_id)
        with self._lock:
            if job.state is JobState.QUEUED:
                job.state, job.message = JobState.CANCELLED, "Cancelled"
            elif job.state is JobState.RUNNING:
                job._cancel.set()
                job.message = "Cancelling…"
            else:
                return
        self._notify(job)

    def retry(self, job_id: int) -> QueueJob:
        """Queue a failed or cancelled job again; it resumes from its checkpoint."""
        job = self.job(job_id)
        with self._lock:
            if job.state not in (JobState.FAILED, JobState.CANCELLED):
                raise WorkbenchError(
                    f"{job.label} is {job.state.value}; only failed or cancelled jobs can be retried."
                )
            job.state, job.error, job.message = JobState.QUEUED, None, "Queued again"
            job.started = job.finished = None
            job._cancel = threading.Event()
        self._notify(job)
        return job

    def remove(self, job_id: int) -> None:
        job = self.job(job_id)
        with self._lock:
            if job.state is JobState.RUNNING:
                raise WorkbenchError(f"{job.label} is running; cancel it first.")
            self._jobs.remove(job)

    # --- running ----------------------------------------------------------------------------

    def run_next(self) -> QueueJob | None:
        """Run the first queued job to its end (on the caller's thread); None when nothing is queued."""
        with self._lock:
            job = next((j for j in self._jobs if j.state is JobState.QUEUED), None)
            if job is None:
                return None
            job.state, job.started, job.start_fraction = JobState.RUNNING, self._clock(), job.fraction
            job.message, first = "Starting", [True]
        self._notify(job)

        def progress(fraction: float, message: str) -> None:
            with self._lock:
                if first[0]:  # a resumed job reports where it resumes: the ETA counts from there
                    job.start_fraction, job.started, first[0] = fraction, self._clock(), False
                job.fraction, job.message = fraction, message
            self._notify(job)

        try:
            job.change = self._runner(job, progress, job._cancel.is_set)
        except Cancelled:
            self._finish(job, JobState.CANCELLED, "Cancelled; it will resume from where it stopped")
        except WorkbenchError as exc:
            self._finish(job, JobState.FAILED, str(exc), error=str(exc))
        except Exception as exc:  # the queue must survive any job: report it on the job
            self._finish(
                job,
                JobState.FAILED,
                f"Unexpected error: {type(exc).__name__}: {exc}",
                error=f"{type(exc).__name__}: {exc}",
            )
        else:
            job.fraction = 1.0
            job.gaps = len(job.change.rows.get("speech_gaps", ()))
            self._finish(job, JobState.DONE, done_message(job.change, job.gaps))
        return job

    def run_all(self) -> list[QueueJob]:
        ran = []
        while (job := self.run_next()) is not None:
            ran.append(job)
        return ran

    def _finish(self, job: QueueJob, state: JobState, message: str, error: str | None = None) -> None:
        with self._lock:
            job.state, job.message, job.error, job.finished = state, message, error, self._clock()
        self._notify(job)

    def _notify(self, job: QueueJob) -> None:
        for listener in list(self._listeners):
            listener(job)
