"""Past funding rounds and who invested in them: the deal history the recommender learns from.

Imported from Crunchbase-format exports (``flask import crunchbase``) and, later, recorded
when deals close in the marketplace.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base
from marketplace.models.organizations import Investor, Startup
from marketplace.models.reference import Stage


class FundingRound(Base):
    __tablename__ = "funding_rounds"
    __table_args__ = (
        sa.UniqueConstraint("source", "external_id"),
        sa.CheckConstraint("raised_amount_usd >= 0", name="amount_not_negative"),
        sa.Index("ix_funding_rounds_startup_funded", "startup_id", "funded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    startup_id: Mapped[int] = mapped_column(sa.ForeignKey("startups.id", ondelete="CASCADE"))
    round_type: Mapped[str] = mapped_column(sa.String(40))  # as the source names it: series-a, angel, ...
    stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stages.id", ondelete="RESTRICT"))
    funded_on: Mapped[date] = mapped_column(index=True)
    raised_amount_usd: Mapped[int | None] = mapped_column(sa.BigInteger)
    source: Mapped[str] = mapped_column(sa.String(20))
    external_id: Mapped[str] = mapped_column(sa.String(400))

    startup: Mapped[Startup] = relationship()
    stage: Mapped[Stage | None] = relationship()
    investors: Mapped[list[Investor]] = relationship(secondary="investments", viewonly=True)


investments = sa.Table(
    "investments",
    Base.metadata,
    sa.Column("round_id", sa.ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("investor_id", sa.ForeignKey("investors.id", ondelete="CASCADE"), primary_key=True, index=True),
)
