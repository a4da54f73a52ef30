"""The video commands end to end on a real project folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from video_fixtures import SCHEME_FILE, SCHEME_NAME, fake_media

from workbench.cli import main
from workbench.coding import observation as ob
from workbench.coding.scheme import load_scheme
from workbench.services.project import Project
from workbench.store import assignments as asg
from workbench.store import observations as obs
from workbench.store import participants, people, schemes

BORIS = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "boris" / "test.boris"


def make_project(folder):
    project = Project.create(folder)  # the creator is the lead
    db = project.db
    for name in ("Rater A", "Rater B"):
        people.add_coder(db, name, "rater")
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    for i in range(5):
        participants.add_participant(db, f"P{i:03d}")
        participants.add_media(db, f"P{i:03d}", [fake_media(f"v{i}.mp4", i + 1)], timepoint="baseline")
    return project


def test_assign_sample_import_export(tmp_path, capsys):
    folder = tmp_path / "study"
    project = make_project(folder)
    project.close()
    assert (
        main(
            [
                "assign",
                "--project",
                str(folder),
                "--rater",
                "Rater A",
                "--media",
                "v0.mp4",
                "v1.mp4",
                "v2.mp4",
                "v3.mp4",
                "5",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "reliability-sample",
                "--project",
                str(folder),
                "--fraction",
                "0.4",
                "--second-rater",
                "Rater B",
                "--seed",
                "11",
            ]
        )
        == 0
    )
    assert "Drew 2 of 5 video(s) for Rater B" in capsys.readouterr().out
    project = Project.open(folder)
    rater_b = people.coder_by_name(project.db, "Rater B").id
    assert len(asg.rater_queue(project.db, rater_b)) == 2
    oid = obs.ensure_observation(project.db, 1, project.coder.id, SCHEME_NAME)
    obs.add_events(
        project.db,
        oid,
        [
            ob.Event("maternal_vocalising", "mother", "start", 100),
            ob.Event("maternal_vocalising", "mother", "stop", 900),
        ],
    )
    project.close()

    command = ["import", "boris", str(BORIS), "--project", str(folder), "--media", "observation #1=v4.mp4"]
    assert main(command) == 3  # the report lists things BORIS holds that the project cannot: refused
    refused = capsys.readouterr()
    assert "left out (8):" in refused.err and "Nothing was imported" in refused.err
    assert main(["export", "events", "--project", str(folder), "--out", str(tmp_path / "none.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "none.csv")) == 2  # only the two events coded above
    assert main([*command, "--accept-losses"]) == 0
    out = capsys.readouterr().out
    assert "BORIS import report: test.boris" in out and "events            133       133" in out

    assert main(["export", "events", "--project", str(folder), "--out", str(tmp_path / "events.xlsx")]) == 0
    events = pd.read_excel(tmp_path / "events.xlsx")
    assert len(events) == 2 + 133 and set(events.participant) == {"P000", "P004", "media not linked"}
    mine = events[events.observation == "observation #1"]
    assert len(mine) == 8 and set(mine.participant) == {"P004"} and set(mine["variable: a"]) == {12}
    assert main(["export", "ratings", "--project", str(folder), "--out", str(tmp_path / "ratings.csv")]) == 0
    assert (
        main(
            [
                "export",
                "eaf",
                "--project",
                str(folder),
                "--scheme",
                SCHEME_NAME,
                "--out",
                str(tmp_path / "v0.eaf"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "export",
                "boris",
                "--project",
                str(folder),
                "--scheme",
                SCHEME_NAME,
                "--out",
                str(tmp_path / "all.boris"),
            ]
        )
        == 0
    )
    capsys.readouterr()

    copy = tmp_path / "copy"
    make_project(copy).close()
    assert main(["import", "eaf", str(tmp_path / "v0.eaf"), "--project", str(copy), "--media", "v0.mp4"]) == 0
    assert (
        main(
            [
                "import",
                "boris",
                str(tmp_path / "all.boris"),
                "--project",
                str(copy),
                "--media",
                "v0.mp4 - " + project.coder.name + "=v1.mp4",
            ]
        )
        == 0
    )
    project = Project.open(copy)
    (first, second) = obs.list_observations(project.db)
    for record in (first, second):
        events = obs.observation_data(project.db, record.id).events
        assert [(e.event_type, e.time_ms) for e in events] == [("start", 100), ("stop", 900)]
    project.close()


def test_errors_are_one_line(tmp_path, capsys):
    folder = tmp_path / "study"
    make_project(folder).close()
    bad = tmp_path / "bad.boris"
    bad.write_text("[" * 100 + "]" * 100)
    assert main(["import", "boris", str(bad), "--project", str(folder)]) == 1
    assert main(["assign", "--project", str(folder), "--rater", "Nobody", "--media", "1"]) == 1
    assert main(["export", "events", "--project", str(folder), "--out", str(tmp_path / "e.txt")]) == 1
    assert main(["export", "eaf", "--project", str(folder), "--out", str(tmp_path / "e.eaf")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4 and all(line.startswith("workbench: error:") for line in lines)
    assert "nested more than" in lines[0] and "No coder called 'Nobody'" in lines[1]
