"""A project: a folder ``<name>/`` with ``project.sqlite``, ``media/``, ``exports/``, ``backups/``,
or a PostgreSQL database by URL with a media folder configured on this machine."""

from __future__ import annotations

import getpass
import logging
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.model.records import CoderRecord, MediaRecord
from workbench.services import media_roots, recent
from workbench.services.backups import PROJECT_FILE, migrate_database, start_auto_backup
from workbench.services.erasure import ErasureReport, finish_erasure
from workbench.store import migrate, people, team
from workbench.store.engine import Database, check_connection, is_sqlite, sqlite_url

log = logging.getLogger(__name__)
SUBFOLDERS = ("media", "exports", "backups")


@dataclass
class Project:
    db: Database
    media_root: Path
    name: str
    coder: CoderRecord
    folder: Path | None = None
    migrated_from: str | None = field(default=None)
    # an erasure that had been killed midway, finished on open
    finished_erasure: ErasureReport | None = field(default=None, repr=False)
    _backup: threading.Thread | None = field(default=None, repr=False)

    # --- opening --------------------------------------------------------------------------------

    @classmethod
    def create(cls, folder: Path, name: str | None = None) -> Project:
        """Make a new project folder (refusing one that already holds a project)."""
        folder = Path(folder)
        if (folder / PROJECT_FILE).exists():
            raise WorkbenchError(f"{folder} already holds a project; open it instead.")
        if folder.exists() and not folder.is_dir():
            raise WorkbenchError(f"{folder} is a file, not a folder.")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for sub in SUBFOLDERS:
                (folder / sub).mkdir(exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"Cannot create project folder {folder}: {exc.strerror}") from exc
        db = Database(sqlite_url(folder / PROJECT_FILE))
        migrate.upgrade(db)
        people.set_setting(db, "name", name or folder.name)
        return cls._finish(db, folder.resolve(), folder.resolve())

    @classmethod
    def open(cls, folder: Path, auto_backup: bool = True) -> Project:
        """Open a project folder; an older schema is backed up to ``backups/`` and migrated.
        With ``auto_backup``, a routine backup runs in the background (``workbench.services.backups``)."""
        folder = Path(folder)
        if not (folder / PROJECT_FILE).is_file():
            raise WorkbenchError(f"{folder} is not a workbench project (no {PROJECT_FILE}).")
        for sub in SUBFOLDERS:
            (folder / sub).mkdir(exist_ok=True)
        db = Database(sqlite_url(folder / PROJECT_FILE))
        check_connection(db.engine)
        migrated = migrate_database(db, folder)
        project = cls._finish(db, folder.resolve(), folder.resolve())
        project.migrated_from = migrated
        project.finished_erasure = _finish_erasure(project)  # before a routine backup copies the database
        if auto_backup:
            project._backup = start_auto_backup(folder)
        return project

    @classmethod
    def connect(cls, url: str, media_root: Path | None = None) -> Project:
        """Open a team project on a database server as the person whose login the URL names.

        The coder is the database login (``current_user``); a login that is not a person in the
        project is refused (the administrator, on an empty database, becomes its first lead).
        ``media_root`` is remembered on this machine for this database (``workbench.services.media_roots``)."""
        if is_sqlite(url):
            path = url.split("///", 1)[-1]
            return cls.open(Path(path).parent)
        db = Database(url)
        check_connection(db.engine)
        try:
            coder = team.open_server_project(db)
        except BaseException:
            db.dispose()
            raise
        if media_root is not None:
            media_roots.remember(url, media_root)
        root = Path(
            media_root or media_roots.remembered(url) or people.get_setting(db, "media_root") or Path.cwd()
        )
        return cls._finish(db, root.resolve(), None, coder)

    @classmethod
    def _finish(
        cls, db: Database, media_root: Path, folder: Path | None, coder: CoderRecord | None = None
    ) -> Project:
        name = people.get_setting(db, "name") or (folder.name if folder else db.engine.url.database or "")
        coder = coder or _current_coder(db)
        if folder is not None:
            recent.remember(folder)
        return cls(db=db, media_root=media_root, name=name, coder=coder, folder=folder)

    def work_as(self, person: str) -> Project:
        """This open local project with ``person`` working in it: a lead hands the window over to a
        coder or rater on this computer (audited; to be the lead again, open the project again). On a
        team server each person connects with their own login instead."""
        if self.folder is None:
            raise WorkbenchError("A team project opens as your own login: connect as that person instead.")
        coder = people.hand_over(self.db, self.coder.id, person)
        return replace(self, coder=coder, migrated_from=None, finished_erasure=None)

    def wait_for_backup(self) -> None:
        """Wait until the routine backup started on open (if any) has finished."""
        if self._backup is not None:
            self._backup.join()
            self._backup = None

    def close(self) -> None:
        self.wait_for_backup()  # the routine backup finishes before the process may exit
        self.db.dispose()

    # --- media ----------------------------------------------------------------------------------

    def media_path(self, media: MediaRecord) -> Path:
        """Where a media item is on this machine (its stored path is relative to the media root)."""
        return (self.media_root / media.path).resolve()

    def relative_media_path(self, path: Path) -> str:
        """The path stored for a file: relative to the media root (posix), even when outside it."""
        return Path(os.path.relpath(Path(path).resolve(), self.media_root)).as_posix()

    @property
    def exports_folder(self) -> Path:
        return (self.folder or self.media_root) / "exports"


def _current_coder(db: Database) -> CoderRecord:
    """The coder for this login; the first person in a project becomes its lead."""
    login = getpass.getuser()
    for coder in people.list_coders(db):
        if coder.login == login:
            return coder
    role = "lead" if not people.list_coders(db) else "coder"
    name = login
    existing = {c.name for c in people.list_coders(db)}
    suffix = 2
    while name in existing:
        name, suffix = f"{login} ({suffix})", suffix + 1
    people.add_coder(db, name, role, login=login)
    added = people.coder_by_name(db, name)
    assert added is not None  # added just now
    return added


def _finish_erasure(project: Project) -> ErasureReport | None:
    """Finish an erasure that was killed midway (``workbench.services.erasure``); one that cannot
    be finished now (e.g. its rows are left and this is not a lead) waits, logged, for a lead."""
    try:
        return finish_erasure(project)
    except (WorkbenchError, OSError) as exc:
        log.warning("an interrupted erasure in %s is not finished yet: %s", project.folder, exc)
        return None
