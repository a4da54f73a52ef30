"""Online backups of a SQLite project database, with rotation, and checks of a backup file.

A backup is ``<folder>/project-<label>-<YYYYmmdd-HHMMSS-ffffff>.sqlite``, made with SQLite's online
backup API (consistent while the project is open elsewhere) into a part file and renamed, so a
killed backup never leaves a half file under a backup's name.

Retention (per label): the newest ``keep`` backups, plus the newest of each of the last ``daily``
calendar days that have one. The automatic backup made when a project opens uses label ``auto``
with ``keep=10, daily=7``; other labels (``manual``, ``before-restore``,
``before-migration-from-<rev>``) keep their newest 10.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_path

_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^project-(?P<label>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})\.sqlite$")
SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every workbench project has had since the first schema.
WORKBENCH_TABLES = frozenset(
    {"alembic_version", "settings", "coders", "participants", "media", "transcripts"}
)


def copy_database(source: Path, target: Path) -> None:
    """Consistent copy of the SQLite database ``source`` into the file ``target`` (via a part file)."""
    with atomic_path(target) as partial:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        except sqlite3.Error as exc:
            raise WorkbenchError(f"Cannot back up {source.name}: {exc}") from exc
        finally:
            src.close()
            dst.close()


def backup_sqlite(source: Path, folder: Path, label: str, keep: int = 10, daily: int = 0) -> Path:
    """Copy ``source`` consistently (it may be open elsewhere) into ``folder`` as
    ``project-<label>-<time>.sqlite``; then rotate that label's backups (see the module text)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"project-{label}-{datetime.now().strftime(_STAMP)}.sqlite"
    copy_database(source, target)
    prune(folder, label, keep, daily)
    return target


def backups(folder: Path, label: str | None = None) -> list[tuple[datetime, Path]]:
    """(time, path) of the backups in ``folder`` (of one label, if given), oldest first."""
    found = []
    for path in Path(folder).glob("project-*.sqlite"):
        match = _NAME.match(path.name)
        if match and (label is None or match["label"] == label):
            found.append((datetime.strptime(match["stamp"], _STAMP), path))
    return sorted(found)


def prune(
    folder: Path, label: str, keep: int = 10, daily: int = 0, now: datetime | None = None
) -> list[Path]:
    """Delete the backups of ``label`` outside the retention; returns those deleted."""
    found = backups(folder, label)
    kept = {path for _, path in found[-keep:]} if keep > 0 else set()
    if daily > 0:
        first_day = (now or datetime.now()).date() - timedelta(days=daily - 1)
        newest_of_day: dict = {}
        for when, path in found:
            if when.date() >= first_day:
                newest_of_day[when.date()] = path
        kept |= set(newest_of_day.values())
    deleted = [path for _, path in found if path not in kept]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def newest_age_s(folder: Path) -> float | None:
    """Seconds since the newest backup in ``folder`` was written (None when there is none)."""
    times = [p.stat().st_mtime for _, p in backups(folder)]
    return time.time() - max(times) if times else None


def remove_stale_parts(folder: Path, older_than_s: float = 3600) -> list[Path]:
    """Remove ``*.part`` files (from a backup or export killed midway) older than ``older_than_s``."""
    removed = []
    limit = time.time() - older_than_s
    for path in Path(folder).glob("*.part"):
        try:
            if path.is_file() and path.stat().st_mtime <= limit:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed


def check_backup_file(path: Path) -> str:
    """The schema revision of a workbench database file, after checking it: a SQLite file, with the
    workbench tables, passing ``PRAGMA integrity_check``. Anything else is a WorkbenchError."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path.name} is a folder, not a backup file.") from None
    except OSError as exc:
        raise WorkbenchError(f"Cannot read {path.name}: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise WorkbenchError(f"{path.name} is not a workbench backup (not a SQLite database).")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise WorkbenchError(f"Cannot open {path.name}: {exc}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not WORKBENCH_TABLES <= tables:
            raise WorkbenchError(f"{path.name} is a SQLite database but not a workbench project.")
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise WorkbenchError(f"{path.name} is damaged (integrity check: {result[0]}); not used.")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"{path.name} is damaged or not a database ({exc}); not used.") from None
    finally:
        conn.close()
    if revision is None:
        raise WorkbenchError(f"{path.name} has no schema revision; not a workbench project.")
    return revision[0]


def replace_database(source: Path, target: Path) -> None:
    """Overwrite the live database ``target`` with the contents of ``source``, in one transaction of
    the online backup API (a crash leaves the old contents), through SQLite's own locking."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=10)
    try:
        src.backup(dst)
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise WorkbenchError(f"Cannot restore into {target.name}: {exc} (the project is unchanged)") from exc
    finally:
        src.close()
        dst.close()
