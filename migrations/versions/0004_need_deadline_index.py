"""an index for deal flow sorted by deadline

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.create_index("ix_funding_needs_status_deadline", ["status", "deadline", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_needs_status_deadline")
