"""an index for the open needs still in their early window

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.create_index("ix_funding_needs_public_from", ["public_from"], unique=False)


def downgrade():
    with op.batch_alter_table("funding_needs", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_needs_public_from")
