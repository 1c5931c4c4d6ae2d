"""The ranked lists each side sees, with the rows they show: what pages and the API both call.

``matching`` ranks ids; this module picks the candidates of each list (the needs the filters
keep, the investors, the loan products a startup qualifies for, the seats it could take, the
startups looking for an incubator) and loads the rows of the page in ranked order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from marketplace.services import (
    capacities,
    deal_flow,
    eligibility,
    incubator_profile,
    interactions,
    matching,
    relay,
    startup_profile,
)
from marketplace.services.deal_flow import NeedFilters
from marketplace.services.matching import CAPACITIES, INVESTORS, PRODUCTS, STARTUPS, Match, Reason

HIGHLIGHTS = 3  # the best matches a home page shows, above the link to the whole ranked list


@dataclass
class Recommended:
    item: Any  # a FundingNeed, an Investor, an eligibility.Borrowable, an IncubationCapacity or a Startup
    score: float
    reasons: list[Reason]
    strength: float  # 0.1 to 1: the bar drawn beside it, to its whole list's scale (``matching.strength``)


@dataclass
class RankedPage:
    items: list[Recommended]
    total: int  # how many the filters keep, over every page


def _recommended(rows: dict[int, Any], matches: list[Match], scale: tuple[float, float]) -> list[Recommended]:
    """The matches whose rows are there, with their rows and the strength of their bars."""
    return [Recommended(rows[m.id], m.score, m.reasons, matching.strength(m.score, scale))
            for m in matches if m.id in rows]


def needs(session: Session, org_id: int, filters: NeedFilters, *, today: date, offset: int, limit: int) -> RankedPage:
    """Open needs the filters keep, best first for the investor or bank ``org_id``."""
    ranked = matching.needs_for(session, org_id, filters, today=today, offset=offset, limit=limit)
    rows = {n.id: n for n in deal_flow.needs_in_order(session, [m.id for m in ranked.matches])}
    return RankedPage(_recommended(rows, ranked.matches, ranked.scale), ranked.total)


def for_startup(session: Session, org_id: int, direction: str, *, today: date, limit: int,
                offset: int = 0) -> RankedPage:
    """Investors, loan products it qualifies for, or incubation seats it could take (``direction``),
    best first for the startup ``org_id``: ``limit`` of them from ``offset`` on; those it dismissed
    are left out."""
    startup = startup_profile.own_startup(session, org_id)
    if direction == INVESTORS:
        rows = {i.id: i for i in matching.investors_by_id(session, matching.member_investors(session))}
    elif direction == PRODUCTS:
        rows = {b.id: b for b in eligibility.loan_products_for(session, startup, today)}
    elif direction == CAPACITIES:
        rows = {c.id: c for c in eligibility.capacities_for(session, startup, today)}
    else:
        raise ValueError(direction)
    for dismissed in interactions.dismissed(session, org_id, direction):
        rows.pop(dismissed, None)
    ranked = matching.for_startup(session, startup.id, direction, list(rows), today=today, offset=offset,
                                  limit=limit)
    return RankedPage(_recommended(rows, ranked.matches, ranked.scale), ranked.total)


def offers_to_refer(session: Session, incubator_id: int, startup_id: int, *, today: date) -> list[Any]:
    """Every offer the incubator could refer its resident ``startup_id`` to (``capacities.referable``),
    those the recommender ranks for the startup first, then any it could not rank, oldest first."""
    offers = {c.id: c for c in capacities.referable(session, incubator_id, today)}
    ranked = matching.for_startup(session, startup_id, CAPACITIES, list(offers), today=today)
    first = [offers[m.id] for m in ranked.matches if m.id in offers]
    shown = {c.id for c in first}
    return first + [c for c in offers.values() if c.id not in shown]


def startups(session: Session, incubator_id: int, *, today: date, offset: int, limit: int,
             sector: str | None = None, stage: str | None = None, park: str | None = None) -> RankedPage:
    """Startups looking for incubation that the filters keep, best first for the incubator; those it
    dismissed and its own residents are left out."""
    left_out = interactions.dismissed(session, incubator_id, STARTUPS) | {
        stay.startup_id for stay in relay.residents(session, incubator_id)}
    candidates = [i for i in incubator_profile.seeking_ids(session, sector=sector, stage=stage, park=park)
                  if i not in left_out]
    ranked = matching.startups_for(session, incubator_id, candidates, today=today)
    shown = ranked[offset:offset + limit]
    rows = {s.id: s for s in incubator_profile.startups_in_order(session, [m.id for m in shown])}
    return RankedPage(_recommended(rows, shown, matching.bar_scale([m.score for m in ranked])), len(ranked))
