"""孵投联动 partnerships: an investor and an incubator agree to work together.

One side proposes, the other accepts or declines; either side ends it (a proposal still
unanswered is withdrawn the same way). An accepted partnership lets the investor see the
funding needs of the incubator's resident startups before they open to everyone (the
incubator's early window, ``Incubator.early_window_days``), and the recommender counts it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace import cache
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.models import FundingNeed, Incubator, Investor, Organization
from marketplace.models.base import utcnow
from marketplace.models.enums import AuditSubject, NotificationKind, PartnershipStatus
from marketplace.models.relay import IncubationStay, Partnership
from marketplace.services import audit, notifications
from marketplace.services.audit import Actor
from marketplace.services.listing_common import possible_id

MAX_WINDOW_DAYS = 90
NO_SUCH_PARTNERSHIP = _l("No such partnership.")
LINK = "/relay/partnerships"


def _query() -> sa.Select:
    return sa.select(Partnership).options(selectinload(Partnership.investor), selectinload(Partnership.incubator))


def of_org(session: Session, org_id: int) -> list[Partnership]:
    """The organization's partnerships: live ones first, newest first."""
    rank = sa.case((Partnership.status == PartnershipStatus.ACCEPTED, 0),
                   (Partnership.status == PartnershipStatus.REQUESTED, 1), else_=2)
    return list(session.scalars(_query().where(
        sa.or_(Partnership.investor_id == org_id, Partnership.incubator_id == org_id))
        .order_by(rank, Partnership.id.desc())))


def get(session: Session, org_id: int, partnership_id: int) -> Partnership:
    row = session.scalar(_query().where(
        Partnership.id == partnership_id,
        sa.or_(Partnership.investor_id == org_id, Partnership.incubator_id == org_id))) \
        if possible_id(partnership_id) else None
    if row is None:
        raise NotFound.on("_", NO_SUCH_PARTNERSHIP)
    return row


def candidates(session: Session, org_id: int) -> list[Organization]:
    """Who the organization may propose to: every incubator for an investor, and the other way
    round, leaving out those it is already partnered with or waiting on."""
    org = session.get(Organization, org_id)
    other = Incubator if isinstance(org, Investor) else Investor if isinstance(org, Incubator) else None
    if other is None:
        return []
    mine = Partnership.investor_id if isinstance(org, Investor) else Partnership.incubator_id
    theirs = Partnership.incubator_id if isinstance(org, Investor) else Partnership.investor_id
    taken = sa.select(theirs).where(mine == org_id, Partnership.status.in_(
        (PartnershipStatus.REQUESTED, PartnershipStatus.ACCEPTED)))
    return list(session.scalars(sa.select(other).where(other.id.not_in(taken), other.source.is_(None))
                                .order_by(other.name, other.id)))


def _notify(session: Session, row: Partnership, actor: Actor, event: str) -> None:
    org = session.get(Organization, actor.org_id)
    other = row.incubator_id if actor.org_id == row.investor_id else row.investor_id
    notifications.notify(session, [other], NotificationKind.PARTNERSHIP, event,
                         {"org": notifications.org_name(org)}, LINK, except_user=actor.user_id)


def propose(session: Session, actor: Actor, partner_id: int) -> Partnership:
    """An investor proposes to an incubator, or an incubator to an investor."""
    org = session.get(Organization, actor.org_id) if actor.org_id else None
    partner = session.get(Organization, partner_id) if possible_id(partner_id) else None
    if isinstance(org, Investor) and isinstance(partner, Incubator):
        investor_id, incubator_id = org.id, partner.id
    elif isinstance(org, Incubator) and isinstance(partner, Investor):
        investor_id, incubator_id = partner.id, org.id
    else:
        raise DomainError.on("partner_id", _l("Choose an incubator (as an investor) or an investor (as an incubator)."))
    row = session.scalar(sa.select(Partnership).where(
        Partnership.investor_id == investor_id, Partnership.incubator_id == incubator_id).with_for_update())
    if row is not None and row.status in (PartnershipStatus.REQUESTED, PartnershipStatus.ACCEPTED):
        raise Conflict.on("partner_id", _l("You are already partners, or a proposal is waiting for an answer."))
    before = row.status.value if row is not None else None
    if row is None:
        row = Partnership(investor_id=investor_id, incubator_id=incubator_id)
        session.add(row)
    row.requested_by_id, row.status, row.answered_at = org.id, PartnershipStatus.REQUESTED, None
    session.flush()
    audit.record(session, AuditSubject.PARTNERSHIP, row.id, "requested", actor, [investor_id, incubator_id],
                 from_state=before, to_state=row.status.value)
    _notify(session, row, actor, "requested")
    session.commit()
    return row


