"""The Qt-free transcription queue with a fake runner: states, ETA, cancel, retry."""

from __future__ import annotations

import pytest

import transcription
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.tasks import TaskState
from workbench.services.transcription_queue import JobState, TranscriptionQueue


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_jobs_run_in_order_with_progress_and_eta():
    clock, seen = Clock(), []
    etas = []

    def runner(job, progress, cancelled):
        for step in range(1, 5):
            clock.now += 10
            progress(step / 4, f"step {step}")
            etas.append(queue.eta_seconds(job.id))
        return Change(f"Added transcript {job.label}", created={"transcripts": (job.media_id * 10,)})

    queue = TranscriptionQueue(runner, listener=lambda job: seen.append((job.id, job.state)), clock=clock)
    a = queue.add(1, "a.wav")
    b = queue.add(2, "b.wav")
    assert [j.state for j in queue.jobs] == [JobState.QUEUED, JobState.QUEUED]
    queue.run_all()
    assert (a.state, b.state) == (JobState.DONE, JobState.DONE)
    assert a.transcript_id == 10 and b.fraction == 1.0
    # the first report starts the clock: 10 s for a quarter leaves 20 s for the other half; 20 s for two
    # quarters leaves 10 s for the last
    assert etas[:4] == [None, pytest.approx(20.0), pytest.approx(10.0), 0.0]
    assert (1, JobState.RUNNING) in seen and (2, JobState.DONE) in seen


def test_resumed_job_eta_counts_from_where_it_resumed():
    clock = Clock()
    queue = TranscriptionQueue(lambda *a: None, clock=clock)
    job = queue.add(1, "a.wav")
    job.state, job.started, job.start_fraction, job.fraction = JobState.RUNNING, 100.0, 0.5, 0.75
    clock.now = 130.0
    assert queue.eta_seconds(job.id) == pytest.approx(30.0)  # 30 s for a quarter, a quarter left


def test_cancel_running_job_then_retry_resumes():
    attempts = []

    def runner(job, progress, cancelled):
        attempts.append(job.id)
        state = TaskState(progress, cancelled)
        if len(attempts) == 1:
            queue.cancel(job.id)  # as the UI would, from another thread
            state.check()
        return Change("done", created={"transcripts": (7,)})

    queue = TranscriptionQueue(runner)
    job = queue.add(3, "c.wav")
    queue.run_next()
    assert job.state is JobState.CANCELLED and "resume" in job.message
    queue.retry(job.id)
    assert job.state is JobState.QUEUED
    queue.run_next()
    assert job.state is JobState.DONE and attempts == [1, 1]


def test_failures_are_kept_on_the_job_and_the_queue_goes_on():
    def runner(job, progress, cancelled):
        if job.media_id == 1:
            raise WorkbenchError("bad.wav: Not a readable audio or video file")
        if job.media_id == 2:
            raise RuntimeError("boom")
        return Change("ok")

    queue = TranscriptionQueue(runner)
    jobs = [queue.add(i, f"{i}.wav") for i in (1, 2, 3)]
    queue.run_all()
    assert [j.state for j in jobs] == [JobState.FAILED, JobState.FAILED, JobState.DONE]
    assert jobs[0].error == "bad.wav: Not a readable audio or video file"
    assert "RuntimeError" in jobs[1].error
    with pytest.raises(WorkbenchError, match="only failed or cancelled"):
        queue.retry(jobs[2].id)


def test_queued_job_cancelled_at_once_and_duplicates_refused():
    queue = TranscriptionQueue(lambda *a: Change("ok"))
    job = queue.add(1, "a.wav", transcription.Options(model="base"))
    with pytest.raises(WorkbenchError, match="already in the queue"):
        queue.add(1, "a.wav", transcription.Options(model="base"))
    queue.add(1, "a.wav", transcription.Options(model="tiny.en"))  # other settings: fine
    queue.cancel(job.id)
    assert job.state is JobState.CANCELLED
    assert queue.run_next().options.model == "tiny.en"
    queue.remove(job.id)
    assert len(queue.jobs) == 1


def test_a_finished_job_says_how_many_passages_need_a_listen():
    from workbench.model.records import NewSpeechGap

    gaps = (NewSpeechGap(26_000, 40_000, "Speaker 2"), NewSpeechGap(50_000, 52_000, "Speaker 2"))

    def runner(job, progress, cancelled):
        rows = {"speech_gaps": gaps[: job.media_id]}
        return Change(
            "Added transcript a (tiny.en): per channel (from the audio); 2 passages need a listen",
            created={"transcripts": (job.media_id,)},
            rows=rows,
        )

    queue = TranscriptionQueue(runner)
    none, one, two = (queue.add(n, f"{n}.wav") for n in (0, 1, 2))
    queue.run_all()
    assert (none.gaps, one.gaps, two.gaps) == (0, 1, 2)
    assert none.message.startswith("Added transcript a (tiny.en)")
    assert one.message == "per channel (from the audio); 1 passage needs a listen"
    assert two.message == "per channel (from the audio); 2 passages need a listen"
