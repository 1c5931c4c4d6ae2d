"""What each side puts on the marketplace: needs, theses, loan products, IP, seats.

Money is whole yuan (CNY) in BIGINT columns; rates are basis points; shares are
fractions in NUMERIC columns. Every range is checked by the database itself.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, enum_column, in_language
from marketplace.models.enums import (
    EnterpriseTier,
    Instrument,
    InvestorKind,
    IPKind,
    IPStatus,
    LoanKind,
    NeedStatus,
    SectorGroup,
)
from marketplace.models.links import link_table, value_table
from marketplace.models.organizations import Bank, Incubator, Investor, Park, Startup
from marketplace.models.reference import Sector, Stage, Tag

Money = sa.BigInteger


def _range_checks(low: str, high: str) -> tuple[sa.CheckConstraint, sa.CheckConstraint]:
    return (
        sa.CheckConstraint(f"{low} >= 0", name=f"{low}_not_negative"),
        sa.CheckConstraint(f"{low} <= {high}", name=f"{low}_not_above_{high}"),
    )


need_sectors = link_table("need_sectors", ("need_id", "funding_needs.id"), ("sector_id", "sectors.id"),
                          target_on_delete="RESTRICT")
need_tags = link_table("need_tags", ("need_id", "funding_needs.id"), ("tag_id", "tags.id"))


class FundingNeed(Timestamped, Base):
    __tablename__ = "funding_needs"
    __table_args__ = (
        *_range_checks("amount_min", "amount_max"),
        sa.CheckConstraint("revenue_last_year >= 0", name="revenue_not_negative"),
        sa.CheckConstraint("monthly_burn >= 0", name="burn_not_negative"),
        sa.CheckConstraint("runway_months >= 0", name="runway_not_negative"),
        sa.Index("ix_funding_needs_status_instrument", "status", "instrument"),
        sa.Index("ix_funding_needs_status_created", "status", "created_at", "id"),
        sa.Index("ix_funding_needs_status_amount", "status", "amount_max", "id"),
        sa.Index("ix_funding_needs_status_deadline", "status", "deadline", "id"),
        # every ranked deal-flow page asks which open needs are still in their early window (few)
        sa.Index("ix_funding_needs_public_from", "public_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    startup_id: Mapped[int] = mapped_column(sa.ForeignKey("startups.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[Instrument] = mapped_column(enum_column(Instrument))
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))  # shown on English pages when given
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    amount_min: Mapped[int] = mapped_column(Money)
    amount_max: Mapped[int] = mapped_column(Money)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="RESTRICT"), index=True)
    use_of_funds: Mapped[str] = mapped_column(sa.Text, default="")
    use_of_funds_en: Mapped[str | None] = mapped_column(sa.Text)
    deadline: Mapped[date | None]
    status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus), default=NeedStatus.DRAFT)
    # 孵投联动: until then only the partner investors of the startup's incubator see the open need.
    public_from: Mapped[datetime | None]
    # Confidential: only the owner, and later the counterparts it accepts, may see these.
    revenue_last_year: Mapped[int | None] = mapped_column(Money)
    monthly_burn: Mapped[int | None] = mapped_column(Money)
    runway_months: Mapped[int | None]
    deck_path: Mapped[str | None] = mapped_column(sa.String(300))
    deck_filename: Mapped[str | None] = mapped_column(sa.String(255))
    # Lower-cased words of the need, its company and its sectors in both languages, kept by
    # the service that writes the need, so that one LIKE serves keyword search in either.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    startup: Mapped[Startup] = relationship()
    stage: Mapped[Stage] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=need_sectors)
    tags: Mapped[list[Tag]] = relationship(secondary=need_tags)

    def text_in(self, name: str, locale: str) -> str:
        """The title, summary or use of funds (``name``) as a reader in ``locale`` sees it."""
        return in_language(getattr(self, name), getattr(self, f"{name}_en"), locale)

    def display_title(self, locale: str) -> str:
        return self.text_in("title", locale)


thesis_sectors = link_table("thesis_sectors", ("thesis_id", "investor_theses.id"), ("sector_id", "sectors.id"),
                            target_on_delete="RESTRICT")
thesis_stages = link_table("thesis_stages", ("thesis_id", "investor_theses.id"), ("stage_id", "stages.id"),
                           target_on_delete="RESTRICT")
thesis_parks = link_table("thesis_parks", ("thesis_id", "investor_theses.id"), ("park_id", "parks.id"))
thesis_partner_incubators = link_table(
    "thesis_partner_incubators", ("thesis_id", "investor_theses.id"), ("incubator_id", "incubators.id")
)
thesis_sector_groups = value_table(
    "thesis_sector_groups", ("thesis_id", "investor_theses.id"), "sector_group", enum_column(SectorGroup)
)


class InvestorThesis(Timestamped, Base):
    """What an investor looks for; the ranking of its deal flow starts here."""

    __tablename__ = "investor_theses"
    __table_args__ = (
        *_range_checks("ticket_min", "ticket_max"),
        sa.CheckConstraint("fund_size >= 0", name="fund_size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("investors.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    ticket_min: Mapped[int] = mapped_column(Money)
    ticket_max: Mapped[int] = mapped_column(Money)
    fund_size: Mapped[int | None] = mapped_column(Money)
    # 投早、投小、投硬科技、投长期
    invests_early: Mapped[bool] = mapped_column(default=False)
    invests_small: Mapped[bool] = mapped_column(default=False)
    invests_hard_tech: Mapped[bool] = mapped_column(default=False)
    invests_long_term: Mapped[bool] = mapped_column(default=False)

    investor: Mapped[Investor] = relationship(back_populates="thesis")
    sectors: Mapped[list[Sector]] = relationship(secondary=thesis_sectors)
    stages: Mapped[list[Stage]] = relationship(secondary=thesis_stages, order_by=Stage.ordinal)
    parks: Mapped[list[Park]] = relationship(secondary=thesis_parks)
    partner_incubators: Mapped[list[Incubator]] = relationship(secondary=thesis_partner_incubators)


class ThesisRevision(Base):
    """A thesis as it stood before its investor rewrote it, in the thesis's own terms (reference rows
    by code, incubators by id, money in yuan). The recommender's replay reads what an investor had
    declared on each day it replays, not what it says today (``marketplace.recs``)."""

    __tablename__ = "thesis_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("investors.id", ondelete="CASCADE"), index=True)
    declared_at: Mapped[datetime]  # when this version was saved
    replaced_at: Mapped[datetime]  # when the next one replaced it
    declared: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


product_sectors = link_table("loan_product_sectors", ("product_id", "loan_products.id"), ("sector_id", "sectors.id"),
                             target_on_delete="RESTRICT")
product_stages = link_table("loan_product_stages", ("product_id", "loan_products.id"), ("stage_id", "stages.id"),
                            target_on_delete="RESTRICT")
product_tiers = value_table(
    "loan_product_tiers", ("product_id", "loan_products.id"), "tier", enum_column(EnterpriseTier)
)
product_investor_kinds = value_table(
    "loan_product_investor_kinds", ("product_id", "loan_products.id"),
    "investor_kind", enum_column(InvestorKind),
)


class PledgeRate(Base):
    """The share of an IP asset's appraised value a product lends against, per IP kind."""

    __tablename__ = "loan_product_pledge_rates"
    __table_args__ = (sa.CheckConstraint("rate > 0 AND rate <= 1", name="rate_range"),)

    product_id: Mapped[int] = mapped_column(sa.ForeignKey("loan_products.id", ondelete="CASCADE"), primary_key=True)
    ip_kind: Mapped[IPKind] = mapped_column(enum_column(IPKind), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(4, 3))


