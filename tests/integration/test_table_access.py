"""Every table on a team server has an explicit grant decision for each wb_* role, checked against
the database's own catalogue; the pseudonym key is the leads' alone (tried as real logins), and a
coder's exports are still redacted, by the server, without the coder ever reading the key.

A new table fails ``test_every_table_has_a_decision_for_every_role`` until its migration grants
(or deliberately does not grant) each role and the decision is written down in ACCESS below."""

from __future__ import annotations

import csv
import zipfile

import pytest
from coding_fixtures import build, span
from psycopg import errors
from team_fixtures import team_server  # noqa: F401  (fixture)

from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.nlp.pseudonymise import PseudonymKey
from workbench.services import coding_exports
from workbench.services.project import Project
from workbench.store import coding_ops, pseudonym_keys, transcripts
from workbench.store.retrieval import Filters
from workbench.store.visibility import Viewer

pytestmark = pytest.mark.postgres
ROLES = ("wb_lead", "wb_coder", "wb_rater")
RW, R, NONE = "SELECT INSERT UPDATE DELETE", "SELECT", ""

# table -> (wb_lead, wb_coder, wb_rater, row-level security). Privileges on the whole table;
# column-level grants are in COLUMNS. Change this only together with a migration.
ACCESS = {
    "alembic_version": (R, R, R, False),
    "assignments": (RW, R, NONE, True),  # raters read their queue through wb_rater_queue
    "audit_log": (
        "SELECT",
        NONE,
        NONE,
        False,
    ),  # written by the server only (wb_audit, triggers); leads read it
    "behaviours": (RW, R, R, False),
    "codebooks": (RW, RW, R, False),
    "coders": (R, R, R, False),  # people are added by the administrator (team add-person)
    "codes": (RW, RW, R, False),
    "coding_schemes": (RW, R, R, False),
    "epochs": (RW, RW, RW, True),
    "events": (RW, RW, RW, True),
    "framework_summaries": (RW, RW, NONE, False),
    "media": (RW, "SELECT INSERT UPDATE", NONE, True),
    "memos": (RW, RW, NONE, True),
    "modifier_sets": (RW, R, R, False),
    "observations": (RW, RW, "SELECT INSERT UPDATE", True),
    "participant_attributes": (RW, RW, NONE, False),
    "participants": (RW, RW, NONE, False),
    # sentence vectors follow their transcript's words; derived data, never updated in place
    "passage_embeddings": ("SELECT INSERT DELETE", "SELECT INSERT DELETE", NONE, True),
    "pseudonym_key": (RW, NONE, NONE, True),  # coders redact through wb_redact / wb_redact_matches
    "rating_scales": (RW, R, R, False),
    "ratings": (RW, RW, RW, True),
    "scheme_subjects": (RW, R, R, False),
    "scheme_tasks": (RW, R, R, False),
    "segments": (RW, RW, NONE, False),
    "settings": (RW, R, R, False),
    "speech_gaps": (RW, RW, NONE, True),  # untranscribed-speech markers follow their transcript's words
    "suggestion_rejections": ("SELECT INSERT DELETE", "SELECT INSERT DELETE", NONE, True),  # own rows
    "text_codings": (RW, RW, NONE, True),
    "text_lemmas": (RW, RW, NONE, False),
    "timepoints": (RW, RW, NONE, False),
    "transcripts": (RW, "SELECT INSERT DELETE", NONE, False),
    "wb_rater_queue": (R, R, R, False),  # a view: each rater's own assignments, masked
    "words": (RW, RW, NONE, False),
}
COLUMNS = {  # (table, role, privilege) -> columns granted one by one
    ("media", "wb_rater", "SELECT"): {"id"},
    ("transcripts", "wb_coder", "UPDATE"): {
        "participant_id",
        "media_id",
        "name",
        "language",
        "engine",
        "model",
        "engine_version",
        "settings",
        "version",
        "lemmas_version",
        "created_at",
        "updated_at",
    },  # not codings_released: the lead's
}
FUNCTIONS = {  # SECURITY DEFINER functions -> roles that may execute them
    "wb_coding_total(integer)": {"wb_lead", "wb_coder"},  # raters get no counts of transcript material
    "wb_redact(text)": {"wb_lead"},  # a coder's call would answer guesses of names (migration 0006)
    "wb_redact_matches(text)": {"wb_lead"},
    "wb_erase_audit(text,jsonb)": {"wb_lead"},
    "wb_audit(text,text,integer,json,json,integer)": {"wb_lead", "wb_coder", "wb_rater"},
    "wb_key_size()": {"wb_lead", "wb_coder", "wb_rater"},
    "wb_audit_login()": set(),  # trigger functions
    "wb_audit_row()": set(),
    "wb_guard_delete()": set(),
}
HOW_TO = (
    "grant (or deliberately leave out) wb_lead, wb_coder and wb_rater in the migration that creates "
    "it, as 0003_team_roles.py and 0005_key_access.py do, then record the decision in ACCESS in "
    "tests/integration/test_table_access.py"
)


