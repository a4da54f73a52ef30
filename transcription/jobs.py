"""Resumable transcription jobs backed by a JSON-lines checkpoint file.

Line 1 is a header (source sha256 and options); each finished segment follows as one line,
flushed and fsynced before it is handed on; a last ``{"kind": "complete"}`` line marks a
finished job. A job that was cancelled or killed resumes from the end of its last finished
segment: only the rest of the audio is decoded (by seeking), and times stay file times.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .api import Cancelled, Progress, transcribe_from
from .errors import TranscriptionError
from .types import Options, Segment

FORMAT = 1


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
    segments: list[Segment] = field(default_factory=list)
    complete: bool = False
    valid_bytes: int = 0

    @property
    def resume_ms(self) -> int:
        return self.segments[-1].end_ms if self.segments else 0


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
        kind = record.get("kind")
        if checkpoint is None:
            if kind != "header":
                raise TranscriptionError(f"{path.name} is not a transcription checkpoint")
            checkpoint = Checkpoint(header=record)
        elif kind == "segment":
            checkpoint.segments.append(Segment.from_dict(record["segment"]))
        elif kind == "complete":
            checkpoint.complete = True
        position += len(raw)
        checkpoint.valid_bytes = position
    if checkpoint is None:
        raise TranscriptionError(f"{path.name} is not a readable transcription checkpoint")
    return checkpoint


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

    Yields every segment of the transcript in order: first those already in the checkpoint
    (unless ``replay=False``), then the new ones as they are finished and stored. A checkpoint
    made for another file or other options raises :class:`TranscriptionError`.
    """
    path = Path(checkpoint_path)
    header = {
        "kind": "header",
        "format": FORMAT,
        "source": os.fspath(source),
        "source_sha256": source_sha256(source),
        "options": options.to_dict(),
    }
    checkpoint = read_checkpoint(path)
    if checkpoint is not None:
        _check_header(checkpoint.header, header, path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            _write_line(handle, header)
        checkpoint = read_checkpoint(path)
        assert checkpoint is not None
    if replay:
        yield from checkpoint.segments
    if checkpoint.complete:
        if progress is not None:
            progress(1.0, "Transcription finished")
        return
    resume_ms, cutoffs = _resume_points(checkpoint.segments, options)
    with open(path, "r+b") as handle:
        handle.truncate(checkpoint.valid_bytes)
        handle.seek(checkpoint.valid_bytes)
        stream = transcribe_from(source, options, start_ms=resume_ms, progress=progress, cancelled=cancelled)
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
            _write_line(handle, {"kind": "complete"})


def _resume_points(stored: list[Segment], options: Options) -> tuple[int, dict[str | None, int]]:
    """Where to start decoding again, and per speaker the time before which all is stored.

    Mono: the end of the last stored segment. By channel, segments of different speakers
    overlap and are stored in start order, so every channel's speech that starts before the
    last stored start is stored; each channel resumes at the later of that start and the end
    of its own last stored segment.
    """
    if not stored:
        return 0, {}
    if not options.channels:
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
