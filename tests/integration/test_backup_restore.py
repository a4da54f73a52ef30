"""Backups: automatic on open (rotated, skipped when recent), `workbench backup`/`restore` with their
checks, and the PostgreSQL pg_dump/pg_restore procedure of the README run for real."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import coding_fixtures
import pytest

from workbench.cli import main
from workbench.services import backups
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import migrate, participants
from workbench.store.engine import Database, sqlite_url


def _pseudonyms(folder: Path) -> list[str]:
    with sqlite3.connect(folder / PROJECT_FILE) as conn:
        return [r[0] for r in conn.execute("SELECT pseudonym FROM participants ORDER BY pseudonym")]


@pytest.fixture
def project_folder(tmp_path) -> Path:
    folder = tmp_path / "trial project é"
    project = Project.create(folder)
    participants.add_participant(project.db, "P001", site="Leeds")
    project.close()
    return folder


def test_open_backs_up_in_the_background_once_per_interval(project_folder):
    project = Project.open(project_folder)
    project.close()  # waits for the backup
    (first,) = (project_folder / "backups").glob("project-auto-*.sqlite")
    assert sqlite3.connect(first).execute("SELECT pseudonym FROM participants").fetchall() == [("P001",)]
    assert sqlite3.connect(first).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    Project.open(project_folder).close()
    assert list((project_folder / "backups").glob("project-auto-*.sqlite")) == [first]  # recent: skipped
    assert backups.auto_backup(project_folder, min_age_min=0) is not None
    assert len(list((project_folder / "backups").glob("project-auto-*.sqlite"))) == 2


def test_stale_partial_files_are_cleaned_on_open(project_folder):
    stale = project_folder / "exports" / ".extracts.xlsx.abc123.part"
    fresh = project_folder / "exports" / ".other.csv.def456.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    os.utime(stale, (1, 1))
    Project.open(project_folder).close()
    assert not stale.exists() and fresh.exists()


def test_backup_and_restore_round_trip(project_folder, tmp_path, capsys):
    out = tmp_path / "copy of trial.sqlite"
    assert main(["backup", str(project_folder), "--out", str(out)]) == 0
    assert main(["backup", str(project_folder), "--out", str(out)]) == 1  # never overwrites
    assert "exists already" in capsys.readouterr().err
    project = Project.open(project_folder)
    participants.add_participant(project.db, "P002")
    project.close()
    assert _pseudonyms(project_folder) == ["P001", "P002"]

    assert main(["restore", str(project_folder), str(out)]) == 0
    assert _pseudonyms(project_folder) == ["P001"]
    (safety,) = (project_folder / "backups").glob("project-before-restore-*.sqlite")
    assert sqlite3.connect(safety).execute("SELECT count(*) FROM participants").fetchone()[0] == 2
    with sqlite3.connect(project_folder / PROJECT_FILE) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    project = Project.open(project_folder)  # the restored project works on
    participants.add_participant(project.db, "P003")
    project.close()
    assert _pseudonyms(project_folder) == ["P001", "P003"]


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):  # scribble over every page but the first
        data[offset + 8 : offset + 200] = os.urandom(192)
    path.write_bytes(bytes(data))


def test_restore_refuses_what_is_not_a_sound_workbench_backup(project_folder, tmp_path, capsys):
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE things (x)")
    damaged = tmp_path / "damaged.sqlite"
    assert main(["backup", str(project_folder), "--out", str(damaged)]) == 0
    _corrupt(damaged)
    before = (project_folder / PROJECT_FILE).read_bytes()
    for bad, words in (
        (text, "not a workbench backup"),
        (foreign, "not a workbench project"),
        (damaged, "damaged"),
        (tmp_path / "missing.sqlite", "does not exist"),
        (project_folder / PROJECT_FILE, "own database"),
    ):
        capsys.readouterr()
        assert main(["restore", str(project_folder), str(bad)]) == 1
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err
    assert (project_folder / PROJECT_FILE).read_bytes() == before
    assert not list((project_folder / "backups").glob("project-before-restore-*"))


def test_restoring_an_older_backup_migrates_it(project_folder, tmp_path):
    old = tmp_path / "old.sqlite"
    assert main(["backup", str(project_folder), "--out", str(old)]) == 0
    db = Database(sqlite_url(old))
    migrate.downgrade(db, "0001")
    db.dispose()
    assert main(["restore", str(project_folder), str(old)]) == 0
    db = Database(sqlite_url(project_folder / PROJECT_FILE))
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()
    assert _pseudonyms(project_folder) == ["P001"]


def test_backup_refuses_a_server_project(pg_url, capsys):
    migrate.upgrade(Database(pg_url))
    assert main(["--db", pg_url, "erase-participant", "--participant", "nobody", "--yes"]) == 1
    assert "No participant nobody" in capsys.readouterr().err
    project = Project.connect(pg_url)
    with pytest.raises(Exception, match="pg_dump"):
        backups.backup_project(project)
    project.close()


# --- PostgreSQL: the documented pg_dump / pg_restore procedure ------------------------------------


def pg_binary(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the newest installed PostgreSQL (pg_config's, else on PATH)."""
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        candidates.insert(0, str(Path(bindir) / name))
    found = [c for c in reversed(candidates) if Path(c).is_file()] + [shutil.which(name)]
    if not found or found[0] is None:
        pytest.fail(f"{name} not found (install the postgresql client package)")
    return next(f for f in found if f)


def _plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _table_contents(url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(_plain_url(url)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema='public' ORDER BY 1"
            )
        ]
        return {
            t: [tuple(map(str, row)) for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')]
            for t in tables
        }


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_give_identical_data(pg_url, tmp_path):
    import psycopg

    study = coding_fixtures.build(pg_url)
    from workbench.store import coding_ops

    coding_ops.apply_code(study.db, study.transcripts["P001"], study.codes["Anxiety"], study.ann, 0, 20)
    coding_ops.add_memo(study.db, study.ann, "participant", 1, "Memo with 'quotes' and ünïcode")
    study.db.dispose()
    dump = tmp_path / "study.dump"
    subprocess.run(
        [pg_binary("pg_dump"), "--format=custom", "--file", str(dump), _plain_url(pg_url)],
        check=True,
        capture_output=True,
    )
    admin = _plain_url(pg_url).rsplit("/", 1)[0] + "/postgres"
    fresh = f"wb_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh}"')
    fresh_url = pg_url.rsplit("/", 1)[0] + "/" + fresh
    try:
        subprocess.run(
            [
                pg_binary("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                _plain_url(fresh_url),
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
        original, restored = _table_contents(pg_url), _table_contents(fresh_url)
        assert original == restored
        assert len(original["segments"]) > 0 and len(original["text_codings"]) == 1
        project = Project.connect(fresh_url)  # the restored database opens and works on (sequences too)
        participants.add_participant(project.db, "P900")
        assert migrate.current_revision(project.db) == migrate.head_revision()
        project.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
