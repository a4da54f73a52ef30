"""Privilege escalation, reading what a role must not see, oracle calls and cascade deletes, as
each member's own login with raw SQL; and the same refusals through the application, one line."""

from __future__ import annotations

import copy
from contextlib import closing

import pytest
from psycopg import errors

from workbench.cli import main
from workbench.model.errors import WorkbenchError
from workbench.services import coding_exports
from workbench.services.project import Project
from workbench.store import codebooks
from workbench.store.codebook_sync import apply_codebook_update
from workbench.store.retrieval import Filters
from workbench.store.visibility import Viewer

pytestmark = pytest.mark.postgres

MEMBERS = ("ann", "bob", "a", "b")
ESCALATIONS = [
    "SET ROLE wb_lead",
    "SET ROLE {lead_login}",
    "SET ROLE workbench",
    "SET SESSION AUTHORIZATION {lead_login}",
    "ALTER ROLE CURRENT_USER SUPERUSER",
    "ALTER ROLE CURRENT_USER BYPASSRLS",
    "ALTER ROLE CURRENT_USER CREATEROLE",
    "ALTER ROLE {lead_login} PASSWORD 'x'",
    "CREATE ROLE evil LOGIN PASSWORD 'x'",
    "ALTER GROUP wb_lead ADD USER CURRENT_USER",
    "ALTER TABLE text_codings DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE text_codings NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE memos OWNER TO CURRENT_USER",
    "DROP POLICY coder_read ON text_codings",
    "CREATE POLICY evil ON text_codings USING (true)",
    "ALTER FUNCTION wb_me() OWNER TO CURRENT_USER",
    "ALTER FUNCTION wb_flag(text) RESET search_path",
    "ALTER FUNCTION wb_coding_total(integer) SECURITY INVOKER",
    "DROP FUNCTION wb_guard_coding() CASCADE",
    "DROP TRIGGER wb_guard_delete ON text_codings",
    "DROP TRIGGER wb_guard_coding ON text_codings",
    "ALTER TABLE text_codings DISABLE TRIGGER wb_guard_delete",
    "UPDATE coders SET login = CURRENT_USER WHERE id = {lead}",
    "UPDATE coders SET role = 'lead' WHERE login = CURRENT_USER",
    "INSERT INTO coders (name, role, login) VALUES ('Evil', 'lead', 'evil')",
    "UPDATE settings SET value = '0' WHERE key = 'independent_coding'",
    "INSERT INTO settings (key, value) VALUES ('codings_released', '1')",
    "UPDATE transcripts SET codings_released = true",
    "CREATE TABLE public.x (id integer)",
    "CREATE TEMP TABLE x (id integer)",
    "CREATE SCHEMA evil",
    "CREATE EXTENSION dblink",
    "SELECT pg_read_file('/etc/passwd')",
    "COPY (SELECT 1) TO PROGRAM 'true'",
    "COPY text_codings TO '/tmp/out'",
    "LOAD 'plpgsql'",
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename <> CURRENT_USER",
    "SET session_replication_role = replica",
    "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
    "GRANT wb_lead TO CURRENT_USER WITH ADMIN OPTION",
    "REASSIGN OWNED BY CURRENT_USER TO wb_lead",
]


def _refused(h, who: str, statement: str) -> None:
    before = h.state()
    with h.raw(who) as conn:
        with pytest.raises(errors.Error) as caught:
            conn.execute(statement.format(lead=h.ids["lead"], lead_login=h.logins["lead"]))
    assert isinstance(
        caught.value,
        errors.InsufficientPrivilege
        | errors.FeatureNotSupported
        | errors.UndefinedFile
        | errors.UndefinedObject,
    ), repr(caught.value)
    assert h.state() == before


@pytest.mark.parametrize("who", MEMBERS)
@pytest.mark.parametrize("statement", ESCALATIONS)
def test_members_cannot_escalate(hostile, who, statement):
    _refused(hostile, who, statement)


