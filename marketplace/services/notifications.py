"""Notifications: a row per receiving user for the bell, and an email, each as the user chose.

A notification stores its event and parameters, not its text: the text is rendered in the
reader's language when the bell is opened or the email is written. Emails are sent only after
the change they announce is committed (a rolled-back change announces nothing).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import mail
from marketplace.errors import NotFound
from marketplace.models import FundingNeed, Notification, NotificationSetting, Organization, User
from marketplace.models.base import utcnow
from marketplace.models.enums import NotificationKind
from marketplace.services.listing_common import Page, newest_first, possible_id

# (kind, event) -> the sentence; parameters are names in the reader's language.
TEXTS: dict[tuple[NotificationKind, str], Any] = {
    (NotificationKind.INTRO_REQUESTED, "requested"): _l("%(org)s asks for an introduction about “%(need)s”."),
    (NotificationKind.INTRO_ANSWERED, "accepted"): _l("%(org)s accepted the introduction about “%(need)s”."),
    (NotificationKind.INTRO_ANSWERED, "declined"): _l("%(org)s declined the introduction about “%(need)s”."),
    (NotificationKind.INTRO_ANSWERED, "withdrawn"): _l("%(org)s withdrew the introduction about “%(need)s”."),
    (NotificationKind.MESSAGE, "posted"): _l("New message from %(org)s about “%(need)s”."),
    (NotificationKind.RESERVATION, "requested"): _l("%(startup)s applies for a seat in “%(capacity)s”."),
    (NotificationKind.RESERVATION, "referred"): _l("%(org)s refers %(startup)s to “%(capacity)s”."),
    (NotificationKind.RESERVATION, "accepted"): _l("%(org)s accepted %(startup)s in “%(capacity)s”."),
    (NotificationKind.RESERVATION, "declined"): _l("%(org)s declined %(startup)s for “%(capacity)s”."),
    (NotificationKind.RESERVATION, "released"): _l("The seat of %(startup)s in “%(capacity)s” was released."),
    (NotificationKind.RESERVATION, "promoted"):
        _l("A seat opened in “%(capacity)s”: %(startup)s moves up from the waitlist."),
    (NotificationKind.OFFER, "offered"): _l("%(org)s offers a linked loan on “%(need)s”."),
    (NotificationKind.OFFER, "applied"): _l("%(org)s applied for the linked loan on “%(need)s”."),
    (NotificationKind.OFFER, "approved"): _l("%(org)s approved the linked loan on “%(need)s”."),
    (NotificationKind.OFFER, "declined"): _l("%(org)s declined the linked loan on “%(need)s”."),
    (NotificationKind.OFFER, "disbursed"): _l("%(org)s disbursed the linked loan on “%(need)s”."),
    (NotificationKind.COMMITMENT, "recorded"): _l("%(org)s recorded a commitment on “%(need)s”: please confirm it."),
    (NotificationKind.COMMITMENT, "confirmed"): _l("%(org)s confirmed your commitment on “%(need)s”."),
    (NotificationKind.COMMITMENT, "rejected"): _l("%(org)s rejected the commitment you recorded on “%(need)s”."),
    (NotificationKind.PARTNERSHIP, "requested"): _l("%(org)s proposes a partnership."),
    (NotificationKind.PARTNERSHIP, "accepted"): _l("%(org)s accepted the partnership."),
    (NotificationKind.PARTNERSHIP, "declined"): _l("%(org)s declined the partnership."),
    (NotificationKind.PARTNERSHIP, "ended"): _l("%(org)s ended the partnership."),
}
SUBJECT = _l("Zhangjiang Match: %(kind)s")
PAGE = 20


def bilingual(own: str, english: str | None) -> dict[str, str]:
    """A member's words in both languages, for a notification's parameters."""
    return {"zh_Hans": own, "en": english or own}


def org_name(org: Organization) -> dict[str, str]:
    return bilingual(org.name, org.name_en)


def need_title(need: FundingNeed) -> dict[str, str]:
    return bilingual(need.title, need.title_en)


def render(kind: NotificationKind, event_name: str, params: Mapping[str, Any], locale: str) -> str:
    """The sentence in ``locale``; bilingual parameters ({"zh_Hans": .., "en": ..}) pick their side."""
    values = {k: (v.get(locale) or v.get("zh_Hans", "")) if isinstance(v, dict) else v for k, v in params.items()}
    with force_locale(locale):
        return str(TEXTS[(kind, event_name)] % values)


def text_of(notification: Notification, locale: str) -> str:
    return render(notification.kind, notification.event, notification.params, locale)


def settings_of(session: Session, user_id: int) -> dict[NotificationKind, NotificationSetting]:
    """Every kind's setting for the user (defaults, both channels on, where none is stored)."""
    stored = {s.kind: s for s in session.scalars(
        sa.select(NotificationSetting).where(NotificationSetting.user_id == user_id))}
    return {kind: stored.get(kind) or NotificationSetting(user_id=user_id, kind=kind, in_app=True, email=True)
            for kind in NotificationKind}


def save_settings(session: Session, user_id: int, chosen: Mapping[NotificationKind, tuple[bool, bool]]) -> None:
    """Store (in_app, email) per kind; kinds not given keep their setting."""
    current = settings_of(session, user_id)
    for kind, (in_app, email) in chosen.items():
        setting = current[kind]
        setting.in_app, setting.email = in_app, email
        session.add(setting)
    session.commit()


@dataclass(frozen=True)
class _Email:
    to: str
    locale: str
    kind: NotificationKind
    body: str


def notify(session: Session, org_ids: Iterable[int], kind: NotificationKind, event_name: str,
           params: Mapping[str, Any], link: str = "", *, except_user: int | None = None) -> None:
    """Tell every user of the organizations (but the one who acted), in the session's transaction."""
    users = session.scalars(sa.select(User).where(User.organization_id.in_(set(org_ids)))).all()
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "zh_Hans"
    for user in users:
        if user.id == except_user:
            continue
        setting = settings_of(session, user.id)[kind]
        if setting.in_app:
            session.add(Notification(user_id=user.id, kind=kind, event=event_name, params=dict(params), link=link))
        if setting.email:
            locale = user.locale or default_locale
            session.info.setdefault("outbox", []).append(
                _Email(user.email, locale, kind, render(kind, event_name, params, locale)))


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    for email in session.info.pop("outbox", []):
        with force_locale(email.locale):
            subject = str(SUBJECT % {"kind": email.kind.label})
        try:
            mail.send(email.to, subject, email.body)
        except OSError:  # a mail server that is down must not undo the committed change
            current_app.logger.exception("could not send the notification email to %s", email.to)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop("outbox", None)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def latest(session: Session, user_id: int, *, after: int | None = None, limit: int = PAGE) -> Page[Notification]:
    """The user's notifications, newest first (after the id ``after``: older ones)."""
    query = sa.select(Notification).where(Notification.user_id == user_id)
    return newest_first(session, query, Notification.id, after=after, limit=limit)


def own(session: Session, user_id: int, notification_id: int) -> Notification:
    """One of the user's notifications; anyone else's does not exist."""
    row = session.get(Notification, notification_id) if possible_id(notification_id) else None
    if row is None or row.user_id != user_id:
        raise NotFound.on("_", _l("No such notification."))
    return row


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read, or all of them (another user's id changes nothing)."""
    query = sa.update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    session.execute(query.values(read_at=utcnow()))
    session.commit()
