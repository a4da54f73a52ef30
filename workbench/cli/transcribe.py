"""``workbench transcribe FILE...``: transcribe recordings to files, or into a project.

Several files run in parallel in worker processes when the machine has the cores for it. Each
worker decodes one file with CTranslate2, whose speed on one stream grows only slowly past a few
threads while every worker holds its own model and the decoded audio (a 90-minute file is
~350 MB of 16 kHz samples): so each job gets :data:`THREADS_PER_JOB` cores, and the worker count
is ``cores // THREADS_PER_JOB`` (at least 1, at most the number of files; ``--jobs`` overrides).
On Linux each worker is pinned to its own cores, which is also how the engine picks its thread
count; elsewhere files run one after another. On a 2-core laptop that means one file at a time
using both cores; on 8 cores, four files at once.

Every job is resumable: without ``--project`` its checkpoint sits beside the output
(``.<output name>.jsonl``, removed when done); with ``--project`` in the project's ``jobs/``.

A stereo (or multi-channel) file is transcribed per channel when its channels carry different
speakers and mixed otherwise, as measured on the audio; each file's line says which and why, and
``--channels split|mix`` overrides it. After transcribing, a coverage check listens for speech the
transcript has no words for; passages still empty after a second try are kept as "untranscribed
speech" markers (in the output file and the project), each listed on stderr, and the command exits
with status :data:`GAPS_EXIT` unless ``--allow-gaps``.
"""

from __future__ import annotations

import os
import queue
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

THREADS_PER_JOB = 2
GAPS_EXIT = 4  # finished, but some speech is left untranscribed (see --allow-gaps)


@dataclass(frozen=True)
class _Job:
    index: int
    source: Path
    checkpoint: Path
    out: Path | None
    media_id: int | None = None
    given: Path | None = None  # the file named on the command line (``source`` may be the project's copy)

    @property
    def label(self) -> str:
        return (self.given or self.source).name


