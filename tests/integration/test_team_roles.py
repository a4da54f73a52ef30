"""Roles enforced by PostgreSQL: each rule tried as that person's real login with raw SQL, and the
normal store functions still working for each role."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest
from coding_fixtures import TEXTS, build, span
from psycopg import errors
from team_fixtures import team_server  # noqa: F401  (fixture)
from video_fixtures import SCHEME_FILE, SCHEME_NAME, fake_media

from workbench.coding import observation as ob
from workbench.coding.scheme import load_scheme
from workbench.model.errors import WorkbenchError
from workbench.services.project import Project
from workbench.store import assignments as asg
from workbench.store import audit, coding_ops, participants, ratings, schemes, team, visibility
from workbench.store import observations as obs
from workbench.store.retrieval import open_transcript
from workbench.store.text_correction import transcript_version, update_transcript_text
from workbench.store.transcripts import load_segments
from workbench.store.visibility import Viewer

pytestmark = pytest.mark.postgres
DENIED = (errors.InsufficientPrivilege,)


@pytest.fixture
def study(team_server):  # noqa: F811
    """Lead, coders Ann and Bob, raters A and B (each a login); two videos; codings by Ann and Bob."""
    s = build(team_server.admin_url)
    db = s.db
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    media = []
    for i, (p, tp) in enumerate((("P001", "baseline"), ("P002", "12 months"))):
        item = fake_media(f"{p}-play.mp4", i + 1)  # stored content-named, as media import does
        item = dataclasses.replace(item, path=f"media/{item.sha256[:16]}.mp4")
        media += participants.add_media(db, p, [item], timepoint=tp, task="free play").created["media"]
    urls = {
        "lead": team_server.attach(s.lead, "lead"),
        "ann": team_server.attach(s.ann, "coder"),
        "bob": team_server.attach(s.bob, "coder"),
    }
    rater_a, urls["a"] = team_server.add("Rater A", "rater")
    rater_b, urls["b"] = team_server.add("Rater B", "rater")
    asg.assign_media(db, s.lead, rater_a, [media[0]])
    asg.assign_media(db, s.lead, rater_b, [media[1]])
    asg.assign_media(db, s.lead, rater_b, [media[0]], purpose="reliability")
    opened = {}
    for who in ("a", "b"):
        project = Project.connect(urls[who])
        opened[who] = project
        for item in asg.rater_queue(project.db, project.coder.id):
            o = asg.rater_open(project.db, project.coder.id, item.masked_id, SCHEME_NAME)
            obs.add_event(
                project.db,
                o.observation_id,
                ob.Event("maternal_smile", "mother", "point", 1000),
                acting_coder=project.coder.id,
            )
    for who, coder in (("ann", s.ann), ("bob", s.bob)):
        project = Project.connect(urls[who])
        opened[who] = project
        text = open_transcript(project.db, Viewer(coder), s.transcripts["P001"]).text.text
        coding_ops.apply_code(
            project.db, s.transcripts["P001"], s.codes["Anxiety"], coder, *span(text, "anxious")
        )
        text2 = open_transcript(project.db, Viewer(coder), s.transcripts["P002"]).text.text
        coding_ops.apply_code(
            project.db, s.transcripts["P002"], s.codes["Calm"], coder, *span(text2, "calmer")
        )
    visibility.set_independent_mode(db, s.lead, True)
    s.urls, s.media, s.raters, s.projects = urls, media, (rater_a, rater_b), opened
    s.server = team_server
    yield s
    for project in opened.values():
        project.close()
    db.dispose()


def _login(s, who: str) -> str:
    return s.urls[who].split("://", 1)[1].split(":", 1)[0]


def _rows(s, who: str, sql: str, params=()):
    with s.server.raw(_login(s, who)) as conn:
        return conn.execute(sql, params).fetchall()


def _denied(s, who: str, sql: str, params=()):
    with s.server.raw(_login(s, who)) as conn:
        with pytest.raises(DENIED):
            conn.execute(sql, params)


# --- raters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM participants",
        "SELECT value FROM participant_attributes",
        "SELECT * FROM timepoints",
        "SELECT original_name FROM media",
        "SELECT timepoint_id, participant_id, task FROM media",
        "SELECT * FROM assignments",
        "SELECT * FROM transcripts",
        "SELECT * FROM segments",
        "SELECT * FROM text_codings",
        "SELECT * FROM audit_log",
        "SELECT * FROM memos",
    ],
)
def test_rater_cannot_read_identities_allocation_or_timepoints(study, sql):
    _denied(study, "a", sql)


def test_rater_sees_only_their_own_queue_media_and_work(study):
    s = study
    rater_a, rater_b = s.raters
    queue = _rows(s, "a", "SELECT * FROM wb_rater_queue")
    assert [r[2] for r in queue] == [s.media[0]]  # media_id column: only the assigned video
    assert _rows(s, "a", "SELECT id FROM media") == [(s.media[0],)]
    assert {r[0] for r in _rows(s, "a", "SELECT coder_id FROM observations")} == {rater_a}
    events_a = _rows(s, "a", "SELECT observation_id FROM events")
    assert len(events_a) == 1  # rater B's two events on the same and another video are invisible
    assert _rows(
        s,
        "a",
        "SELECT count(*) FROM ratings r JOIN observations o ON o.id = r.observation_id WHERE o.coder_id = %s",
        (rater_b,),
    ) == [(0,)]
    assert _rows(s, "b", "SELECT count(*) FROM wb_rater_queue") == [(2,)]
    # the queue names nothing that identifies the participant, arm, site or timepoint
    text = " ".join(str(v) for r in _rows(s, "a", "SELECT * FROM wb_rater_queue") for v in r)
    for secret in ("P001", "P002", "Leeds", "baseline", "COS-P", "free play", "play.mp4", "reliability"):
        assert secret not in text


def test_rater_cannot_write_into_another_raters_work_or_unassigned_videos(study):
    s = study
    rater_a, rater_b = s.raters
    (obs_b,) = [r[0] for r in _rows(s, "b", "SELECT id FROM observations ORDER BY id")][:1]
    with s.server.raw(_login(s, "a")) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO events (observation_id, behaviour_id, event_type, time_ms, modifiers, comment) "
                "SELECT %s, id, 'point', 5, '[]', '' FROM behaviours LIMIT 1",
                (obs_b,),
            )
        assert conn.execute("UPDATE events SET time_ms = 0 WHERE observation_id = %s", (obs_b,)).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM observations WHERE coder_id = %s", (rater_b,))
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO observations (media_id, coder_id, scheme_id, status, created_at, updated_at) "
                "SELECT %s, %s, id, 'not_started', now(), now() FROM coding_schemes",
                (s.media[1], rater_a),
            )
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE coders SET role = 'lead'")


def test_rater_store_functions_work_and_stay_masked(study):
    project = study.projects["a"]
    rater = project.coder
    assert rater.role == "rater"
    (item,) = asg.rater_queue(project.db, rater.id)
    opened = asg.rater_open(project.db, rater.id, item.masked_id, SCHEME_NAME)
    assert [e.behaviour for e in opened.events] == ["maternal_smile"]
    epoch = ratings.add_epoch(
        project.db, opened.observation_id, "free_play", 0, 60_000, acting_coder=rater.id
    ).created_id("epochs")
    ratings.rate(project.db, epoch, "maternal_sensitivity", 3, acting_coder=rater.id)
    assert asg.rater_open(project.db, rater.id, item.masked_id, SCHEME_NAME).ratings[0].value == 3
    with pytest.raises(WorkbenchError, match="only your own"):
        asg.rater_queue(project.db, study.raters[1])
    with pytest.raises(WorkbenchError):
        asg.list_assignments(project.db, rater.id)


# --- coders -------------------------------------------------------------------------------------


def _codings_by(s, who: str, coder_id: int) -> int:
    return _rows(s, who, "SELECT count(*) FROM text_codings WHERE coder_id = %s", (coder_id,))[0][0]


def test_coder_in_independent_mode_reads_others_codings_only_once_released(study):
    s = study
    assert _codings_by(s, "ann", s.ann) == 2 and _codings_by(s, "ann", s.bob) == 0
    assert _rows(s, "ann", "SELECT count(*) FROM memos m") == [(0,)]
    lead_project = Project.connect(s.urls["lead"])
    try:
        assert lead_project.coder.role == "lead"
        visibility.release_codings(lead_project.db, lead_project.coder.id, s.transcripts["P001"])
        assert _rows(s, "ann", "SELECT transcript_id FROM text_codings WHERE coder_id = %s", (s.bob,)) == [
            (s.transcripts["P001"],)
        ]
        visibility.release_codings(lead_project.db, lead_project.coder.id)  # project-wide
        assert _codings_by(s, "ann", s.bob) == 2
    finally:
        lead_project.close()


def test_coder_cannot_sign_as_another_release_or_change_others_codings(study):
    s = study
    with s.server.raw(_login(s, "ann")) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO text_codings (transcript_id, code_id, coder_id, start_pos, end_pos, quote, "
                "needs_review, created_at) VALUES (%s, %s, %s, 0, 3, '', false, now())",
                (s.transcripts["P003"], s.codes["Calm"], s.bob),
            )
        assert conn.execute("DELETE FROM text_codings WHERE coder_id = %s", (s.bob,)).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE transcripts SET codings_released = true")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE settings SET value = '1' WHERE key = 'codings_released'")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO assignments (coder_id, transcript_id, purpose, masked_id, order_key, "
                "assigned_at) VALUES (%s, %s, 'primary', 'X', 0, now())",
                (s.ann, s.transcripts["P001"]),
            )
    with s.server.raw_admin() as admin:
        admin.execute("UPDATE settings SET value = '0' WHERE key = 'independent_coding'")
    with s.server.raw(_login(s, "ann")) as conn:  # visible now, but still not hers to recode
        with pytest.raises(errors.InsufficientPrivilege, match="only the coder who made a coding"):
            conn.execute("UPDATE text_codings SET code_id = %s WHERE coder_id = %s", (s.codes["Calm"], s.bob))


def test_coder_store_functions_work(study):
    s = study
    project = s.projects["ann"]
    me = project.coder.id
    view = open_transcript(project.db, Viewer(me), s.transcripts["P003"])
    change = coding_ops.apply_code(
        project.db,
        s.transcripts["P003"],
        s.codes["Practical barriers"],
        me,
        *span(view.text.text, "bus"),
        expected_version=view.version,
    )
    coding = change.created_id("text_codings")
    coding_ops.recode(project.db, [coding], s.codes["Group experience"], me)
    coding_ops.add_memo(project.db, me, "coding", coding, "late buses")
    assert {c.coder_id for c in open_transcript(project.db, Viewer(me), s.transcripts["P001"]).codings} == {
        me
    }
    with pytest.raises(WorkbenchError, match="no longer exist"):  # hidden from her: as if absent
        bob_coding = _rows(s, "bob", "SELECT id FROM text_codings WHERE coder_id = %s", (s.bob,))[0][0]
        coding_ops.remove_codings(project.db, [bob_coding], me)
    # correcting P001 would move Bob's hidden coding: refused, nothing changed
    segments = load_segments(project.db, s.transcripts["P001"])
    version = transcript_version(project.db, s.transcripts["P001"])
    fixed = [dataclasses.replace(segments[0], text="How did you find it?", words=())]
    with pytest.raises(WorkbenchError, match="hidden from you"):
        update_transcript_text(project.db, s.transcripts["P001"], fixed + segments[1:], version, me)
    assert transcript_version(project.db, s.transcripts["P001"]) == version
    coding_ops.remove_codings(project.db, [coding], me)


# --- leads, the audit log, people ---------------------------------------------------------------


def test_only_leads_read_the_audit_log_and_nobody_rewrites_it(study):
    s = study
    for who in ("ann", "a"):
        _denied(s, who, "SELECT * FROM audit_log")
    with s.server.raw(_login(s, "ann")) as conn:  # nobody inserts; the server signs what the app writes
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO audit_log (at, login, action, table_name) VALUES "
                "('2000-01-01', 'someone_else', 'forged', 'x')"
            )
        conn.execute("SELECT wb_audit('forged', 'x', NULL, NULL, NULL, %s)", (s.lead,))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit_log")
    with s.server.raw(_login(s, "lead")) as conn:
        login, coder, year = conn.execute(
            "SELECT login, coder_id, extract(year FROM at) FROM audit_log WHERE action = 'forged'"
        ).fetchone()
        assert login == _login(s, "ann") and coder == s.ann and year > 2000
        for sql in ("DELETE FROM audit_log", "UPDATE audit_log SET login = 'x'"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)
    with pytest.raises(WorkbenchError, match="Only a lead"):
        audit.entries(s.projects["ann"].db, s.ann)


def test_raw_sql_changes_are_audited_with_before_and_after(study):
    s = study
    with s.server.raw(_login(s, "ann")) as conn:
        conn.execute("UPDATE text_codings SET needs_review = true WHERE coder_id = %s", (s.ann,))
    lead = Project.connect(s.urls["lead"])
    try:
        rows = [
            e for e in audit.entries(lead.db, lead.coder.id, table="text_codings") if e.action == "row update"
        ]
        assert len(rows) == 2 and {e.login for e in rows} == {_login(s, "ann")}
        assert all(e.before["needs_review"] is False and e.after["needs_review"] is True for e in rows)
        smiles = [
            e for e in audit.entries(lead.db, lead.coder.id, table="events") if e.action == "row insert"
        ]
        assert {e.login for e in smiles} == {_login(s, "a"), _login(s, "b")}
    finally:
        lead.close()


def test_a_login_without_a_person_is_refused_and_people_are_listed(study):
    s = study
    stranger = f"{s.server.prefix}_stranger"
    s.server.logins.append(stranger)
    with s.server.raw_admin() as conn:
        conn.execute(
            f"CREATE ROLE {stranger} LOGIN PASSWORD '{team.scram_verifier('team-test-pw')}' IN ROLE wb_coder"
        )
    with pytest.raises(WorkbenchError, match="not a person in this project"):
        Project.connect(s.server.login_url(stranger))
    people = {p.name: p for p in team.list_people(s.db)}
    assert people["Rater A"].role == "rater" and people["Rater A"].can_login and people["Rater A"].in_group
    with pytest.raises(WorkbenchError, match="already a wb_coder"):
        team.add_person(s.db, "Strange", "rater", stranger)
    with pytest.raises(WorkbenchError, match="cannot be a login"):
        team.add_person(s.db, "Evil", "coder", 'x"; DROP TABLE coders; --')
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(s.server.login_url(_login(s, "a"), password="wrong").replace("+psycopg", ""))


def test_team_init_is_idempotent(study):
    assert "already set up" in team.init_team(study.db)
    assert TEXTS  # the fixture's transcripts are untouched by a second init
