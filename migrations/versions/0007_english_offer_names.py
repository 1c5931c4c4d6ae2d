"""an English name for a loan product and an English title for an incubation offer

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("loan_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_en", sa.String(length=200), nullable=True))
    with op.batch_alter_table("incubation_capacities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("incubation_capacities", schema=None) as batch_op:
        batch_op.drop_column("title_en")
    with op.batch_alter_table("loan_products", schema=None) as batch_op:
        batch_op.drop_column("name_en")