def _catalogue(server, sql: str, params=()):
    with server.raw_admin() as conn:
        return conn.execute(sql, params).fetchall()


def test_every_table_has_a_decision_for_every_role(team_server):  # noqa: F811
    tables = {
        name: (kind, rls)
        for name, kind, rls in _catalogue(
            team_server,
            (
                "SELECT c.relname, c.relkind, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
            ),
        )
    }
    missing = sorted(set(tables) - set(ACCESS))
    assert not missing, f"No access decision for table(s) {', '.join(missing)}: {HOW_TO}."
    assert not sorted(set(ACCESS) - set(tables)), "ACCESS names tables that no longer exist"
    granted = {}
    for table, role, privilege in _catalogue(
        team_server,
        (
            "SELECT c.relname, a.grantee::regrole::text, a.privilege_type FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a "
            "WHERE n.nspname = 'public' AND (a.grantee = 0 OR a.grantee::regrole::text LIKE 'wb\\_%%')"
        ),
    ):
        granted.setdefault((table, role), set()).add(privilege)
    public = sorted(t for (t, role) in granted if role == "-")
    assert not public, (
        f"Table(s) {', '.join(public)} grant privileges to PUBLIC: grant to the wb_* roles instead."
    )
    problems = []
    for table, (*decided, rls) in sorted(ACCESS.items()):
        for role, want in zip(ROLES, decided):
            have = granted.get((table, role), set())
            if have != set(want.split()):
                problems.append(
                    f"{table}: {role} has {sorted(have) or 'nothing'}, decided {want or 'nothing'}"
                )
        if tables[table][1] != rls:
            problems.append(
                f"{table}: row-level security {'on' if tables[table][1] else 'off'}, decided "
                f"{'on' if rls else 'off'}"
            )
    assert not problems, "Grants differ from the decisions (" + HOW_TO + "):\n" + "\n".join(problems)


