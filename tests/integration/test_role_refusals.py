"""A rater (or a coder) who calls a lead's action directly, below the window, is refused by the store
and the services, on SQLite and on PostgreSQL, and nothing changes; on the team server the rater's own
login is refused by the database as well. The rater reads no transcript coding or memo either."""

from __future__ import annotations

import dataclasses

import pytest
from coding_fixtures import build
from team_fixtures import team_server  # noqa: F401  (fixture)
from video_fixtures import fake_media

from tests.db_dump import dump
from workbench.model.errors import WorkbenchError
from workbench.model.records import Command
from workbench.services import reliability_run as rr
from workbench.services.project import Project
from workbench.store import assignment_overview, assignments, audit, bus, coding_ops, participants, people
from workbench.store.retrieval import Filters, extracts
from workbench.store.visibility import Viewer, release_codings, set_independent_mode


@pytest.fixture
def study(db_url):
    s = build(db_url)
    rater = people.add_coder(s.db, "Rater A", "rater").created_id("coders")
    second = people.add_coder(s.db, "Rater B", "rater").created_id("coders")
    media = participants.add_media(s.db, "P001", [fake_media("play1.mp4", 1)], timepoint="baseline")
    media_id = media.created_id("media")
    assignments.assign_media(s.db, s.lead, rater, [media_id])
    text = "I felt really anxious at first"
    for coder in (s.ann, s.bob):
        change = coding_ops.apply_code(s.db, s.transcripts["P001"], s.codes["Anxiety"], coder, 0, len(text))
        coding_ops.add_memo(s.db, coder, "coding", change.created_id("text_codings"), "a thought")
    yield s, rater, second, media_id
    s.db.dispose()


def _lead_actions(s, who: int, other_rater: int, media_id: int):
    def take_back():
        masked = assignments.list_assignments(s.db, s.lead)[0].masked_id
        return assignment_overview.unassign(s.db, who, [masked])

    return {
        "independent coding": lambda: set_independent_mode(s.db, who, True),
        "release codings": lambda: release_codings(s.db, who),
        "release one transcript": lambda: release_codings(s.db, who, s.transcripts["P001"]),
        "on the command bus": lambda: bus.run(
            s.db, Command("set_independent_mode", {"lead_id": who, "on": True})
        ),
        "assign": lambda: assignments.assign_media(s.db, who, other_rater, [media_id], "reliability"),
        "assign on the bus": lambda: bus.run(
            s.db,
            Command("assign_media", {"lead_id": who, "rater_id": other_rater, "media_ids": [media_id]}),
        ),
        "draw a sample": lambda: assignments.draw_reliability_sample(s.db, who, other_rater, 1.0, 1),
        "take back": take_back,
        "see assignments": lambda: assignments.list_assignments(s.db, who),
        "see the overview": lambda: assignment_overview.overview(s.db, who),
        "read the audit log": lambda: audit.entries(s.db, who),
        "work as another": lambda: people.hand_over(s.db, who, "Lead"),
        "compare coders": lambda: rr.run_reliability(
            s.db, rr.Settings("transcripts", plots=False), asked_by=who
        ),
    }


LEAD_ACTIONS = (
    "independent coding",
    "release codings",
    "release one transcript",
    "on the command bus",
    "assign",
    "assign on the bus",
    "draw a sample",
    "take back",
    "see assignments",
    "see the overview",
    "read the audit log",
    "work as another",
    "compare coders",
)


@pytest.mark.parametrize("action", LEAD_ACTIONS)
def test_a_rater_calling_a_leads_action_is_refused_and_nothing_changes(study, action):
    s, rater, second, media_id = study
    attempt = _lead_actions(s, rater, second, media_id)[action]
    before = dump(s.db)
    with pytest.raises(WorkbenchError) as refused:
        attempt()
    assert "lead" in str(refused.value) and "Traceback" not in str(refused.value)
    assert dump(s.db) == before


