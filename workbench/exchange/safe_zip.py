"""Reading untrusted zip archives (`.qdpx` projects) in memory, within limits.

Nothing is ever extracted to disk. The archive is refused as a whole, with one clear line, when
any entry is unsafe: an absolute path, a drive letter, a backslash or a `..` component (zip
slip), a symbolic link, an encrypted entry, a duplicate name; or when there are too many
entries, the declared uncompressed total is too large, or an entry expands far more than text
and XML do (a zip bomb). Reads are capped at the declared size and checked against the CRC.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workbench.model.errors import WorkbenchError

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # declared uncompressed size of all entries together
MAX_RATIO = 200  # uncompressed / compressed for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = MAX_ENTRIES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: int = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR


def _unsafe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return True
    if len(name) > 1 and name[1] == ":":  # C:...
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


class SafeZip:
    """An open, checked archive; `read(name)` returns an entry's bytes (case-insensitive lookup)."""

    def __init__(self, path: Path, limits: ZipLimits = ZipLimits()):
        self.path = Path(path)
        self.label = self.path.name
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise WorkbenchError(f"{self.path} does not exist") from None
        except IsADirectoryError:
            raise WorkbenchError(f"{self.label} is a folder, not a file") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise WorkbenchError(f"{self.label} is not a zip archive (a .qdpx file is one)") from None
        except OSError as exc:
            raise WorkbenchError(f"Cannot read {self.label}: {exc.strerror or exc}") from None
        try:
            self._entries = self._check(limits)
        except BaseException:
            self._zip.close()
            raise

    def _check(self, limits: ZipLimits) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            raise WorkbenchError(
                f"{self.label} has {len(infos)} entries; more than {limits.max_entries} is refused"
            )
        entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if _unsafe_name(name):
                raise WorkbenchError(
                    f"{self.label} contains an unsafe path {name!r} (absolute or with '..'); refused"
                )
            if stat.S_ISLNK(info.external_attr >> 16):
                raise WorkbenchError(f"{self.label} contains a symbolic link {name!r}; refused")
            if info.flag_bits & 0x1:
                raise WorkbenchError(f"{self.label} contains an encrypted entry {name!r}; refused")
            key = name.lower()
            if key in entries:
                raise WorkbenchError(f"{self.label} contains {name!r} twice; refused")
            total += info.file_size
            if total > limits.max_total_bytes:
                raise WorkbenchError(
                    f"{self.label} would expand to more than {limits.max_total_bytes // 1024**2} MB; refused"
                )
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise WorkbenchError(
                    f"{self.label}: {name!r} expands {info.file_size // max(info.compress_size, 1)} times "
                    "(a zip bomb?); refused"
                )
            entries[key] = info
        return entries

    def names(self) -> list[str]:
        return [info.filename for info in self._entries.values()]

    def find(self, name: str) -> str | None:
        info = self._entries.get(name.lower())
        return info.filename if info else None

    def read(self, name: str) -> bytes:
        info = self._entries.get(name.lower())
        if info is None:
            raise WorkbenchError(f"{self.label} has no entry {name!r}")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise WorkbenchError(f"{self.label}: {info.filename!r} is damaged ({exc})") from None
        if len(data) != info.file_size:
            raise WorkbenchError(
                f"{self.label}: {info.filename!r} is not the size its header declares; refused"
            )
        return data

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
