"""Relay-incubation capacity (接力孵化): seats an incubator offers for sectors and a stage band."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased, selectinload

from marketplace.errors import NotFound
from marketplace.models import IncubationCapacity, Incubator, Sector, Stage
from marketplace.services import offer_revisions, relay
from marketplace.services.audit import Actor
from marketplace.services.listing_common import (
    FieldErrors,
    Page,
    newest_first,
    possible_id,
    sectors_by_code,
    stage_by_code,
    text,
)

MAX_SEATS = 10_000
TITLE_LENGTH, CONDITIONS_LENGTH = 200, 5_000
REQUIRED = ("stage_min", "stage_max", "seats_total", "starts_on", "ends_on")  # the title: ``text``


@dataclass
class CapacityTerms:
    """What an incubator states about an offer; sectors and stages are taxonomy codes."""

    title: str
    stage_min: str
    stage_max: str
    seats_total: int
    starts_on: date
    ends_on: date
    title_en: str | None = None  # the title on English pages; None: the title
    sectors: list[str] = field(default_factory=list)
    conditions: str = ""
    conditions_en: str | None = None  # the conditions on English pages; None: the conditions
    is_open: bool = True


def terms_of(capacity: IncubationCapacity) -> CapacityTerms:
    c = capacity
    return CapacityTerms(title=c.title, title_en=c.title_en, stage_min=c.stage_min.code, stage_max=c.stage_max.code,
                         seats_total=c.seats_total, starts_on=c.starts_on, ends_on=c.ends_on,
                         sectors=[s.code for s in c.sectors], conditions=c.conditions,
                         conditions_en=c.conditions_en, is_open=c.is_open)


@dataclass
class _Checked:
    terms: CapacityTerms
    sectors: list[Sector]
    stage_min: Stage
    stage_max: Stage


def _check(session: Session, terms: CapacityTerms, *, seats_taken: int, errors: FieldErrors) -> _Checked:
    terms = replace(terms, title=text(errors, "title", terms.title, max_length=TITLE_LENGTH, required=True),
                    title_en=text(errors, "title_en", terms.title_en, max_length=TITLE_LENGTH) or None,
                    conditions=text(errors, "conditions", terms.conditions, max_length=CONDITIONS_LENGTH),
                    conditions_en=text(errors, "conditions_en", terms.conditions_en,
                                       max_length=CONDITIONS_LENGTH) or None)
    for name in REQUIRED:
        if getattr(terms, name) is None:
            errors.add(name, _l("This field is required."))
    errors.check_range("seats_total", terms.seats_total, 1, MAX_SEATS)
    if not errors.has("seats_total") and terms.seats_total < seats_taken:
        errors.add("seats_total", _l("%(taken)d seats are already taken: offer at least that many.", taken=seats_taken))
    stage_min, stage_max = (None if errors.has(name) else stage_by_code(session, errors, name, getattr(terms, name))
                            for name in ("stage_min", "stage_max"))
    if stage_min is not None and stage_max is not None and stage_min.ordinal > stage_max.ordinal:
        errors.add("stage_max", _l("The last stage cannot come before the first."))
    if None not in (terms.starts_on, terms.ends_on) and terms.ends_on < terms.starts_on:
        errors.add("ends_on", _l("The offer cannot end before it starts."))
    sectors = sectors_by_code(session, errors, "sectors", terms.sectors)
    errors.raise_if_any()
    assert stage_min is not None and stage_max is not None
    return _Checked(terms, sectors, stage_min, stage_max)


def _write(session: Session, capacity: IncubationCapacity, checked: _Checked,
           before: CapacityTerms | None = None) -> IncubationCapacity:
    terms = checked.terms
    for name in ("title", "title_en", "seats_total", "starts_on", "ends_on", "conditions", "conditions_en",
                 "is_open"):
        setattr(capacity, name, getattr(terms, name))
    capacity.sectors = checked.sectors
    capacity.stage_min = checked.stage_min
    capacity.stage_max = checked.stage_max
    session.add(capacity)
    relay.fill_from_waitlist(session, capacity, Actor(capacity.incubator_id))  # seats added, or reopened
    if before is not None:
        offer_revisions.keep(session, capacity, before, terms_of(capacity))
    session.commit()
    return capacity


def create(session: Session, incubator_id: int, terms: CapacityTerms, *, today: date) -> IncubationCapacity:
    """A new offer; one that would already be over is refused."""
    if session.get(Incubator, incubator_id) is None:
        raise NotFound.on("_", _l("No such incubator."))
    checked = _check_new(session, terms, today)
    return _write(session, IncubationCapacity(incubator_id=incubator_id, seats_taken=0), checked)


def update(session: Session, incubator_id: int, capacity_id: int, changes: Mapping[str, Any]) -> IncubationCapacity:
    """Change the named terms of the incubator's own offer; seats already taken stay taken."""
    capacity = own(session, incubator_id, capacity_id, lock=True)
    before = terms_of(capacity)
    return _write(session, capacity, _check_changes(session, capacity, changes), before)


