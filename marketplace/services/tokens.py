"""API bearer tokens: made from a password or the settings page, shown once, stored hashed."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload

from marketplace.errors import DomainError, NotFound
from marketplace.models import ApiToken, User
from marketplace.models.base import utcnow

PREFIX = "zjm_"
# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, user: User, *, name: str, ttl_days: int | None = None,
           now: datetime | None = None) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError.on("name", _l("Give the token a name of at most 100 characters."))
    now = now or utcnow()
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_digest(raw), prefix=raw[:12], created_at=now,
                     expires_at=now + timedelta(days=ttl_days) if ttl_days else None)
    session.add(token)
    session.commit()
    return token, raw


def authenticate(session: Session, raw: str, now: datetime | None = None) -> User | None:
    now = now or utcnow()
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(raw))
                           .options(joinedload(ApiToken.user).joinedload(User.organization)))
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        session.commit()
    return token.user


def active(session: Session, user: User, now: datetime | None = None) -> list[ApiToken]:
    now = now or utcnow()
    return [t for t in session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ) if t.is_usable(now)]


def revoke(session: Session, user: User, token_id: int, now: datetime | None = None) -> None:
    """Only the token's own user may revoke it; for anyone else it does not exist."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound.on("_", _l("No such token."))
    token.revoked_at = token.revoked_at or now or utcnow()
    session.commit()
