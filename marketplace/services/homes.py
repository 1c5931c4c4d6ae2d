"""What each side's home page shows: only what exists in the database, nothing invented."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace.models import (
    Bank,
    FundingNeed,
    IncubationCapacity,
    Incubator,
    Investor,
    InvestorThesis,
    IPAsset,
    LoanProduct,
    Organization,
    Park,
    Startup,
    StartupTier,
)
from marketplace.models.enums import (
    LOAN_INSTRUMENTS,
    EnterpriseTier,
    IncubatorTier,
    Instrument,
    IPStatus,
    NeedStatus,
    OrgKind,
)
from marketplace.services import deal_flow, theses

# The policy's 2025 targets (DOMAIN.md).
TARGET_UNICORNS_AND_CHAMPIONS = 100
TARGET_HIGH_QUALITY_INCUBATORS = 20



def _count_open_needs(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return sa.select(sa.func.count(FundingNeed.id)).where(FundingNeed.status == NeedStatus.OPEN, *conditions)


@dataclass
class StartupHome:
    startup: Startup
    needs: list[FundingNeed]
    ip_granted: int
    ip_appraised_total: int


def startup_home(session: Session, startup_id: int) -> StartupHome:
    startup = session.get_one(Startup, startup_id)
    needs = list(session.scalars(
        sa.select(FundingNeed).where(FundingNeed.startup_id == startup_id)
        .options(selectinload(FundingNeed.stage)).order_by(FundingNeed.created_at.desc(), FundingNeed.id.desc())
    ))
    granted, appraised = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(IPAsset.appraised_value), 0))
        .where(IPAsset.startup_id == startup_id, IPAsset.status == IPStatus.GRANTED)
    ).one()
    return StartupHome(startup, needs, granted, appraised)


@dataclass
class InvestorHome:
    investor: Investor
    thesis: InvestorThesis | None
    open_rounds: int
    open_rounds_in_thesis: int | None  # what "Filter by my thesis" finds in the deal flow


def investor_home(session: Session, investor_id: int) -> InvestorHome:
    investor = session.get_one(Investor, investor_id)
    thesis = theses.get(session, investor_id)
    in_thesis = deal_flow.count(session, deal_flow.thesis_filters(thesis), viewer_org_id=investor_id) \
        if thesis is not None else None
    open_rounds = session.scalar(_count_open_needs(FundingNeed.instrument == Instrument.EQUITY))
    return InvestorHome(investor, thesis.row if thesis else None, open_rounds, in_thesis)


@dataclass
class BankHome:
    bank: Bank
    products: list[LoanProduct]
    open_loan_needs: int


def bank_home(session: Session, bank_id: int) -> BankHome:
    products = list(session.scalars(
        sa.select(LoanProduct).where(LoanProduct.bank_id == bank_id)
        .order_by(LoanProduct.is_active.desc(), LoanProduct.name)
    ))
    open_loans = session.scalar(_count_open_needs(FundingNeed.instrument.in_(LOAN_INSTRUMENTS)))
    return BankHome(session.get_one(Bank, bank_id), products, open_loans)


@dataclass
class IncubatorHome:
    incubator: Incubator
    capacities: list[IncubationCapacity]  # every offer, the latest period first
    current: list[IncubationCapacity]  # those open and not ended: what startups see
    seats_left: int  # in the current ones


def incubator_home(session: Session, incubator_id: int, today: date) -> IncubatorHome:
    capacities = list(session.scalars(
        sa.select(IncubationCapacity).where(IncubationCapacity.incubator_id == incubator_id)
        .options(selectinload(IncubationCapacity.sectors))
        .order_by(IncubationCapacity.starts_on.desc())
    ))
    current = [c for c in capacities if c.is_open and c.ends_on >= today]
    return IncubatorHome(session.get_one(Incubator, incubator_id), capacities, current,
                         sum(c.seats_left for c in current))


@dataclass
class ParkFigures:
    park: Park | None  # None: the whole zone
    startups: int
    startups_by_tier: dict[EnterpriseTier, int]
    unicorns_and_champions: int
    incubators_by_tier: dict[IncubatorTier, int]
    open_needs: int
    amount_sought: int
    investors: int
    banks: int
    target_unicorns_and_champions: int = TARGET_UNICORNS_AND_CHAMPIONS
    target_high_quality_incubators: int = TARGET_HIGH_QUALITY_INCUBATORS
    zone: ParkFigures | None = None  # a park's page: the zone's figures, which the targets are set for

    @property
    def high_quality_incubators(self) -> int:
        return self.incubators_by_tier[IncubatorTier.HIGH_QUALITY]


def park_figures(session: Session, park_id: int | None, today: date) -> ParkFigures:
    """The policy's figures for one park, or for the zone when ``park_id`` is None."""
    def in_park(column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        """Members only (imported history is not the zone's), of the park when one is named."""
        member = Organization.source.is_(None)
        return sa.and_(member, column == park_id) if park_id is not None else member

    tier_rows = session.execute(
        sa.select(StartupTier.tier, sa.func.count())
        .join(Startup, Startup.id == StartupTier.startup_id)
        .where(in_park(Startup.park_id),
               sa.or_(StartupTier.valid_until.is_(None), StartupTier.valid_until >= today))
        .group_by(StartupTier.tier)
    ).all()
    by_tier = {tier: 0 for tier in EnterpriseTier} | dict(tier_rows)
    leaders = session.scalar(
        sa.select(sa.func.count(StartupTier.startup_id.distinct()))
        .join(Startup, Startup.id == StartupTier.startup_id)
        .where(in_park(Startup.park_id),
               StartupTier.tier.in_([EnterpriseTier.UNICORN, EnterpriseTier.HIDDEN_CHAMPION]),
               sa.or_(StartupTier.valid_until.is_(None), StartupTier.valid_until >= today))
    )
    incubator_rows = session.execute(
        sa.select(Incubator.tier, sa.func.count()).where(in_park(Incubator.park_id)).group_by(Incubator.tier)
    ).all()
    open_needs, sought = session.execute(
        sa.select(sa.func.count(FundingNeed.id), sa.func.coalesce(sa.func.sum(FundingNeed.amount_max), 0))
        .join(Startup, Startup.id == FundingNeed.startup_id)
        .where(FundingNeed.status == NeedStatus.OPEN, in_park(Startup.park_id))
    ).one()

    def count_orgs(kind: OrgKind) -> int:
        return session.scalar(sa.select(sa.func.count()).where(Organization.kind == kind,
                                                                Organization.source.is_(None)))

    return ParkFigures(
        park=session.get(Park, park_id) if park_id is not None else None,
        zone=park_figures(session, None, today) if park_id is not None else None,
        startups=session.scalar(sa.select(sa.func.count()).select_from(Startup).where(in_park(Startup.park_id))),
        startups_by_tier=by_tier,
        unicorns_and_champions=leaders,
        incubators_by_tier={tier: 0 for tier in IncubatorTier} | dict(incubator_rows),
        open_needs=open_needs,
        amount_sought=sought,
        investors=count_orgs(OrgKind.INVESTOR),
        banks=count_orgs(OrgKind.BANK),
    )
