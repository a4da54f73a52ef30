"""Right to erasure: a participant with everything a project can hold about them is erased, and
neither their ID nor a phrase of their transcript is left in the database file, its dump, or any
file under the project folder; another participant's data is untouched."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from video_fixtures import SCHEME_FILE, SCHEME_NAME

from tests.extract_rows import extract
from workbench.cli import main
from workbench.coding import observation as ob
from workbench.coding.codebook import Code, Codebook
from workbench.coding.scheme import load_scheme
from workbench.exchange.extracts import write_extracts_csv, write_extracts_xlsx
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment, NewWord
from workbench.services import recent
from workbench.services.erasure import erase_participant, plan_erasure
from workbench.services.media_import import import_media
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import (
    assignments,
    codebooks,
    coding_ops,
    observations,
    participants,
    people,
    ratings,
    schemes,
    transcripts,
)

WHO = "P-ERASE-7"
PHRASE = "the purple giraffe sang at Moorfield Children's Centre on Tuesdays"
OTHER = "P002"
OTHER_PHRASE = "we walked along the canal every morning with the pram"


def _segments(text: str) -> list[NewSegment]:
    words = tuple(NewWord(i * 300, i * 300 + 250, " " + w) for i, w in enumerate(text.split()))
    return [
        NewSegment(0, 5000, "Interviewer: tell me about your week.", "Interviewer"),
        NewSegment(5000, 9000, text, "Participant", 0.8, words),
    ]


def _everything(folder: Path, media: Path) -> dict:
    """A project where WHO has data of every kind, and OTHER shares one recording with them."""
    project = Project.create(folder)
    db, lead = project.db, project.coder.id
    rater = people.add_coder(db, "Rater R", "rater").created_id("coders")
    participants.add_participant(
        db, WHO, site="Leeds", attributes={"trial arm": "COS-P", "age": "29"}, masked=frozenset({"trial arm"})
    )
    participants.add_participant(db, OTHER, site="Leeds", attributes={"trial arm": "usual care"})
    import_media(
        project,
        [
            media / "speech" / "pocketsphinx_librivox_sns_0870.wav",
            media / "video" / "intel_asl_thanks.mkv",
            media / "speech" / "whisper_jfk.flac",
        ],
        WHO,
        timepoint="baseline",
    )
    import_media(project, [media / "speech" / "whisper_jfk.flac"], OTHER, timepoint="baseline")  # shared copy
    mine = {m.original_name: m for m in participants.find_participant(db, WHO).media}
    tid = transcripts.add_transcript(
        db, WHO, "interview", _segments(PHRASE), mine["pocketsphinx_librivox_sns_0870.wav"].id
    ).created_id("transcripts")
    other_tid = transcripts.add_transcript(db, OTHER, "interview", _segments(OTHER_PHRASE)).created_id(
        "transcripts"
    )
    book = codebooks.add_codebook(
        db, Codebook("COS-P", [Code("b0000000-0000-0000-0000-000000000001", "Support")])
    )
    code = book.created["codes"][0]
    coding = coding_ops.apply_code(db, tid, code, lead, 45, 70).created["text_codings"][0]
    coding_ops.apply_code(db, other_tid, code, lead, 45, 60)
    coding_ops.add_memo(db, lead, "coding", coding, f"{WHO} lights up describing {PHRASE[:20]}")
    coding_ops.add_memo(db, lead, "transcript", tid, "Noisy recording")
    pid = participants.find_participant(db, WHO).id
    coding_ops.add_memo(db, lead, "participant", pid, "Moved house in March")
    coding_ops.add_memo(db, lead, "code", code, f"Compare {WHO} with {OTHER}")  # names them elsewhere
    coding_ops.set_framework_summary(db, lead, pid, code, "Support from the children's centre")
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    video = mine["intel_asl_thanks.mkv"].id
    assignments.assign_media(db, lead, rater, [video])
    oid = observations.ensure_observation(db, video, rater, SCHEME_NAME)
    observations.add_event(db, oid, ob.Event("maternal_smile", "mother", "point", 1000, 1000))
    epoch = ratings.add_epoch(db, oid, "free_play", 0, 2000).created["epochs"][0]
    ratings.rate(db, epoch, "maternal_sensitivity", 3, comment="warm")
    jobs = folder / "jobs"
    jobs.mkdir()
    (jobs / f"{mine['pocketsphinx_librivox_sns_0870.wav'].sha256[:16]}-0123456789ab.jsonl").write_text(
        '{"segment": "' + PHRASE + '"}\n'
    )
    exports = folder / "exports"
    write_extracts_csv(
        [extract(WHO, "baseline", "interview", "Participant", 5000, 9000, "Support", "lead", PHRASE)],
        exports / "extracts all.csv",
    )
    write_extracts_xlsx(
        [extract("M-0001", "", "interview", "", None, None, "Support", "lead", PHRASE)],
        exports / "masked extracts.xlsx",
    )  # no ID, but their words
    write_extracts_csv(
        [extract(OTHER, "baseline", "interview", "", 0, 1, "Support", "lead", OTHER_PHRASE)],
        exports / f"{OTHER} only.csv",
    )
    config = recent.config_dir()
    config.mkdir(parents=True, exist_ok=True)
    (config / "workbench.log").write_text(f"2025-01-01 INFO opened {WHO}\n2025-01-01 INFO other line\n")
    project.close()
    with sqlite3.connect(folder / PROJECT_FILE) as conn:  # pseudonym key: one entry theirs, one OTHER's
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name='pseudonym_key'").fetchone():
            conn.executemany(
                "INSERT INTO pseudonym_key (match_key, original, replacement, category, case_sensitive, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, 1, '2025-01-01', '2025-01-01')",
                [
                    ("moorfield children's centre", "Moorfield Children's Centre", "[Service 7]", "Service"),
                    ("canal", "canal", "[Place 1]", "Place"),
                ],
            )
    Project.open(folder).close()  # a routine backup: it holds the participant too
    return {"tid": tid, "other_tid": other_tid, "mine": mine}


def _found_in_folder(folder: Path, needles: list[bytes]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(n) for n in archive.namelist()]
        hits += [f"{path.relative_to(folder)}: {n!r}" for n in needles if any(n in b for b in blobs)]
    return hits


def test_erase_participant_leaves_nothing_of_theirs(tmp_path, shared_media, capsys):
    folder = tmp_path / "COS-P trial ü"
    made = _everything(folder, shared_media)
    needles = [WHO.encode(), PHRASE.encode(), b"Moorfield"]
    assert _found_in_folder(folder, needles)  # the check can see them before

    project = Project.open(folder)
    plan = plan_erasure(project, WHO)
    project.close()
    assert {p.name for p in plan.exports} == {"extracts all.csv", "masked extracts.xlsx"}
    assert len(plan.media_files) == 2 and len(plan.kept_shared) == 1 and len(plan.jobs) == 1
    assert plan.backups and plan.rows["events"] == 1 and plan.rows["ratings"] == 1

    assert main(["erase-participant", str(folder), "--participant", WHO, "--yes", "--prune-backups"]) == 0
    out = capsys.readouterr().out
    assert f"Erased participant {WHO}" in out

    database = folder / PROJECT_FILE
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            conn.execute("SELECT count(*) FROM audit_log WHERE action='erase participant'").fetchone()[0] == 1
        )
    dump = subprocess.run(
        [shutil.which("sqlite3") or pytest.fail("sqlite3 CLI missing"), str(database), ".dump"],
        capture_output=True,
        check=True,
    ).stdout
    assert all(n not in dump for n in needles)
    assert _found_in_folder(folder, needles) == []  # the database file itself, media, jobs, exports, backups
    assert WHO not in (recent.config_dir() / "workbench.log").read_text()
    for name, media in made["mine"].items():
        assert (folder / media.path).exists() == (name == "whisper_jfk.flac")  # shared with OTHER: kept

    project = Project.open(folder)  # the other participant is whole
    other = participants.find_participant(project.db, OTHER)
    assert participants.find_participant(project.db, WHO) is None
    assert [m.original_name for m in other.media] == ["whisper_jfk.flac"]
    assert OTHER_PHRASE in transcripts.load_segments(project.db, made["other_tid"])[1].text
    assert (folder / "exports" / f"{OTHER} only.csv").exists()
    project.close()
    with sqlite3.connect(database) as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name='pseudonym_key'").fetchone():
            assert conn.execute("SELECT original FROM pseudonym_key").fetchall() == [("canal",)]


def test_only_a_lead_may_erase(tmp_path):
    project = Project.create(tmp_path / "p")
    participants.add_participant(project.db, "P001")
    project.coder = people.coder_by_name(project.db, people.add_coder(project.db, "C", "coder") and "C")
    with pytest.raises(WorkbenchError, match="Only a lead"):
        erase_participant(project, "P001")
    project.close()
