"""An erasure killed (SIGKILL) at any step is finished by running the command again, or by the next
open of the project: everything of the participant is gone, as after an uninterrupted erasure, and
the other participant is whole."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest
from test_erasure import OTHER, OTHER_PHRASE, PHRASE, WHO, _everything, _found_in_folder

from workbench.cli import main
from workbench.model.errors import WorkbenchError
from workbench.services import recent
from workbench.services.erasure import INTENT_FILE
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import participants, transcripts

KILLER = """
import os, signal, sys
from workbench.services import erasure
from workbench.cli import main
from workbench.model.errors import WorkbenchError

def checkpoint(point):
    if point == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

erasure.checkpoint = checkpoint
main(["erase-participant", sys.argv[2], "--participant", sys.argv[3], "--yes", "--prune-backups"])
"""


@pytest.mark.parametrize(
    ("point", "finish"),
    [(p, "rerun") for p in ("intent", "rows", "compacted", "file", "log")]
    + [("intent", "open"), ("file", "open")],
)
def test_an_erasure_killed_midway_is_finished_later(tmp_path, shared_media, capsys, point, finish):
    folder = tmp_path / "trial"
    made = _everything(folder, shared_media)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(folder), WHO], capture_output=True, text=True, timeout=600
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (folder / INTENT_FILE).is_file()  # what is left to do is on record
    needles = [WHO.encode(), PHRASE.encode(), b"Moorfield"]
    assert _found_in_folder(folder, needles)  # something of theirs is still there

    capsys.readouterr()
    if finish == "open":  # the next open finishes it
        project = Project.open(folder)
        assert project.finished_erasure is not None and project.finished_erasure.plan.pseudonym == WHO
        project.close()
    else:
        assert main(["erase-participant", str(folder), "--participant", WHO, "--yes", "--prune-backups"]) == 0
        assert "Finished the interrupted erasure" in capsys.readouterr().out

    assert not (folder / INTENT_FILE).exists()
    assert _found_in_folder(folder, needles) == []  # database, media, jobs, exports, backups
    database = folder / PROJECT_FILE
    dump = subprocess.run(
        [shutil.which("sqlite3") or pytest.fail("sqlite3 CLI missing"), str(database), ".dump"],
        capture_output=True,
        check=True,
    ).stdout
    assert all(n not in dump for n in needles)
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            conn.execute("SELECT count(*) FROM audit_log WHERE action='erase participant'").fetchone()[0] == 1
        )
    assert WHO not in (recent.config_dir() / "workbench.log").read_text()
    for name, media in made["mine"].items():
        assert (folder / media.path).exists() == (name == "whisper_jfk.flac")  # shared with OTHER: kept

    project = Project.open(folder)  # nothing else changed
    try:
        other = participants.find_participant(project.db, OTHER)
        assert participants.find_participant(project.db, WHO) is None
        assert [m.original_name for m in other.media] == ["whisper_jfk.flac"]
        assert OTHER_PHRASE in transcripts.load_segments(project.db, made["other_tid"])[1].text
    finally:
        project.close()
    assert (folder / "exports" / f"{OTHER} only.csv").exists()

    capsys.readouterr()  # a third run has nothing left to finish
    assert main(["erase-participant", str(folder), "--participant", WHO, "--yes"]) == 1
    assert f"No participant {WHO}" in capsys.readouterr().err


class Stop(BaseException):
    """Stands for the process dying at a checkpoint."""


def test_only_a_lead_finishes_an_interrupted_erasure(tmp_path, monkeypatch):
    from workbench.services import erasure
    from workbench.store import people

    folder = tmp_path / "p"
    project = Project.create(folder)
    participants.add_participant(project.db, WHO)
    export = folder / "exports" / "notes.csv"
    export.write_text(f"{WHO},said something\n")

    def stop(point):
        if point == "intent":
            raise Stop

    monkeypatch.setattr(erasure, "checkpoint", stop)
    with pytest.raises(Stop):
        erasure.erase_participant(project, WHO)
    monkeypatch.undo()
    lead = project.coder
    people.add_coder(project.db, "C", "coder")
    project.coder = people.coder_by_name(project.db, "C")
    with pytest.raises(WorkbenchError, match="a lead must open it"):
        erasure.finish_erasure(project)
    assert export.exists() and (folder / INTENT_FILE).exists()
    assert participants.find_participant(project.db, WHO) is not None
    project.coder = lead
    assert erasure.finish_erasure(project) is not None
    assert not export.exists() and not (folder / INTENT_FILE).exists()
    assert participants.find_participant(project.db, WHO) is None
    project.close()
