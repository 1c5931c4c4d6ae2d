"""Relay incubation (接力孵化): reservations of capacity seats, and each startup's relay chain.

A startup applies to a capacity offer itself, or its current incubator refers it. A seat is
taken by one conditional UPDATE of the offer's counter in the same transaction as the
reservation's row, so that two requests can never both take the last seat; when none is
left the request is refused as full, or put on the offer's waitlist if it asked to be. A
seat given back (declined or released) goes to the oldest waitlisted reservation in the same
transaction. ``seats_taken`` always equals the number of pending and accepted reservations.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace import cache
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.models import IncubationCapacity, Incubator, Organization, Startup
from marketplace.models.enums import AuditSubject, NotificationKind, ReservationStatus
from marketplace.models.relay import IncubationStay, Reservation
from marketplace.services import audit, notifications
from marketplace.services.audit import Actor
from marketplace.services.listing_common import FieldErrors, Page, newest_first, possible_id, text

MESSAGE_LENGTH = 2_000
LIVE = (ReservationStatus.PENDING, ReservationStatus.ACCEPTED, ReservationStatus.WAITLISTED)
HOLDING = (ReservationStatus.PENDING, ReservationStatus.ACCEPTED)

FULL = _l("This offer is full: every seat is taken. You may join its waitlist instead.")
NO_SUCH_OFFER = _l("No such capacity offer.")
NO_SUCH_RESERVATION = _l("No such reservation.")
NO_SUCH_RESIDENT = _l("This startup is not one of your current residents.")


# --- Transactions ---------------------------------------------------------------------------

def begin_write(session: Session) -> None:
    """Start the transaction that takes or gives back seats.

    On SQLite a transaction that reads first and writes later fails at once when another
    writer got in between; starting it with BEGIN IMMEDIATE (see marketplace/__init__.py)
    makes writers queue for the database's busy timeout instead. PostgreSQL needs nothing:
    the row locks of the UPDATE and SELECT ... FOR UPDATE below do the queueing.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session.commit()  # end the request's reads so far (nothing is pending in them)
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


# --- Reading --------------------------------------------------------------------------------

def _query() -> sa.Select:
    return sa.select(Reservation).options(
        selectinload(Reservation.capacity).selectinload(IncubationCapacity.incubator),
        selectinload(Reservation.startup), selectinload(Reservation.referred_by))


def _party_filter(org_id: int) -> sa.ColumnElement[bool]:
    receiving = sa.select(IncubationCapacity.id).where(IncubationCapacity.incubator_id == org_id)
    return sa.or_(Reservation.startup_id == org_id, Reservation.referred_by_id == org_id,
                  Reservation.capacity_id.in_(receiving))


def get(session: Session, viewer_org_id: int, reservation_id: int) -> Reservation:
    """A reservation its startup, its referrer or its receiving incubator may see; else 404."""
    reservation = session.scalar(_query().where(Reservation.id == reservation_id, _party_filter(viewer_org_id))) \
        if possible_id(reservation_id) else None
    if reservation is None:
        raise NotFound.on("_", NO_SUCH_RESERVATION)
    return reservation


def of_org(session: Session, org_id: int, *, after: int | None = None, limit: int = 50) -> Page[Reservation]:
    """The reservations the organization is a party to, newest first."""
    return newest_first(session, _query().where(_party_filter(org_id)), Reservation.id, after=after, limit=limit)


def referrals(session: Session, incubator_id: int) -> list[Reservation]:
    """The reservations the incubator made for its residents, newest first."""
    return list(session.scalars(_query().where(Reservation.referred_by_id == incubator_id)
                                .order_by(Reservation.id.desc())))


def of_startup(session: Session, startup_id: int) -> list[Reservation]:
    return list(session.scalars(_query().where(Reservation.startup_id == startup_id).order_by(Reservation.id.desc())))


def live_by_capacity(session: Session, startup_id: int) -> dict[int, Reservation]:
    """The startup's live reservation on each offer that has one."""
    return {r.capacity_id: r for r in session.scalars(sa.select(Reservation).where(
        Reservation.startup_id == startup_id, Reservation.status.in_(LIVE)))}


@dataclass
class Incoming:
    capacity: IncubationCapacity
    reservations: list[Reservation]


