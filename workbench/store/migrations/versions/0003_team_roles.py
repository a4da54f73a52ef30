"""team: audit login column; on PostgreSQL group roles, grants, row-level security, rater views,
row-level audit triggers and change notifications

Revision ID: 0003
Revises: 0002

Everything after the ``audit_log.login`` column runs on PostgreSQL only (SQLite skips it).
Group roles ``wb_lead``, ``wb_coder`` and ``wb_rater`` are cluster-wide and created if missing;
each person is a login role in one of them (``workbench team add-person``). A person's coder row
is the one whose ``login`` is ``current_user``. The project's owner (who runs the migrations)
bypasses row-level security; nobody else does.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GROUPS = ("wb_lead", "wb_coder", "wb_rater")
ALL = ", ".join(GROUPS)
# tables each group may use without row restrictions (privileges only)
LEAD_ALL = (
    "settings",
    "participants",
    "participant_attributes",
    "timepoints",
    "media",
    "transcripts",
    "segments",
    "words",
    "text_lemmas",
    "codebooks",
    "codes",
    "text_codings",
    "memos",
    "framework_summaries",
    "coding_schemes",
    "scheme_subjects",
    "modifier_sets",
    "behaviours",
    "scheme_tasks",
    "rating_scales",
    "observations",
    "events",
    "epochs",
    "ratings",
    "assignments",
)
CODER_ALL = (
    "participants",
    "participant_attributes",
    "timepoints",
    "segments",
    "words",
    "text_lemmas",
    "codebooks",
    "codes",
    "text_codings",
    "memos",
    "framework_summaries",
    "observations",
    "events",
    "epochs",
    "ratings",
)
EVERYONE_READS = (
    "coders",
    "settings",
    "alembic_version",
    "codebooks",
    "codes",
    "coding_schemes",
    "scheme_subjects",
    "modifier_sets",
    "behaviours",
    "scheme_tasks",
    "rating_scales",
)
TRANSCRIPT_COLUMNS = (
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
)
RLS_TABLES = ("media", "text_codings", "memos", "observations", "events", "epochs", "ratings", "assignments")
AUDITED = (
    "settings",
    "coders",
    "participants",
    "participant_attributes",
    "timepoints",
    "media",
    "transcripts",
    "codebooks",
    "codes",
    "text_codings",
    "memos",
    "framework_summaries",
    "coding_schemes",
    "behaviours",
    "scheme_tasks",
    "rating_scales",
    "observations",
    "events",
    "epochs",
    "ratings",
    "assignments",
)
NOTIFIED = ("text_codings", "memos", "codes", "transcripts", "observations", "events", "epochs", "ratings")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION wb_me() RETURNS integer LANGUAGE sql STABLE
  AS $$ SELECT id FROM coders WHERE login = current_user $$;
CREATE OR REPLACE FUNCTION wb_is_lead() RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT pg_has_role(current_user, 'wb_lead', 'MEMBER') $$;
CREATE OR REPLACE FUNCTION wb_flag(flag text) RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT coalesce((SELECT value = '1' FROM settings WHERE key = flag), false) $$;
CREATE OR REPLACE FUNCTION wb_coding_total(transcript integer) RETURNS bigint LANGUAGE sql STABLE
  SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT count(*) FROM text_codings WHERE transcript_id = transcript $$;
CREATE OR REPLACE VIEW wb_rater_queue WITH (security_barrier) AS
  SELECT a.masked_id, a.order_key, a.media_id, m.path, m.duration_ms, m.frame_rate, m.frame_count,
         m.variable_frame_rate, m.width, m.height
  FROM assignments a JOIN media m ON m.id = a.media_id
  WHERE a.coder_id = (SELECT c.id FROM coders c WHERE c.login = current_user);
CREATE OR REPLACE FUNCTION wb_audit_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.login := current_user;
  NEW.at := now();
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION wb_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
  INSERT INTO audit_log (at, coder_id, login, action, table_name, row_id, before, after)
  VALUES (now(), wb_me(), current_user, 'row ' || lower(TG_OP), TG_TABLE_NAME,
          (coalesce(new_row, old_row) ->> 'id')::integer, old_row::json, new_row::json);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION wb_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('workbench_changes', TG_TABLE_NAME || ' ' || current_user);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION wb_guard_coding() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT wb_is_lead() AND OLD.coder_id IS DISTINCT FROM wb_me()
     AND (NEW.coder_id, NEW.code_id, NEW.transcript_id) IS DISTINCT FROM (OLD.coder_id, OLD.code_id, OLD.transcript_id)
  THEN
    RAISE EXCEPTION 'only the coder who made a coding (or a lead) can change its code'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
"""

VISIBLE_CODING = """(coder_id = (SELECT wb_me()) OR NOT (SELECT wb_flag('independent_coding'))
  OR (SELECT wb_flag('codings_released'))
  OR transcript_id IN (SELECT t.id FROM transcripts t WHERE t.codings_released))"""