def _move(session: Session, actor: Actor, partnership_id: int, event: str, to: PartnershipStatus) -> Partnership:
    row = get(session, actor.org_id or 0, partnership_id)
    row = session.scalar(sa.select(Partnership).where(Partnership.id == row.id).with_for_update()
                         .execution_options(populate_existing=True))
    assert row is not None
    if event in ("accepted", "declined"):
        if row.status != PartnershipStatus.REQUESTED or row.requested_by_id == actor.org_id:
            raise Conflict.on("_", _l("Only the other side can answer a proposal waiting for an answer."))
        row.answered_at = utcnow()
    elif row.status not in (PartnershipStatus.REQUESTED, PartnershipStatus.ACCEPTED):
        raise Conflict.on("_", _l("This partnership has already ended."))
    elif row.status == PartnershipStatus.REQUESTED and row.requested_by_id != actor.org_id:
        raise Conflict.on("_", _l("A proposal made to you is accepted or declined; only its sender withdraws it."))
    before = row.status
    row.status = to
    session.flush()
    audit.record(session, AuditSubject.PARTNERSHIP, row.id, event, actor, [row.investor_id, row.incubator_id],
                 from_state=before.value, to_state=to.value)
    _notify(session, row, actor, event)
    cache.mark_stale(session)  # the recommender counts accepted partnerships
    session.commit()
    return row


def accept(session: Session, actor: Actor, partnership_id: int) -> Partnership:
    return _move(session, actor, partnership_id, "accepted", PartnershipStatus.ACCEPTED)


def decline(session: Session, actor: Actor, partnership_id: int) -> Partnership:
    return _move(session, actor, partnership_id, "declined", PartnershipStatus.DECLINED)


def end(session: Session, actor: Actor, partnership_id: int) -> Partnership:
    """Either side ends an accepted partnership; the sender withdraws a proposal."""
    return _move(session, actor, partnership_id, "ended", PartnershipStatus.ENDED)


def set_early_window(session: Session, incubator_id: int, days: int | None) -> Incubator:
    """How many days partner investors see a resident's need before everyone (0: no window)."""
    incubator = session.get(Incubator, incubator_id)
    if incubator is None:
        raise NotFound.on("_", _l("No such incubator."))
    if days is None or not 0 <= days <= MAX_WINDOW_DAYS:
        raise DomainError.on("early_window_days", _l("Enter a number from %(low)s to %(high)s.",
                                                     low=0, high=MAX_WINDOW_DAYS))
    incubator.early_window_days = days
    session.commit()
    return incubator


# --- The early window -----------------------------------------------------------------------

def partner_incubator_ids(session: Session, investor_id: int) -> list[int]:
    """The incubators in an accepted partnership with the investor."""
    return list(session.scalars(sa.select(Partnership.incubator_id).where(
        Partnership.investor_id == investor_id, Partnership.status == PartnershipStatus.ACCEPTED)
        .order_by(Partnership.incubator_id)))


def public_from(session: Session, startup_id: int, now: datetime) -> datetime | None:
    """When a need of the startup opening ``now`` opens to everyone: after its current
    incubator's early window, or at once (None) when it has none."""
    days = session.scalar(sa.select(Incubator.early_window_days).join(
        IncubationStay, IncubationStay.incubator_id == Incubator.id).where(
        IncubationStay.startup_id == startup_id, IncubationStay.ended_on.is_(None))
        .order_by(IncubationStay.started_on.desc(), IncubationStay.id.desc()).limit(1))
    return now + timedelta(days=days) if days else None


def visible_need(viewer_org_id: int | None, now: datetime) -> sa.ColumnElement[bool]:
    """Which open needs the viewer may see: those public already, its own, and, for a partner
    investor, those of the partner incubators' resident startups still in their early window."""
    early_partner = sa.exists().where(
        IncubationStay.startup_id == FundingNeed.startup_id, IncubationStay.ended_on.is_(None),
        Partnership.incubator_id == IncubationStay.incubator_id,
        Partnership.investor_id == (viewer_org_id or 0), Partnership.status == PartnershipStatus.ACCEPTED)
    return sa.or_(FundingNeed.public_from.is_(None), FundingNeed.public_from <= now,
                  FundingNeed.startup_id == (viewer_org_id or 0), early_partner)


def can_see(session: Session, viewer_org_id: int | None, need: FundingNeed, now: datetime) -> bool:
    if need.public_from is None or need.public_from <= now or need.startup_id == viewer_org_id:
        return True
    return bool(session.scalar(sa.select(sa.literal(True)).where(
        FundingNeed.id == need.id, visible_need(viewer_org_id, now))))
