"""Relay incubation (接力孵化) and incubator-investor partnerships (孵投联动)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, enum_column
from marketplace.models.enums import PartnershipStatus, ReservationStatus
from marketplace.models.listings import IncubationCapacity
from marketplace.models.organizations import Incubator, Investor, Organization, Startup


class Reservation(Timestamped, Base):
    """A startup's claim on a seat of a capacity offer, by its own application or a referral.

    The seat itself is counted on the offer (``seats_taken``), taken and given back in the
    same transaction as the status change, so the database never lets it go twice.
    """

    __tablename__ = "reservations"
    __table_args__ = (sa.Index("ix_reservations_capacity_status", "capacity_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    capacity_id: Mapped[int] = mapped_column(sa.ForeignKey("incubation_capacities.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(sa.ForeignKey("startups.id", ondelete="CASCADE"), index=True)
    # The incubator that referred the startup, or None when the startup applied itself.
    referred_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReservationStatus] = mapped_column(enum_column(ReservationStatus))

    capacity: Mapped[IncubationCapacity] = relationship()
    startup: Mapped[Startup] = relationship(foreign_keys=[startup_id])
    referred_by: Mapped[Organization | None] = relationship(foreign_keys=[referred_by_id])


class IncubationStay(Base):
    """A startup's time at one incubator: the links of its relay chain."""

    __tablename__ = "incubation_stays"
    __table_args__ = (
        sa.Index("ix_incubation_stays_startup_started", "startup_id", "started_on"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    startup_id: Mapped[int] = mapped_column(sa.ForeignKey("startups.id", ondelete="CASCADE"))
    incubator_id: Mapped[int] = mapped_column(sa.ForeignKey("incubators.id", ondelete="CASCADE"), index=True)
    reservation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reservations.id", ondelete="SET NULL"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]

    startup: Mapped[Startup] = relationship()
    incubator: Mapped[Incubator] = relationship()


class Partnership(Timestamped, Base):
    """孵投联动: an investor and an incubator agree to work together (one asks, the other accepts)."""

    __tablename__ = "partnerships"
    __table_args__ = (sa.UniqueConstraint("investor_id", "incubator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("investors.id", ondelete="CASCADE"))
    incubator_id: Mapped[int] = mapped_column(sa.ForeignKey("incubators.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    status: Mapped[PartnershipStatus] = mapped_column(enum_column(PartnershipStatus))
    answered_at: Mapped[datetime | None]

    investor: Mapped[Investor] = relationship(foreign_keys=[investor_id])
    incubator: Mapped[Incubator] = relationship(foreign_keys=[incubator_id])
