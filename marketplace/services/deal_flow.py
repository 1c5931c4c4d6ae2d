"""Deal flow: the open funding needs investors and banks browse, filtered, sorted, a page at a time.

One ``browse`` serves the investor and bank pages and the JSON API. Pages are keyset pages:
the caller hands back the last row's sort key (``after``), never an offset, so that page 500
costs what page 1 does; the two main sorts walk ``ix_funding_needs_status_created`` and
``ix_funding_needs_status_amount``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.models import (
    FundingNeed,
    Organization,
    Sector,
    Startup,
    StartupTier,
    TaxonomyVersion,
)
from marketplace.models.base import utcnow
from marketplace.models.enums import (
    LOAN_INSTRUMENTS,
    EnterpriseTier,
    Instrument,
    LabelledEnum,
    LoanKind,
    NeedStatus,
    SectorGroup,
)
from marketplace.models.listings import need_sectors
from marketplace.services import partnerships
from marketplace.services.listing_common import (
    FieldErrors,
    sectors_by_code,
    stages_by_code,
)
from marketplace.services.loan_products import ProductListing
from marketplace.services.theses import Thesis, parks_by_code

MAX_LIMIT = 100
MAX_KEYWORD_WORDS = 8
_BIGINT = 2**63 - 1

INSTRUMENT_OF_LOAN = {
    LoanKind.LINKED: Instrument.LINKED_LOAN,
    LoanKind.IP_PLEDGE: Instrument.IP_PLEDGE_LOAN,
    LoanKind.CREDIT: Instrument.CREDIT_LOAN,
}


class NeedSort(LabelledEnum):
    NEWEST = "newest", _l("Newest first")
    AMOUNT = "amount", _l("Largest amount first")
    DEADLINE = "deadline", _l("Closest deadline first")


BROKEN_CURSOR = _l("This page link is broken or belongs to another sort. Start again from the first page.")


class InvalidQuery(DomainError):
    """A filter, sort or cursor the caller made up: a bad request, not a refused write."""

    status = 400


@dataclass(frozen=True)
class NeedFilters:
    """What to keep; an empty field keeps everything. Sectors and whole groups add up."""

    sectors: tuple[str, ...] = ()
    sector_groups: tuple[SectorGroup, ...] = ()
    stages: tuple[str, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    amount_min: int | None = None  # the need's range must reach up to this...
    amount_max: int | None = None  # ...and start at or below this
    parks: tuple[str, ...] = ()
    tiers: tuple[EnterpriseTier, ...] = ()  # labels still valid today
    keyword: str = ""


# --- Sorts: the order, the cursor a page ends on, and the condition that resumes after it ---

def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _BIGINT:
        raise ValueError(value)
    return value


def _timestamp(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)  # TypeError for a non-string
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


@dataclass(frozen=True)
class _Order:
    keys: tuple[sa.ColumnElement[Any], ...]
    cursor: Callable[[FundingNeed], list[Any]]
    resume: Callable[[list[Any]], sa.ColumnElement[bool]]


def _after_deadline(values: list[Any]) -> sa.ColumnElement[bool]:
    deadline, need_id = _day(values[0]), _int(values[1])
    if deadline is None:  # already among the needs without a deadline, which come last
        return sa.and_(FundingNeed.deadline.is_(None), FundingNeed.id > need_id)
    return sa.or_(FundingNeed.deadline.is_(None),
                  sa.tuple_(FundingNeed.deadline, FundingNeed.id) > sa.tuple_(sa.literal(deadline, sa.Date),
                                                                            sa.literal(need_id)))


ORDERS = {
    NeedSort.NEWEST: _Order(
        keys=(FundingNeed.created_at.desc(), FundingNeed.id.desc()),
        cursor=lambda need: [need.created_at.isoformat(), need.id],
        resume=lambda values: sa.tuple_(FundingNeed.created_at, FundingNeed.id) < sa.tuple_(
            sa.literal(_timestamp(values[0]), FundingNeed.created_at.type), sa.literal(_int(values[1]))),
    ),
    NeedSort.AMOUNT: _Order(
        keys=(FundingNeed.amount_max.desc(), FundingNeed.id.desc()),
        cursor=lambda need: [need.amount_max, need.id],
        resume=lambda values: sa.tuple_(FundingNeed.amount_max, FundingNeed.id) < sa.tuple_(
            sa.literal(_int(values[0]), sa.BigInteger), sa.literal(_int(values[1]))),
    ),
    NeedSort.DEADLINE: _Order(
        keys=(FundingNeed.deadline.asc().nulls_last(), FundingNeed.id.asc()),
        cursor=lambda need: [need.deadline.isoformat() if need.deadline else None, need.id],
        resume=_after_deadline,
    ),
}

# What a list of needs shows, loaded in a fixed number of queries whatever the page size.
LIST_LOADS = (
    selectinload(FundingNeed.stage),
    selectinload(FundingNeed.sectors),
    selectinload(FundingNeed.startup).options(selectinload(Startup.park), selectinload(Startup.tiers)),
)


def browse(session: Session, filters: NeedFilters, *, sort: str = NeedSort.NEWEST, after: list[Any] | None = None,
           limit: int = 20, today: date | None = None,
           viewer_org_id: int | None = None) -> tuple[list[FundingNeed], list[Any] | None]:
    """One page of open needs and the cursor of the next page (None on the last page).

    ``after`` is the cursor a previous page returned for the same sort; tier labels count
    while valid on ``today``. A need still in its early window (孵投联动) is shown only to
    ``viewer_org_id`` when that is a partner investor of the startup's incubator.
    """
    try:
        order = ORDERS[NeedSort(sort)]
    except ValueError:
        raise InvalidQuery.on("sort", _l("Choose one of: %(choices)s.",
                                         choices=", ".join(s.value for s in NeedSort))) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery.on("limit", _l("Between 1 and %(most)d.", most=MAX_LIMIT))
    query = sa.select(FundingNeed).where(
        FundingNeed.status == NeedStatus.OPEN, *_conditions(session, filters, today or clock.today()),
        partnerships.visible_need(viewer_org_id, utcnow()))
    if after is not None:
        query = query.where(_resume(order, after))
    rows = list(session.scalars(query.order_by(*order.keys).limit(limit + 1).options(*LIST_LOADS)))
    page = rows[:limit]
    return page, order.cursor(page[-1]) if len(rows) > limit else None


def count(session: Session, filters: NeedFilters, today: date | None = None, *,
          viewer_org_id: int | None = None) -> int:
    """How many open needs ``browse`` would page through."""
    return session.scalar(sa.select(sa.func.count(FundingNeed.id)).where(
        FundingNeed.status == NeedStatus.OPEN, *_conditions(session, filters, today or clock.today()),
        partnerships.visible_need(viewer_org_id, utcnow())))


def needs_in_order(session: Session, ids: list[int]) -> list[FundingNeed]:
    """The needs of ``ids``, loaded as a list shows them, in the order of ``ids``."""
    rows = {n.id: n for n in session.scalars(sa.select(FundingNeed).where(FundingNeed.id.in_(ids))
                                             .options(*LIST_LOADS))} if ids else {}
    return [rows[i] for i in ids if i in rows]


def matching_ids(session: Session, filters: NeedFilters, today: date | None = None) -> list[int]:
    """The ids of every open need ``filters`` keep: what a ranked page filters its ranking with
    (``hidden_ids`` then takes out what the viewer may not see yet)."""
    query = sa.select(FundingNeed.id).where(FundingNeed.status == NeedStatus.OPEN,
                                            *_conditions(session, filters, today or clock.today()))
    return session.connection().execute(query).scalars().all()  # plain rows: 100,000 ids, no ORM loading


def hidden_ids(session: Session, viewer_org_id: int | None, now: datetime | None = None) -> list[int]:
    """Open needs still in their early window that the viewer may not see (it is not a partner
    investor of the startup's incubator), smallest id first."""
    now = now or utcnow()
    # sorted here: an ORDER BY id would have SQLite walk every need in id order, not the index of the few
    return sorted(session.scalars(sa.select(FundingNeed.id).where(
        FundingNeed.status == NeedStatus.OPEN, FundingNeed.public_from > now,
        ~partnerships.visible_need(viewer_org_id, now))))


def open_need_ids(session: Session, today: date | None = None) -> list[int]:
    return matching_ids(session, NeedFilters(), today)


def thesis_filters(thesis: Thesis) -> NeedFilters:
    """The equity rounds a thesis asks for: its sectors and groups, stages, parks and ticket range."""
    row = thesis.row
    return NeedFilters(sectors=tuple(s.code for s in row.sectors), sector_groups=tuple(thesis.sector_groups),
                       stages=tuple(s.code for s in row.stages), parks=tuple(p.code for p in row.parks),
                       instruments=(Instrument.EQUITY,), amount_min=row.ticket_min, amount_max=row.ticket_max)


def _resume(order: _Order, after: list[Any]) -> sa.ColumnElement[bool]:
    try:
        if not isinstance(after, list) or len(after) != 2:
            raise ValueError(after)
        return order.resume(after)
    except (TypeError, ValueError):
        raise InvalidQuery.on("after", BROKEN_CURSOR) from None


def _conditions(session: Session, filters: NeedFilters, today: date) -> list[sa.ColumnElement[bool]]:
    if filters.amount_min is not None and filters.amount_max is not None and filters.amount_min > filters.amount_max:
        raise InvalidQuery.on("amount_max", _l("The largest amount must not be below the smallest."))
    errors = FieldErrors()
    sectors = sectors_by_code(session, errors, "sectors", filters.sectors)
    stages = stages_by_code(session, errors, "stages", filters.stages)
    parks = parks_by_code(session, errors, "parks", filters.parks)
    if errors.errors:
        raise InvalidQuery(errors.errors)
    # a need is listed until its deadline has passed (its owner is told, and can extend it)
    conditions: list[sa.ColumnElement[bool]] = [sa.or_(FundingNeed.deadline.is_(None), FundingNeed.deadline >= today)]
    if sectors or filters.sector_groups:
        sector_ids = {s.id for s in sectors}
        if filters.sector_groups:  # a whole group: every sector in it
            sector_ids.update(session.scalars(sa.select(Sector.id).join(TaxonomyVersion).where(
                TaxonomyVersion.is_current, Sector.group.in_(filters.sector_groups))))
        # IN, not a correlated EXISTS: SQLite then reads the sectors' index once (3 x faster at 100,000 needs)
        conditions.append(FundingNeed.id.in_(sa.select(need_sectors.c.need_id).where(
            need_sectors.c.sector_id.in_(sorted(sector_ids)))))
    if stages:
        conditions.append(FundingNeed.stage_id.in_([s.id for s in stages]))
    if filters.instruments:
        conditions.append(FundingNeed.instrument.in_(filters.instruments))
    if filters.amount_min is not None:
        conditions.append(FundingNeed.amount_max >= filters.amount_min)
    if filters.amount_max is not None:
        conditions.append(FundingNeed.amount_min <= filters.amount_max)
    if parks:
        conditions.append(FundingNeed.startup_id.in_(
            sa.select(Organization.id).where(Organization.park_id.in_([p.id for p in parks]))))
    if filters.tiers:
        conditions.append(FundingNeed.startup_id.in_(
            sa.select(StartupTier.startup_id).where(
                StartupTier.tier.in_(filters.tiers),
                sa.or_(StartupTier.valid_until.is_(None), StartupTier.valid_until >= today))))
    conditions.extend(FundingNeed.search_text.like(f"%{_escape_like(word)}%", escape="\\")
                      for word in _keyword_words(filters.keyword))
    return conditions


def _keyword_words(keyword: str) -> list[str]:
    """The words every need found must contain, lower-cased as ``search_text`` is."""
    words = keyword.lower().split()
    if len(words) > MAX_KEYWORD_WORDS:
        raise InvalidQuery.on("q", _l("Search for at most %(most)d words.", most=MAX_KEYWORD_WORDS))
    return words


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- Banks: the needs a loan product could serve ------------------------------------------

def for_banks(filters: NeedFilters) -> NeedFilters:
    """Banks browse loan needs only: the chosen loan instruments, or all of them."""
    loans = tuple(i for i in filters.instruments if i in LOAN_INSTRUMENTS)
    return replace(filters, instruments=loans or LOAN_INSTRUMENTS)


def product_filters(listing: ProductListing, base: NeedFilters) -> NeedFilters:
    """``base`` (keyword, parks) narrowed to what a loan product lends to: its instrument,
    sectors, stages and tier labels, and needs whose amount overlaps the product's range."""
    product = listing.product
    return replace(
        base, instruments=(INSTRUMENT_OF_LOAN[product.kind],), sectors=tuple(s.code for s in product.sectors),
        sector_groups=(), stages=tuple(s.code for s in product.stages), tiers=tuple(listing.tiers),
        amount_min=product.amount_min, amount_max=product.amount_max,
    )
