"""a thesis's earlier versions, so that the recommender's replay reads what an investor declared then

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "thesis_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["investor_id"], ["investors.id"], ondelete="CASCADE",
                                name=op.f("fk_thesis_revisions_investor_id_investors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thesis_revisions")),
    )
    with op.batch_alter_table("thesis_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thesis_revisions_investor_id"), ["investor_id"], unique=False)


def downgrade():
    with op.batch_alter_table("thesis_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thesis_revisions_investor_id"))
    op.drop_table("thesis_revisions")
