"""observations keep what other tools wrote: a name (several sessions of one media by one coder with
one scheme differ by it), a description and independent variables

Revision ID: 0007
Revises: 0006

Existing observations get the empty name, so the old rule (one per media, coder and scheme) holds for
them; table-level grants and row-level security on ``observations`` cover the new columns.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("variables", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.drop_constraint("uq_observations_media_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_observations_session", ["media_id", "coder_id", "scheme_id", "name"]
        )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.alter_column("name", server_default=None)
        batch_op.alter_column("description", server_default=None)
        batch_op.alter_column("variables", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_observations_session", type_="unique")
        batch_op.create_unique_constraint("uq_observations_media_id", ["media_id", "coder_id", "scheme_id"])
        batch_op.drop_column("variables")
        batch_op.drop_column("description")
        batch_op.drop_column("name")
