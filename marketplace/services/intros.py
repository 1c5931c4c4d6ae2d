"""Introductions, double opt-in: an investor, bank or incubator asks about an open need, the
startup accepts or declines, either side withdraws; a thread of messages while accepted.

States (``IntroStatus``)::

    requested --accept--> accepted          (the startup only)
    requested --decline--> declined         (the startup only)
    requested | accepted --withdraw--> withdrawn   (either side)
    declined | withdrawn --request--> requested    (the same requester asks again: the same row)

One rule decides what a viewer sees of a need beyond its public part: ``reveals``. The owner,
and a requester whose introduction is accepted right now, see the confidential figures, the
deck, and the other side's contacts (its users' emails and its website); nobody else, and no
longer after a withdrawal.

Every change is audited with both organizations as parties, the other side is notified, and the
interaction log gets a row (requested, accepted, declined) so the recommender learns from it; a
request and an acceptance put the need on an investor requester's pipeline at "intro"
(``pipeline.track``, forward only).
Anyone who is not one of the two parties is told the introduction does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.models import FundingNeed, Interaction, Introduction, IntroMessage, Organization, User
from marketplace.models.base import utcnow
from marketplace.models.enums import (
    AuditSubject,
    InteractionAction,
    IntroStatus,
    NeedStatus,
    NotificationKind,
    OrgKind,
    PipelineStage,
    TargetKind,
)
from marketplace.services import audit, notifications
from marketplace.services import needs as needs_service
from marketplace.services.audit import Actor
from marketplace.services.listing_common import FieldErrors, Page, newest_first, possible_id, text

REQUESTER_KINDS = (OrgKind.INVESTOR, OrgKind.BANK, OrgKind.INCUBATOR)
MESSAGE_LENGTH = 2_000  # the request's note
BODY_LENGTH = 5_000  # one message of the thread
LIVE = (IntroStatus.REQUESTED, IntroStatus.ACCEPTED)
REOPENABLE = (IntroStatus.DECLINED, IntroStatus.WITHDRAWN)

NO_SUCH_INTRO = _l("No such introduction.")
NO_OPEN_NEED = _l("There is no open funding need with that number.")


def link(intro_id: int) -> str:
    """Where a notification about the introduction leads (the deals blueprint's detail page)."""
    return f"/intros/{intro_id}"


# --- Who sees what -----------------------------------------------------------------------------

def reveals(session: Session, need: FundingNeed, viewer_org_id: int | None) -> bool:
    """Whether the viewer sees the need's confidential details and the other side's contacts:
    the owner, or a requester whose introduction is accepted (not after a withdrawal)."""
    if viewer_org_id is None:
        return False
    if need.startup_id == viewer_org_id:
        return True
    return bool(session.scalar(sa.select(sa.exists().where(
        Introduction.need_id == need.id, Introduction.requester_id == viewer_org_id,
        Introduction.status == IntroStatus.ACCEPTED))))


@dataclass(frozen=True)
class Contacts:
    """How to reach an organization: shown to the other side of an accepted introduction only."""

    organization: Organization
    website: str | None
    emails: list[str]


def contacts_of(session: Session, org: Organization) -> Contacts:
    emails = list(session.scalars(sa.select(User.email).where(User.organization_id == org.id).order_by(User.id)))
    return Contacts(org, org.website, emails)


def counterpart_contacts(session: Session, intro: Introduction, viewer_org_id: int) -> Contacts | None:
    """The other side's contacts, when the viewer is a party and the introduction is accepted."""
    if intro.status != IntroStatus.ACCEPTED or viewer_org_id not in parties(intro):
        return None
    other = intro.need.startup if viewer_org_id == intro.requester_id else intro.requester
    return contacts_of(session, other)


def parties(intro: Introduction) -> tuple[int, int]:
    """(the requester, the startup)."""
    return intro.requester_id, intro.need.startup_id


def side_of(intro: Introduction, org_id: int) -> str:
    """"startup" (incoming) or "requester" (outgoing) for a party."""
    return "startup" if org_id == intro.need.startup_id else "requester"


# --- Reading -----------------------------------------------------------------------------------

def _query() -> sa.Select:
    return sa.select(Introduction).join(FundingNeed, FundingNeed.id == Introduction.need_id).options(
        joinedload(Introduction.need).joinedload(FundingNeed.startup), joinedload(Introduction.requester))


def get(session: Session, org_id: int | None, intro_id: int) -> Introduction:
    """The introduction, when ``org_id`` is one of its two parties; for anyone else it does not exist."""
    if org_id is None or not possible_id(intro_id):
        raise NotFound.on("_", NO_SUCH_INTRO)
    intro = session.scalar(_query().where(Introduction.id == intro_id))
    if intro is None or org_id not in parties(intro):
        raise NotFound.on("_", NO_SUCH_INTRO)
    return intro


def _lock(session: Session, org_id: int, intro_id: int) -> Introduction:
    """The party's introduction, its row locked (PostgreSQL) for a change of state."""
    get(session, org_id, intro_id)
    intro = session.scalar(sa.select(Introduction).where(Introduction.id == intro_id)
                           .with_for_update().execution_options(populate_existing=True))
    assert intro is not None
    return intro


def for_need(session: Session, org_id: int, need_id: int) -> Introduction | None:
    """The organization's own introduction on a need, if it ever asked."""
    return session.scalar(sa.select(Introduction).where(Introduction.need_id == need_id,
                                                        Introduction.requester_id == org_id))


def on_need(session: Session, startup_id: int, need_id: int) -> list[Introduction]:
    """Every introduction asked about the startup's own need, newest first (empty for anyone else)."""
    return list(session.scalars(_query().where(Introduction.need_id == need_id, FundingNeed.startup_id == startup_id)
                                .order_by(Introduction.id.desc())))


def of_org(session: Session, org_id: int, *, status: IntroStatus | None = None, after: int | None = None,
           limit: int = 50) -> Page[Introduction]:
    """The organization's introductions, newest first: asked about its needs (a startup) or asked by it."""
    query = _query().where(sa.or_(Introduction.requester_id == org_id, FundingNeed.startup_id == org_id))
    if status is not None:
        query = query.where(Introduction.status == status)
    if after is not None:
        query = query.where(Introduction.id < after)
    rows = list(session.scalars(query.order_by(Introduction.id.desc()).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None)


def history(session: Session, intro: Introduction, viewer_org_id: int) -> list[audit.Entry]:
    """The audit log as the viewer may read it: the other side's people are named by their
    organization alone until the introduction is accepted (emails are contacts)."""
    shown = intro.status == IntroStatus.ACCEPTED
    entries = audit.history(session, AuditSubject.INTRO, intro.id, viewer_org_id)
    return [entry if shown or entry.event.actor_org_id in (viewer_org_id, None)
            else replace(entry, actor_email=None) for entry in entries]


# --- Changing state ----------------------------------------------------------------------------

def request(session: Session, actor: Actor, need_id: int, message: str) -> Introduction:
    """Ask for an introduction about an open need (or ask again after a decline or a withdrawal)."""
    errors = FieldErrors()
    message = text(errors, "message", message, max_length=MESSAGE_LENGTH, required=True)
    requester = session.get(Organization, actor.org_id) if actor.org_id is not None else None
    if requester is None or requester.kind not in REQUESTER_KINDS:
        raise DomainError.on("_", _l("Only investors, banks and incubators can ask for an introduction."))
    if not possible_id(need_id):
        raise NotFound.on("need", NO_OPEN_NEED)
    try:
        need = needs_service.visible(session, need_id, requester.id)
    except NotFound:
        raise NotFound.on("need", NO_OPEN_NEED) from None
    if need.status != NeedStatus.OPEN:
        raise NotFound.on("need", NO_OPEN_NEED)
    errors.raise_if_any()
    intro = for_need(session, requester.id, need.id)
    before = intro.status if intro is not None else None
    if before in LIVE:
        raise Conflict.on("_", _l("You have already asked for an introduction to this need."))
    if intro is None:
        intro = Introduction(need=need, requester=requester)
        session.add(intro)
    intro.status, intro.message, intro.requested_by_id, intro.answered_at = (
        IntroStatus.REQUESTED, message, actor.user_id, None)
    try:
        session.flush()
    except IntegrityError:  # another request of the same organization got there first
        session.rollback()
        raise Conflict.on("_", _l("You have already asked for an introduction to this need.")) from None
    _changed(session, intro, actor, "requested", before, InteractionAction.INTRO_REQUESTED,
             NotificationKind.INTRO_REQUESTED, notify=need.startup_id)
    session.commit()
    return intro


def accept(session: Session, actor: Actor, intro_id: int) -> Introduction:
    return _answer(session, actor, intro_id, IntroStatus.ACCEPTED, "accepted", InteractionAction.INTRO_ACCEPTED)


def decline(session: Session, actor: Actor, intro_id: int) -> Introduction:
    return _answer(session, actor, intro_id, IntroStatus.DECLINED, "declined", InteractionAction.INTRO_DECLINED)


def _answer(session: Session, actor: Actor, intro_id: int, to: IntroStatus, action: str,
            logged: InteractionAction) -> Introduction:
    intro = _lock(session, actor.org_id, intro_id)
    if actor.org_id != intro.need.startup_id:
        raise Conflict.on("_", _l("Only the startup answers a request for an introduction."))
    if intro.status != IntroStatus.REQUESTED:
        raise Conflict.on("status", _l("This introduction can no longer be answered (%(status)s).",
                                       status=intro.status.label))
    before = intro.status
    intro.status, intro.answered_at = to, utcnow()
    _changed(session, intro, actor, action, before, logged, NotificationKind.INTRO_ANSWERED,
             notify=intro.requester_id)
    session.commit()
    return intro


def withdraw(session: Session, actor: Actor, intro_id: int) -> Introduction:
    """Either side ends a requested or accepted introduction; contacts are hidden again."""
    intro = _lock(session, actor.org_id, intro_id)
    if intro.status not in LIVE:
        raise Conflict.on("status", _l("There is nothing to withdraw: this introduction is closed (%(status)s).",
                                       status=intro.status.label))
    before = intro.status
    intro.status = IntroStatus.WITHDRAWN
    other = intro.need.startup_id if actor.org_id == intro.requester_id else intro.requester_id
    _changed(session, intro, actor, "withdrawn", before, None, NotificationKind.INTRO_ANSWERED, notify=other)
    session.commit()
    return intro


def _changed(session: Session, intro: Introduction, actor: Actor, action: str, before: IntroStatus | None,
             logged: InteractionAction | None, kind: NotificationKind, *, notify: int) -> None:
    """What every change does besides the change itself, in the same transaction."""
    audit.record(session, AuditSubject.INTRO, intro.id, action, actor, parties(intro),
                 from_state=before.value if before is not None else None, to_state=intro.status.value)
    if logged is not None:  # learned as the requester's interest in the need (see marketplace.recs)
        session.add(Interaction(organization_id=intro.requester_id, user_id=intro.requested_by_id,
                                target_kind=TargetKind.NEED, target_id=intro.need_id, action=logged))
    if action in ("requested", "accepted"):  # an investor's board follows the need (no board: nothing)
        from marketplace.services import pipeline  # imported here: pipeline reads services.needs, which reads us

        pipeline.track(session, intro.requester_id, intro.need_id, PipelineStage.INTRO, user_id=intro.requested_by_id)
    acting = session.get(Organization, actor.org_id)
    notifications.notify(session, [notify], kind, action,
                         {"org": notifications.org_name(acting), "need": notifications.need_title(intro.need)},
                         link(intro.id), except_user=actor.user_id)


# --- The thread --------------------------------------------------------------------------------

def _talking(session: Session, org_id: int | None, intro_id: int) -> Introduction:
    intro = get(session, org_id, intro_id)
    if intro.status != IntroStatus.ACCEPTED:
        raise Conflict.on("_", _l("Messages are exchanged only while the introduction is accepted."))
    return intro


def post(session: Session, actor: Actor, intro_id: int, body: str) -> IntroMessage:
    """A message from one party to the other, while the introduction is accepted."""
    errors = FieldErrors()
    body = text(errors, "body", body, max_length=BODY_LENGTH, required=True)
    intro = _talking(session, actor.org_id, intro_id)
    errors.raise_if_any()
    message = IntroMessage(intro=intro, author_org_id=actor.org_id, author_id=actor.user_id, body=body)
    session.add(message)
    other = intro.need.startup_id if actor.org_id == intro.requester_id else intro.requester_id
    acting = session.get(Organization, actor.org_id)
    notifications.notify(session, [other], NotificationKind.MESSAGE, "posted",
                         {"org": notifications.org_name(acting), "need": notifications.need_title(intro.need)},
                         link(intro.id), except_user=actor.user_id)
    session.commit()
    return message


def _thread(session: Session, org_id: int | None, intro_id: int) -> sa.Select:
    intro = _talking(session, org_id, intro_id)
    return sa.select(IntroMessage).where(IntroMessage.intro_id == intro.id).options(
        joinedload(IntroMessage.author_org))


def messages(session: Session, org_id: int | None, intro_id: int, *, after: int | None = None,
             limit: int = 100) -> Page[IntroMessage]:
    """The thread, oldest first, for the two parties while the introduction is accepted."""
    query = _thread(session, org_id, intro_id)
    if after is not None:
        query = query.where(IntroMessage.id > after)
    rows = list(session.scalars(query.order_by(IntroMessage.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None)


def latest_messages(session: Session, org_id: int | None, intro_id: int, *, before: int | None = None,
                    limit: int = 100) -> Page[IntroMessage]:
    """The ``limit`` newest messages (of those before the id ``before``), newest first: a page of
    the thread opens on its last messages (``next_after`` is the id to read the earlier ones before)."""
    return newest_first(session, _thread(session, org_id, intro_id), IntroMessage.id, after=before, limit=limit)


def authors(session: Session, rows: list[IntroMessage]) -> dict[int, str]:
    """The email of each message's author (the thread is read only while contacts are shown)."""
    ids = {m.author_id for m in rows if m.author_id is not None}
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.email).where(User.id.in_(ids))).all())