@pytest.mark.parametrize("who", MEMBERS)
def test_a_members_own_role_and_groups_stay_as_given(hostile, who):
    with hostile.raw(who) as conn:
        for grant in ("GRANT wb_lead TO CURRENT_USER", "GRANT SELECT ON pseudonym_key TO CURRENT_USER"):
            try:  # without the grant option: a warning and nothing granted, or refused
                conn.execute(grant)
            except errors.InsufficientPrivilege:
                pass
        assert conn.execute("SELECT pg_has_role(current_user, 'wb_lead', 'MEMBER')").fetchone()[0] is False
        assert conn.execute("SELECT has_table_privilege('pseudonym_key', 'SELECT')").fetchone()[0] is False
        assert conn.execute("SELECT wb_is_lead()").fetchone()[0] is False


@pytest.mark.parametrize("who", MEMBERS)
def test_acting_as_ones_own_group_role_gains_nothing(hostile, who):
    """``SET ROLE wb_coder`` (a member may) leaves no coder row behind the session: nothing more seen,
    nothing written in anyone's name."""
    group = "wb_coder" if who in ("ann", "bob") else "wb_rater"
    other = {"ann": "bob", "bob": "ann", "a": "b", "b": "a"}[who]
    before = hostile.state()
    with hostile.raw(who) as conn:
        conn.execute(f"SET ROLE {group}")
        assert conn.execute("SELECT wb_me()").fetchone()[0] is None
        table = "text_codings" if group == "wb_coder" else "observations"
        assert (
            conn.execute(
                f"SELECT count(*) FROM {table} WHERE coder_id = %s", (hostile.ids[other],)
            ).fetchone()[0]
            == 0
        )
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO audit_log (action, table_name) VALUES ('forged', 'x')")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SET ROLE wb_lead")
    assert hostile.state() == before


# --- reading what a role must not see -----------------------------------------------------------

RATER_DENIED = [
    "SELECT * FROM participants",
    "SELECT value FROM participant_attributes",
    "SELECT original_name FROM media",
    "SELECT participant_id FROM media",
    "SELECT * FROM transcripts",
    "SELECT * FROM segments",
    "SELECT * FROM words",
    "SELECT * FROM text_codings",
    "SELECT * FROM memos",
    "SELECT * FROM framework_summaries",
    "SELECT * FROM pseudonym_key",
    "SELECT * FROM audit_log",
    "SELECT * FROM assignments",
    "SELECT * FROM timepoints",
]
CODER_DENIED = [
    "SELECT * FROM pseudonym_key",
    "SELECT * FROM audit_log",
    "SELECT original FROM pseudonym_key",
]


@pytest.mark.parametrize("who", ["a", "b"])
@pytest.mark.parametrize("query", RATER_DENIED)
def test_raters_read_no_participant_or_transcript_material(hostile, who, query):
    _refused(hostile, who, query)


@pytest.mark.parametrize("who", ["ann", "bob"])
@pytest.mark.parametrize("query", CODER_DENIED)
def test_coders_read_neither_the_key_nor_the_audit_log(hostile, who, query):
    _refused(hostile, who, query)


OTHERS = {  # (who, query) -> rows that must be 0: others' work during independent coding / blind rating
    ("ann", "SELECT count(*) FROM text_codings WHERE coder_id <> {me}"),
    ("ann", "SELECT count(*) FROM memos WHERE coder_id <> {me}"),
    ("ann", "SELECT count(*) FROM text_codings WHERE 1 / (coder_id - {other}) = 1"),  # no error side channel
    ("ann", "SELECT count(*) FROM assignments"),
    ("ann", "SELECT count(*) FROM observations WHERE coder_id <> {me}"),
    ("bob", "SELECT count(*) FROM text_codings WHERE coder_id <> {me}"),
    ("bob", "SELECT count(*) FROM memos WHERE text LIKE '%%private%%' AND coder_id <> {me}"),
    ("a", "SELECT count(*) FROM observations WHERE coder_id <> {me}"),
    (
        "a",
        "SELECT count(*) FROM events e JOIN observations o ON o.id = e.observation_id WHERE o.coder_id <> {me}",
    ),
    ("a", "SELECT count(*) FROM wb_rater_queue WHERE media_id = {other_media}"),
    ("a", "SELECT count(*) FROM media WHERE id = {other_media}"),
    ("b", "SELECT count(*) FROM observations WHERE coder_id <> {me}"),
    ("b", "SELECT count(*) FROM events WHERE observation_id NOT IN (SELECT id FROM observations)"),
}


