"""An investor's thesis: what it looks for, the start of its deal flow and of its ranking.

An investor has at most one thesis; saving replaces it whole (sectors, whole sector groups,
stages, parks, partner incubators for 孵投联动, ticket range, fund size, and the
"early, small, hard tech, long term" flags). A save that changes it keeps the version it
replaces as a ``ThesisRevision``, dated, for the recommender's replay of earlier days.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace.errors import NotFound
from marketplace.i18n import yuan
from marketplace.models import Incubator, Investor, InvestorThesis, Park, ThesisRevision
from marketplace.models.base import utcnow
from marketplace.models.enums import SectorGroup
from marketplace.models.listings import thesis_sector_groups
from marketplace.services.listing_common import FieldErrors, sectors_by_code, stages_by_code, text
from marketplace.services.needs import MAX_YUAN

MAX_SUMMARY = 2000
MIN_TICKET = 10_000  # 1 万元: no fund's largest ticket is smaller (a thesis of 1 to 2 yuan is a typing slip)
# 投早、投小、投硬科技、投长期
FLAGS = ("invests_early", "invests_small", "invests_hard_tech", "invests_long_term")


@dataclass(frozen=True)
class ThesisInput:
    """A thesis as the investor states it: reference rows by code, incubators by id, money in yuan."""

    ticket_min: int
    ticket_max: int
    fund_size: int | None = None
    summary: str = ""
    sectors: Sequence[str] = ()
    sector_groups: Sequence[SectorGroup] = ()
    stages: Sequence[str] = ()
    parks: Sequence[str] = ()
    partner_incubators: Sequence[int] = ()
    invests_early: bool = False
    invests_small: bool = False
    invests_hard_tech: bool = False
    invests_long_term: bool = False


@dataclass(frozen=True)
class Thesis:
    """A saved thesis and the whole sector groups it covers (a link table with no mapped class)."""

    row: InvestorThesis
    sector_groups: list[SectorGroup]


def parks_by_code(session: Session, errors: FieldErrors, field: str, codes: Iterable[str]) -> list[Park]:
    """Parks in the zone's order, each once."""
    codes = set(codes)
    found = list(session.scalars(sa.select(Park).where(Park.code.in_(codes)).order_by(Park.id))) if codes else []
    unknown = sorted(codes - {p.code for p in found})
    if unknown:
        errors.add(field, _l("Unknown park: %(code)s.", code=", ".join(unknown)))
    return found


def get(session: Session, investor_id: int) -> Thesis | None:
    row = session.scalar(
        sa.select(InvestorThesis).where(InvestorThesis.investor_id == investor_id)
        .options(selectinload(InvestorThesis.sectors), selectinload(InvestorThesis.stages),
                 selectinload(InvestorThesis.parks), selectinload(InvestorThesis.partner_incubators))
    )
    if row is None:
        return None
    groups = session.scalars(sa.select(thesis_sector_groups.c.sector_group)
                             .where(thesis_sector_groups.c.thesis_id == row.id))
    return Thesis(row, sorted(groups, key=list(SectorGroup).index))


def upsert(session: Session, investor_id: int, data: ThesisInput) -> Thesis:
    """Save the investor's thesis, replacing the one it had; refuse it whole if any part is wrong."""
    # Locked, so that two saves at once both find the thesis the first one made.
    investor = session.get(Investor, investor_id, with_for_update=True)
    if investor is None:
        raise NotFound.on("_", _l("No such investor."))
    summary, linked = _checked(session, data)
    before = None if investor.thesis is None else (_declared(get(session, investor_id)), investor.thesis.updated_at)
    row = investor.thesis or InvestorThesis(investor=investor)
    row.ticket_min, row.ticket_max, row.fund_size = data.ticket_min, data.ticket_max, data.fund_size
    row.summary = summary
    row.invests_early, row.invests_small = data.invests_early, data.invests_small
    row.invests_hard_tech, row.invests_long_term = data.invests_hard_tech, data.invests_long_term
    for name, rows in linked.items():
        setattr(row, name, rows)
    session.add(row)
    session.flush()
    groups = sorted(set(data.sector_groups), key=list(SectorGroup).index)
    session.execute(sa.delete(thesis_sector_groups).where(thesis_sector_groups.c.thesis_id == row.id))
    if groups:
        session.execute(sa.insert(thesis_sector_groups),
                        [{"thesis_id": row.id, "sector_group": group} for group in groups])
    thesis = Thesis(row, groups)
    if before is not None and before[0] != _declared(thesis):
        now = utcnow()
        session.add(ThesisRevision(investor_id=investor_id, declared_at=before[1], replaced_at=now,
                                   declared=before[0]))
        row.updated_at = now  # the day this version was declared, though only its links changed
    session.commit()
    return thesis


def check(session: Session, data: ThesisInput) -> None:
    """The rules of ``upsert`` on this thesis, writing nothing: a DomainError names every field at fault."""
    _checked(session, data)


def _checked(session: Session, data: ThesisInput) -> tuple[str, dict[str, list[Any]]]:
    """The summary cleaned and the rows the thesis links to; every refusal at once."""
    errors = FieldErrors()
    for name in ("ticket_min", "ticket_max"):
        if getattr(data, name) is None:
            errors.add(name, _l("This field is required."))
    for name in ("ticket_min", "ticket_max", "fund_size"):
        errors.check_range(name, getattr(data, name), 0, MAX_YUAN)
    if not errors.errors and data.ticket_min > data.ticket_max:
        errors.add("ticket_max", _l("The largest ticket must not be below the smallest."))
    elif not errors.errors and data.ticket_max < MIN_TICKET:
        errors.add("ticket_max", _l("The largest ticket must be at least %(least)s.", least=yuan(MIN_TICKET)))
    elif not errors.errors and data.fund_size is not None and data.ticket_max > data.fund_size:
        errors.add("ticket_max", _l("A single ticket cannot be larger than the fund."))
    summary = text(errors, "summary", data.summary, max_length=MAX_SUMMARY)
    linked = {
        "sectors": sectors_by_code(session, errors, "sectors", data.sectors),
        "stages": stages_by_code(session, errors, "stages", data.stages),
        "parks": parks_by_code(session, errors, "parks", data.parks),
        "partner_incubators": list(session.scalars(
            sa.select(Incubator).where(Incubator.id.in_(set(data.partner_incubators))).order_by(Incubator.id))),
    }
    strangers = sorted(set(data.partner_incubators) - {i.id for i in linked["partner_incubators"]})
    if strangers:
        errors.add("partner_incubators", _l("Not an incubator of the marketplace: %(ids)s.",
                                            ids=", ".join(map(str, strangers))))
    errors.raise_if_any()
    return summary, linked


def _declared(thesis: Thesis) -> dict:
    """A thesis in its own terms: reference rows by code, incubators by id, money in yuan."""
    row = thesis.row
    return {
        "sectors": sorted(s.code for s in row.sectors), "sector_groups": [g.value for g in thesis.sector_groups],
        "stages": sorted(s.code for s in row.stages), "parks": sorted(p.code for p in row.parks),
        "partner_incubators": sorted(i.id for i in row.partner_incubators),
        "ticket_min": row.ticket_min, "ticket_max": row.ticket_max, "fund_size": row.fund_size,
        "summary": row.summary, **{flag: getattr(row, flag) for flag in FLAGS},
    }


def partner_choices(session: Session) -> list[Incubator]:
    """Every incubator an investor may name as a partner, by name."""
    return list(session.scalars(sa.select(Incubator).order_by(Incubator.name, Incubator.id)))
