"""a loan product's description and an incubation offer's conditions in English

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("loan_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=True))
    with op.batch_alter_table("incubation_capacities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conditions_en", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("incubation_capacities", schema=None) as batch_op:
        batch_op.drop_column("conditions_en")
    with op.batch_alter_table("loan_products", schema=None) as batch_op:
        batch_op.drop_column("description_en")
