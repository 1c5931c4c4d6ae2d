"""a funding need's summary and use of funds in English

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("use_of_funds_en", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.drop_column("use_of_funds_en")
        batch_op.drop_column("summary_en")
