"""``/reservations``: relay-incubation seats (接力孵化). A startup reserves a seat of an offer for
itself, or its incubator refers it; the receiving incubator accepts or declines; the startup or
the receiving incubator releases. A full offer answers 409, unless the caller asked for its
waitlist."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace import clock
from marketplace.api.blueprint import caller, endpoint, load, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.common import page_of
from marketplace.schemas.reservations import ReservationInputSchema, ReservationQuerySchema, ReservationSchema
from marketplace.services import relay
from marketplace.services.audit import Actor

TAG = "relay incubation"
SCHEMA = ReservationSchema()


def _actor() -> Actor:
    return Actor(caller().organization_id, caller().id)


@endpoint("/capacities/<int:capacity_id>/reservations", "POST",
          summary=_l("Reserve a seat of an offer for your startup, or refer one of your residents"), tag=TAG,
          roles=(Role.STARTUP, Role.INCUBATOR), body=ReservationInputSchema, response=ReservationSchema,
          status=201, errors=(409,))
def create_reservation(capacity_id: int) -> Any:
    data = load(ReservationInputSchema())
    reservation = relay.reserve(db.session, _actor(), capacity_id, startup_id=data.get("startup_id"),
                                message=data["message"], waitlist=data["waitlist"], today=clock.today())
    return SCHEMA.dump(relay.get(db.session, caller().organization_id, reservation.id)), 201


@endpoint("/reservations", "GET", summary=_l("Your reservations: made, referred or received, newest first"),
          tag=TAG, query=ReservationQuerySchema, response=page_of(ReservationSchema))
def list_reservations() -> Any:
    query = load_query(ReservationQuerySchema())
    page = relay.of_org(db.session, caller().organization_id, after=after_id(query), limit=query["limit"])
    return page_response(page, SCHEMA)


@endpoint("/reservations/<int:reservation_id>", "GET", summary=_l("A reservation you are a party to"), tag=TAG,
          response=ReservationSchema)
def get_reservation(reservation_id: int) -> Any:
    return SCHEMA.dump(relay.get(db.session, caller().organization_id, reservation_id))


@endpoint("/reservations/<int:reservation_id>/accept", "POST",
          summary=_l("Accept a pending reservation of your offer: the startup moves in"), tag=TAG,
          roles=(Role.INCUBATOR,), response=ReservationSchema, errors=(409,))
def accept_reservation(reservation_id: int) -> Any:
    relay.accept(db.session, _actor(), reservation_id, today=clock.today())
    return SCHEMA.dump(relay.get(db.session, caller().organization_id, reservation_id))


@endpoint("/reservations/<int:reservation_id>/decline", "POST",
          summary=_l("Decline a reservation of your offer; its seat goes to the waitlist"), tag=TAG,
          roles=(Role.INCUBATOR,), response=ReservationSchema, errors=(409,))
def decline_reservation(reservation_id: int) -> Any:
    relay.decline(db.session, _actor(), reservation_id)
    return SCHEMA.dump(relay.get(db.session, caller().organization_id, reservation_id))


@endpoint("/reservations/<int:reservation_id>/release", "POST",
          summary=_l("Release a reservation (your startup's, or one of your offer's); its seat goes to the waitlist"),
          tag=TAG, roles=(Role.STARTUP, Role.INCUBATOR), response=ReservationSchema, errors=(409,))
def release_reservation(reservation_id: int) -> Any:
    relay.release(db.session, _actor(), reservation_id, today=clock.today())
    return SCHEMA.dump(relay.get(db.session, caller().organization_id, reservation_id))
