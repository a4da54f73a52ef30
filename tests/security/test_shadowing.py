"""Temp-table and search_path shadowing as a member's own login: a table in ``pg_temp`` named like
one a function, policy or view reads (``coders`` mapping the login to someone else, ``settings``
switching independent coding off, an empty ``audit_log`` swallowing the trigger's rows).

Two layers, each tried on its own: members may not create temporary objects at all; and with
TEMP granted anyway (as on a server whose administrator left it open), every function runs with
a pinned ``search_path`` (``pg_temp`` last), so the shadows change nothing."""

from __future__ import annotations

import re
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import errors, sql

pytestmark = pytest.mark.postgres

# every table a function, policy or view of the schema reads (checked against the catalogue below)
SHADOWED = (
    "coders",
    "settings",
    "audit_log",
    "text_codings",
    "transcripts",
    "participants",
    "pseudonym_key",
    "observations",
    "assignments",
    "media",
    "memos",
    "events",
    "wb_rater_queue",
)
ATTACKERS = ("ann", "a", "lead")  # a coder, a rater, and a lead hiding their own changes
VICTIM = {"ann": "bob", "a": "b", "lead": "ann"}
PATHS = (None, "pg_temp, public", "pg_temp")


def _read_by_server_code(h) -> set[str]:
    with h.admin() as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v')"
            )
        }
        sources = [
            r[0]
            for r in conn.execute("SELECT prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace")
        ]
        dynamic = [src for src in sources if re.search(r"\bEXECUTE\b", src, re.IGNORECASE)]
        assert not dynamic, "a function runs dynamic SQL: name the tables it reads in SHADOWED by hand"
        # names in strings are data (comments first: an apostrophe there opens no string)
        sources = [re.sub(r"'(?:[^']|'')*'", "''", re.sub(r"--[^\n]*", "", src)) for src in sources]
        sources += [
            f"{q or ''} {c or ''}"
            for q, c in conn.execute("SELECT qual, with_check FROM pg_policies WHERE schemaname = 'public'")
        ]
        sources += [r[0] for r in conn.execute("SELECT definition FROM pg_views WHERE schemaname = 'public'")]
    return {t for t in tables for s in sources if re.search(rf"\b{t}\b", s)}


def test_the_shadow_list_covers_every_table_server_code_reads(hostile):
    read = _read_by_server_code(hostile)
    assert {"coders", "settings", "audit_log", "text_codings", "pseudonym_key"} <= read
    assert read <= set(SHADOWED), f"add {sorted(read - set(SHADOWED))} to SHADOWED"


def _columns(h, table: str) -> str:
    with h.admin() as conn:
        return conn.execute(
            "SELECT string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) "
            "FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            (f"public.{table}",),
        ).fetchone()[0]


# --- layer 1: no temporary objects, no objects in public ----------------------------------------


@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("table", SHADOWED)
@pytest.mark.parametrize("spelling", ["CREATE TEMP TABLE {t} ({c})", "CREATE TABLE pg_temp.{t} ({c})"])
def test_members_cannot_create_a_temp_table(hostile, who, table, spelling):
    before = hostile.state()
    with hostile.raw(who) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(spelling.format(t=table, c=_columns(hostile, table)))
    assert hostile.state() == before


@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE public.coders_x (id integer)",
        "CREATE VIEW public.coders_v AS SELECT 1 AS id",
        "CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$",
        "CREATE FUNCTION public.wb_me() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$",
        "CREATE OR REPLACE FUNCTION public.wb_flag(flag text) RETURNS boolean LANGUAGE sql AS $$ SELECT false $$",
        "CREATE FUNCTION pg_temp.wb_me() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$",
        "CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4ne)",
        "CREATE OPERATOR pg_temp.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4ne)",
        "CREATE SCHEMA evil",
        "CREATE TEMP SEQUENCE s",
        "CREATE TEMP VIEW coders AS SELECT 1 AS id",
    ],
)
def test_members_cannot_create_objects_that_could_shadow(hostile, who, statement):
    before = hostile.state()
    with hostile.raw(who) as conn:
        with pytest.raises((errors.InsufficientPrivilege, errors.InvalidSchemaName)):
            conn.execute(statement)
    assert hostile.state() == before


# --- layer 2: TEMP granted anyway; the pinned search_path ignores the shadows ---------------------


@contextmanager
def _temp_granted(h, who: str):
    grant = sql.SQL("GRANT TEMPORARY ON DATABASE {} TO {}")
    revoke = sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM {}")
    names = (sql.Identifier(h.server.admin_url.rsplit("/", 1)[1]), sql.Identifier(h.logins[who]))
    with h.admin() as conn:
        conn.execute(grant.format(*names))
    try:
        yield
    finally:
        with h.admin() as conn:
            conn.execute(revoke.format(*names))


def _shadow(h, conn: psycopg.Connection, who: str, table: str) -> None:
    conn.execute(f"CREATE TEMP TABLE {table} ({_columns(h, table)})")
    if table == "coders":  # the login becomes the victim
        conn.execute("INSERT INTO pg_temp.coders SELECT * FROM public.coders")
        conn.execute("UPDATE pg_temp.coders SET login = 'nobody' WHERE login = current_user")
        conn.execute("UPDATE pg_temp.coders SET login = current_user WHERE id = %s", (h.ids[VICTIM[who]],))
    elif table == "settings":  # independent coding off, everything released
        conn.execute("INSERT INTO pg_temp.settings SELECT * FROM public.settings")
        conn.execute("UPDATE pg_temp.settings SET value = '0' WHERE key = 'independent_coding'")
        conn.execute("INSERT INTO pg_temp.settings VALUES ('codings_released', '1') ON CONFLICT DO NOTHING")


