"""Schema migrations with Alembic: bring any project database to the head revision, after a backup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect

from workbench.model.errors import WorkbenchError
from workbench.store.engine import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None  # the workbench ships its migrations
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def needs_upgrade(db: Database) -> bool:
    return current_revision(db) != head_revision()


def upgrade(db: Database, backup: Callable[[str], object] | None = None) -> str | None:
    """Migrate ``db`` to head. For a database that already holds a project, ``backup(revision)`` runs first.

    Returns the revision the database had before (None for a new one). A database from a newer
    workbench, or one that is not a workbench project, is refused without change.
    """
    before = current_revision(db)
    head = head_revision()
    if before == head:
        return before
    if before is None:
        foreign = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        if foreign:
            raise WorkbenchError("This database is not a workbench project (it has other tables).")
    else:
        if not _known(before):
            raise WorkbenchError(
                f"This project was written by a newer workbench (schema {before}); update the workbench."
            )
        if backup is not None:
            backup(before)
    with db.engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    return before


def upgrade_to(db: Database, revision: str) -> None:
    """Migrate ``db`` (a new database) to ``revision``: the schema that revision creates."""
    with db.engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def is_known(revision: str) -> bool:
    """Whether ``revision`` is one of this workbench's schema revisions."""
    return _known(revision)


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def downgrade(db: Database, revision: str) -> None:
    """Step back to ``revision`` (used by tests of the migration path)."""
    with db.engine.begin() as connection:
        command.downgrade(_config(connection), revision)
