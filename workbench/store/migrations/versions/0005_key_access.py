"""team: the pseudonym key is the leads' alone; redacting with it, and erasing audit payloads,
through SECURITY DEFINER functions

Revision ID: 0005
Revises: 0004

PostgreSQL only (SQLite has no roles). ``pseudonym_key`` (0004) came after the team migration:
leads read and write it; coders and raters get "permission denied", with row-level security
behind the grants. Everybody else redacts without seeing the key:

* ``wb_redact_matches(text)``: (start, end, replacement) of every original of the key in the
  text (zero-based code points, as ``PseudonymKey.matches``): whole words, the longest original
  first, case-insensitive entries matched case-insensitively, whitespace inside a name flexible;
* ``wb_redact(text)``: the text with every original replaced;
* ``wb_erase_audit(pseudonym, rows)``: right to erasure; redacts the payloads of audit entries
  about rows that no longer exist, and of entries naming the participant, who must have been
  deleted in the same transaction (leads only).

Each function runs as the schema owner with ``search_path`` pinned; EXECUTE is granted by name.
Every table added after this one needs its own grant decision (see
``tests/integration/test_table_access.py``).
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REDACTED = '{"redacted": "participant erased"}'  # workbench.store.erasure.REDACTED

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION wb_key_pattern(original text, case_sensitive boolean) RETURNS text
  LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT string_agg(CASE WHEN case_sensitive THEN e.part ELSE (
           SELECT string_agg(CASE WHEN lower(c.ch) <> upper(c.ch) THEN '[' || lower(c.ch) || upper(c.ch) || ']'
                                  ELSE c.ch END, '' ORDER BY c.n)
           FROM regexp_split_to_table(e.part, '') WITH ORDINALITY AS c(ch, n)) END, '\s+' ORDER BY w.n)
  FROM regexp_split_to_table(btrim(original), '\s+') WITH ORDINALITY AS w(word, n),
       LATERAL (SELECT regexp_replace(w.word, '(\W)', '\\\1', 'g') AS part) e
$$;

CREATE OR REPLACE FUNCTION wb_redact_matches(source text)
  RETURNS TABLE (start_pos integer, end_pos integer, replacement text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pattern text;
  pieces text[];
  found text[];
  pos integer := 0;
  hit text;
BEGIN
  IF source IS NULL OR source = '' THEN
    RETURN;
  END IF;
  SELECT string_agg(wb_key_pattern(k.original, k.case_sensitive), '|' ORDER BY length(k.original) DESC, k.id)
    INTO pattern FROM pseudonym_key k;
  IF pattern IS NULL THEN
    RETURN;
  END IF;
  pattern := '(?<!\w)(?:' || pattern || ')(?!\w)';
  pieces := regexp_split_to_array(source, pattern);
  found := ARRAY(SELECT m[1] FROM regexp_matches(source, pattern, 'g') AS m);
  FOR i IN 1 .. coalesce(array_length(found, 1), 0) LOOP
    hit := found[i];
    pos := pos + length(pieces[i]);
    start_pos := pos;
    end_pos := pos + length(hit);
    replacement := (SELECT k.replacement FROM pseudonym_key k
                    WHERE k.match_key = lower(regexp_replace(btrim(hit), '\s+', ' ', 'g')));
    IF replacement IS NULL THEN  -- case folding that lower() does not do
      replacement := (SELECT k.replacement FROM pseudonym_key k
                      WHERE hit ~ ('^(?:' || wb_key_pattern(k.original, k.case_sensitive) || ')$')
                      ORDER BY length(k.original) DESC, k.id LIMIT 1);
    END IF;
    replacement := coalesce(replacement, '[redacted]');
    pos := end_pos;
    RETURN NEXT;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION wb_redact(source text) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  result text := '';
  pos integer := 0;
  m record;
BEGIN
  IF source IS NULL THEN
    RETURN NULL;
  END IF;
  FOR m IN SELECT * FROM wb_redact_matches(source) r ORDER BY r.start_pos LOOP
    result := result || substr(source, pos + 1, m.start_pos - pos) || m.replacement;
    pos := m.end_pos;
  END LOOP;
  RETURN result || substr(source, pos + 1);
END $$;

CREATE OR REPLACE FUNCTION wb_erase_audit(pseudonym text, erased jsonb) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  needle text := substr(to_json(pseudonym)::text, 2, length(to_json(pseudonym)::text) - 2);
  targets integer[];
  gone integer[];
  item record;
  done integer;
BEGIN
  IF coalesce(pseudonym, '') = '' OR EXISTS (SELECT 1 FROM participants p WHERE p.pseudonym = wb_erase_audit.pseudonym)
     OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.table_name = 'participants' AND a.action = 'row delete'
                    AND a.at = now() AND a.before ->> 'pseudonym' = wb_erase_audit.pseudonym) THEN
    RAISE EXCEPTION 'audit entries are redacted only for a participant deleted in this transaction'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  targets := ARRAY(SELECT a.id FROM audit_log a
                   WHERE strpos(coalesce(a.before::jsonb::text, ''), needle) > 0
                      OR strpos(coalesce(a.after::jsonb::text, ''), needle) > 0);
  FOR item IN SELECT e.key AS tbl, ARRAY(SELECT v::integer FROM jsonb_array_elements_text(e.value) v) AS ids
              FROM jsonb_each(erased) e LOOP
    IF to_regclass('public.' || quote_ident(item.tbl)) IS NULL THEN
      RAISE EXCEPTION 'no table %', item.tbl;
    END IF;
    EXECUTE 'SELECT coalesce(array_agg(x), ''{}'') FROM unnest($1) x WHERE NOT EXISTS '
            '(SELECT 1 FROM ' || quote_ident(item.tbl) || ' t WHERE t.id = x)' INTO gone USING item.ids;
    targets := targets || ARRAY(SELECT a.id FROM audit_log a WHERE a.table_name = item.tbl AND a.row_id = ANY(gone));
  END LOOP;
  UPDATE audit_log a SET
    before = CASE WHEN a.before IS NULL THEN NULL ELSE 'REDACTED'::json END,
    after = CASE WHEN a.after IS NULL THEN NULL ELSE 'REDACTED'::json END
  WHERE a.id = ANY(targets);
  GET DIAGNOSTICS done = ROW_COUNT;
  RETURN done;
END $$;
""".replace("'REDACTED'", "'" + REDACTED + "'")