@pytest.mark.parametrize("action", [a for a in LEAD_ACTIONS if a != "compare coders"])
def test_a_coder_calling_a_leads_action_is_refused_too(study, action):
    s, _rater, second, media_id = study
    before = dump(s.db)
    with pytest.raises(WorkbenchError):
        _lead_actions(s, s.ann, second, media_id)[action]()
    assert dump(s.db) == before


def test_a_coder_may_compare_only_while_nobody_codes_independently(study):
    s, _rater, _second, _media = study
    settings = rr.Settings("transcripts", ("Ann", "Bob"), plots=False)
    assert rr.run_reliability(s.db, settings, asked_by=s.ann).report.sheets
    set_independent_mode(s.db, s.lead, True)
    with pytest.raises(WorkbenchError, match="Independent coding is on"):
        rr.run_reliability(s.db, settings, asked_by=s.ann)
    assert rr.run_reliability(s.db, settings, asked_by=s.lead).report.sheets  # the lead may
    release_codings(s.db, s.lead)
    assert rr.run_reliability(s.db, settings, asked_by=s.ann).report.sheets


@pytest.mark.parametrize("material", ["observations", "ratings"])
def test_only_a_lead_compares_video_coding(study, material):
    """Each coder sees only their own observations (on the server too), so only a lead compares them."""
    s, _rater, _second, _media = study
    with pytest.raises(WorkbenchError, match=f"only a lead compares {material}"):
        rr.run_reliability(s.db, rr.Settings(material, plots=False), asked_by=s.ann)


def test_a_rater_reads_no_coding_nor_memo_through_the_store(study):
    s, rater, _second, _media = study
    if not s.db.is_sqlite:
        pytest.skip("on the server a rater's login may not read these tables at all (tests/security)")
    assert extracts(s.db, Viewer(s.lead), Filters())  # there is something to hide
    assert extracts(s.db, Viewer(rater), Filters()) == []


def test_a_lead_hands_a_local_project_over_and_it_is_audited(study, tmp_path):
    s, rater, _second, _media = study
    if not s.db.is_sqlite:
        pytest.skip("handing over is for a local project; a team project opens as the login")
    lead = next(p for p in people.list_coders(s.db) if p.id == s.lead)
    project = Project(db=s.db, media_root=tmp_path, name="study", coder=lead, folder=tmp_path)
    as_rater = project.work_as("Rater A")
    assert as_rater.coder.id == rater and as_rater.coder.role == "rater" and as_rater.db is s.db
    with pytest.raises(WorkbenchError, match="As a rater you cannot work as another person"):
        as_rater.work_as("Lead")
    with pytest.raises(WorkbenchError, match="nobody called 'Nobody'"):
        project.work_as("Nobody")
    (entry,) = [e for e in audit.entries(s.db, s.lead) if e.action == "work as"]
    assert entry.after == {"name": "Rater A"} and entry.coder == "Lead"
    server = dataclasses.replace(project, folder=None)
    with pytest.raises(WorkbenchError, match="connect as that person"):
        server.work_as("Rater A")


@pytest.mark.postgres
def test_the_raters_own_login_is_refused_by_the_store_and_the_server(team_server, tmp_path):  # noqa: F811
    s = build(team_server.admin_url)
    _rater, url = team_server.add("Rater A", "rater")
    other, _url = team_server.add("Rater B", "rater")
    media_id = participants.add_media(s.db, "P001", [fake_media("play1.mp4", 1)]).created_id("media")
    assignments.assign_media(s.db, s.lead, _rater, [media_id])
    before = dump(s.db)
    project = Project.connect(url, tmp_path)
    try:
        me = project.coder.id
        attempts = _lead_actions(dataclasses.replace(s, db=project.db), me, other, media_id)
        for name in ("independent coding", "assign", "draw a sample", "read the audit log", "compare coders"):
            with pytest.raises(WorkbenchError):
                attempts[name]()
        with pytest.raises(WorkbenchError, match="refused it for your login"):  # the lead's id: the server
            bus.run(project.db, Command("set_independent_mode", {"lead_id": s.lead, "on": True}))
    finally:
        project.close()
    assert dump(s.db) == before
    s.db.dispose()
