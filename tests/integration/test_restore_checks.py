"""`workbench restore` checks a backup before it replaces anything: the schema its migrations create
for the backup's revision and nothing else, integrity_check and foreign_key_check; a refused backup
leaves the project's file byte for byte as it was, with one line saying why."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import migrate, participants
from workbench.store.engine import Database, sqlite_url


@pytest.fixture
def project_folder(tmp_path) -> Path:
    folder = tmp_path / "study"
    project = Project.create(folder)
    participants.add_participant(project.db, "P001", site="Leeds")
    project.close()
    return folder


def _backup(folder: Path, out: Path) -> Path:
    assert main(["backup", str(folder), "--out", str(out)]) == 0
    return out


def _tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):
        data[offset + 8 : offset + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))


HOSTILE = {
    "trigger deleting every coding": (
        [
            "CREATE TRIGGER wipe AFTER INSERT ON text_codings BEGIN DELETE FROM text_codings; DELETE FROM memos; END"
        ],
        "trigger wipe",
    ),
    "extra table": (["CREATE TABLE notes (x TEXT)"], "table notes"),
    "extra view": (["CREATE VIEW everyone AS SELECT * FROM participants"], "view everyone"),
    "extra index": (["CREATE INDEX ix_sneaky ON participants (site)"], "index ix_sneaky"),
    "changed table": (
        ["ALTER TABLE participants ADD COLUMN secret TEXT"],
        "missing or changed: table participants",
    ),
    "foreign-key violation": (
        [
            "INSERT INTO participant_attributes (participant_id, name, value, masked) VALUES (999, 'a', 'b', 0)"
        ],
        "foreign_key_check: participant_attributes",
    ),
    "newer revision": (["UPDATE alembic_version SET version_num = '9999_future'"], "newer workbench"),
}


@pytest.mark.parametrize("case", list(HOSTILE) + ["dropped index", "corrupt file"])
def test_restore_refuses_a_backup_that_is_not_what_the_workbench_writes(
    project_folder, tmp_path, capsys, case
):
    backup = _backup(project_folder, tmp_path / "backup.sqlite")
    if case == "dropped index":
        conn = sqlite3.connect(backup)
        (index,) = conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY name LIMIT 1"
        ).fetchone()
        conn.close()
        _tamper(backup, f'DROP INDEX "{index}"')
        words = f"missing or changed: index {index.lower()}"
    elif case == "corrupt file":
        _corrupt(backup)
        words = "damaged"
    else:
        statements, words = HOSTILE[case]
        _tamper(backup, *statements)
    before = (project_folder / PROJECT_FILE).read_bytes()
    capsys.readouterr()
    assert main(["restore", str(project_folder), str(backup)]) == 1
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1, err
    assert (project_folder / PROJECT_FILE).read_bytes() == before
    assert not list((project_folder / "backups").glob("project-before-restore-*"))


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate._config())
    return [r.revision for r in script.walk_revisions() if r.revision != script.get_current_head()]


@pytest.mark.parametrize("revision", _revisions())
def test_a_genuine_backup_of_an_older_revision_restores_and_is_migrated(project_folder, tmp_path, revision):
    old = _backup(project_folder, tmp_path / "old.sqlite")
    db = Database(sqlite_url(old))
    migrate.downgrade(db, revision)
    db.dispose()
    assert main(["restore", str(project_folder), str(old)]) == 0
    db = Database(sqlite_url(project_folder / PROJECT_FILE))
    try:
        assert migrate.current_revision(db) == migrate.head_revision()
        assert [p.pseudonym for p in participants.list_participants(db)] == ["P001"]
    finally:
        db.dispose()
