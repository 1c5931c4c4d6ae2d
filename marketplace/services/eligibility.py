"""What a startup can use today: the loan products it qualifies for, with the amount it could
borrow, and the incubation capacities with a seat for it.

A product qualifies when it is active and its sectors, stages, enterprise tiers and minimum
months of operation admit the startup (an empty set admits everyone). What can be borrowed:

* a credit loan: up to the product's maximum;
* an IP-pledge loan: what ``ip_pledge.size`` finds (granted assets of the kinds the product
  accepts, with the remaining life it asks and a recent appraisal, at the product's rate of
  their appraised value; the sum capped by the product's maximum);
* an investment-linked loan: the product's loan-to-equity ratio of the startup's open equity
  round, capped by the product's maximum.

Below the product's minimum there is nothing to borrow, and the product is not offered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace.models import FundingNeed, IncubationCapacity, IPAsset, Startup
from marketplace.models.enums import Instrument, LoanKind, NeedStatus
from marketplace.models.relay import Reservation
from marketplace.services import ip_pledge, loan_products, relay
from marketplace.services.loan_products import ProductListing


@dataclass
class Borrowable:
    """A product the startup qualifies for and how much it could borrow under it."""

    listing: ProductListing
    amount: int  # yuan
    pledged: list[IPAsset] = field(default_factory=list)  # IP-pledge: the assets counted
    equity_round: FundingNeed | None = None  # linked: the round the loan rides on

    @property
    def id(self) -> int:
        """The product's id: what the startup's ranked list and its marks name the match by."""
        return self.listing.id


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def admits(listing: ProductListing, startup: Startup, today: date) -> bool:
    """The product's sectors, stages, enterprise tiers and months of operation admit the startup."""
    product = listing.product
    sectors = {s.id for s in product.sectors}
    if sectors and not sectors & {s.id for s in startup.sectors}:
        return False
    if product.stages and startup.stage_id not in {s.id for s in product.stages}:
        return False
    if listing.tiers and not {t.tier for t in startup.tiers if t.is_valid_on(today)} & set(listing.tiers):
        return False
    if product.min_months_operating:
        if startup.founded_on is None or _months_between(startup.founded_on, today) < product.min_months_operating:
            return False
    return True


def loan_products_for(session: Session, startup: Startup, today: date) -> list[Borrowable]:
    """The active products the startup qualifies for and could borrow something under."""
    assets = list(session.scalars(sa.select(IPAsset).where(IPAsset.startup_id == startup.id)))
    equity = session.scalar(sa.select(FundingNeed).where(
        FundingNeed.startup_id == startup.id, FundingNeed.status == NeedStatus.OPEN,
        FundingNeed.instrument == Instrument.EQUITY).order_by(FundingNeed.amount_max.desc(), FundingNeed.id))
    out = []
    for listing in loan_products.active(session):
        if not admits(listing, startup, today):
            continue
        product = listing.product
        pledged: list[IPAsset] = []
        if product.kind == LoanKind.CREDIT:
            amount = product.amount_max
        elif product.kind == LoanKind.IP_PLEDGE:
            sizing = ip_pledge.size(listing, assets, today)
            amount, pledged = sizing.amount, sizing.counted
        elif equity is not None and product.loan_to_equity_ratio:
            amount = int(equity.amount_max * product.loan_to_equity_ratio)
        else:
            amount = 0
        amount = min(amount, product.amount_max)
        if amount >= product.amount_min and amount > 0:
            out.append(Borrowable(listing, amount, pledged, equity if product.kind == LoanKind.LINKED else None))
    return out


def capacities_for(session: Session, startup: Startup, today: date) -> list[IncubationCapacity]:
    """Open offers that have not ended, with seats left, whose stage band and sectors admit the startup;
    not those of the incubator it is at (a relay leads elsewhere, and ``relay.reserve`` refuses them),
    nor those it already holds a live reservation on (its reservations page lists them)."""
    stay = relay.current_stay(session, startup.id)
    reserved = sa.select(Reservation.capacity_id).where(
        Reservation.startup_id == startup.id, Reservation.status.in_(relay.LIVE))
    query = (sa.select(IncubationCapacity)
             .where(IncubationCapacity.taking(today), IncubationCapacity.id.not_in(reserved))
             .options(selectinload(IncubationCapacity.incubator), selectinload(IncubationCapacity.sectors),
                      selectinload(IncubationCapacity.stage_min), selectinload(IncubationCapacity.stage_max))
             .order_by(IncubationCapacity.id))
    sectors = {s.id for s in startup.sectors}
    stage = startup.stage.ordinal if startup.stage is not None else None
    return [c for c in session.scalars(query)
            if (stay is None or c.incubator_id != stay.incubator_id)
            and (not c.sectors or {s.id for s in c.sectors} & sectors)
            and (stage is None or c.stage_min.ordinal <= stage <= c.stage_max.ordinal)]