def _one(conn, query: str, params=()):
    return conn.execute(query, params).fetchone()[0]


def _probe(h, conn: psycopg.Connection, who: str) -> None:
    """The shadows must not change who the server thinks this is, what they see, or the audit."""
    me = h.ids[who]
    assert _one(conn, "SELECT public.wb_me()") == me
    assert _one(conn, "SELECT public.wb_session_coder()") == me
    assert _one(conn, "SELECT public.wb_flag('independent_coding')") is True
    assert _one(conn, "SELECT public.wb_is_lead()") is (who == "lead")
    if who == "ann":
        assert _one(conn, "SELECT count(*) FROM public.text_codings WHERE coder_id <> %s", (me,)) == 0
        assert _one(conn, "SELECT count(*) FROM public.memos WHERE coder_id <> %s", (me,)) == 0
        assert (
            conn.execute("UPDATE public.memos SET text = 'hijacked' WHERE coder_id <> %s", (me,)).rowcount
            == 0
        )
        assert _one(conn, "SELECT public.wb_coding_total(%s)", (h.transcripts["P001"],)) == 2
    if who == "a":
        assert _one(conn, "SELECT count(*) FROM public.observations WHERE coder_id <> %s", (me,)) == 0
        assert _one(conn, "SELECT count(*) FROM public.events") == 1  # their own event only
        assert conn.execute("UPDATE public.events SET comment = comment").rowcount == 1
    # a change still reaches the real audit log, signed by the real person
    change = {
        "ann": ("UPDATE public.text_codings SET needs_review = needs_review WHERE coder_id = %s", (me,)),
        "a": ("UPDATE public.observations SET status = status WHERE coder_id = %s", (me,)),
        "lead": ("UPDATE public.settings SET value = value WHERE key = %s", ("independent_coding",)),
    }[who]
    before = h.audit_count()
    changed = conn.execute(*change).rowcount
    assert changed >= 1
    assert h.audit_count() == before + changed
    with h.admin() as admin:
        signed = admin.execute(
            "SELECT DISTINCT coder_id, login FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT %s) x",
            (changed,),
        ).fetchall()
    assert signed == [(me, h.logins[who])]


@pytest.mark.parametrize("path", PATHS, ids=["default-path", "temp-first", "temp-only"])
@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("table", SHADOWED)
def test_with_temp_granted_a_shadow_table_changes_nothing(hostile, who, table, path):
    with _temp_granted(hostile, who), hostile.raw(who) as conn:
        _shadow(hostile, conn, who, table)
        if path is not None:
            conn.execute(f"SET search_path = {path}")
        _probe(hostile, conn, who)
        _shadow_was_live(hostile, conn, who, table)


def _shadow_was_live(h, conn, who: str, table: str) -> None:
    """The shadow was there all along (the probe did not pass because it had vanished)."""
    assert _one(conn, "SELECT to_regclass(%s) IS NOT NULL", (f"pg_temp.{table}",))
    if table == "coders":
        assert _one(conn, "SELECT id FROM pg_temp.coders WHERE login = current_user") == h.ids[VICTIM[who]]
    elif table == "settings":
        assert _one(conn, "SELECT value FROM pg_temp.settings WHERE key = 'independent_coding'") == "0"
    elif table == "audit_log":  # the trigger wrote nothing into the shadow
        assert _one(conn, "SELECT count(*) FROM pg_temp.audit_log") == 0


@pytest.mark.parametrize("who", ATTACKERS)
def test_with_temp_granted_all_shadows_at_once_change_nothing(hostile, who):
    with _temp_granted(hostile, who), hostile.raw(who) as conn:
        for table in SHADOWED:
            _shadow(hostile, conn, who, table)
        conn.execute("SET search_path = pg_temp, public")
        _probe(hostile, conn, who)
        for table in SHADOWED:
            _shadow_was_live(hostile, conn, who, table)


@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("path", ["pg_temp, public", "pg_temp", "''"])
def test_a_login_default_search_path_changes_nothing(hostile, who, path):
    """``ALTER ROLE me SET search_path`` (allowed to anyone for themselves) before connecting."""
    with hostile.raw(who) as conn:
        conn.execute(f"ALTER ROLE CURRENT_USER SET search_path = {path}")
    try:
        with hostile.raw(who) as conn:
            _probe(hostile, conn, who)
    finally:
        with hostile.raw(who) as conn:
            conn.execute("ALTER ROLE CURRENT_USER RESET search_path")


def test_every_function_of_the_schema_pins_its_search_path(hostile):
    with hostile.admin() as conn:
        found = conn.execute(
            "SELECT p.oid::regprocedure::text, p.prosecdef, p.proconfig FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace"
        ).fetchall()
    assert len(found) >= 15 and any(definer for _, definer, _ in found)
    open_path = []
    for signature, _definer, config in found:
        paths = [c.split("=", 1)[1] for c in config or () if c.startswith("search_path=")]
        parts = [p.strip() for p in paths[0].split(",")] if paths else []
        if not parts or parts[0] != "pg_catalog" or parts[-1] != "pg_temp" or "pg_temp" in parts[:-1]:
            open_path.append(f"{signature}: {paths or 'no search_path'}")
    assert not open_path, (
        "functions without a pinned search_path (pg_catalog first, pg_temp last):\n" + "\n".join(open_path)
    )
