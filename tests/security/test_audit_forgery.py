"""Forged, rewritten and erased audit entries, tried with each member's own login: nobody writes
the audit log but the server, which signs every entry with the session's login and coder; the
erasure redaction touches only entries about rows deleted in that transaction, by id."""

from __future__ import annotations

import json

import pytest
from psycopg import errors

pytestmark = pytest.mark.postgres

EVERYONE = ("lead", "ann", "bob", "a", "b")
DIRECT = [
    "INSERT INTO audit_log (at, coder_id, login, action, table_name) VALUES (now(), {lead}, 'x', 'forged', 'coders')",
    "INSERT INTO audit_log (action, table_name) VALUES ('forged', 'coders')",
    "WITH f AS (INSERT INTO audit_log (action, table_name) VALUES ('forged', 'x') RETURNING id) SELECT * FROM f",
    "INSERT INTO audit_log (at, action, table_name) SELECT at, action, table_name FROM audit_log LIMIT 1",
    "UPDATE audit_log SET coder_id = {lead}",
    "UPDATE audit_log SET before = NULL, after = NULL",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE coder_id = {lead}",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "ALTER TABLE text_codings DISABLE TRIGGER wb_audit",
    "DROP TRIGGER wb_audit_login ON audit_log",
    "DROP TRIGGER wb_audit ON text_codings",
    "SET session_replication_role = replica",
    "ALTER FUNCTION wb_audit_login() SECURITY INVOKER",
    "ALTER FUNCTION wb_audit_row() RESET search_path",
    "CREATE OR REPLACE FUNCTION wb_audit_login() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "SELECT wb_audit_login()",
    "SELECT wb_audit_row()",
    "SELECT wb_guard_delete()",
    "SELECT wb_audit('row insert', 'text_codings', 1, NULL, '{{}}', {lead})",
    "SELECT wb_audit('row delete', 'participants', 1, '{{}}', NULL, NULL)",
    "SELECT wb_audit('row update', 'coders', {lead}, NULL, NULL, {lead})",
    "SELECT wb_audit('redact audit', 'participants', 1, NULL, NULL, {lead})",
    "SELECT wb_audit(NULL, 'participants', 1, NULL, NULL, {lead})",
]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("statement", DIRECT)
def test_nobody_writes_or_rewrites_the_audit_log(hostile, who, statement):
    before = hostile.state()
    with hostile.raw(who) as conn:
        with pytest.raises((errors.InsufficientPrivilege, errors.ObjectNotInPrerequisiteState)):
            conn.execute(statement.format(lead=hostile.ids["lead"]))
    assert hostile.state() == before


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(
    "grant",
    [
        "GRANT INSERT ON audit_log TO CURRENT_USER",
        "GRANT ALL ON audit_log TO PUBLIC",
        "GRANT wb_lead TO CURRENT_USER",
        "GRANT EXECUTE ON FUNCTION wb_audit_row() TO CURRENT_USER",
    ],
)
def test_granting_oneself_the_audit_log_grants_nothing(hostile, who, grant):
    """A GRANT without the grant option warns and grants nothing (or is refused); inserting stays refused."""
    before = hostile.state()
    with hostile.raw(who) as conn:
        try:
            conn.execute(grant)
        except errors.InsufficientPrivilege:
            pass
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO audit_log (action, table_name) VALUES ('forged', 'coders')")
    assert hostile.state() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_copy_into_the_audit_log_is_refused(hostile, who):
    before = hostile.state()
    with hostile.raw(who) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            with conn.cursor().copy("COPY audit_log (action, table_name, coder_id) FROM STDIN") as copy:
                copy.write_row(("forged", "coders", hostile.ids["lead"]))
    assert hostile.state() == before


@pytest.mark.parametrize("who", ["ann", "a", "lead"])
@pytest.mark.parametrize("claimed", ["lead", "bob", "b", None])
def test_an_application_entry_is_signed_by_the_session_not_the_claim(hostile, who, claimed):
    action = f"note by {who} claiming {claimed}"
    claimed_id = hostile.ids[claimed] if claimed else None
    with hostile.raw(who) as conn:
        conn.execute(
            "SELECT wb_audit(%s, 'coders', NULL, NULL, '{\"text\": \"x\"}', %s)", (action, claimed_id)
        )
    with hostile.admin() as conn:
        rows = conn.execute(
            "SELECT coder_id, login, at > now() - interval '1 hour' FROM audit_log WHERE action = %s",
            (action,),
        ).fetchall()
    assert rows == [(hostile.ids[who], hostile.logins[who], True)]


