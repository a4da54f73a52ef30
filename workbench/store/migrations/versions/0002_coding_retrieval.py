"""coding: per-transcript release and lemma index, framework summaries

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transcripts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("codings_released", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("lemmas_version", sa.Integer(), nullable=True))
    op.create_table(
        "text_lemmas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("token_index", sa.Integer(), nullable=False),
        sa.Column("lemma", sa.String(length=100), nullable=False),
        sa.Column("start_pos", sa.Integer(), nullable=False),
        sa.Column("end_pos", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcripts.id"],
            name=op.f("fk_text_lemmas_transcript_id_transcripts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_lemmas")),
    )
    with op.batch_alter_table("text_lemmas", schema=None) as batch_op:
        batch_op.create_index("ix_text_lemmas_lemma", ["lemma", "transcript_id"], unique=False)
        batch_op.create_index("ix_text_lemmas_transcript", ["transcript_id", "token_index"], unique=False)
    op.create_table(
        "framework_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_framework_summaries_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_framework_summaries_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_framework_summaries_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_summaries")),
        sa.UniqueConstraint("participant_id", "code_id", name="uq_framework_summaries_cell"),
    )


def downgrade() -> None:
    op.drop_table("framework_summaries")
    with op.batch_alter_table("text_lemmas", schema=None) as batch_op:
        batch_op.drop_index("ix_text_lemmas_transcript")
        batch_op.drop_index("ix_text_lemmas_lemma")
    op.drop_table("text_lemmas")
    with op.batch_alter_table("transcripts", schema=None) as batch_op:
        batch_op.drop_column("lemmas_version")
        batch_op.drop_column("codings_released")