def test_column_grants_policies_sequences_and_definer_functions(team_server):  # noqa: F811
    columns = {}
    for table, role, privilege, column in _catalogue(
        team_server,
        (
            "SELECT c.relname, a.grantee::regrole::text, a.privilege_type, att.attname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute att ON att.attrelid = c.oid, "
            "aclexplode(att.attacl) a WHERE n.nspname = 'public' AND att.attacl IS NOT NULL"
        ),
    ):
        columns.setdefault((table, role, privilege), set()).add(column)
    assert columns == COLUMNS
    # on a table with row-level security, a role granted anything needs a policy, or it sees nothing
    policies = {
        (t, r)
        for t, roles in _catalogue(
            team_server, "SELECT tablename, roles FROM pg_policies WHERE schemaname = 'public'"
        )
        for r in roles
    }
    for table, (*decided, rls) in ACCESS.items():
        for role, want in zip(ROLES, decided):
            if rls and want and table != "wb_rater_queue":
                assert (table, role) in policies, f"{table}: {role} is granted {want} but has no policy"
    # whoever may insert into a table may draw its ids
    for table, _column, sequence in _catalogue(
        team_server,
        (
            "SELECT c.relname, att.attname, pg_get_serial_sequence(quote_ident(c.relname), att.attname) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute att "
            "ON att.attrelid = c.oid WHERE n.nspname = 'public' AND c.relkind = 'r' AND att.attnum > 0 "
            "AND pg_get_serial_sequence(quote_ident(c.relname), att.attname) IS NOT NULL"
        ),
    ):
        for role, want in zip(ROLES, ACCESS[table][:3]):
            usable = _catalogue(
                team_server, "SELECT has_sequence_privilege(%s, %s, 'USAGE')", (role, sequence)
            )[0][0]
            assert usable or "INSERT" not in want.split(), (
                f"{role} may insert into {table} but not use {sequence}"
            )
    definers = {}
    for signature, config, public in _catalogue(
        team_server,
        (
            "SELECT p.oid::regprocedure::text, p.proconfig, "
            "coalesce(p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0), true) "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.prosecdef"
        ),
    ):
        assert any(c.startswith("search_path=") for c in config or ()), f"{signature} leaves search_path open"
        assert not public, f"{signature} runs as its owner and anyone may call it"
        definers[signature] = {
            r
            for r in ROLES
            if _catalogue(team_server, "SELECT has_function_privilege(%s, %s, 'EXECUTE')", (r, signature))[0][
                0
            ]
        }
    assert definers == FUNCTIONS


# --- the pseudonym key as real logins -------------------------------------------------------------

NAMED = [
    "Who came with you?",
    "My partner Daniel drove me to Moorfield Children's Centre, Daniel stayed.",
    "Zoë my daughter loved the MOORFIELD children's centre toys, and Daniel's mum came.",
]
KEY = [
    ("Daniel", "[Partner]", "Person", True),
    ("Moorfield Children's Centre", "[Service 1]", "Service", False),
    ("Zoë", "[Child]", "Person", False),
]


@pytest.fixture
def keyed(team_server):  # noqa: F811
    """The coding study with a named transcript, a stored key, and logins for the lead, Ann and a rater."""
    s = build(team_server.admin_url)
    segments = [
        NewSegment(i * 10_000, i * 10_000 + 9_000, line, "Participant") for i, line in enumerate(NAMED)
    ]
    s.transcripts["named"] = transcripts.add_transcript(s.db, "P001", "named", segments).created_id(
        "transcripts"
    )
    pseudonym_keys.save_key(s.db, s.lead, KEY)
    s.logins = {"lead": team_server.attach(s.lead, "lead"), "ann": team_server.attach(s.ann, "coder")}
    _, s.logins["rater"] = team_server.add("Rater R", "rater")
    s.server = team_server
    yield s
    s.db.dispose()


def _raw(s, who: str):
    return s.server.raw(s.logins[who].split("://", 1)[1].split(":", 1)[0])


@pytest.mark.parametrize("who", ["ann", "rater"])
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT original FROM pseudonym_key",
        "SELECT count(*) FROM pseudonym_key",
        "INSERT INTO pseudonym_key (match_key, original, replacement, category, case_sensitive, created_at, updated_at) "
        "VALUES ('x', 'x', '[X]', 'Other', true, now(), now())",
        "UPDATE pseudonym_key SET replacement = '[Y]'",
        "DELETE FROM pseudonym_key",
    ],
)
def test_coders_and_raters_cannot_read_or_write_the_key(keyed, who, sql):
    with _raw(keyed, who) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(sql)


