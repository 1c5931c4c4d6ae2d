"""a loan product's and an incubation capacity's earlier versions, so that the recommender's replay
describes a bank or an incubator by the offers it had then

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offer_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("capacity_id", sa.Integer(), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.CheckConstraint("(product_id IS NULL) <> (capacity_id IS NULL)", name=op.f("ck_offer_revisions_one_offer")),
        sa.ForeignKeyConstraint(["product_id"], ["loan_products.id"], ondelete="CASCADE",
                                name=op.f("fk_offer_revisions_product_id_loan_products")),
        sa.ForeignKeyConstraint(["capacity_id"], ["incubation_capacities.id"], ondelete="CASCADE",
                                name=op.f("fk_offer_revisions_capacity_id_incubation_capacities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_revisions")),
    )
    with op.batch_alter_table("offer_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_revisions_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_revisions_capacity_id"), ["capacity_id"], unique=False)


def downgrade():
    with op.batch_alter_table("offer_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_revisions_capacity_id"))
        batch_op.drop_index(batch_op.f("ix_offer_revisions_product_id"))
    op.drop_table("offer_revisions")