def register(commands) -> None:
    parser = commands.add_parser("transcribe", help="transcribe recordings offline with Whisper")
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE")
    parser.add_argument(
        "--model", default="tiny.en", help="tiny.en (default), base, or a CTranslate2 model folder"
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--speakers", type=int, metavar="N", help="number of speakers on a one-microphone recording"
    )
    who.add_argument(
        "--channels",
        nargs="?",
        const="split",
        default="auto",
        choices=("auto", "split", "mix"),
        help="multi-channel files: auto (default: per channel when the channels carry different "
        "speakers, as measured), split (one microphone per speaker; --channels alone), mix",
    )
    parser.add_argument(
        "--language", metavar="CODE", help="e.g. en (default: detect; tiny.en is English only)"
    )
    add_speech_detection_arguments(parser)
    parser.add_argument(
        "--allow-gaps",
        action="store_true",
        help="exit 0 even when passages of speech are left untranscribed (they are still marked)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="output .txt, .srt, .vtt, .docx or .json (several inputs: one file each, "
        "named OUT-<input name>.<ext>)",
    )
    parser.add_argument("--project", type=Path, metavar="P", help="store the transcripts in this project")
    parser.add_argument("--participant", metavar="ID", help="with --project: whose recordings these are")
    parser.add_argument("--timepoint", metavar="T", help="with --project: timepoint for newly imported media")
    parser.add_argument(
        "--jobs", type=int, metavar="N", help="files transcribed at once (default: from the cores)"
    )
    parser.set_defaults(handler=_cmd_transcribe)


def add_speech_detection_arguments(parser) -> None:
    """The VAD settings; left out, each is the recommended value of ``transcription.Options`` (measured
    with bench/transcription.py; not read here, so building the parser stays quick)."""
    parser.add_argument(
        "--no-vad", action="store_true", help="give the model the whole recording, silences included"
    )
    parser.add_argument(
        "--vad-threshold",
        type=float,
        metavar="P",
        help="speech probability (0-1) where speech starts; lower hears quieter speech (default: recommended)",
    )
    parser.add_argument(
        "--vad-padding",
        type=int,
        metavar="MS",
        help="milliseconds kept around each stretch of speech (default: recommended)",
    )
    parser.add_argument(
        "--vad-min-silence",
        type=int,
        metavar="MS",
        help="only pauses at least this long are left out (default: recommended)",
    )


def options_from(args):
    """The transcription options the command line asks for (recommended values where it is silent)."""
    import transcription

    given = {
        "vad_threshold": args.vad_threshold,
        "vad_speech_pad_ms": args.vad_padding,
        "vad_min_silence_ms": args.vad_min_silence,
    }
    return transcription.Options(
        model=args.model,
        language=args.language,
        speakers=args.speakers,
        channels={"auto": None, "split": True, "mix": False}[args.channels],
        vad=not args.no_vad,
        **{name: value for name, value in given.items() if value is not None},
    )


def worker_count(files: int, cores: int | None = None, requested: int | None = None) -> int:
    """How many files to transcribe at once (see the module text)."""
    cores = cores or _cores()
    if requested is not None:
        return max(1, min(files, requested))
    if not hasattr(os, "sched_setaffinity"):
        return 1
    return max(1, min(files, cores // THREADS_PER_JOB))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def output_paths(files: list[Path], out: Path | None) -> list[Path]:
    """One output per input: ``out`` itself for one input, else ``<out stem>-<input stem><suffix>``."""
    if out is None:
        return (
            [Path.cwd() / f"{f.stem}.txt" for f in files]
            if len(files) > 1
            else [Path(f"{files[0].stem}.txt")]
        )
    if len(files) == 1:
        return [out]
    paths, seen = [], set()
    for f in files:
        candidate, n = out.with_name(f"{out.stem}-{f.stem}{out.suffix}"), 2
        while candidate in seen:
            candidate, n = out.with_name(f"{out.stem}-{f.stem}-{n}{out.suffix}"), n + 1
        seen.add(candidate)
        paths.append(candidate)
    return paths


def _cmd_transcribe(args) -> int:
    from workbench.exchange.transcripts import EXPORT_FORMATS, format_of
    from workbench.model.errors import WorkbenchError

    if args.participant and not args.project and not args.db:
        raise WorkbenchError("--participant needs --project (or --db).")
    if (args.project or args.db) and not args.participant:
        raise WorkbenchError("--project needs --participant ID: whose recordings these are.")
    for f in args.files:
        if not f.is_file():
            raise WorkbenchError(f"No such file: {f}")
    outs: list[Path | None] = [None] * len(args.files)
    if args.out or not (args.project or args.db):
        outs = list(output_paths(args.files, args.out))
    for out in outs:
        if out is not None:
            format_of(out, allowed=EXPORT_FORMATS)
            if not out.parent.is_dir():
                raise WorkbenchError(f"The folder for {out} does not exist.")
    options = options_from(args)
    _check_options(options)
    project = _open(args) if (args.project or args.db) else None
    try:
        jobs = _plan(project, args, outs, options)
        failures, gaps = _run(jobs, options, project, args)
    finally:
        if project is not None:
            project.close()
    if failures:
        return 1
    return GAPS_EXIT if gaps and not args.allow_gaps else 0


def _check_options(options) -> None:
    """Find the model and check the settings up front, so a mistake is one line before any work."""
    import transcription
    from workbench.model.errors import WorkbenchError

    try:
        transcription.resolve_model(options.model)
        transcription.check_options(options)
    except transcription.TranscriptionError as exc:
        raise WorkbenchError(str(exc)) from exc


def _open(args):
    from workbench.cli import open_project

    return open_project(args, args.project)


def _plan(project, args, outs: list[Path | None], options) -> list[_Job]:
    """Jobs with their checkpoints; with a project, each file imported for the participant if new."""
    if project is None:  # without a project every file has an output path (and nothing else is imported)
        return [
            _Job(i, s, o.with_name(f".{o.name}.jsonl"), o)
            for i, (s, o) in enumerate(zip(args.files, outs))
            if o
        ]
    from workbench.media.hashing import sha256_file
    from workbench.services.media_import import import_media
    from workbench.services.transcribing import job_path
    from workbench.store import participants

    jobs = []
    for i, (source, out) in enumerate(zip(args.files, outs)):
        digest = sha256_file(source)
        found = participants.find_participant(project.db, args.participant)
        media = next((m for m in (found.media if found else ()) if m.sha256 == digest), None)
        if media is None:
            change = import_media(
                project, [source], args.participant, timepoint=args.timepoint, task="interview"
            )
            media_id = change.created_id("media")
            owner = participants.find_participant(project.db, args.participant)
            assert owner is not None  # import_media has just made it if it was new
            media = next(m for m in owner.media if m.id == media_id)
            print(f"Imported {source.name} for {args.participant}")
        jobs.append(
            _Job(i, project.media_path(media), job_path(project, media, options), out, media.id, source)
        )
    return jobs


def _run(jobs: list[_Job], options, project, args) -> tuple[int, int]:
    """Transcribe every job (in parallel where cores allow); write/store each; (failures, gaps left)."""
    from workbench.cli.console import ProgressLine

    workers = worker_count(len(jobs), requested=args.jobs)
    bar = ProgressLine("transcribe")
    fractions = [0.0] * len(jobs)
    failures = gaps = 0

    def show(index: int, fraction: float, message: str) -> None:
        fractions[index] = fraction
        name = jobs[index].label if len(jobs) > 1 else ""
        bar(sum(fractions) / len(fractions), f"{name} {message}".strip())

    if workers == 1:
        from workbench.model.tasks import Cancelled
        from workbench.services.transcription_runs import transcribe_job

        for job in jobs:
            try:
                transcript = transcribe_job(job.source, options, job.checkpoint, partial(show, job.index))
                gaps += _finish(job, transcript, options, project, args)
            except Cancelled:
                raise
            except Exception as exc:
                failures += _report_failure(job, exc, single=len(jobs) == 1)
        return failures, gaps
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    core_sets = _core_sets(workers)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(messages, core_sets)
    ) as pool:
        futures = {pool.submit(_work, job, options): job for job in jobs}
        pending = set(futures)
        while pending:
            _drain(messages, show)
            done = {f for f in pending if f.done()}
            for future in done:
                pending.discard(future)
                job = futures[future]
                try:
                    gaps += _finish(job, future.result(), options, project, args)
                except Exception as exc:
                    failures += _report_failure(job, exc, single=False)
            if pending:
                try:
                    show(*messages.get(timeout=0.2))
                except queue.Empty:
                    pass
    return failures, gaps


def _drain(messages, show) -> None:
    while True:
        try:
            show(*messages.get_nowait())
        except queue.Empty:
            return


def _finish(job: _Job, transcript, options, project, args) -> int:
    """Store and/or write one finished transcript and say what happened; the gaps it has left."""
    from workbench.exchange.transcripts import export_transcript
    from workbench.services.transcription_runs import provenance_for, to_new_gaps, to_new_segments

    plan = transcript.plan
    if plan is not None and plan.channels > 1:
        other = "--channels mix" if plan.split else "--channels split"
        print(f"{job.label}: {plan.channels} channels: {plan.reason} (use {other} to change this)")
    if project is not None:
        from workbench.services.transcribing import save_transcript

        assert job.media_id is not None  # every job of a project run has its media
        change = save_transcript(project, job.media_id, transcript, options)
        print(change.description)
    if job.out is not None:
        provenance = provenance_for(options, transcript)
        export_transcript(
            job.out,
            to_new_segments(transcript.segments),
            title=job.label,
            provenance={
                "engine": provenance.engine,
                "model": provenance.model,
                "settings": provenance.settings,
                "source": job.label,
            },
            gaps=to_new_gaps(transcript.gaps),
        )
        if project is None:
            job.checkpoint.unlink(missing_ok=True)
        print(f"Wrote {job.out} ({len(transcript.segments)} segments)")
    _report_gaps(job, transcript.gaps, args.allow_gaps)
    return len(transcript.gaps)


def _report_gaps(job: _Job, gaps, allowed: bool) -> None:
    """One line on stderr per file with untranscribed speech: where, and what to do."""
    if not gaps:
        return
    where = ", ".join(
        f"{_clock(g.start_ms)}–{_clock(g.end_ms)}" + (f" ({g.speaker})" if g.speaker else "") for g in gaps
    )
    count = len(gaps)
    advice = "" if allowed else "; listen to them, or pass --allow-gaps to accept"
    print(
        f"workbench: {job.label}: {count} passage{'s' if count != 1 else ''} of speech left "
        f"untranscribed at {where}: marked in the transcript{advice}",
        file=sys.stderr,
    )


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _report_failure(job: _Job, exc: Exception, single: bool) -> int:
    from workbench.model.errors import WorkbenchError

    if single and isinstance(exc, WorkbenchError):
        raise exc
    text = str(exc) if isinstance(exc, WorkbenchError) else f"{type(exc).__name__}: {exc}"
    print(f"workbench: error: {job.label}: {text}", file=sys.stderr)
    return 1


def _core_sets(workers: int) -> list[list[int]]:
    cores = sorted(os.sched_getaffinity(0))
    per = max(1, len(cores) // workers)
    return [cores[i * per : (i + 1) * per] or cores for i in range(workers)]


_messages = None


def _init_worker(messages, core_sets) -> None:
    """Runs in each worker: take a free set of cores (the engine then uses that many threads)."""
    global _messages
    _messages = messages
    import multiprocessing

    identity = multiprocessing.current_process()._identity
    slot = (identity[0] - 1) % len(core_sets) if identity else 0
    try:
        os.sched_setaffinity(0, core_sets[slot])
    except (AttributeError, OSError):
        pass


def _work(job: _Job, options):
    """Runs in a worker: the job's transcript (progress goes back through the queue)."""
    from workbench.services.transcription_runs import transcribe_job

    def progress(fraction: float, message: str) -> None:
        assert _messages is not None  # set by _init_worker
        _messages.put((job.index, fraction, message))

    return transcribe_job(job.source, options, job.checkpoint, progress)
