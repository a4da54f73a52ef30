"""speech_gaps: "untranscribed speech" markers kept with a transcript (the coverage check's gaps)

Revision ID: 0009
Revises: 0008

One row per stretch of speech the transcription's coverage check heard and could not put into
words even after a second try; deleted with its transcript. On PostgreSQL the table follows its
transcript's words: leads and coders read and write it (coders resolve markers while correcting),
raters get nothing; row-level security lets a coder reach only markers of transcripts they can
see, the lead all of them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

POSTGRES = (
    "REVOKE ALL ON speech_gaps FROM PUBLIC, wb_rater",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON speech_gaps TO wb_lead, wb_coder",
    "GRANT USAGE, SELECT ON SEQUENCE speech_gaps_id_seq TO wb_lead, wb_coder",
    "ALTER TABLE speech_gaps ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY lead_all ON speech_gaps TO wb_lead USING (true) WITH CHECK (true)",
    "CREATE POLICY coder_transcripts ON speech_gaps TO wb_coder "
    "USING (transcript_id IN (SELECT t.id FROM transcripts t)) "
    "WITH CHECK (transcript_id IN (SELECT t.id FROM transcripts t))",
)


def upgrade() -> None:
    op.create_table(
        "speech_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("speaker", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcripts.id"],
            name=op.f("fk_speech_gaps_transcript_id_transcripts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speech_gaps")),
    )
    op.create_index("ix_speech_gaps_transcript_start", "speech_gaps", ["transcript_id", "start_ms"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS coder_transcripts ON speech_gaps")
        op.execute("DROP POLICY IF EXISTS lead_all ON speech_gaps")
    op.drop_index("ix_speech_gaps_transcript_start", table_name="speech_gaps")
    op.drop_table("speech_gaps")
