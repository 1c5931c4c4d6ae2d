"""An incubator's profile (tier, services, park, descriptions, partner investors) and its
view of the startups that look for incubation."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace.errors import NotFound
from marketplace.models import Incubator, Investor, InvestorThesis, Park, Sector, Stage, Startup
from marketplace.models.enums import IncubatorService, IncubatorTier
from marketplace.models.listings import thesis_partner_incubators
from marketplace.models.organizations import incubator_services
from marketplace.services.listing_common import (
    FieldErrors,
    Page,
    newest_first,
    park_by_code,
    possible_id,
    text,
    web_address,
)

SUMMARY_LENGTH, DESCRIPTION_LENGTH = 300, 5_000


@dataclass
class ProfileTerms:
    """What an incubator states about itself; ``park`` is a park code."""

    tier: IncubatorTier
    services: list[IncubatorService] = field(default_factory=list)
    park: str | None = None
    website: str | None = None
    summary_zh: str | None = None
    summary_en: str | None = None
    description_zh: str | None = None
    description_en: str | None = None


@dataclass
class IncubatorProfile:
    """An incubator with its services (a plain value table) and the investors that name it
    as a partner (孵投联动); reads anything else from the incubator itself."""

    incubator: Incubator
    services: list[IncubatorService]
    partner_investors: list[Investor]

    def __getattr__(self, name: str) -> Any:
        return getattr(vars(self)["incubator"], name)


def terms_of(profile: IncubatorProfile) -> ProfileTerms:
    i = profile.incubator
    return ProfileTerms(tier=i.tier, services=list(profile.services), park=i.park.code if i.park else None,
                        website=i.website, summary_zh=i.summary_zh, summary_en=i.summary_en,
                        description_zh=i.description_zh, description_en=i.description_en)


def profile(session: Session, incubator_id: int) -> IncubatorProfile:
    incubator = session.get(Incubator, incubator_id) if possible_id(incubator_id) else None
    if incubator is None:
        raise NotFound.on("_", _l("No such incubator."))
    offered = set(session.scalars(sa.select(incubator_services.c.service)
                                  .where(incubator_services.c.incubator_id == incubator_id)))
    partners = session.scalars(
        sa.select(Investor).join(InvestorThesis, InvestorThesis.investor_id == Investor.id)
        .join(thesis_partner_incubators, thesis_partner_incubators.c.thesis_id == InvestorThesis.id)
        .where(thesis_partner_incubators.c.incubator_id == incubator_id).order_by(Investor.name, Investor.id)
    )
    return IncubatorProfile(incubator, [s for s in IncubatorService if s in offered], list(partners))


def update(session: Session, editor_org_id: int, incubator_id: int, changes: Mapping[str, Any]) -> IncubatorProfile:
    """Change the named parts of an incubator's own profile; nobody else may."""
    if editor_org_id != incubator_id:
        raise NotFound.on("_", _l("No such incubator."))
    current = profile(session, incubator_id)
    terms = replace(terms_of(current), **changes)
    errors = FieldErrors()
    cleaned = {name: text(errors, name, getattr(terms, name), max_length=length) or None
               for name, length in (("summary_zh", SUMMARY_LENGTH), ("summary_en", SUMMARY_LENGTH),
                                    ("description_zh", DESCRIPTION_LENGTH), ("description_en", DESCRIPTION_LENGTH))}
    website = web_address(errors, "website", terms.website)
    park = park_by_code(session, errors, "park", terms.park)
    errors.raise_if_any()
    incubator = current.incubator
    for name, value in cleaned.items():
        setattr(incubator, name, value)
    incubator.tier, incubator.website, incubator.park = terms.tier, website, park
    session.execute(sa.delete(incubator_services).where(incubator_services.c.incubator_id == incubator_id))
    services = list(dict.fromkeys(terms.services))
    if services:
        session.execute(sa.insert(incubator_services),
                        [{"incubator_id": incubator_id, "service": service} for service in services])
    session.commit()
    return profile(session, incubator_id)


STARTUP_LOADS = (selectinload(Startup.sectors), selectinload(Startup.stage), selectinload(Startup.park),
                 selectinload(Startup.tiers))


def _seeking(query: sa.Select, sector: str | None, stage: str | None, park: str | None) -> sa.Select:
    query = query.where(Startup.seeking_incubation)
    if sector is not None:
        query = query.where(Startup.sectors.any(Sector.code == sector))
    if stage is not None:
        query = query.where(Startup.stage_id == sa.select(Stage.id).where(Stage.code == stage).scalar_subquery())
    if park is not None:
        query = query.where(Startup.park_id == sa.select(Park.id).where(Park.code == park).scalar_subquery())
    return query


def seeking_startups(session: Session, *, sector: str | None = None, stage: str | None = None,
                     park: str | None = None, after: int | None = None, limit: int = 20) -> Page[Startup]:
    """Startups that say they look for incubation, newest members first."""
    return newest_first(session, _seeking(sa.select(Startup).options(*STARTUP_LOADS), sector, stage, park),
                        Startup.id, after=after, limit=limit)


def seeking_ids(session: Session, *, sector: str | None = None, stage: str | None = None,
                park: str | None = None) -> list[int]:
    """The ids of every startup looking for incubation that the filters keep (a ranking's candidates)."""
    return list(session.scalars(_seeking(sa.select(Startup.id), sector, stage, park)))


def startups_in_order(session: Session, ids: list[int]) -> list[Startup]:
    rows = {s.id: s for s in session.scalars(sa.select(Startup).where(Startup.id.in_(ids)).options(*STARTUP_LOADS))} \
        if ids else {}
    return [rows[i] for i in ids if i in rows]
