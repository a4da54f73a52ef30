"""The ``workbench`` command: sub-commands work; errors are one line and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workbench.cli import main
from workbench.services.demo import MEDIA, PARTICIPANTS, TIMEPOINTS
from workbench.services.project import Project
from workbench.store import codebooks, participants, people, schemes


def test_new_then_import_media(tmp_path, shared_media, capsys):
    folder = tmp_path / "pilot study"
    assert main(["new", str(folder), "--name", "Pilot"]) == 0
    assert (
        main(
            [
                "import-media",
                str(folder),
                str(shared_media / "speech" / "whisper_jfk.flac"),
                "--participant",
                "P014",
                "--timepoint",
                "baseline",
                "--task",
                "interview",
            ]
        )
        == 0
    )
    assert "Imported whisper_jfk.flac for P014" in capsys.readouterr().out
    project = Project.open(folder)
    (p,) = participants.list_participants(project.db)
    assert p.pseudonym == "P014" and p.media[0].timepoint == "baseline" and p.media[0].task == "interview"
    project.close()


def test_errors_are_one_line_and_non_zero(tmp_path, capsys):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    assert main(["new", str(tmp_path / "p")]) == 0
    capsys.readouterr()
    assert main(["import-media", str(tmp_path / "p"), str(text), "--participant", "P1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("workbench: error:") and "notes.mp4" in err[-1]
    assert "Traceback" not in "\n".join(err)
    assert main(["--db", "mysql://x@y/z", "import-media", str(text), "--participant", "P1"]) == 1
    assert "Unsupported database" in capsys.readouterr().err
    assert main(["import-media", str(tmp_path / "missing"), str(text), "--participant", "P1"]) == 1


def test_demo_project_contents(tmp_path):
    assert main(["demo", str(tmp_path / "demo")]) == 0
    project = Project.open(tmp_path / "demo")
    records = participants.list_participants(project.db)
    assert [p.pseudonym for p in records] == [p for p, _, _ in PARTICIPANTS]
    assert {m.timepoint for p in records for m in p.media} == set(TIMEPOINTS)
    kinds = {m.kind for p in records for m in p.media}
    assert kinds == {"audio", "video"} and sum(len(p.media) for p in records) == len(MEDIA)
    assert all(project.media_path(m).is_file() for p in records for m in p.media)
    assert all(p.attribute("trial arm") for p in records)
    assert codebooks.code_count(project.db) > 10 and len(schemes.scheme_names(project.db)) == 1
    assert {c.role for c in people.list_coders(project.db)} == {"lead", "coder", "rater"}
    project.close()
    assert main(["demo", str(tmp_path / "demo")]) == 1  # never overwrites a project


def test_module_entry_point_prints_help():
    done = subprocess.run([sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "import-media" in done.stdout


@pytest.mark.postgres
def test_import_media_into_a_server_project(pg_url, shared_media, tmp_path, capsys):
    wav = shared_media / "speech" / "pocketsphinx_librivox_sns_0870.wav"
    assert (
        main(
            ["--db", pg_url, "--media-root", str(tmp_path), "import-media", str(wav), "--participant", "P020"]
        )
        == 0
    )
    project = Project.connect(pg_url, media_root=tmp_path)
    (media,) = participants.list_media(project.db)
    assert project.media_path(media).read_bytes() == wav.read_bytes()
    project.close()
