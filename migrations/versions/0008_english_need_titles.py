"""an English title for a funding need

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.drop_column("title_en")
