"""team: the server keeps its promises against a member's own login: pinned search paths, no
TEMP or CREATE, audit entries signed by the server, no key or count oracles, no cascades into
other coders' work

Revision ID: 0006
Revises: 0005

PostgreSQL only (SQLite has no logins; nothing changes there).

* Every function of the schema runs with ``search_path = pg_catalog, public, pg_temp``, and
  nobody but the owner may create temporary tables or objects in ``public``: a member's temp
  table ``coders``/``settings``/``audit_log`` or function can no longer stand in for the
  project's own.
* The audit log is written only through the server: row triggers (SECURITY DEFINER) and
  ``wb_audit(...)`` for the application's own entries. Its ``BEFORE INSERT`` trigger signs
  every entry with the session login, its coder and the server clock; only the project's owner
  (who could write the table anyway) keeps the coder it names. No role may INSERT into it.
* ``wb_erase_audit`` redacts the entries about the erased participant's own rows: those deleted in
  this transaction that hang from the participant by their foreign keys (memos by their target),
  and the memos the erasure renamed (listed by id) — by table and id, never by matching text —
  and logs that it did.
* Redacting with the key is the leads' (``wb_redact``/``wb_redact_matches`` answered a coder's
  guesses); ``wb_key_size()`` tells anyone whether there is a key. Raters get no coding counts.
* A deletion by anyone but a lead (or the owner) that would remove another coder's coding,
  directly or by cascade (a transcript, code or codebook), is refused.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GROUPS = "wb_lead, wb_coder, wb_rater"
PATH = "pg_catalog, public, pg_temp"
REDACTED = '{"redacted": "participant erased"}'  # workbench.store.erasure.REDACTED

FUNCTIONS = rf"""
CREATE OR REPLACE FUNCTION wb_session_coder() RETURNS integer LANGUAGE sql STABLE
  SET search_path = {PATH}
  AS $$ SELECT c.id FROM public.coders c WHERE c.login = session_user $$;

CREATE OR REPLACE FUNCTION wb_session_owns() RETURNS boolean LANGUAGE sql STABLE
  SET search_path = {PATH}
  AS $$ SELECT pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_catalog.pg_class c
        WHERE c.oid = 'public.audit_log'::regclass $$;

CREATE OR REPLACE FUNCTION wb_audit_login() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = {PATH} AS $$
BEGIN
  NEW.login := session_user;
  NEW.at := now();
  IF NOT public.wb_session_owns() THEN
    NEW.coder_id := public.wb_session_coder();
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION wb_audit_row() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = {PATH} AS $$
DECLARE
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
  INSERT INTO public.audit_log (at, coder_id, login, action, table_name, row_id, before, after)
  VALUES (now(), public.wb_session_coder(), session_user, 'row ' || lower(TG_OP), TG_TABLE_NAME,
          (coalesce(new_row, old_row) ->> 'id')::integer, old_row::json, new_row::json);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wb_audit(action text, table_name text, row_id integer, before json,
                                    after json, coder integer) RETURNS void LANGUAGE plpgsql
  VOLATILE SECURITY DEFINER SET search_path = {PATH} AS $$
BEGIN
  IF action IS NULL OR action LIKE 'row %' OR action = 'redact audit' THEN
    RAISE EXCEPTION 'the action "%" is written by the server only', action
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO public.audit_log (at, coder_id, login, action, table_name, row_id, before, after)
  VALUES (now(), coder, session_user, action, table_name, row_id, before, after);
END $$;

CREATE OR REPLACE FUNCTION wb_guard_delete() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = {PATH} AS $$
BEGIN
  IF OLD.coder_id IS DISTINCT FROM public.wb_session_coder()
     AND NOT pg_has_role(session_user, 'wb_lead', 'MEMBER') AND NOT public.wb_session_owns() THEN
    RAISE EXCEPTION 'only a lead can delete this: another coder''s coding depends on it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION wb_key_size() RETURNS integer LANGUAGE sql STABLE
  SECURITY DEFINER SET search_path = {PATH}
  AS $$ SELECT count(*)::integer FROM public.pseudonym_key $$;

CREATE OR REPLACE FUNCTION wb_erase_audit(pseudonym text, erased jsonb) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = {PATH} AS $$
DECLARE
  person integer;
  targets integer[];
  done integer;
