"""pseudonymisation: the project's pseudonym key (original -> replacement), kept apart from the texts

Revision ID: 0004
Revises: 0003

Leads only read it (store role check; on PostgreSQL grants and row-level security for this table
come with the team-server migrations).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pseudonym_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_key", sa.String(length=500), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("replacement", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("case_sensitive", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["coders.id"],
            name=op.f("fk_pseudonym_key_created_by_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["coders.id"],
            name=op.f("fk_pseudonym_key_updated_by_coders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonym_key")),
        sa.UniqueConstraint("match_key", name=op.f("uq_pseudonym_key_match_key")),
    )


def downgrade() -> None:
    op.drop_table("pseudonym_key")