def incoming(session: Session, incubator_id: int) -> list[Incoming]:
    """Each of the incubator's offers with its reservations: live ones first, then oldest first."""
    offers = list(session.scalars(sa.select(IncubationCapacity).where(
        IncubationCapacity.incubator_id == incubator_id).order_by(
        IncubationCapacity.is_open.desc(), IncubationCapacity.id.desc())))
    rows = session.scalars(_query().where(Reservation.capacity_id.in_([c.id for c in offers]))
                           .order_by(Reservation.id)).all() if offers else []
    order = {s: i for i, s in enumerate((*LIVE, ReservationStatus.DECLINED, ReservationStatus.RELEASED))}
    by_offer: dict[int, list[Reservation]] = {c.id: [] for c in offers}
    for row in sorted(rows, key=lambda r: (order[r.status], r.id)):
        by_offer[row.capacity_id].append(row)
    return [Incoming(c, by_offer[c.id]) for c in offers]


def current_stay(session: Session, startup_id: int) -> IncubationStay | None:
    return session.scalar(sa.select(IncubationStay).where(
        IncubationStay.startup_id == startup_id, IncubationStay.ended_on.is_(None))
        .order_by(IncubationStay.started_on.desc(), IncubationStay.id.desc()).limit(1))


def residents(session: Session, incubator_id: int) -> list[IncubationStay]:
    """The incubator's current stays (its residents), longest-staying first."""
    return list(session.scalars(sa.select(IncubationStay).options(selectinload(IncubationStay.startup)).where(
        IncubationStay.incubator_id == incubator_id, IncubationStay.ended_on.is_(None))
        .order_by(IncubationStay.started_on, IncubationStay.id)))


def chain(session: Session, startup_id: int) -> list[IncubationStay]:
    """The startup's relay chain: its stays, incubator by incubator, in order."""
    return list(session.scalars(sa.select(IncubationStay).options(selectinload(IncubationStay.incubator)).where(
        IncubationStay.startup_id == startup_id).order_by(IncubationStay.started_on, IncubationStay.id)))


def startup_of(session: Session, startup_id: int) -> Startup:
    startup = session.get(Startup, startup_id) if possible_id(startup_id) else None
    if startup is None:
        raise NotFound.on("_", _l("No such startup."))
    return startup


# --- Applying and referring -----------------------------------------------------------------

def _take_seat(session: Session, capacity_id: int, today: date) -> bool:
    """Take one seat of an open, running offer: one conditional UPDATE, True when it took one."""
    result = session.execute(
        sa.update(IncubationCapacity)
        .where(IncubationCapacity.id == capacity_id, IncubationCapacity.taking(today))
        .values(seats_taken=IncubationCapacity.seats_taken + 1)
        .execution_options(synchronize_session=False))
    cache.mark_stale(session)  # seats left change what a startup's matches show
    return result.rowcount == 1


def _parties(reservation: Reservation, capacity: IncubationCapacity) -> list[int]:
    return [o for o in (reservation.startup_id, capacity.incubator_id, reservation.referred_by_id) if o is not None]


def _params(session: Session, reservation: Reservation, capacity: IncubationCapacity,
            org: Organization | None = None) -> dict:
    startup = session.get(Startup, reservation.startup_id)
    params = {"startup": notifications.org_name(startup),
              "capacity": notifications.bilingual(capacity.title, capacity.title_en)}
    if org is not None:
        params["org"] = notifications.org_name(org)
    return params


def _link(reservation: Reservation) -> str:
    return f"/relay/reservations/{reservation.id}"


