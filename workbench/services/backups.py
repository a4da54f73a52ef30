"""Backups of SQLite projects: automatic on open, by command, and restoring one.

- **On open** (:func:`start_auto_backup`): a background thread copies the database into
  ``backups/`` with SQLite's online backup API, unless a backup newer than
  :data:`AUTO_MIN_AGE_MIN` minutes is there already; ``Project.close`` waits for it. Retention of
  these ``auto`` backups: the newest 10 plus the newest of each of the last 7 days
  (``workbench.store.backup``). Leftover ``*.part`` files older than an hour (a backup or export
  killed midway) are removed from ``backups/`` and ``exports/`` at the same time.
- **By command** (:func:`backup_project`): ``backups/project-manual-<time>.sqlite`` or a named file.
- **Restore** (:func:`restore_project`): the backup is checked first
  (``workbench.store.backup_check``: a workbench database of a known revision, ``integrity_check``
  and ``foreign_key_check`` ok, exactly the schema the migrations create for its revision, no
  extra trigger, view, table or index); only then is the current database copied to
  ``backups/project-before-restore-<time>.sqlite``; the backup's contents replace it in one
  transaction; opening migrates it when it is older.

PostgreSQL team projects are backed up with ``pg_dump`` (see the README, "Data protection").
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.store import backup as sqlite_backup
from workbench.store import migrate
from workbench.store.backup_check import verify_backup
from workbench.store.engine import Database, check_connection, sqlite_url

log = logging.getLogger(__name__)

PROJECT_FILE = "project.sqlite"
AUTO_LABEL = "auto"
AUTO_KEEP, AUTO_DAILY = 10, 7
AUTO_MIN_AGE_MIN = 30
STALE_PART_S = 3600


def auto_backup(folder: Path, min_age_min: float = AUTO_MIN_AGE_MIN) -> Path | None:
    """Back up ``folder``'s database unless a recent backup exists; returns the new file or None."""
    folder = Path(folder)
    for sub in ("backups", "exports"):
        if (folder / sub).is_dir():
            sqlite_backup.remove_stale_parts(folder / sub, STALE_PART_S)
    age = sqlite_backup.newest_age_s(folder / "backups")
    if age is not None and age < min_age_min * 60:
        return None
    return sqlite_backup.backup_sqlite(
        folder / PROJECT_FILE, folder / "backups", AUTO_LABEL, keep=AUTO_KEEP, daily=AUTO_DAILY
    )


def migrate_database(db: Database, folder: Path) -> str | None:
    """Bring a project's SQLite schema up to date, copying an older one into ``backups/`` first;
    returns the revision it had when it was older, else None."""
    folder = Path(folder)
    before = migrate.upgrade(
        db,
        backup=lambda rev: sqlite_backup.backup_sqlite(
            folder / PROJECT_FILE, folder / "backups", f"before-migration-from-{rev}"
        ),
    )
    return before if before != migrate.head_revision() else None


def start_auto_backup(folder: Path) -> threading.Thread:
    """Run :func:`auto_backup` off the caller's thread; a failure is logged, never raised."""

    def run() -> None:
        try:
            auto_backup(folder)
        except Exception:  # a failed routine backup must not stop anyone working
            log.warning("automatic backup of %s failed", folder, exc_info=True)

    thread = threading.Thread(target=run, name="workbench-backup", daemon=True)
    thread.start()
    return thread


def _sqlite_folder(project) -> Path:
    if project.folder is None or not project.db.is_sqlite:
        raise WorkbenchError(
            "Server projects are backed up with pg_dump on the server (see the README, 'Data protection')."
        )
    return project.folder


def backup_project(project, out: Path | None = None) -> Path:
    """A backup of an open SQLite project, into ``backups/`` or to ``out`` (a new file)."""
    folder = _sqlite_folder(project)
    if out is None:
        return sqlite_backup.backup_sqlite(folder / PROJECT_FILE, folder / "backups", "manual")
    out = Path(out)
    if out.exists():
        raise WorkbenchError(f"{out} exists already; choose a new file name.")
    if not out.parent.is_dir():
        raise WorkbenchError(f"The folder {out.parent} does not exist.")
    sqlite_backup.copy_database(folder / PROJECT_FILE, out)
    return out


def prune_all_backups(project, keep: Path | None = None) -> list[Path]:
    """Delete every backup in the project's ``backups/`` except ``keep``; returns those deleted."""
    folder = _sqlite_folder(project) / "backups"
    project.wait_for_backup()
    gone = [
        p for _, p in sqlite_backup.backups(folder) if keep is None or p.resolve() != Path(keep).resolve()
    ]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def restore_project(folder: Path, backup_file: Path) -> tuple[Path, str | None]:
    """Replace a project's database by a checked backup (see the module text).

    Returns (the safety copy of the database as it was, the backup's revision when it was migrated).
    """
    folder, backup_file = Path(folder), Path(backup_file)
    current = folder / PROJECT_FILE
    if not current.is_file():
        raise WorkbenchError(f"{folder} is not a workbench project (no {PROJECT_FILE}).")
    if backup_file.resolve() == current.resolve():
        raise WorkbenchError("That is the project's own database, not a backup.")
    verify_backup(backup_file)  # before anything of the project is touched
    safety = sqlite_backup.backup_sqlite(current, folder / "backups", "before-restore")
    sqlite_backup.replace_database(backup_file, current)
    db = Database(sqlite_url(current))
    try:
        check_connection(db.engine)
        migrated = migrate_database(db, folder)
    finally:
        db.dispose()
    return safety, migrated
