"""The audit log of deal-making: every state change with who and when, read by the parties only.

Events store plain keys (an action, the state before and after: an enum value, whole yuan, or
a commitment's ``kind:yuan[:lead]``); ``history`` words them in the reader's language.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.i18n import yuan
from marketplace.models import AuditEvent, AuditParty, Organization, User
from marketplace.models.enums import (
    AuditSubject,
    CommitmentKind,
    IntroStatus,
    LabelledEnum,
    OfferStatus,
    PartnershipStatus,
    PipelineStage,
    ReservationStatus,
)

ACTIONS: dict[str, Any] = {
    "requested": _l("requested"), "referred": _l("referred"), "accepted": _l("accepted"),
    "declined": _l("declined"), "withdrawn": _l("withdrawn"), "released": _l("released"),
    "promoted": _l("moved up from the waitlist"), "ended": _l("ended"), "added": _l("added to the board"),
    "moved": _l("moved"), "removed": _l("removed from the board"), "recorded": _l("recorded"),
    "confirmed": _l("confirmed"), "rejected": _l("rejected"), "offered": _l("offered"),
    "resized": _l("re-sized"), "apply": _l("applied"), "approve": _l("approved"), "decline": _l("declined"),
    "disburse": _l("disbursed"),
}
STATES: dict[AuditSubject, type[LabelledEnum]] = {
    AuditSubject.INTRO: IntroStatus, AuditSubject.RESERVATION: ReservationStatus, AuditSubject.OFFER: OfferStatus,
    AuditSubject.CARD: PipelineStage, AuditSubject.PARTNERSHIP: PartnershipStatus,
}


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of an organization (``user_id`` None for the system itself)."""

    org_id: int | None
    user_id: int | None = None


def record(session: Session, subject: AuditSubject, subject_id: int, action: str, actor: Actor,
           parties: Iterable[int], *, from_state: str | None = None, to_state: str | None = None) -> AuditEvent:
    """Add an event to the session (the caller commits it with the change it describes)."""
    event = AuditEvent(subject=subject, subject_id=subject_id, action=action, from_state=from_state,
                       to_state=to_state, actor_id=actor.user_id, actor_org_id=actor.org_id)
    session.add(event)
    session.flush()
    for org_id in sorted(set(parties)):
        session.add(AuditParty(event_id=event.id, organization_id=org_id))
    return event


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    actor_email: str | None  # None: the marketplace acted, or the reader may not see who
    actor_org: Organization | None  # the organization the actor acted for

    @property
    def action(self) -> str:
        return str(ACTIONS.get(self.event.action, self.event.action))

    @property
    def says_state(self) -> bool:
        """Whether the states add to the action: not for a first state named as its action
        ("requested", not "requested: Requested")."""
        return self.event.to_state is not None and not (
            self.event.from_state is None and self.event.to_state == self.event.action)

    @property
    def before(self) -> str | None:
        return state_text(self.event.subject, self.event.from_state)

    @property
    def after(self) -> str | None:
        return state_text(self.event.subject, self.event.to_state)


def state_text(subject: AuditSubject, value: str | None) -> str | None:
    """A stored state in the reader's language."""
    if value is None:
        return None
    if value.isdigit():
        return yuan(int(value))
    if subject == AuditSubject.COMMITMENT:
        kind, _sep, rest = value.partition(":")
        amount, _sep, lead = rest.partition(":")
        words = [str(CommitmentKind(kind).label), yuan(int(amount))]
        return " · ".join(words + ([_("lead")] if lead else []))
    states = STATES.get(subject)
    return str(states(value).label) if states is not None and value in states._value2member_map_ else value


def history(session: Session, subject: AuditSubject, subject_id: int, viewer_org_id: int) -> list[Entry]:
    """The events of one subject that the viewer's organization is a party to, oldest first."""
    rows = session.execute(
        sa.select(AuditEvent, User.email, Organization)
        .join(AuditParty, sa.and_(AuditParty.event_id == AuditEvent.id,
                                  AuditParty.organization_id == viewer_org_id))
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Organization, Organization.id == AuditEvent.actor_org_id)
        .where(AuditEvent.subject == subject, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
    ).all()
    return [Entry(event, email, org) for event, email, org in rows]