@pytest.mark.parametrize("who", ["ann", "a"])
def test_a_raw_change_is_audited_under_the_real_login_even_naming_another_coder(hostile, who):
    me = hostile.ids[who]
    change = {
        "ann": "UPDATE text_codings SET needs_review = needs_review WHERE coder_id = %s",
        "a": "UPDATE observations SET status = status WHERE coder_id = %s",
    }[who]
    with hostile.admin() as conn:
        last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    with hostile.raw(who) as conn:
        changed = conn.execute(change, (me,)).rowcount
    with hostile.admin() as conn:
        rows = conn.execute("SELECT coder_id, login, action FROM audit_log WHERE id > %s", (last,)).fetchall()
    assert changed >= 1 and rows == [(me, hostile.logins[who], "row update")] * changed


# --- erasing audit payloads -----------------------------------------------------------------------

DUMMIES = ["e", "", "id", "before", "after", "coder_id", '"pseudonym"', "P001", "P0", "%", "redacted", None]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("pseudonym", DUMMIES)
def test_erase_audit_needs_a_participant_deleted_in_this_transaction(hostile, who, pseudonym):
    before = hostile.state()
    rows = json.dumps({"text_codings": hostile.codings["ann"], "coders": [hostile.ids["lead"]]})
    with hostile.raw(who) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT wb_erase_audit(%s, %s::jsonb)", (pseudonym, rows))
    assert hostile.state() == before


def test_erase_audit_redacts_by_id_only_the_erased_rows_and_is_itself_audited(hostile):
    """A lead erases a participant named like a JSON key, deleting and listing other people's rows in
    the same transaction: only the entries about the participant's own row are redacted (and those
    of memos renamed in it), and the redaction is logged."""
    before = hostile.state()
    listed = {
        "text_codings": hostile.codings["ann"] + hostile.codings["bob"],
        "participants": [1, 2, 3],
        "coders": list(hostile.ids.values()),
        "no_such_table": [1],
    }
    with hostile.raw("lead", autocommit=False) as conn:
        pid = conn.execute(
            "INSERT INTO participants (pseudonym, site, created_at) "
            "VALUES ('coder_id', 'x', now()) RETURNING id"
        ).fetchone()[0]
        conn.execute("DELETE FROM participants WHERE id = %s", (pid,))
        # rows of other people deleted in the same transaction are not the participant's own
        conn.execute("DELETE FROM text_codings WHERE id = %s", (hostile.codings["bob"][0],))
        conn.execute("UPDATE memos SET text = 'renamed' WHERE coder_id = %s", (hostile.ids["ann"],))
        listed["memos"] = [r[0] for r in conn.execute("SELECT id FROM memos")]
        payloads = "SELECT id, before::text, after::text FROM audit_log ORDER BY id"
        untouched = {r[0]: r for r in conn.execute(payloads)}
        done = conn.execute("SELECT wb_erase_audit('coder_id', %s::jsonb)", (json.dumps(listed),)).fetchone()[
            0
        ]
        renamed = conn.execute(
            "SELECT count(*) FROM audit_log WHERE table_name = 'memos' AND row_id IN "
            "(SELECT id FROM memos WHERE coder_id = %s)",
            (hostile.ids["ann"],),
        ).fetchone()[0]
        assert done == 2 + renamed  # the participant's insert and delete, and the renamed memo's entries
        now = {r[0]: r for r in conn.execute(payloads)}
        changed = sorted(i for i in untouched if untouched[i] != now[i])
        about = conn.execute(
            "SELECT id FROM audit_log WHERE table_name = 'participants' AND row_id = %s AND action LIKE 'row %%' "
            "ORDER BY id",
            (pid,),
        ).fetchall()
        memo_entries = conn.execute(
            "SELECT id FROM audit_log WHERE table_name = 'memos' AND row_id IN "
            "(SELECT id FROM memos WHERE coder_id = %s) ORDER BY id",
            (hostile.ids["ann"],),
        ).fetchall()
        assert changed == sorted(r[0] for r in about + memo_entries if r[0] in untouched)
        assert len(about) == 2 and renamed >= 2
        logged = conn.execute(
            "SELECT coder_id, login, row_id, after::text FROM audit_log WHERE action = 'redact audit'"
        ).fetchall()
        assert logged == [(hostile.ids["lead"], hostile.logins["lead"], pid, f'{{"entries" : {done}}}')]
        conn.rollback()
    assert hostile.state() == before
