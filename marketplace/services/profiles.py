"""An organization's public profile: who it is, the rounds it raised or joined, and a startup's
relay chain of incubators."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace.errors import NotFound
from marketplace.models import FundingRound, Investor, Organization, Startup, investments
from marketplace.models.enums import OrgKind
from marketplace.models.relay import IncubationStay
from marketplace.services import relay

HISTORY_ROWS = 50


@dataclass
class Profile:
    organization: Organization
    rounds: list[FundingRound]  # raised (startups) or joined (investors), newest first
    rounds_total: int
    chain: list[IncubationStay] = field(default_factory=list)  # a startup's incubators, first to latest


def public_profile(session: Session, org_id: int) -> Profile:
    organization = session.get(Organization, org_id)
    if organization is None or organization.kind == OrgKind.OPERATOR:
        raise NotFound.on("_", _l("No such organization."))
    if isinstance(organization, Startup):
        condition = FundingRound.startup_id == org_id
    elif isinstance(organization, Investor):
        condition = FundingRound.id.in_(sa.select(investments.c.round_id).where(investments.c.investor_id == org_id))
    else:
        return Profile(organization, [], 0)
    rounds = list(session.scalars(
        sa.select(FundingRound).where(condition)
        .options(selectinload(FundingRound.startup), selectinload(FundingRound.investors),
                 selectinload(FundingRound.stage))
        .order_by(FundingRound.funded_on.desc(), FundingRound.id.desc()).limit(HISTORY_ROWS)
    ))
    total = session.scalar(sa.select(sa.func.count()).select_from(FundingRound).where(condition))
    chain = relay.chain(session, org_id) if isinstance(organization, Startup) else []
    return Profile(organization, rounds, total, chain)