GRANTS = (
    "REVOKE ALL ON pseudonym_key FROM PUBLIC, wb_coder, wb_rater",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON pseudonym_key TO wb_lead",
    "REVOKE ALL ON SEQUENCE pseudonym_key_id_seq FROM PUBLIC, wb_coder, wb_rater",
    "GRANT USAGE, SELECT ON SEQUENCE pseudonym_key_id_seq TO wb_lead",
    "ALTER TABLE pseudonym_key ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY lead_all ON pseudonym_key TO wb_lead USING (true) WITH CHECK (true)",
    "REVOKE EXECUTE ON FUNCTION wb_redact_matches(text), wb_redact(text), wb_erase_audit(text, jsonb) FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION wb_redact_matches(text), wb_redact(text) TO wb_lead, wb_coder",
    "GRANT EXECUTE ON FUNCTION wb_erase_audit(text, jsonb) TO wb_lead",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTIONS)  # no bind parameters in it: every ':' is part of a '::' cast
    for statement in GRANTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP POLICY IF EXISTS lead_all ON pseudonym_key")
    op.execute("ALTER TABLE pseudonym_key DISABLE ROW LEVEL SECURITY")
    op.execute("REVOKE ALL ON pseudonym_key FROM wb_lead")
    op.execute("REVOKE ALL ON SEQUENCE pseudonym_key_id_seq FROM wb_lead")
    for fn in (
        "wb_erase_audit(text, jsonb)",
        "wb_redact(text)",
        "wb_redact_matches(text)",
        "wb_key_pattern(text, boolean)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