@pytest.mark.parametrize(("who", "query"), sorted(OTHERS))
def test_others_work_stays_invisible(hostile, who, query):
    other = {"ann": "bob", "bob": "ann", "a": "b", "b": "a"}[who]
    media = {"a": hostile.media[1], "b": hostile.media[0]}.get(who, 0)
    with hostile.raw(who) as conn:
        found = conn.execute(
            query.format(me=hostile.ids[who], other=hostile.ids[other], other_media=media)
        ).fetchone()[0]
    assert found == 0


def test_the_study_has_the_hidden_work_the_probes_look_for(hostile):
    """The invisibility above is no accident of an empty table."""
    with hostile.admin() as conn:
        assert conn.execute("SELECT count(DISTINCT coder_id) FROM text_codings").fetchone()[0] == 2
        assert conn.execute("SELECT count(DISTINCT coder_id) FROM memos").fetchone()[0] == 2
        assert conn.execute("SELECT count(DISTINCT coder_id) FROM observations").fetchone()[0] == 2
        assert (
            conn.execute("SELECT value FROM settings WHERE key = 'independent_coding'").fetchone()[0] == "1"
        )


# --- oracles -----------------------------------------------------------------------------------

GUESSES = ["Daniel", "daniel", "Moorfield", "Zoë", "Mary Smith", ""]


@pytest.mark.parametrize("who", MEMBERS)
@pytest.mark.parametrize("guess", GUESSES)
@pytest.mark.parametrize(
    "call",
    ["SELECT wb_redact(%s)", "SELECT * FROM wb_redact_matches(%s)", "SELECT wb_key_pattern(%s, true) ~ 'x'"],
)
def test_nobody_but_a_lead_tests_names_against_the_key(hostile, who, guess, call):
    before = hostile.state()
    with hostile.raw(who) as conn:
        if "wb_key_pattern" in call:  # a pure function of its argument: it never reads the key
            assert (
                conn.execute("SELECT prosecdef FROM pg_proc WHERE proname = 'wb_key_pattern'").fetchone()[0]
                is False
            )
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("SELECT * FROM pseudonym_key WHERE wb_key_pattern(original, true) IS NOT NULL")
        else:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(call, (guess,))
    assert hostile.state() == before


@pytest.mark.parametrize("who", ["a", "b"])
@pytest.mark.parametrize("transcript", ["P001", "P002", "P003"])
def test_raters_get_no_counts_of_transcript_material(hostile, who, transcript):
    _refused(hostile, who, f"SELECT wb_coding_total({hostile.transcripts[transcript]})")


@pytest.mark.parametrize("who", MEMBERS + ("lead",))
def test_the_key_size_is_all_anyone_learns(hostile, who):
    with hostile.raw(who) as conn:
        assert conn.execute("SELECT wb_key_size()").fetchone()[0] == 2


# --- cascade deletes ----------------------------------------------------------------------------

CASCADES = [
    "DELETE FROM transcripts WHERE id = {P001}",
    "DELETE FROM transcripts",
    "DELETE FROM codes WHERE id = {Anxiety}",
    "DELETE FROM codes WHERE id = {Calm}",
    "DELETE FROM codes",
    "DELETE FROM codebooks",
    "DELETE FROM participants WHERE pseudonym = 'P001'",
]


