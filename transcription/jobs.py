"""Resumable transcription jobs backed by a JSON-lines checkpoint file.

Line 1 is a header (source sha256 and options); a ``plan`` line records how the channels are
used (decided once, so a resumed job keeps it); each finished segment follows as one line,
flushed and fsynced before it is handed on; a ``decoded`` line ends the decoding pass; then the
coverage check's ``fill`` segments and ``gap`` markers and a ``checked`` line with its count; a
last ``{"kind": "complete"}`` line marks a finished job. A job that was cancelled or killed during
decoding resumes from the end of its last finished segment (times stay file times); one stopped
during the coverage check runs the check again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .api import Cancelled, Progress, read_with_engine, speaker_turns, transcribe_recording
from .channels import ChannelPlan
from .coverage import check_coverage
from .errors import TranscriptionError
from .result import DECODING_SHARE, Transcript, scaled
from .types import Gap, Options, Segment

FORMAT = 2


def source_sha256(source: str | os.PathLike[str]) -> str:
    """sha256 of the file's bytes, as hex."""
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise TranscriptionError(f"Cannot read {os.fspath(source)}: {exc.strerror or exc}") from exc
    return digest.hexdigest()


@dataclass
class Checkpoint:
    """What a checkpoint file holds; ``valid_bytes`` ends the last complete line."""

    header: dict[str, Any]
    segments: list[Segment] = field(default_factory=list)  # of the decoding pass, in order
    complete: bool = False
    valid_bytes: int = 0
    plan: ChannelPlan | None = None
    decoded_bytes: int | None = None  # where the decoding pass ended (None: not yet)
    fills: list[Segment] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    gaps_found: int = 0

    @property
    def resume_ms(self) -> int:
        return self.segments[-1].end_ms if self.segments else 0

    @property
    def transcript(self) -> Transcript:
        """The whole transcript as far as it goes: decoded and filled segments in time order, the gaps."""
        segments = sorted(self.segments + self.fills, key=lambda s: s.start_ms)
        return Transcript(segments, list(self.gaps), self.plan, self.gaps_found)


