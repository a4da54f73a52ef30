"""passage_embeddings, suggestion_rejections: the semantic index of transcripts, and each coder's
rejected code suggestions

Revision ID: 0010
Revises: 0009

``passage_embeddings``: one sentence vector per passage of a transcript, for one transcript version
and model (stale rows are never served); deleted with the transcript. ``suggestion_rejections``: a
coder's "not this code here", so the suggestion is not shown to them again.

On PostgreSQL both follow the transcript's words: leads and coders, raters nothing. Row-level
security lets a coder reach only vectors of transcripts they can see, and only their own
rejections (a lead reaches all of them, as erasure must).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

POSTGRES = (
    "REVOKE ALL ON passage_embeddings, suggestion_rejections FROM PUBLIC, wb_rater",
    "GRANT SELECT, INSERT, DELETE ON passage_embeddings, suggestion_rejections TO wb_lead, wb_coder",
    "GRANT USAGE, SELECT ON SEQUENCE passage_embeddings_id_seq, suggestion_rejections_id_seq "
    "TO wb_lead, wb_coder",
    "ALTER TABLE passage_embeddings ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY lead_all ON passage_embeddings TO wb_lead USING (true) WITH CHECK (true)",
    "CREATE POLICY coder_transcripts ON passage_embeddings TO wb_coder "
    "USING (transcript_id IN (SELECT t.id FROM transcripts t)) "
    "WITH CHECK (transcript_id IN (SELECT t.id FROM transcripts t))",
    "ALTER TABLE suggestion_rejections ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY lead_all ON suggestion_rejections TO wb_lead USING (true) WITH CHECK (true)",
    "CREATE POLICY coder_own ON suggestion_rejections TO wb_coder "
    "USING (coder_id = (SELECT wb_me())) "
    "WITH CHECK (coder_id = (SELECT wb_me()) AND transcript_id IN (SELECT t.id FROM transcripts t))",
)


def upgrade() -> None:
    op.create_table(
        "passage_embeddings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("transcript_version", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=50), nullable=False),
        sa.Column("start_pos", sa.Integer(), nullable=False),
        sa.Column("end_pos", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcripts.id"],
            name=op.f("fk_passage_embeddings_transcript_id_transcripts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passage_embeddings")),
    )
    op.create_index("ix_passage_embeddings_transcript", "passage_embeddings", ["transcript_id", "start_pos"])
    op.create_table(
        "suggestion_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("start_pos", sa.Integer(), nullable=False),
        sa.Column("end_pos", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_suggestion_rejections_coder_id_coders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_suggestion_rejections_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcripts.id"],
            name=op.f("fk_suggestion_rejections_transcript_id_transcripts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_rejections")),
    )
    op.create_index("ix_suggestion_rejections_coder_code", "suggestion_rejections", ["coder_id", "code_id"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, policy in (
            ("suggestion_rejections", "coder_own"),
            ("suggestion_rejections", "lead_all"),
            ("passage_embeddings", "coder_transcripts"),
            ("passage_embeddings", "lead_all"),
        ):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    op.drop_index("ix_suggestion_rejections_coder_code", table_name="suggestion_rejections")
    op.drop_table("suggestion_rejections")
    op.drop_index("ix_passage_embeddings_transcript", table_name="passage_embeddings")
    op.drop_table("passage_embeddings")
