"""The lead's role commands on the command line: ``independent-coding on|off|status|release|withhold``
(audited; refused to anyone else, on a local project and on the team server) and the assignment
overview ``assignments`` with ``unassign``, which read and write through the same store functions as
the window's assignment screen."""

from __future__ import annotations

import pytest
from coding_fixtures import build
from team_fixtures import team_server  # noqa: F401  (fixture)
from video_fixtures import fake_media

from workbench.cli import main
from workbench.services.project import Project
from workbench.store import assignments, audit, participants, people, visibility


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "study"
    project = Project.create(folder)  # the creator (this login) is the lead
    people.add_coder(project.db, "Rater A", "rater")
    people.add_coder(project.db, "Rater B", "rater")
    for i in range(1, 4):
        participants.add_media(
            project.db, f"P{i:03d}", [fake_media(f"v{i}.mp4", i)], timepoint="baseline", task="free play"
        )
    project.close()
    return folder


def _mode_switches(folder) -> list[dict]:
    project = Project.open(folder, auto_backup=False)
    try:
        entries = audit.entries(project.db, project.coder.id)
        return [e.after for e in entries if e.action in ("switch independent coding", "release codings")]
    finally:
        project.close()


def test_independent_coding_switched_released_and_shown(folder, capsys):
    assert main(["independent-coding", "status", str(folder)]) == 0
    assert "Independent coding is off" in capsys.readouterr().out
    assert main(["independent-coding", "on", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Independent coding on",
        "Independent coding is on: coders see only their own codings and memos "
        "(released on 0 of 0 transcripts).",
    ]
    assert main(["independent-coding", "release", str(folder)]) == 0
    assert "codings are released" in capsys.readouterr().out
    assert main(["independent-coding", "withhold", str(folder)]) == 0
    assert main(["independent-coding", "off", str(folder)]) == 0
    assert _mode_switches(folder) == [
        {"independent_coding": "1"},
        {"codings_released": "1"},
        {"codings_released": "0"},
        {"independent_coding": "0"},
    ]


def test_bad_independent_coding_requests_change_nothing(folder, capsys):
    assert main(["independent-coding", "on", str(folder), "--transcript", "1"]) == 1
    assert "--transcript goes with release or withhold" in capsys.readouterr().err
    assert main(["independent-coding", "release", str(folder), "--transcript", "999"]) == 1
    assert "No transcript 999" in capsys.readouterr().err
    assert _mode_switches(folder) == []


def test_assignments_listed_with_progress_and_taken_back(folder, capsys):
    assert (
        main(["assign", "--project", str(folder), "--rater", "Rater A", "--media", "v1.mp4", "v2.mp4"]) == 0
    )
    assert (
        main(["assign", "--project", str(folder), "--rater", "Rater B", "--media", "v1.mp4", "--reliability"])
        == 0
    )
    capsys.readouterr()
    assert main(["assignments", "--project", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    project = Project.open(folder, auto_backup=False)
    masks = {
        (r.rater, r.media_id): r.masked_id for r in assignments.list_assignments(project.db, project.coder.id)
    }
    project.close()
    first = next(line for line in lines if "v1.mp4" in line)
    assert first.startswith("P001 · baseline · free play · v1.mp4: rater Rater A ")
    assert f"second rater Rater B {masks[('Rater B', 1)]} (not started)" in first
    assert "P003 · baseline · free play · v3.mp4: not assigned" in lines
    assert "1 of 2 assigned videos double-coded (50 %)" in lines
    assert "Rater A (rater): 2 assigned, 2 not started, 0 in progress, 0 done (0 as second rater)" in lines
    assert main(["unassign", "--project", str(folder), masks[("Rater B", 1)]]) == 0
    assert "Took back 1 assignment(s)" in capsys.readouterr().out
    assert main(["unassign", "--project", str(folder), "NOPE-NOPE"]) == 1
    assert "No assignment NOPE-NOPE" in capsys.readouterr().err


@pytest.mark.postgres
def test_on_the_server_only_the_leads_login_switches(team_server, capsys):  # noqa: F811
    s = build(team_server.admin_url)
    ann = team_server.attach(s.ann, "coder")
    lead = team_server.attach(s.lead, "lead")
    try:
        assert main(["--db", ann, "independent-coding", "on"]) == 1
        assert "Only a lead can switch independent coding" in capsys.readouterr().err
        assert not visibility.coding_mode(s.db).independent
        assert main(["--db", lead, "independent-coding", "on"]) == 0
        assert visibility.coding_mode(s.db).independent
        assert main(["--db", ann, "independent-coding", "status"]) == 0
        assert "coders see only their own codings" in capsys.readouterr().out
        tid = s.transcripts["P001"]
        assert main(["--db", lead, "independent-coding", "release", "--transcript", str(tid)]) == 0
        assert "released on 1 of 3 transcripts" in capsys.readouterr().out
        entries = audit.entries(s.db, s.lead)
        assert [e.login for e in entries if e.action == "switch independent coding"] == [
            lead.split("//")[1].split(":")[0]
        ]
    finally:
        s.db.dispose()