class LoanProduct(Timestamped, Base):
    __tablename__ = "loan_products"
    __table_args__ = (
        *_range_checks("amount_min", "amount_max"),
        *_range_checks("rate_min_bps", "rate_max_bps"),
        sa.CheckConstraint("term_months > 0", name="term_positive"),
        sa.CheckConstraint("loan_to_equity_ratio > 0", name="ratio_positive"),
        sa.CheckConstraint("warrant_coverage >= 0 AND warrant_coverage <= 1", name="warrant_range"),
        sa.CheckConstraint("min_remaining_life_months >= 0", name="remaining_life_not_negative"),
        sa.CheckConstraint("min_months_operating >= 0", name="months_operating_not_negative"),
        sa.CheckConstraint("kind != 'linked' OR loan_to_equity_ratio IS NOT NULL", name="linked_has_ratio"),
        sa.CheckConstraint("kind != 'ip_pledge' OR min_remaining_life_months IS NOT NULL",
                           name="ip_pledge_has_remaining_life"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LoanKind] = mapped_column(enum_column(LoanKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))  # shown on English pages when given
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    amount_min: Mapped[int] = mapped_column(Money)
    amount_max: Mapped[int] = mapped_column(Money)
    rate_min_bps: Mapped[int]
    rate_max_bps: Mapped[int]
    term_months: Mapped[int]
    min_months_operating: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    # 投贷联动: the loan is sized against a qualifying equity round.
    loan_to_equity_ratio: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 3))
    warrant_coverage: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 3))
    # IP pledge: the assets must have this much life left.
    min_remaining_life_months: Mapped[int | None]

    bank: Mapped[Bank] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=product_sectors)
    stages: Mapped[list[Stage]] = relationship(secondary=product_stages, order_by=Stage.ordinal)
    pledge_rates: Mapped[list[PledgeRate]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    def display_name(self, locale: str) -> str:
        return in_language(self.name, self.name_en, locale)

    def display_description(self, locale: str) -> str:
        return in_language(self.description, self.description_en, locale)


class IPAsset(Timestamped, Base):
    __tablename__ = "ip_assets"
    __table_args__ = (
        sa.UniqueConstraint("kind", "number"),
        sa.CheckConstraint("appraised_value >= 0", name="value_not_negative"),
        sa.CheckConstraint("expires_on > granted_on", name="expiry_after_grant"),
        sa.CheckConstraint("granted_on >= filed_on", name="grant_after_filing"),
        sa.CheckConstraint("status = 'filed' OR granted_on IS NOT NULL", name="granted_has_grant_date"),
        sa.CheckConstraint("appraised_on IS NULL OR appraised_value IS NOT NULL", name="appraisal_has_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    startup_id: Mapped[int] = mapped_column(sa.ForeignKey("startups.id", ondelete="CASCADE"), index=True)
    kind: Mapped[IPKind] = mapped_column(enum_column(IPKind))
    number: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[IPStatus] = mapped_column(enum_column(IPStatus))
    filed_on: Mapped[date | None]
    granted_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    appraised_value: Mapped[int | None] = mapped_column(Money)
    appraised_on: Mapped[date | None]

    startup: Mapped[Startup] = relationship()


capacity_sectors = link_table(
    "capacity_sectors", ("capacity_id", "incubation_capacities.id"), ("sector_id", "sectors.id"),
    target_on_delete="RESTRICT",
)


class IncubationCapacity(Timestamped, Base):
    """Relay-incubation seats (接力孵化) an incubator offers for a sector and stage band."""

    __tablename__ = "incubation_capacities"
    __table_args__ = (
        sa.CheckConstraint("seats_total >= 0", name="seats_not_negative"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= seats_total", name="seats_taken_range"),
        sa.CheckConstraint("ends_on >= starts_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incubator_id: Mapped[int] = mapped_column(sa.ForeignKey("incubators.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))  # shown on English pages when given
    stage_min_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="RESTRICT"))
    stage_max_id: Mapped[int] = mapped_column(sa.ForeignKey("stages.id", ondelete="RESTRICT"))
    seats_total: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    conditions_en: Mapped[str | None] = mapped_column(sa.Text)
    is_open: Mapped[bool] = mapped_column(default=True)

    incubator: Mapped[Incubator] = relationship()
    stage_min: Mapped[Stage] = relationship(foreign_keys=[stage_min_id])
    stage_max: Mapped[Stage] = relationship(foreign_keys=[stage_max_id])
    sectors: Mapped[list[Sector]] = relationship(secondary=capacity_sectors)

    @property
    def seats_left(self) -> int:
        return self.seats_total - self.seats_taken

    @classmethod
    def taking(cls, today: date) -> sa.ColumnElement[bool]:
        """The SQL condition of an offer a startup can take a seat on ``today``: open, not ended,
        with seats left."""
        return sa.and_(cls.is_open, cls.ends_on >= today, cls.seats_taken < cls.seats_total)

    def display_title(self, locale: str) -> str:
        return in_language(self.title, self.title_en, locale)

    def display_conditions(self, locale: str) -> str:
        return in_language(self.conditions, self.conditions_en, locale)


class OfferRevision(Base):
    """A loan product or an incubation capacity as it stood before its owner changed it (withdrawal
    and reopening included), in the service's own terms (taxonomy codes, money in yuan). The
    recommender's replay describes a bank or an incubator by the offers it had on each replayed day."""

    __tablename__ = "offer_revisions"
    __table_args__ = (sa.CheckConstraint("(product_id IS NULL) <> (capacity_id IS NULL)", name="one_offer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loan_products.id", ondelete="CASCADE"), index=True)
    capacity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("incubation_capacities.id", ondelete="CASCADE"), index=True)
    declared_at: Mapped[datetime]  # when this version was saved
    replaced_at: Mapped[datetime]  # when the next one replaced it
    terms: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
