"""Organizations of every side, one table each beside the shared ``organizations`` row.

A user always belongs to one organization; what the organization is decides the side
(startup, investor, bank, incubator or park operator) its users act for.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, enum_column, in_language
from marketplace.models.enums import (
    EnterpriseTier,
    IncubatorService,
    IncubatorTier,
    InvestorKind,
    OrgKind,
    RevenueBand,
)
from marketplace.models.links import link_table, ranked_link_table, value_table
from marketplace.models.reference import Park, Sector, Stage, Tag


class Organization(Timestamped, Base):
    __tablename__ = "organizations"
    __table_args__ = (sa.UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    park_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parks.id", ondelete="SET NULL"), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(100))
    summary_zh: Mapped[str | None] = mapped_column(sa.String(300))
    summary_en: Mapped[str | None] = mapped_column(sa.String(300))
    description_zh: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    # Rows imported from elsewhere (e.g. "crunchbase", "/company/waywire"); None for members.
    source: Mapped[str | None] = mapped_column(sa.String(20))
    external_id: Mapped[str | None] = mapped_column(sa.String(300))

    park: Mapped[Park | None] = relationship()
    users: Mapped[list["User"]] = relationship(back_populates="organization", passive_deletes=True)  # noqa: F821

    __mapper_args__ = {"polymorphic_on": "kind"}

    def display_name(self, locale: str) -> str:
        return in_language(self.name, self.name_en, locale)

    def display_summary(self, locale: str) -> str:
        """The one-line summary in the reader's language, else in the other one ("" when none)."""
        return in_language(self.summary_zh or "", self.summary_en, locale)

    def display_description(self, locale: str) -> str:
        return in_language(self.description_zh or "", self.description_en, locale)


startup_sectors = ranked_link_table(
    "startup_sectors", ("startup_id", "startups.id"), ("sector_id", "sectors.id"), most=3
)
startup_tags = link_table("startup_tags", ("startup_id", "startups.id"), ("tag_id", "tags.id"))


class StartupTier(Base):
    """An enterprise-tier label (专精特新, 小巨人, 高新技术企业, ...) and until when it holds."""

    __tablename__ = "startup_tiers"

    startup_id: Mapped[int] = mapped_column(sa.ForeignKey("startups.id", ondelete="CASCADE"), primary_key=True)
    tier: Mapped[EnterpriseTier] = mapped_column(enum_column(EnterpriseTier), primary_key=True)
    valid_until: Mapped[date | None]

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Startup(Organization):
    __tablename__ = "startups"
    __table_args__ = (sa.CheckConstraint("team_size >= 0", name="team_size_not_negative"),)

    id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stages.id", ondelete="RESTRICT"), index=True)
    founded_on: Mapped[date | None]
    team_size: Mapped[int | None]
    revenue_band: Mapped[RevenueBand | None] = mapped_column(enum_column(RevenueBand))
    seeking_incubation: Mapped[bool] = mapped_column(default=False)

    stage: Mapped[Stage | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(
        secondary=startup_sectors, order_by=startup_sectors.c.position, viewonly=True
    )
    tags: Mapped[list[Tag]] = relationship(secondary=startup_tags)
    tiers: Mapped[list[StartupTier]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    __mapper_args__ = {"polymorphic_identity": OrgKind.STARTUP}


class Investor(Organization):
    __tablename__ = "investors"

    id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    investor_kind: Mapped[InvestorKind] = mapped_column(enum_column(InvestorKind))

    thesis: Mapped["InvestorThesis | None"] = relationship(back_populates="investor")  # noqa: F821

    __mapper_args__ = {"polymorphic_identity": OrgKind.INVESTOR}


class Bank(Organization):
    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    is_sci_tech_branch: Mapped[bool] = mapped_column(default=False)

    __mapper_args__ = {"polymorphic_identity": OrgKind.BANK}


incubator_services = value_table(
    "incubator_services",
    ("incubator_id", "incubators.id"),
    "service", enum_column(IncubatorService),
)


class Incubator(Organization):
    __tablename__ = "incubators"
    __table_args__ = (sa.CheckConstraint("early_window_days BETWEEN 0 AND 90", name="early_window_range"),)

    id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    tier: Mapped[IncubatorTier] = mapped_column(enum_column(IncubatorTier), default=IncubatorTier.OTHER)
    # Days a newly opened need of a resident startup is shown to partner investors only.
    early_window_days: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))

    __mapper_args__ = {"polymorphic_identity": OrgKind.INCUBATOR}


class ParkOperator(Organization):
    """The management body of one park (``park`` set) or of the whole zone (``park`` empty)."""

    __mapper_args__ = {"polymorphic_identity": OrgKind.OPERATOR}


ORG_CLASSES: dict[OrgKind, type[Organization]] = {
    OrgKind.STARTUP: Startup,
    OrgKind.INVESTOR: Investor,
    OrgKind.BANK: Bank,
    OrgKind.INCUBATOR: Incubator,
    OrgKind.OPERATOR: ParkOperator,
}