def read_checkpoint(path: str | os.PathLike[str]) -> Checkpoint | None:
    """Parse a checkpoint; None when the file is missing or empty. A torn last line is ignored."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    data = path.read_bytes()
    checkpoint: Checkpoint | None = None
    position = 0
    for raw in data.splitlines(keepends=True):
        if not raw.endswith(b"\n"):
            break  # torn write at the end
        try:
            record = json.loads(raw)
        except ValueError:
            break
        if checkpoint is None:
            if record.get("kind") != "header":
                raise TranscriptionError(f"{path.name} is not a transcription checkpoint")
            checkpoint = Checkpoint(header=record)
        else:
            _read_record(checkpoint, record, position + len(raw))
        position += len(raw)
        checkpoint.valid_bytes = position
    if checkpoint is None:
        raise TranscriptionError(f"{path.name} is not a readable transcription checkpoint")
    return checkpoint


def _read_record(checkpoint: Checkpoint, record: dict[str, Any], line_end: int) -> None:
    kind = record.get("kind")
    if kind == "segment":
        checkpoint.segments.append(Segment.from_dict(record["segment"]))
    elif kind == "plan":
        checkpoint.plan = ChannelPlan.from_dict(record["plan"])
    elif kind == "decoded":
        checkpoint.decoded_bytes = line_end  # what follows the line may be redone
    elif kind == "fill":
        checkpoint.fills.append(Segment.from_dict(record["segment"]))
    elif kind == "gap":
        checkpoint.gaps.append(Gap.from_dict(record["gap"]))
    elif kind == "checked":
        checkpoint.gaps_found = int(record.get("found", 0))
    elif kind == "complete":
        checkpoint.complete = True


def _write_line(handle, record: dict[str, Any]) -> None:
    handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    handle.flush()
    os.fsync(handle.fileno())


def run_job(
    source: str | os.PathLike[str],
    options: Options = Options(),
    checkpoint_path: str | os.PathLike[str] = "transcript.jsonl",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    replay: bool = True,
) -> Iterator[Segment]:
    """Transcribe ``source`` with a checkpoint at ``checkpoint_path``, resuming if it exists.

    Yields the decoded segments in order: first those already in the checkpoint (unless
    ``replay=False``), then the new ones as they are finished and stored; then the segments the
    coverage check added. The finished transcript (time order, gaps, channel plan) is
    ``read_checkpoint(checkpoint_path).transcript``. A checkpoint made for another file or other
    options raises :class:`TranscriptionError`.
    """
    path = Path(checkpoint_path)
    checkpoint = _open_checkpoint(path, source, options)
    if replay:
        yield from checkpoint.segments
    if checkpoint.complete:
        yield from checkpoint.fills if replay else ()
        if progress is not None:
            progress(1.0, "Transcription finished")
        return
    resuming = bool(checkpoint.segments) or checkpoint.decoded_bytes is not None
    # a resumed job's first report is where it resumes (the queue's ETA counts from there)
    recording, engine = read_with_engine(source, options, None if resuming else progress, checkpoint.plan)
    turns = speaker_turns(recording, options, None if resuming else progress)
    with open(path, "r+b") as handle:
        handle.truncate(checkpoint.decoded_bytes or checkpoint.valid_bytes)
        handle.seek(0, os.SEEK_END)
        if checkpoint.plan is None:
            _write_line(handle, {"kind": "plan", "plan": recording.plan.to_dict()})
        segments = list(checkpoint.segments)
        if checkpoint.decoded_bytes is None:
            stream = _decode(handle, checkpoint, recording, options, engine, turns, progress, cancelled)
            if not (yield from _tee(stream, segments)):
                return  # cancelled: the checkpoint keeps what is done
        coverage = check_coverage(
            recording, segments, engine, options, turns=turns, progress=scaled(progress, DECODING_SHARE, 1.0)
        )
        for fill in coverage.fills:
            _write_line(handle, {"kind": "fill", "segment": fill.to_dict()})
            yield fill
        for gap in coverage.gaps:
            _write_line(handle, {"kind": "gap", "gap": gap.to_dict()})
        _write_line(handle, {"kind": "checked", "found": coverage.found})
        _write_line(handle, {"kind": "complete"})
    if progress is not None:
        summary = Transcript([], coverage.gaps, recording.plan).summary
        progress(1.0, ("Transcription finished; " + summary).rstrip("; "))


def _open_checkpoint(path: Path, source: str | os.PathLike[str], options: Options) -> Checkpoint:
    """The checkpoint at ``path`` (checked against ``source`` and ``options``), made if missing."""
    header = {
        "kind": "header",
        "format": FORMAT,
        "source": os.fspath(source),
        "source_sha256": source_sha256(source),
        "options": options.to_dict(),
    }
    checkpoint = read_checkpoint(path)
    found = checkpoint.header.get("format") if checkpoint is not None else None
    if isinstance(found, int) and found < FORMAT:
        checkpoint = None  # an older workbench's job: its segments were decoded differently, start again
    if checkpoint is not None:
        _check_header(checkpoint.header, header, path)
        return checkpoint
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        _write_line(handle, header)
    checkpoint = read_checkpoint(path)
    assert checkpoint is not None
    return checkpoint


def _decode(
    handle, checkpoint: Checkpoint, recording, options: Options, engine, turns, progress, cancelled
) -> Generator[Segment, None, bool]:
    """The decoding pass from where the checkpoint stops, each segment stored before it is yielded,
    and a ``decoded`` line when it ran to the end; returns False when cancelled."""
    resume_ms, cutoffs = _resume_points(checkpoint.segments, recording.plan.split)
    stream = transcribe_recording(
        recording,
        options,
        engine=engine,
        start_ms=resume_ms,
        progress=scaled(progress, 0.0, DECODING_SHARE),
        cancelled=cancelled,
        turns=turns,
    )
    while True:
        try:
            segment = next(stream)
        except StopIteration as stop:
            finished = bool(stop.value)
            break
        cutoff = cutoffs.get(segment.speaker, resume_ms)
        if segment.end_ms <= cutoff:
            continue  # already stored before the cut
        if segment.start_ms < cutoff:
            segment = _trim_start(segment, cutoff)
        _write_line(handle, {"kind": "segment", "segment": segment.to_dict()})
        yield segment
    if finished:
        _write_line(handle, {"kind": "decoded"})
    return finished


def _tee(stream: Generator[Segment, None, bool], into: list[Segment]) -> Generator[Segment, None, bool]:
    """Yield the segments of ``stream``, adding each to ``into``; return the stream's own return value."""
    while True:
        try:
            segment = next(stream)
        except StopIteration as stop:
            return bool(stop.value)
        into.append(segment)
        yield segment


def _resume_points(stored: list[Segment], split: bool) -> tuple[int, dict[str | None, int]]:
    """Where to start decoding again, and per speaker the time before which all is stored.

    Mono: the end of the last stored segment. By channel, segments of different speakers
    overlap and are stored in start order, so every channel's speech that starts before the
    last stored start is stored; each channel resumes at the later of that start and the end
    of its own last stored segment.
    """
    if not stored:
        return 0, {}
    if not split:
        return stored[-1].end_ms, {}
    last_start = stored[-1].start_ms
    cutoffs: dict[str | None, int] = {}
    for segment in stored:
        cutoffs[segment.speaker] = max(cutoffs.get(segment.speaker, last_start), segment.end_ms)
    return last_start, cutoffs


def _check_header(found: dict[str, Any], wanted: dict[str, Any], path: Path) -> None:
    if found.get("format") != FORMAT:
        raise TranscriptionError(f"{path.name} was written by another version; delete it to start again")
    if found.get("source_sha256") != wanted["source_sha256"]:
        raise TranscriptionError(f"{path.name} belongs to a different recording; delete it to start again")
    if Options.from_dict(found.get("options") or {}) != Options.from_dict(wanted["options"]):
        raise TranscriptionError(
            f"{path.name} was made with other transcription options; delete it to start again"
        )


def _trim_start(segment: Segment, start_ms: int) -> Segment:
    """Cut the part of ``segment`` before ``start_ms`` (words already stored before the cut)."""
    kept = tuple(replace(w, start_ms=max(w.start_ms, start_ms)) for w in segment.words if w.end_ms > start_ms)
    text = " ".join(w.text for w in kept) if len(kept) != len(segment.words) else segment.text
    return replace(segment, start_ms=start_ms, words=kept, text=text)
