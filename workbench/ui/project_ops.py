"""What the window asks of the core, as plain functions: loaders, the import task, wording."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings

from workbench.coding.codebook import Codebook
from workbench.coding.scheme import Scheme
from workbench.model import user_dirs
from workbench.model.records import Change, ParticipantRecord
from workbench.model.resources import is_frozen
from workbench.model.roles import Action
from workbench.model.tasks import CancelFn, ProgressFn
from workbench.services import media_import
from workbench.services.demo import create_demo
from workbench.services.project import Project
from workbench.store import codebooks, observations, participants, people, schemes
from workbench.store.engine import Database
from workbench.store.observations import ObservationRecord
from workbench.ui.import_dialog import ImportRequest

APP_TITLE = "workbench"


def window_title(project: Project | None) -> str:
    if project is None:
        return APP_TITLE
    coder = project.coder
    return f"{project.name} — {coder.name} ({coder.role}) — {APP_TITLE}"


def migration_note(project: Project) -> str:
    where = (project.folder / "backups") if project.folder else "the backups folder"
    return (
        f"{project.name} was made by an older version of the workbench (schema {project.migrated_from}) "
        f"and has been updated. A copy of the project as it was is in {where}."
    )


def default_location(settings: QSettings) -> Path:
    """Where a new project goes: the last place used, else ./projects of a checkout, else the
    user's projects folder (``workbench.model.user_dirs``)."""
    remembered = settings.value("project_location")
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    projects = Path.cwd() / "projects"
    return projects if projects.is_dir() and not is_frozen() else user_dirs.default_projects_dir()


def demo_task(folder: Path, progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Path:
    """Create the demo project in ``folder`` (a task for the runner's pool: a new database, not the
    window's); the window opens it when done."""
    create_demo(folder, progress, cancelled).close()
    return folder


def participants_loader(project: Project) -> Callable[[], list[ParticipantRecord]]:
    """Reads the participants tree; masked attributes (e.g. trial arm) only for the lead."""
    db, lead = project.db, project.coder.can(Action.SEE_MASKED_ATTRIBUTES)
    return lambda: participants.list_participants(db, include_masked=lead)


def observations_loader(project: Project) -> Callable[[], dict[int, list[ObservationRecord]]]:
    """Reads the observations for the participants tree, grouped by media id: every one for a lead,
    a coder's own for a coder (as the team server shows them)."""
    whose = None if project.coder.can(Action.SEE_ALL_CODINGS) else project.coder.id

    def load() -> dict[int, list[ObservationRecord]]:
        grouped: dict[int, list[ObservationRecord]] = {}
        for record in observations.list_observations(project.db, whose):
            grouped.setdefault(record.media_id, []).append(record)
        return grouped

    return load


def codebooks_loader(db: Database) -> Callable[[], list[Codebook]]:
    return lambda: [codebooks.load_codebook(db, name) for name in codebooks.codebook_names(db)]


def schemes_loader(db: Database) -> Callable[[], list[Scheme]]:
    return lambda: [schemes.load_scheme(db, name) for name in schemes.scheme_names(db)]


def import_choices(db: Database) -> tuple[list[str], list[str]]:
    """Existing pseudonyms and timepoint names for the import dialog's combos."""
    pseudonyms = [p.pseudonym for p in participants.list_participants(db, include_masked=False)]
    return pseudonyms, [t.name for t in people.list_timepoints(db)]


def import_task(
    project: Project,
    request: ImportRequest,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    database=None,
) -> Change:
    """The import as a task function for the runner (files on a pool thread, the database step
    through ``database``: the window's database worker)."""
    return media_import.import_media(
        project,
        list(request.files),
        request.pseudonym,
        timepoint=request.timepoint,
        task=request.task,
        link=request.link,
        progress=progress,
        cancelled=cancelled,
        database=database,
    )