POLICIES = f"""
CREATE POLICY lead_all ON text_codings TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY coder_read ON text_codings FOR SELECT TO wb_coder USING {VISIBLE_CODING};
CREATE POLICY coder_add ON text_codings FOR INSERT TO wb_coder WITH CHECK (coder_id = (SELECT wb_me()));
CREATE POLICY coder_update ON text_codings FOR UPDATE TO wb_coder USING {VISIBLE_CODING} WITH CHECK (true);
CREATE POLICY coder_remove ON text_codings FOR DELETE TO wb_coder USING (coder_id = (SELECT wb_me()));

CREATE POLICY lead_all ON memos TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY coder_read ON memos FOR SELECT TO wb_coder USING (coder_id = (SELECT wb_me())
  OR target_kind <> 'coding' OR target_id IN (SELECT c.id FROM text_codings c));
CREATE POLICY coder_own ON memos FOR ALL TO wb_coder USING (coder_id = (SELECT wb_me()))
  WITH CHECK (coder_id = (SELECT wb_me()));

CREATE POLICY lead_all ON observations TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY coder_own ON observations TO wb_coder USING (coder_id = (SELECT wb_me()))
  WITH CHECK (coder_id = (SELECT wb_me()));
CREATE POLICY rater_own ON observations TO wb_rater USING (coder_id = (SELECT wb_me()))
  WITH CHECK (coder_id = (SELECT wb_me()) AND media_id IN (SELECT q.media_id FROM wb_rater_queue q));

CREATE POLICY lead_all ON events TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY own ON events TO wb_coder, wb_rater USING (observation_id IN (SELECT o.id FROM observations o))
  WITH CHECK (observation_id IN (SELECT o.id FROM observations o));
CREATE POLICY lead_all ON epochs TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY own ON epochs TO wb_coder, wb_rater USING (observation_id IN (SELECT o.id FROM observations o))
  WITH CHECK (observation_id IN (SELECT o.id FROM observations o));
CREATE POLICY lead_all ON ratings TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY own ON ratings TO wb_coder, wb_rater USING (observation_id IN (SELECT o.id FROM observations o))
  WITH CHECK (observation_id IN (SELECT o.id FROM observations o));

CREATE POLICY lead_all ON assignments TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY coder_own ON assignments FOR SELECT TO wb_coder USING (coder_id = (SELECT wb_me()));

CREATE POLICY lead_all ON media TO wb_lead USING (true) WITH CHECK (true);
CREATE POLICY coder_all ON media TO wb_coder USING (true) WITH CHECK (true);
CREATE POLICY rater_assigned ON media FOR SELECT TO wb_rater
  USING (id IN (SELECT q.media_id FROM wb_rater_queue q));
"""


def _groups() -> list[str]:
    # one block per role: two projects initialised at once may race to create the same role
    return [
        f"""DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{g}') THEN CREATE ROLE {g} NOLOGIN; END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$"""
        for g in GROUPS
    ]


def _grants() -> list[str]:
    out = [
        f"GRANT USAGE ON SCHEMA public TO {ALL}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ALL}",
        f"GRANT SELECT ON {', '.join(EVERYONE_READS)} TO {ALL}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(LEAD_ALL)} TO wb_lead",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(CODER_ALL)} TO wb_coder",
        "GRANT SELECT, INSERT, UPDATE ON media TO wb_coder",
        "GRANT SELECT, INSERT, DELETE ON transcripts TO wb_coder",
        f"GRANT UPDATE ({', '.join(TRANSCRIPT_COLUMNS)}) ON transcripts TO wb_coder",
        "GRANT SELECT ON assignments TO wb_coder",
        "GRANT SELECT (id) ON media TO wb_rater",
        "GRANT SELECT, INSERT, UPDATE ON observations TO wb_rater",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON events, epochs, ratings TO wb_rater",
        f"GRANT INSERT ON audit_log TO {ALL}",
        "GRANT SELECT ON audit_log TO wb_lead",
        f"GRANT SELECT ON wb_rater_queue TO {ALL}",
        f"GRANT EXECUTE ON FUNCTION wb_me(), wb_is_lead(), wb_flag(text), wb_coding_total(integer) TO {ALL}",
    ]
    return out


def _triggers() -> list[str]:
    out = [
        "CREATE TRIGGER wb_audit_login BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION wb_audit_login()",
        "CREATE TRIGGER wb_guard_coding BEFORE UPDATE ON text_codings FOR EACH ROW "
        "EXECUTE FUNCTION wb_guard_coding()",
    ]
    out += [
        f"CREATE TRIGGER wb_audit AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH ROW "
        "EXECUTE FUNCTION wb_audit_row()"
        for t in AUDITED
    ]
    out += [
        f"CREATE TRIGGER wb_notify AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH STATEMENT "
        "EXECUTE FUNCTION wb_notify()"
        for t in NOTIFIED
    ]
    return out


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=100), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _groups():
        op.execute(statement)
    op.execute(FUNCTIONS)
    op.execute("REVOKE EXECUTE ON FUNCTION wb_coding_total(integer) FROM PUBLIC")
    for statement in _grants():
        op.execute(statement)
    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(POLICIES)
    for statement in _triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in AUDITED:
            op.execute(f"DROP TRIGGER IF EXISTS wb_audit ON {table}")
        for table in NOTIFIED:
            op.execute(f"DROP TRIGGER IF EXISTS wb_notify ON {table}")
        op.execute("DROP TRIGGER IF EXISTS wb_audit_login ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS wb_guard_coding ON text_codings")
        op.execute("""DO $$ DECLARE p record; BEGIN
  FOR p IN SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP POLICY %I ON %I', p.policyname, p.tablename);
  END LOOP; END $$""")
        for table in RLS_TABLES:
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP VIEW IF EXISTS wb_rater_queue")
        for fn in (
            "wb_me()",
            "wb_is_lead()",
            "wb_flag(text)",
            "wb_coding_total(integer)",
            "wb_audit_login()",
            "wb_audit_row()",
            "wb_notify()",
            "wb_guard_coding()",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ALL}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ALL}")
        op.execute(f"REVOKE ALL ON SCHEMA public FROM {ALL}")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("login")
