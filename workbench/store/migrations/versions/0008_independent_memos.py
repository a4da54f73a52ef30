"""independent coding hides others' memos too: a coder reads another coder's memo only once the lead
has released the codings (project-wide, or the transcript the memo or its coding is on)

Revision ID: 0008
Revises: 0007

Before, a coder read every memo not on a coding, even while coding independently (a memo on a
transcript or a code could tell how another coder read it). PostgreSQL only; on SQLite the store's
``visibility.memo_filter`` holds the same rule.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RELEASED = "(SELECT t.id FROM transcripts t WHERE t.codings_released)"
NEW = f"""CREATE POLICY coder_read ON memos FOR SELECT TO wb_coder USING (coder_id = (SELECT wb_me())
  OR NOT (SELECT wb_flag('independent_coding')) OR (SELECT wb_flag('codings_released'))
  OR (target_kind = 'transcript' AND target_id IN {RELEASED})
  OR (target_kind = 'coding' AND target_id IN (SELECT c.id FROM text_codings c WHERE c.transcript_id IN {RELEASED})))"""
OLD = """CREATE POLICY coder_read ON memos FOR SELECT TO wb_coder USING (coder_id = (SELECT wb_me())
  OR target_kind <> 'coding' OR target_id IN (SELECT c.id FROM text_codings c))"""


def _replace(policy: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP POLICY IF EXISTS coder_read ON memos")
    op.execute(policy)


def upgrade() -> None:
    _replace(NEW)


def downgrade() -> None:
    _replace(OLD)
