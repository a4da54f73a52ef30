"""SHA-256 of media files (streamed, cancellable) and finding a moved file again by its hash."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import CancelFn, ProgressFn, TaskState

CHUNK = 1024 * 1024


def sha256_file(
    path, progress: ProgressFn | None = None, cancelled: CancelFn | None = None, chunk: int = CHUNK
) -> str:
    """Hex SHA-256 of the file at ``path``, read ``chunk`` bytes at a time.

    Reports ``(fraction, message)`` after each chunk and raises ``Cancelled`` when asked to stop.
    Unreadable paths raise WorkbenchError naming the file.
    """
    path = Path(path)
    state = TaskState(progress, cancelled)
    if chunk <= 0:
        raise ValueError("chunk must be positive")
    try:
        total = path.stat().st_size
        digest = hashlib.sha256()
        done = 0
        state.report(0.0, f"Hashing {path.name}")
        with path.open("rb") as handle:
            while True:
                state.check()
                block = handle.read(chunk)
                if not block:
                    break
                digest.update(block)
                done += len(block)
                state.report(done / total if total else 1.0, f"Hashing {path.name}")
    except FileNotFoundError as exc:
        raise WorkbenchError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise WorkbenchError(f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise WorkbenchError(f"{path} cannot be read ({exc.strerror or exc})") from exc
    state.report(1.0, f"Hashed {path.name}")
    return digest.hexdigest()


def find_by_hash(
    folder,
    sha256: str,
    size: int | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> Path | None:
    """First file under ``folder`` (recursively, sorted, symlinked folders not followed) with this hash.

    With ``size`` given only files of that size are hashed, which makes the scan cheap; files that
    cannot be read are skipped. Returns None when nothing matches.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise WorkbenchError(f"{folder} is not a folder")
    wanted = sha256.strip().lower()
    state = TaskState(progress, cancelled)
    candidates = []
    for root, dirs, files in os.walk(folder, onerror=None):
        state.check()
        dirs.sort()
        for name in sorted(files):
            candidate = Path(root) / name
            try:
                if not candidate.is_file():
                    continue
                if size is not None and candidate.stat().st_size != size:
                    continue
            except OSError:
                continue
            candidates.append(candidate)
    for i, candidate in enumerate(candidates):
        state.report(i / len(candidates), f"Checking {candidate.name}")
        try:
            if sha256_file(candidate, cancelled=state.cancelled) == wanted:
                state.report(1.0, f"Found {candidate.name}")
                return candidate
        except WorkbenchError:
            continue
    state.report(1.0, "No match")
    return None
