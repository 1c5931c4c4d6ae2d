"""Invitation links: a member brings a colleague into the same organization."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import DomainError, NotFound
from marketplace.models import Invitation, User
from marketplace.models.base import utcnow
from marketplace.services.accounts import check_new_credentials, new_user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, inviter: User, *, ttl_hours: int, now: datetime | None = None) -> str:
    """Make a link for the inviter's organization; the raw token is returned once, never stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(Invitation(organization_id=inviter.organization_id, created_by=inviter,
                           token_hash=_digest(token), created_at=now,
                           expires_at=now + timedelta(hours=ttl_hours)))
    session.commit()
    return token


def find_usable(session: Session, token: str, now: datetime | None = None) -> Invitation | None:
    invitation = session.scalar(sa.select(Invitation).where(Invitation.token_hash == _digest(token)))
    if invitation is None or not invitation.is_usable(now or utcnow()):
        return None
    return invitation


def pending(session: Session, organization_id: int, now: datetime | None = None) -> list[Invitation]:
    return list(session.scalars(
        sa.select(Invitation)
        .where(Invitation.organization_id == organization_id, Invitation.used_at.is_(None),
               Invitation.expires_at > (now or utcnow()))
        .order_by(Invitation.created_at.desc())
    ))


def accept(session: Session, token: str, *, email: str, password: str, locale: str | None = None,
           now: datetime | None = None) -> User:
    """Create the invitee's account; a link works once, even when two people race for it."""
    now = now or utcnow()
    invitation = find_usable(session, token, now)
    if invitation is None:
        raise DomainError.on("_", _l("This invitation link has expired or was already used."))
    email = check_new_credentials(session, email, password)
    user = new_user(email, password, invitation.organization, locale=locale)
    session.add(user)
    session.flush()
    claimed = session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now, used_by_id=user.id)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise DomainError.on("_", _l("This invitation link has expired or was already used."))
    session.commit()
    return user


def revoke(session: Session, member: User, invitation_id: int, now: datetime | None = None) -> None:
    """Withdraw a pending link; only a member of the link's organization may."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != member.organization_id:
        raise NotFound.on("_", _l("No such invitation."))
    invitation.expires_at = min(invitation.expires_at, now or utcnow())
    session.commit()