def reserve(session: Session, actor: Actor, capacity_id: int, *, startup_id: int | None = None, message: str = "",
            waitlist: bool = False, today: date) -> Reservation:
    """A startup applies for a seat of an offer, or its current incubator refers it.

    Takes a seat at once (status pending, the receiving incubator then answers); when the
    offer is full, refuses with Conflict, or with ``waitlist`` puts the startup on the
    offer's waitlist without a seat.
    """
    org = session.get(Organization, actor.org_id) if actor.org_id else None
    if isinstance(org, Startup):
        if startup_id not in (None, org.id):
            raise NotFound.on("startup_id", _l("No such startup."))
        startup_id, referrer = org.id, None
    elif isinstance(org, Incubator):
        if startup_id is None:
            raise DomainError.on("startup_id", _l("Choose the startup you refer."))
        stay = current_stay(session, startup_id) if possible_id(startup_id) else None
        if stay is None or stay.incubator_id != org.id:
            raise NotFound.on("startup_id", NO_SUCH_RESIDENT)
        referrer = org.id
    else:
        raise NotFound.on("_", NO_SUCH_OFFER)
    errors = FieldErrors()
    message = text(errors, "message", message, max_length=MESSAGE_LENGTH)
    errors.raise_if_any()
    capacity = session.get(IncubationCapacity, capacity_id) if possible_id(capacity_id) else None
    if capacity is None or (not capacity.is_open and capacity.incubator_id != actor.org_id):
        raise NotFound.on("_", NO_SUCH_OFFER)
    if capacity.incubator_id == actor.org_id:
        raise DomainError.on("_", _l("Refer your residents to another incubator's offer, not your own."))
    if not capacity.is_open or capacity.ends_on < today:
        raise Conflict.on("_", _l("This offer is closed to new startups."))
    stay = current_stay(session, startup_id)
    if stay is not None and stay.incubator_id == capacity.incubator_id:
        raise Conflict.on("_", _l("The startup is already incubated at this incubator."))
    capacity_id, incubator_id = capacity.id, capacity.incubator_id

    begin_write(session)
    # One request per startup at a time (PostgreSQL row lock; SQLite: BEGIN IMMEDIATE above).
    session.execute(sa.select(Startup.id).where(Startup.id == startup_id).with_for_update())
    held = session.scalar(sa.select(Reservation.id).where(
        Reservation.capacity_id == capacity_id, Reservation.startup_id == startup_id,
        Reservation.status.in_(LIVE)))
    if held is not None:
        raise Conflict.on("_", _l("This startup already has a live reservation on this offer."))
    if _take_seat(session, capacity_id, today):
        status = ReservationStatus.PENDING
    elif waitlist and session.scalar(sa.select(IncubationCapacity.is_open).where(
            IncubationCapacity.id == capacity_id)):
        status = ReservationStatus.WAITLISTED
    else:
        raise Conflict.on("_", FULL)
    reservation = Reservation(capacity_id=capacity_id, startup_id=startup_id, referred_by_id=referrer,
                              message=message, status=status)
    session.add(reservation)
    session.flush()
    capacity = session.get(IncubationCapacity, capacity_id)
    action = "referred" if referrer else "requested"
    audit.record(session, AuditSubject.RESERVATION, reservation.id, action, actor, _parties(reservation, capacity),
                 to_state=status.value)
    params = _params(session, reservation, capacity, org)
    notifications.notify(session, [incubator_id], NotificationKind.RESERVATION, action, params,
                         _link(reservation), except_user=actor.user_id)
    if referrer:
        notifications.notify(session, [startup_id], NotificationKind.RESERVATION, "referred", params,
                             _link(reservation), except_user=actor.user_id)
    session.commit()
    return reservation


# --- Answering ------------------------------------------------------------------------------

def _locked(session: Session, actor_org_id: int | None, reservation_id: int) -> tuple[Reservation, IncubationCapacity]:
    """The reservation (for one of its parties), with its offer's row locked."""
    found = session.scalar(sa.select(Reservation.capacity_id).where(
        Reservation.id == reservation_id, _party_filter(actor_org_id or 0))) if possible_id(reservation_id) else None
    if found is None:
        raise NotFound.on("_", NO_SUCH_RESERVATION)
    begin_write(session)
    capacity = session.scalar(sa.select(IncubationCapacity).where(IncubationCapacity.id == found)
                              .with_for_update().execution_options(populate_existing=True))
    reservation = session.scalar(sa.select(Reservation).where(Reservation.id == reservation_id)
                                 .with_for_update().execution_options(populate_existing=True))
    assert capacity is not None and reservation is not None
    return reservation, capacity


def _refuse_state(reservation: Reservation) -> Conflict:
    return Conflict.on("_", _l("This reservation is %(status)s: that can no longer be done.",
                               status=reservation.status.label))


def _give_back(session: Session, capacity: IncubationCapacity, actor: Actor) -> Reservation | None:
    """A seat comes free: the oldest waitlisted reservation takes it, else the counter drops."""
    promoted = _waitlist_head(session, capacity)
    if promoted is None:
        session.execute(sa.update(IncubationCapacity).where(IncubationCapacity.id == capacity.id)
                        .values(seats_taken=IncubationCapacity.seats_taken - 1)
                        .execution_options(synchronize_session=False))
        cache.mark_stale(session)
        session.expire(capacity, ["seats_taken"])
        return None
    _promote(session, promoted, capacity, actor)
    return promoted


def _waitlist_head(session: Session, capacity: IncubationCapacity) -> Reservation | None:
    if not capacity.is_open:
        return None
    return session.scalar(sa.select(Reservation).where(
        Reservation.capacity_id == capacity.id, Reservation.status == ReservationStatus.WAITLISTED)
        .order_by(Reservation.id).limit(1).with_for_update())


def _promote(session: Session, promoted: Reservation, capacity: IncubationCapacity, actor: Actor) -> None:
    """A waitlisted reservation takes a seat (the caller has counted it)."""
    promoted.status = ReservationStatus.PENDING
    session.flush()
    audit.record(session, AuditSubject.RESERVATION, promoted.id, "promoted", actor, _parties(promoted, capacity),
                 from_state=ReservationStatus.WAITLISTED.value, to_state=ReservationStatus.PENDING.value)
    notifications.notify(session, _parties(promoted, capacity), NotificationKind.RESERVATION, "promoted",
                         _params(session, promoted, capacity), _link(promoted), except_user=actor.user_id)