@pytest.mark.parametrize("who", ["ann", "bob"])
@pytest.mark.parametrize("statement", CASCADES)
def test_a_coder_cannot_delete_other_coders_codings_by_cascade(hostile, who, statement):
    ids = {"P001": hostile.transcripts["P001"], **hostile.codes}
    before = hostile.state()
    with hostile.raw(who) as conn:
        with pytest.raises((errors.InsufficientPrivilege, errors.ForeignKeyViolation)):
            conn.execute(statement.format(**ids))
    assert hostile.state() == before


@pytest.mark.parametrize("who", ["ann", "bob"])
def test_direct_deletes_of_others_codings_reach_no_row(hostile, who):
    other = {"ann": "bob", "bob": "ann"}[who]
    before = hostile.state()
    with hostile.raw(who) as conn:
        for coding in hostile.codings[other]:
            assert conn.execute("DELETE FROM text_codings WHERE id = %s", (coding,)).rowcount == 0
        assert conn.execute("DELETE FROM memos WHERE coder_id <> %s", (hostile.ids[who],)).rowcount == 0
    assert hostile.state() == before


def test_a_coder_may_still_delete_her_own_coding_and_a_lead_anything(hostile):
    """The guard refuses only other people's work (checked inside a transaction rolled back)."""
    before = hostile.state()
    with hostile.raw("ann", autocommit=False) as conn:
        assert (
            conn.execute("DELETE FROM text_codings WHERE id = %s", (hostile.codings["ann"][0],)).rowcount == 1
        )
        conn.rollback()
    with hostile.raw("lead", autocommit=False) as conn:
        conn.execute("DELETE FROM codes WHERE id = %s", (hostile.codes["Anxiety"],))
        conn.rollback()
    assert hostile.state() == before


# --- through the application: one clear line ----------------------------------------------------


def test_a_coders_export_with_a_key_is_refused_in_one_line(hostile, tmp_path):
    with closing(Project.connect(hostile.urls["ann"], media_root=tmp_path)) as project:
        with pytest.raises(WorkbenchError, match="only a lead may apply it") as caught:
            coding_exports.export_extracts(
                project.db, Viewer(project.coder.id), Filters(), tmp_path / "x.csv"
            )
    assert "\n" not in str(caught.value) and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("who", ["a", "b"])
@pytest.mark.parametrize("kind", ["extracts", "framework", "qdpx"])
def test_a_raters_export_is_one_clear_line(hostile, tmp_path, capsys, who, kind):
    out = tmp_path / {"extracts": "x.csv", "framework": "x.xlsx", "qdpx": "x.qdpx"}[kind]
    assert main(["--db", hostile.urls[who], "export", kind, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    errors_said = [line for line in (captured.out + captured.err).splitlines() if "error" in line.lower()]
    assert len(errors_said) == 1 and "refused" in errors_said[0], errors_said
    for dump in ("Traceback", "SELECT", "[SQL", "psycopg", "Background on this error"):
        assert dump not in captured.out + captured.err
    assert not out.exists()


def test_a_coders_codebook_update_that_would_delete_others_codings_is_one_clear_line(hostile, tmp_path):
    """Ann cannot see Bob's codings with "Practical barriers" (independent coding), so the update
    takes the code for unused; the server refuses the cascade into Bob's work."""
    before = hostile.state()
    with closing(Project.connect(hostile.urls["ann"], media_root=tmp_path)) as project:
        book = copy.deepcopy(codebooks.load_codebook(project.db, "COS-P"))
        book.codes = [c for c in book.codes if c.name != "Practical barriers"]
        with pytest.raises(WorkbenchError, match="only a lead can delete this") as caught:
            apply_codebook_update(project.db, "COS-P", book, project.coder.id)
    assert "\n" not in str(caught.value)
    assert hostile.state() == before
