"""``/recommendations/...``: every side's ranked matches, best first, with score and reasons.

Every list pages on: ``next`` is an opaque cursor to the following page, none on the last.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace import clock
from marketplace.api.blueprint import (
    QueryError,
    caller,
    decode_cursor,
    encode_cursor,
    endpoint,
    load_query,
    page_body,
)
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.common import page_of
from marketplace.schemas.incubators import SeekingStartupQuerySchema
from marketplace.schemas.recommendations import (
    RecommendationQuerySchema,
    RecommendedCapacitySchema,
    RecommendedInvestorSchema,
    RecommendedLoanProductSchema,
    RecommendedNeedQuerySchema,
    RecommendedNeedSchema,
    RecommendedStartupSchema,
)
from marketplace.services import reasons, recommendations
from marketplace.services.matching import CAPACITIES, INVESTORS, PRODUCTS

TAG = "recommendations"
MAX_OFFSET = 100_000


def _offset(query: dict[str, Any]) -> int:
    if not query.get("after"):
        return 0
    values = decode_cursor(query["after"])
    if len(values) != 1 or not isinstance(values[0], int) or not 0 < values[0] <= MAX_OFFSET:
        raise QueryError({"after": ["Invalid value."]})
    return values[0]


Fields = Callable[[Any], dict[str, Any]]


def _ranked(items: list[recommendations.Recommended], fields: Fields, *, offer: bool,
            own: bool, offset: int = 0) -> list[dict[str, Any]]:
    """Each item as its schema dumps it: rank (``offset`` items come before the first), score, the
    strength of its bar, the fields of the thing, reasons with their text (the reasons a page
    shows, worded as ``reasons.describe`` says for ``offer`` and ``own``)."""
    names = reasons.Names.load(db.session, [r for item in items for r in item.reasons])
    out = []
    for rank, item in enumerate(items, start=offset + 1):
        shown = reasons.shown(item.reasons)
        out.append({"rank": rank, "score": item.score, "strength": item.strength, **fields(item.item),
                    "reasons": [{"code": r.code, "text": reasons.describe(r, names, offer=offer, own=own)}
                                for r in shown]})
    return out


def _page(ranked: recommendations.RankedPage, offset: int, limit: int, fields: Fields, schema: Any,
          offer: bool, own: bool = True) -> Any:
    """A page of a list ranked for the caller; ``own``: the reasons speak of the caller's own thesis
    or offer (needs, startups), not of the counterpart's (a startup's matches)."""
    following = offset + limit if offset + limit < ranked.total else None
    return page_body(_ranked(ranked.items, fields, offer=offer, own=own, offset=offset), schema,
                     encode_cursor([following]) if following is not None else None)


@endpoint("/recommendations/needs", "GET", summary=_l("Open funding needs ranked for you, with the reasons"),
          tag=TAG, roles=(Role.INVESTOR, Role.BANK), query=RecommendedNeedQuerySchema,
          response=page_of(RecommendedNeedSchema))
def recommended_needs() -> Any:
    query = load_query(RecommendedNeedQuerySchema())
    offset = _offset(query)
    ranked = recommendations.needs(db.session, caller().organization_id, query["filters"], today=clock.today(),
                                   offset=offset, limit=query["limit"])
    return _page(ranked, offset, query["limit"], lambda need: {"need": need}, RecommendedNeedSchema(),
                 caller().role == Role.BANK)


def _for_startup(direction: str, fields: Fields, schema: Any) -> Any:
    query = load_query(RecommendationQuerySchema())
    offset = _offset(query)
    ranked = recommendations.for_startup(db.session, caller().organization_id, direction, today=clock.today(),
                                         offset=offset, limit=query["limit"])
    return _page(ranked, offset, query["limit"], fields, schema, direction != INVESTORS, own=False)


@endpoint("/recommendations/investors", "GET", summary=_l("Investors ranked for your company, with the reasons"),
          tag=TAG, roles=(Role.STARTUP,), query=RecommendationQuerySchema, response=page_of(RecommendedInvestorSchema))
def recommended_investors() -> Any:
    return _for_startup(INVESTORS, lambda investor: {"investor": investor}, RecommendedInvestorSchema())


@endpoint("/recommendations/loan-products", "GET",
          summary=_l("Loan products your company qualifies for, ranked, with the amount it could borrow"),
          tag=TAG, roles=(Role.STARTUP,), query=RecommendationQuerySchema,
          response=page_of(RecommendedLoanProductSchema))
def recommended_loan_products() -> Any:
    return _for_startup(PRODUCTS, lambda offer: {"product": offer.listing, "borrowable": offer.amount},
                        RecommendedLoanProductSchema())


@endpoint("/recommendations/capacities", "GET",
          summary=_l("Incubation offers with seats left that fit your company, ranked"),
          tag=TAG, roles=(Role.STARTUP,), query=RecommendationQuerySchema, response=page_of(RecommendedCapacitySchema))
def recommended_capacities() -> Any:
    return _for_startup(CAPACITIES, lambda capacity: {"capacity": capacity}, RecommendedCapacitySchema())


@endpoint("/recommendations/startups", "GET", summary=_l("Startups looking for incubation, ranked for you"),
          tag=TAG, roles=(Role.INCUBATOR,), query=SeekingStartupQuerySchema, response=page_of(RecommendedStartupSchema))
def recommended_startups() -> Any:
    query = load_query(SeekingStartupQuerySchema())
    offset = _offset(query)
    ranked = recommendations.startups(db.session, caller().organization_id, today=clock.today(), offset=offset,
                                      limit=query["limit"], sector=query.get("sector"), stage=query.get("stage"),
                                      park=query.get("park"))
    return _page(ranked, offset, query["limit"], lambda startup: {"startup": startup}, RecommendedStartupSchema(),
                 True)
