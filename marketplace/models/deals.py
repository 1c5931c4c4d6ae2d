"""From match to deal: introductions and their messages, the investor's pipeline, the
commitments recorded on a round, and the linked loans (投贷联动) offered on top of them.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, enum_column, utcnow
from marketplace.models.enums import CommitmentKind, IntroStatus, OfferStatus, PipelineStage
from marketplace.models.listings import FundingNeed, LoanProduct, Money
from marketplace.models.organizations import Investor, Organization


class Introduction(Timestamped, Base):
    """A double opt-in introduction: an investor, bank or incubator asks, the startup answers.

    Contacts and the need's confidential details are shown to the requester only while the
    introduction is accepted.
    """

    __tablename__ = "introductions"
    __table_args__ = (sa.UniqueConstraint("need_id", "requester_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_needs.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[IntroStatus] = mapped_column(enum_column(IntroStatus), default=IntroStatus.REQUESTED)
    answered_at: Mapped[datetime | None]

    need: Mapped[FundingNeed] = relationship()
    requester: Mapped[Organization] = relationship()
    messages: Mapped[list["IntroMessage"]] = relationship(
        back_populates="intro", order_by="IntroMessage.id", passive_deletes=True
    )


class IntroMessage(Base):
    __tablename__ = "intro_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    intro_id: Mapped[int] = mapped_column(sa.ForeignKey("introductions.id", ondelete="CASCADE"), index=True)
    author_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    intro: Mapped[Introduction] = relationship(back_populates="messages")
    author_org: Mapped[Organization] = relationship()


class PipelineCard(Timestamped, Base):
    """One need on one investor's board."""

    __tablename__ = "pipeline_cards"
    __table_args__ = (
        sa.UniqueConstraint("investor_id", "need_id"),
        sa.Index("ix_pipeline_cards_investor_stage", "investor_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("investors.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_needs.id", ondelete="CASCADE"), index=True)
    stage: Mapped[PipelineStage] = mapped_column(enum_column(PipelineStage), default=PipelineStage.SOURCED)

    investor: Mapped[Investor] = relationship()
    need: Mapped[FundingNeed] = relationship()
    notes: Mapped[list["PipelineNote"]] = relationship(
        back_populates="card", order_by="PipelineNote.id.desc()", passive_deletes=True
    )


class PipelineNote(Base):
    """A note private to the investor's organization."""

    __tablename__ = "pipeline_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("pipeline_cards.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    card: Mapped[PipelineCard] = relationship(back_populates="notes")


class RoundCommitment(Timestamped, Base):
    """A term sheet or a close an investor records on an equity need; the startup confirms it.

    A confirmed lead commitment is what 投贷联动 loans ride on and what the park's figures count.
    """

    __tablename__ = "round_commitments"
    __table_args__ = (
        sa.UniqueConstraint("need_id", "investor_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_needs.id", ondelete="CASCADE"), index=True)
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CommitmentKind] = mapped_column(enum_column(CommitmentKind))
    amount: Mapped[int] = mapped_column(Money)
    is_lead: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime | None]

    need: Mapped[FundingNeed] = relationship()
    investor: Mapped[Investor] = relationship()


class LoanOffer(Timestamped, Base):
    """A linked loan (投贷联动) offered to a startup on a round with a confirmed lead."""

    __tablename__ = "loan_offers"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "need_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("loan_products.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_needs.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("round_commitments.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(Money)
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus), default=OfferStatus.OFFERED)

    product: Mapped[LoanProduct] = relationship()
    need: Mapped[FundingNeed] = relationship()
    commitment: Mapped[RoundCommitment] = relationship()