BEGIN
  IF coalesce(pseudonym, '') <> ''
     AND NOT EXISTS (SELECT 1 FROM public.participants p WHERE p.pseudonym = wb_erase_audit.pseudonym) THEN
    SELECT (a.before ->> 'id')::integer INTO person FROM public.audit_log a
    WHERE a.table_name = 'participants' AND a.action = 'row delete' AND a.at = now()
      AND a.login = session_user AND a.before ->> 'pseudonym' = wb_erase_audit.pseudonym
    ORDER BY a.id DESC LIMIT 1;
  END IF;
  IF person IS NULL THEN
    RAISE EXCEPTION 'audit entries are redacted only for a participant deleted in this transaction'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- the participant's own rows: deleted in this transaction and hanging from the participant by
  -- their foreign keys (a memo by its target); and memos the erasure renamed in it (listed)
  targets := ARRAY(
    WITH RECURSIVE gone AS (
      SELECT d.table_name::text AS tbl, d.row_id, d.before::jsonb AS row FROM public.audit_log d
      WHERE d.action = 'row delete' AND d.at = now() AND d.login = session_user
    ), links (child, col, kind, parent) AS (VALUES
      ('participant_attributes', 'participant_id', NULL, 'participants'),
      ('framework_summaries', 'participant_id', NULL, 'participants'),
      ('media', 'participant_id', NULL, 'participants'),
      ('transcripts', 'participant_id', NULL, 'participants'),
      ('segments', 'transcript_id', NULL, 'transcripts'),
      ('words', 'segment_id', NULL, 'segments'),
      ('text_lemmas', 'transcript_id', NULL, 'transcripts'),
      ('text_codings', 'transcript_id', NULL, 'transcripts'),
      ('observations', 'media_id', NULL, 'media'),
      ('events', 'observation_id', NULL, 'observations'),
      ('epochs', 'observation_id', NULL, 'observations'),
      ('ratings', 'observation_id', NULL, 'observations'),
      ('assignments', 'media_id', NULL, 'media'),
      ('assignments', 'transcript_id', NULL, 'transcripts'),
      ('memos', 'target_id', 'participant', 'participants'),
      ('memos', 'target_id', 'transcript', 'transcripts'),
      ('memos', 'target_id', 'coding', 'text_codings'),
      ('memos', 'target_id', 'media', 'media'),
      ('memos', 'target_id', 'observation', 'observations')
    ), owned (tbl, id) AS (
      SELECT 'participants'::text, person
      UNION
      SELECT g.tbl, g.row_id FROM owned o
      JOIN links l ON l.parent = o.tbl
      JOIN gone g ON g.tbl = l.child AND (g.row ->> l.col)::integer = o.id
                 AND (l.kind IS NULL OR g.row ->> 'target_kind' = l.kind)
    ), renamed AS (
      SELECT DISTINCT u.row_id FROM public.audit_log u
      WHERE u.table_name = 'memos' AND u.action = 'row update' AND u.at = now() AND u.login = session_user
        AND u.row_id IN (SELECT v::integer FROM jsonb_array_elements_text(coalesce(erased -> 'memos', '[]')) v)
    )
    SELECT a.id FROM public.audit_log a
    WHERE (a.table_name, a.row_id) IN (SELECT tbl, id FROM owned)
       OR (a.table_name = 'memos' AND a.row_id IN (SELECT row_id FROM renamed)));
  UPDATE public.audit_log a SET
    before = CASE WHEN a.before IS NULL THEN NULL ELSE 'REDACTED'::json END,
    after = CASE WHEN a.after IS NULL THEN NULL ELSE 'REDACTED'::json END
  WHERE a.id = ANY(targets);
  GET DIAGNOSTICS done = ROW_COUNT;
  INSERT INTO public.audit_log (at, coder_id, login, action, table_name, row_id, before, after)
  VALUES (now(), public.wb_session_coder(), session_user, 'redact audit', 'participants', person, NULL,
          json_build_object('entries', done));
  RETURN done;
END $$;
""".replace("'REDACTED'", "'" + REDACTED + "'")

# every function of the schema, the ones above and those of 0003-0005 alike
PIN_ALL = f"""DO $$ DECLARE f record; BEGIN
  FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p') LOOP
    EXECUTE format('ALTER ROUTINE %s SET search_path = {PATH}', f.sig);
  END LOOP; END $$"""

GRANTS = (
    f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {GROUPS}",
    f"""DO $$ BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, {GROUPS}', current_database());
END $$""",
    f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, {GROUPS}",
    "REVOKE EXECUTE ON FUNCTION wb_coding_total(integer) FROM wb_rater",
    "REVOKE EXECUTE ON FUNCTION wb_redact_matches(text), wb_redact(text) FROM wb_coder",
    "REVOKE EXECUTE ON FUNCTION wb_audit(text, text, integer, json, json, integer), wb_key_size(), "
    "wb_audit_login(), wb_audit_row(), wb_guard_delete() FROM PUBLIC",
    f"GRANT EXECUTE ON FUNCTION wb_audit(text, text, integer, json, json, integer), wb_key_size() TO {GROUPS}",
    "CREATE TRIGGER wb_guard_delete BEFORE DELETE ON text_codings FOR EACH ROW EXECUTE FUNCTION wb_guard_delete()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTIONS)  # no bind parameters in it: every ':' is part of a '::' cast
    op.execute(PIN_ALL)
    for statement in GRANTS:
        op.execute(statement)


def _earlier(name: str):
    """An earlier migration's module (alembic loads them by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(
        f"wb_migration_{name}", Path(__file__).with_name(f"{name}.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS wb_guard_delete ON text_codings")
    for fn in (
        "wb_guard_delete()",
        "wb_key_size()",
        "wb_audit(text, text, integer, json, json, integer)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.execute(_earlier("0003_team_roles").FUNCTIONS)
    op.execute(_earlier("0005_key_access").FUNCTIONS)
    for fn in ("wb_session_coder()", "wb_session_owns()"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.execute("""DO $$ DECLARE f record; BEGIN
  FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'
             AND p.proname IN ('wb_me', 'wb_is_lead', 'wb_flag', 'wb_audit_login', 'wb_audit_row',
                               'wb_notify', 'wb_guard_coding') LOOP
    EXECUTE format('ALTER FUNCTION %s RESET search_path', f.sig);
  END LOOP; END $$""")
    op.execute(f"GRANT INSERT ON audit_log TO {GROUPS}")
    op.execute("GRANT EXECUTE ON FUNCTION wb_coding_total(integer) TO wb_rater")
    op.execute("GRANT EXECUTE ON FUNCTION wb_redact_matches(text), wb_redact(text) TO wb_coder")
    op.execute("""DO $$ BEGIN
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END $$""")