def check(session: Session, incubator_id: int, changes: Mapping[str, Any], *, capacity_id: int | None = None,
          today: date) -> None:
    """The rules of ``create`` (with ``capacity_id``: of ``update``) on these terms, writing nothing: a
    DomainError names every field at fault."""
    if capacity_id is None:
        _check_new(session, CapacityTerms(**changes), today)
    else:
        _check_changes(session, own(session, incubator_id, capacity_id), changes)


def _check_new(session: Session, terms: CapacityTerms, today: date) -> _Checked:
    errors = FieldErrors()
    if terms.ends_on is not None and terms.ends_on < today:
        errors.add("ends_on", _l("This date has passed: the offer would already be over."))
    return _check(session, terms, seats_taken=0, errors=errors)


def _check_changes(session: Session, capacity: IncubationCapacity, changes: Mapping[str, Any]) -> _Checked:
    return _check(session, replace(terms_of(capacity), **changes), seats_taken=capacity.seats_taken,
                  errors=FieldErrors())


def set_open(session: Session, incubator_id: int, capacity_id: int, is_open: bool) -> IncubationCapacity:
    """Close an offer to new startups, or open it again, as its terms stand."""
    capacity = own(session, incubator_id, capacity_id, lock=True)
    before = terms_of(capacity)
    capacity.is_open = is_open
    relay.fill_from_waitlist(session, capacity, Actor(incubator_id))
    offer_revisions.keep(session, capacity, before, terms_of(capacity))
    session.commit()
    return capacity


def _query() -> sa.Select:
    return sa.select(IncubationCapacity).options(
        selectinload(IncubationCapacity.incubator), selectinload(IncubationCapacity.sectors),
        selectinload(IncubationCapacity.stage_min), selectinload(IncubationCapacity.stage_max),
    )


def own(session: Session, incubator_id: int, capacity_id: int, *, lock: bool = False) -> IncubationCapacity:
    """The incubator's own offer; anyone else's is as missing as one that never existed."""
    query = _query().where(IncubationCapacity.id == capacity_id, IncubationCapacity.incubator_id == incubator_id)
    capacity = session.scalar(query.with_for_update(of=IncubationCapacity) if lock else query) \
        if possible_id(capacity_id) else None
    if capacity is None:
        raise NotFound.on("_", _l("No such capacity offer."))
    return capacity


def visible(session: Session, viewer_org_id: int, capacity_id: int) -> IncubationCapacity:
    """An open offer, or a closed one to its own incubator only."""
    capacity = session.scalar(_query().where(
        IncubationCapacity.id == capacity_id,
        sa.or_(IncubationCapacity.is_open, IncubationCapacity.incubator_id == viewer_org_id))
    ) if possible_id(capacity_id) else None
    if capacity is None:
        raise NotFound.on("_", _l("No such capacity offer."))
    return capacity


def referable(session: Session, incubator_id: int, today: date) -> list[IncubationCapacity]:
    """Every other incubator's open offer that has not ended, full ones too: a resident referred
    to a full offer may wait on its waitlist."""
    return list(session.scalars(_query().where(
        IncubationCapacity.is_open, IncubationCapacity.ends_on >= today,
        IncubationCapacity.incubator_id != incubator_id).order_by(IncubationCapacity.id)))


def of_incubator(session: Session, incubator_id: int) -> list[IncubationCapacity]:
    """All the incubator's offers: open ones first, then by start, latest first."""
    return list(session.scalars(_query().where(IncubationCapacity.incubator_id == incubator_id).order_by(
        IncubationCapacity.is_open.desc(), IncubationCapacity.starts_on.desc(), IncubationCapacity.id.desc())))


def browse(session: Session, viewer_org_id: int, *, today: date, mine: bool = False, sector: str | None = None,
           stage: str | None = None, has_seats: bool | None = None, after: int | None = None,
           limit: int = 20) -> Page[IncubationCapacity]:
    """Open offers that have not ended, of every incubator, newest first; with ``mine``, all of
    the viewer's own.

    ``sector`` keeps offers open to that sector (or to every sector); ``stage`` keeps offers
    whose stage band includes it; ``has_seats`` keeps offers with seats left (or, if false, full ones).
    """
    if mine:
        query = _query().where(IncubationCapacity.incubator_id == viewer_org_id)
    else:
        query = _query().where(IncubationCapacity.is_open, IncubationCapacity.ends_on >= today)
    if sector is not None:
        query = query.where(sa.or_(~IncubationCapacity.sectors.any(),
                                   IncubationCapacity.sectors.any(Sector.code == sector)))
    if stage is not None:
        ordinal = sa.select(Stage.ordinal).where(Stage.code == stage).scalar_subquery()
        low, high = aliased(Stage), aliased(Stage)
        query = (query.join(low, IncubationCapacity.stage_min_id == low.id)
                 .join(high, IncubationCapacity.stage_max_id == high.id)
                 .where(low.ordinal <= ordinal, high.ordinal >= ordinal))
    if has_seats is not None:
        has_left = IncubationCapacity.seats_taken < IncubationCapacity.seats_total
        query = query.where(has_left if has_seats else ~has_left)
    return newest_first(session, query, IncubationCapacity.id, after=after, limit=limit)
