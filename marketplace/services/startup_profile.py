"""A startup's own profile: who it is, where, in which sectors and at which stage.

The sectors are ranked (the first is the main one) and at most three, as the database keeps
them; the tier labels (专精特新, 小巨人, ...) each carry the date they hold until.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.errors import NotFound
from marketplace.models import FundingNeed, Sector, Startup, StartupTier
from marketplace.models.organizations import startup_sectors
from marketplace.services.listing_common import (
    FieldErrors,
    park_by_code,
    sectors_by_code,
    stage_by_code,
    text,
    web_address,
)
from marketplace.services.needs import MOST_SECTORS, need_search_text

TEXT_LENGTHS = {"name": 200, "name_en": 200, "summary_zh": 300, "summary_en": 300, "description_zh": 10_000,
                "description_en": 10_000}
MAX_TEAM = 1_000_000


def own_startup(session: Session, org_id: int) -> Startup:
    startup = session.get(Startup, org_id)
    if startup is None:
        raise NotFound.on("_", _l("No such startup."))
    return startup


def update(session: Session, org_id: int, startup_id: int, changes: Mapping[str, Any], *,
           today: date | None = None) -> Startup:
    """Change the profile of the caller's own startup; any other organization does not exist for it."""
    if startup_id != org_id:
        raise NotFound.on("_", _l("No such startup."))
    startup = own_startup(session, org_id)
    values = _checked(session, changes, today or clock.today())
    sectors = values.pop("sectors", None)
    tiers = values.pop("tiers", None)
    renamed = any(name in values for name in ("name", "name_en"))
    for name, value in values.items():
        setattr(startup, name, value)
    if sectors is not None:
        _rank_sectors(session, startup, sectors)
    if tiers is not None:
        _set_tiers(startup, tiers)
    if renamed:
        for need in session.scalars(sa.select(FundingNeed).where(FundingNeed.startup_id == startup.id)):
            need.search_text = need_search_text(need)
    session.commit()
    return startup


def check(session: Session, changes: Mapping[str, Any], *, today: date | None = None) -> None:
    """The rules of ``update`` on these changes, writing nothing: a DomainError names every field at fault."""
    _checked(session, changes, today or clock.today())


def _checked(session: Session, changes: Mapping[str, Any], today: date) -> dict[str, Any]:
    errors = FieldErrors()
    values = dict(changes)
    for name, length in TEXT_LENGTHS.items():
        if name in values:
            values[name] = text(errors, name, values[name], max_length=length, required=name == "name") or None
    if "website" in values:
        values["website"] = web_address(errors, "website", values["website"])
    if "park" in values:
        values["park"] = park_by_code(session, errors, "park", values["park"])
    if "stage" in values:
        values["stage"] = stage_by_code(session, errors, "stage", values["stage"]) if values["stage"] else None
    if "sectors" in values:
        codes = list(values["sectors"] or ())
        if len(codes) != len(set(codes)) or len(codes) > MOST_SECTORS:
            errors.add("sectors", _l("Choose up to %(most)d different sectors, the main one first.",
                                     most=MOST_SECTORS))
        else:
            values["sectors"] = sectors_by_code(session, errors, "sectors", codes)
    errors.check_range("team_size", values.get("team_size"), 0, MAX_TEAM)
    if values.get("founded_on") is not None and values["founded_on"] > today:
        errors.add("founded_on", _l("This date is in the future."))
    tiers = [tier["tier"] for tier in values.get("tiers") or ()]
    if len(tiers) != len(set(tiers)):
        errors.add("tiers", _l("List each tier label once."))
    errors.raise_if_any()
    return values


def _rank_sectors(session: Session, startup: Startup, sectors: Sequence[Sector]) -> None:
    """Rewrite the ranked links: position 1 is the main sector."""
    session.execute(sa.delete(startup_sectors).where(startup_sectors.c.startup_id == startup.id))
    if sectors:
        session.execute(sa.insert(startup_sectors), [
            {"startup_id": startup.id, "sector_id": sector.id, "position": position}
            for position, sector in enumerate(sectors, start=1)
        ])
    session.expire(startup, ["sectors"])


def _set_tiers(startup: Startup, tiers: Sequence[Mapping[str, Any]]) -> None:
    """Keep the labels still held (with their new dates), drop the others, add the new ones."""
    wanted = {tier["tier"]: tier.get("valid_until") for tier in tiers}
    for held in list(startup.tiers):
        if held.tier in wanted:
            held.valid_until = wanted.pop(held.tier)
        else:
            startup.tiers.remove(held)
    startup.tiers.extend(StartupTier(tier=tier, valid_until=until) for tier, until in wanted.items())
