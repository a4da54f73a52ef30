"""Files in and out, the one way: bounded reads and atomic writes.

- **Reading** (:func:`read_limited`): a file read whole into memory is refused with a one-line
  :class:`WorkbenchError` when it is missing, a folder, unreadable or larger than its format's
  limit (the ``MAX_*_BYTES`` below, :data:`MAX_READ_BYTES` by default).
- **Writing** (:func:`atomic_output`): into ``.<name>.<random>.part`` in the target folder (the
  suffix the stale-part cleanup in ``services.backups`` removes after a crash), flushed and fsynced,
  optionally checked, then renamed over the target and the folder fsynced. The new file gets the
  permissions an ordinary new file gets (the kernel applies the umask when the part file is created
  with mode 0o666, so no thread flips the process-wide umask); a file written over keeps its mode.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from workbench.model.errors import WorkbenchError

# The size policy, in one place: how much of a file may be read whole into memory.
MAX_READ_BYTES = 64 * 1024 * 1024  # the default: a 90-minute transcript with word timings is a few MB
MAX_XML_BYTES = 50 * 1024 * 1024  # a REFI-QDA codebook or project, an ELAN file (parsed into a tree)
MAX_BORIS_BYTES = 20 * 1024 * 1024  # a BORIS project (JSON, whole in memory as dicts)
MAX_SCHEME_BYTES = 1024 * 1024  # a coding scheme (YAML); hundreds of behaviours are a few KB
# How much one import may bring in besides bytes: beyond these a file is broken or hostile.
MAX_SEGMENTS = 100_000  # segments (cues, lines) of one transcript: a day of speech, one cue a second
MAX_SOURCES = 1_000  # texts (sources and transcripts) in one REFI-QDA project
MAX_TEXT_TOTAL_BYTES = 256 * 1024 * 1024  # all the texts of one REFI-QDA project, uncompressed
PART_SUFFIX = ".part"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _reason(exc: OSError) -> str:
    return " ".join(str(exc.strerror or exc).split())


def read_limited(path: str | os.PathLike[str], max_bytes: int = MAX_READ_BYTES, what: str = "file") -> bytes:
    """The bytes of a file, refusing one that is missing, a folder, unreadable or over ``max_bytes``
    (``what`` names the kind of file in the messages, e.g. "transcript file")."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WorkbenchError(f"{path.name} is a folder, not a {what}")
        if size > max_bytes:
            raise WorkbenchError(
                f"{path.name} is too large ({megabytes(size)}; the limit for a {what} is {megabytes(max_bytes)})"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path.name} is a folder, not a {what}") from None
    except OSError as exc:
        raise WorkbenchError(f"Cannot read {path.name}: {_reason(exc)}") from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise WorkbenchError(f"{path.name} is too large (the limit for a {what} is {megabytes(max_bytes)})")
    return data


def _create_part(path: Path) -> tuple[int, Path]:
    """A new, empty part file beside ``path``: mode 0o666 less the umask, as any new file."""
    for _ in range(100):
        part = path.with_name(f".{path.name}.{secrets.token_hex(4)}{PART_SUFFIX}")
        try:
            return os.open(
                part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            ), part
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path.name}")


def _sync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike[str], check: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield the path of a new, empty part file to fill (for writers that need a path, e.g. SQLite);
    ``path`` appears only if the block (and ``check``, given the finished part file) succeeds, never
    half-written. Failing to create, sync or rename raises :class:`WorkbenchError`; an exception
    from the block or ``check`` passes through unchanged."""
    path = Path(path)
    try:
        fd, part = _create_part(path)
        os.close(fd)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path}: {_reason(exc)}") from None
    try:
        yield part
        if check is not None:
            check(part)
        try:
            _fsync_file(part)
            if path.exists():
                os.chmod(part, path.stat().st_mode & 0o7777)  # written over: keep its permissions
            os.replace(part, path)
        except OSError as exc:
            raise WorkbenchError(f"Cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


@contextmanager
def atomic_output(
    path: str | os.PathLike[str], mode: str = "wb", check: Callable[[Path], None] | None = None
) -> Iterator[IO]:
    """Yield a file to write (opened with ``mode``); see :func:`atomic_path`."""
    with atomic_path(path, check) as part, open(part, mode) as handle:
        yield handle


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    with atomic_output(path) as handle:
        handle.write(text.encode(encoding))
