"""Alembic migrations: empty to head on both databases, schema in step with the models,
older projects backed up then migrated, foreign or newer databases refused."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from workbench.model.errors import WorkbenchError
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import migrate
from workbench.store.engine import Database
from workbench.store.schema import Base

SHIPPED = migrate.MIGRATIONS


def test_empty_to_head_matches_models(db_url):
    db = Database(db_url)
    assert migrate.current_revision(db) is None
    assert migrate.upgrade(db) is None
    assert migrate.current_revision(db) == migrate.head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    db.dispose()


def test_downgrade_to_base_and_up_again(db_url):
    db = Database(db_url)
    migrate.upgrade(db)
    migrate.downgrade(db, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()


@pytest.fixture
def newer_migrations(tmp_path, monkeypatch):
    """A copy of the migrations with one more revision, as a later workbench would ship."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder)
    head = migrate.head_revision()
    (folder / "versions" / "9999_test_step.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = '{head}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    op.create_table('later_feature', sa.Column('id', sa.Integer, primary_key=True))\n"
        "def downgrade():\n    op.drop_table('later_feature')\n"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    return head


def test_older_project_is_backed_up_then_migrated(tmp_path, newer_migrations, monkeypatch):
    folder = tmp_path / "study"
    newer = migrate.MIGRATIONS
    monkeypatch.setattr(migrate, "MIGRATIONS", SHIPPED)
    Project.create(folder).close()
    monkeypatch.setattr(migrate, "MIGRATIONS", newer)

    project = Project.open(folder)
    assert project.migrated_from == newer_migrations
    assert migrate.current_revision(project.db) == "9999"
    (backup,) = (folder / "backups").glob("project-before-migration-from-*.sqlite")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == newer_migrations
        assert conn.execute("SELECT value FROM settings WHERE key='name'").fetchone()[0] == "study"
    project.close()


def test_newer_project_is_refused_unchanged(tmp_path, newer_migrations, monkeypatch):
    folder = tmp_path / "from-the-future"
    Project.create(folder).close()  # written at revision 9999 by the 'newer' workbench
    monkeypatch.setattr(migrate, "MIGRATIONS", SHIPPED)
    before = (folder / PROJECT_FILE).read_bytes()
    with pytest.raises(WorkbenchError, match="newer workbench"):
        Project.open(folder)
    assert (folder / PROJECT_FILE).read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    with sqlite3.connect(folder / PROJECT_FILE) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    with pytest.raises(WorkbenchError, match="not a workbench project"):
        Project.open(folder)