def test_leads_read_and_write_the_key_and_nobody_else_can_redact(keyed):
    with _raw(keyed, "lead") as conn:
        assert {r[0] for r in conn.execute("SELECT original FROM pseudonym_key")} == {k[0] for k in KEY}
        conn.execute(
            "INSERT INTO pseudonym_key (match_key, original, replacement, category, case_sensitive, "
            "created_at, updated_at) VALUES ('leeds', 'Leeds', '[City]', 'Place', true, now(), now())"
        )
        conn.execute("DELETE FROM pseudonym_key WHERE match_key = 'leeds'")
    lead = Project.connect(keyed.logins["lead"])
    try:
        assert pseudonym_keys.load_key(lead.db, lead.coder.id).replacement("daniel") == "[Partner]"
    finally:
        lead.close()
    for who in ("rater", "ann"):  # a coder's redaction would answer her guesses of names
        with _raw(keyed, who) as conn:
            for call in ("SELECT wb_redact('Daniel')", "SELECT * FROM wb_redact_matches('Daniel')"):
                with pytest.raises(errors.InsufficientPrivilege):
                    conn.execute(call)
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("SELECT wb_erase_audit('P001', '{}')")
            assert conn.execute("SELECT wb_key_size()").fetchone()[0] == len(KEY)


def test_the_server_matches_names_as_the_key_does(keyed):
    key = PseudonymKey.from_rows(KEY)
    texts = NAMED + [
        "",
        "xDaniel Daniella",
        "DANIEL daniel Daniel",
        "moorfield\n  children's   CENTRE.",
        "ZOË, zoë and Zoe",
        "Daniel" * 3 + " Daniel",
    ]
    with _raw(keyed, "lead") as conn:
        for text in texts:
            found = conn.execute(
                "SELECT start_pos, end_pos, replacement FROM wb_redact_matches(%s) ORDER BY start_pos",
                (text,),
            ).fetchall()
            assert found == key.matches(text), text
            assert conn.execute("SELECT wb_redact(%s)", (text,)).fetchone()[0] == key.redact(text)


def test_only_a_lead_writes_redacted_exports_and_they_hold_no_original_name(keyed, tmp_path):
    s = keyed
    ann = Project.connect(s.logins["ann"])
    extracts, qdpx = tmp_path / "extracts.csv", tmp_path / "project.qdpx"
    try:
        assert ann.coder.role == "coder"
        text = "\n".join(NAMED)
        for phrase in ("Daniel drove me", "Zoë my daughter", "MOORFIELD children's centre toys"):
            coding_ops.apply_code(
                ann.db, s.transcripts["named"], s.codes["Group experience"], ann.coder.id, *span(text, phrase)
            )
        with pytest.raises(WorkbenchError, match="only a lead may apply it"):
            coding_exports.export_extracts(ann.db, Viewer(ann.coder.id), Filters(), extracts)
        with pytest.raises(WorkbenchError, match="only a lead may apply it"):
            coding_exports.export_qdpx(ann.db, Viewer(ann.coder.id), qdpx)
        assert not extracts.exists() and not qdpx.exists()
    finally:
        ann.close()
    lead = Project.connect(s.logins["lead"])
    try:
        coding_exports.export_extracts(lead.db, Viewer(lead.coder.id), Filters(), extracts)
        coding_exports.export_qdpx(lead.db, Viewer(lead.coder.id), qdpx)
    finally:
        lead.close()
    rows = list(csv.reader(extracts.open(encoding="utf-8-sig")))
    written = extracts.read_text(encoding="utf-8-sig")
    assert (
        "[Partner] drove me" in written and "[Child] my daughter" in written and "[Service 1] toys" in written
    )
    assert len(rows) >= 4
    with zipfile.ZipFile(qdpx) as archive:
        inside = "".join(archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist())
    for original in ("Daniel", "daniel", "Zoë", "ZOË", "Moorfield", "MOORFIELD"):
        assert original not in written and original not in inside
    with _raw(s, "ann") as conn:  # and still no key for her
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM pseudonym_key")