def _change(session: Session, reservation: Reservation, capacity: IncubationCapacity, actor: Actor,
            status: ReservationStatus, event: str) -> None:
    before = reservation.status
    reservation.status = status
    session.flush()
    audit.record(session, AuditSubject.RESERVATION, reservation.id, event, actor,
                 _parties(reservation, capacity), from_state=before.value, to_state=status.value)
    org = session.get(Organization, actor.org_id) if actor.org_id else None
    others = [o for o in _parties(reservation, capacity) if o != actor.org_id]
    notifications.notify(session, others, NotificationKind.RESERVATION, event,
                         _params(session, reservation, capacity, org), _link(reservation), except_user=actor.user_id)


def accept(session: Session, actor: Actor, reservation_id: int, *, today: date) -> Reservation:
    """The receiving incubator accepts a pending reservation: the startup moves in (its current
    stay ends, a stay at the receiving incubator starts) and stops looking for an incubator
    (its profile can say so again)."""
    reservation, capacity = _locked(session, actor.org_id, reservation_id)
    if capacity.incubator_id != actor.org_id:
        raise NotFound.on("_", NO_SUCH_RESERVATION)
    if reservation.status != ReservationStatus.PENDING:
        raise _refuse_state(reservation)
    stay = current_stay(session, reservation.startup_id)
    if stay is not None:
        stay.ended_on = max(today, stay.started_on)
    session.add(IncubationStay(startup_id=reservation.startup_id, incubator_id=capacity.incubator_id,
                               reservation_id=reservation.id, started_on=max(today, stay.ended_on) if stay else today))
    session.get_one(Startup, reservation.startup_id).seeking_incubation = False
    _change(session, reservation, capacity, actor, ReservationStatus.ACCEPTED, "accepted")
    cache.mark_stale(session)  # the startup's incubator link (recs) changed
    session.commit()
    return reservation


def decline(session: Session, actor: Actor, reservation_id: int) -> Reservation:
    """The receiving incubator declines a pending or waitlisted reservation; its seat goes back."""
    reservation, capacity = _locked(session, actor.org_id, reservation_id)
    if capacity.incubator_id != actor.org_id:
        raise NotFound.on("_", NO_SUCH_RESERVATION)
    if reservation.status not in (ReservationStatus.PENDING, ReservationStatus.WAITLISTED):
        raise _refuse_state(reservation)
    held = reservation.status in HOLDING
    _change(session, reservation, capacity, actor, ReservationStatus.DECLINED, "declined")
    if held:
        _give_back(session, capacity, actor)
    session.commit()
    return reservation


def release(session: Session, actor: Actor, reservation_id: int, *, today: date) -> Reservation:
    """The startup or the receiving incubator gives up a live reservation; its seat goes back.

    Releasing an accepted reservation ends the stay it opened.
    """
    reservation, capacity = _locked(session, actor.org_id, reservation_id)
    if actor.org_id not in (reservation.startup_id, capacity.incubator_id):
        raise NotFound.on("_", NO_SUCH_RESERVATION)
    if reservation.status not in LIVE:
        raise _refuse_state(reservation)
    held = reservation.status in HOLDING
    if reservation.status == ReservationStatus.ACCEPTED:
        stay = session.scalar(sa.select(IncubationStay).where(
            IncubationStay.reservation_id == reservation.id, IncubationStay.ended_on.is_(None)))
        if stay is not None:
            stay.ended_on = max(today, stay.started_on)
    _change(session, reservation, capacity, actor, ReservationStatus.RELEASED, "released")
    if held:
        _give_back(session, capacity, actor)
    session.commit()
    return reservation


def fill_from_waitlist(session: Session, capacity: IncubationCapacity, actor: Actor) -> None:
    """Seats the offer has left go to its waitlist, oldest first (after seats were added or the
    offer reopened). The caller holds the offer's row lock and commits."""
    while capacity.seats_taken < capacity.seats_total:
        promoted = _waitlist_head(session, capacity)
        if promoted is None:
            return
        capacity.seats_taken += 1
        _promote(session, promoted, capacity, actor)


def seats_held(session: Session, capacity_id: int) -> int:
    """The pending and accepted reservations of an offer: what ``seats_taken`` must equal."""
    return session.scalar(sa.select(sa.func.count()).select_from(Reservation).where(
        Reservation.capacity_id == capacity_id, Reservation.status.in_(HOLDING))) or 0
