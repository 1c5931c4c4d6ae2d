"""``/intros``: double opt-in introductions between a need's startup and an investor, bank or
incubator, and their message threads. Only the two parties ever read one (404 for anyone else)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, encode_cursor, endpoint, load, load_query, page_body
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models import Introduction
from marketplace.models.enums import Role
from marketplace.schemas.common import page_of
from marketplace.schemas.intros import (
    IntroQuerySchema,
    IntroRequestSchema,
    IntroSchema,
    MessageInputSchema,
    MessageQuerySchema,
    MessageSchema,
    dump_intro,
)
from marketplace.services import intros
from marketplace.services.audit import Actor

TAG = "introductions"
REQUESTERS = (Role.INVESTOR, Role.BANK, Role.INCUBATOR)
PARTIES = (Role.STARTUP, *REQUESTERS)


def _actor() -> Actor:
    user = caller()
    return Actor(user.organization_id, user.id)


def _dump(intro: Introduction) -> dict[str, Any]:
    org_id = caller().organization_id
    return dump_intro(intro, intros.side_of(intro, org_id), intros.counterpart_contacts(db.session, intro, org_id))


@endpoint("/needs/<int:need_id>/intros", "POST", summary=_l("Ask for an introduction to an open need"), tag=TAG,
          roles=REQUESTERS, body=IntroRequestSchema, response=IntroSchema, status=201, errors=(409,))
def request_intro(need_id: int) -> Any:
    intro = intros.request(db.session, _actor(), need_id, load(IntroRequestSchema())["message"])
    return _dump(intro), 201


@endpoint("/intros", "GET", summary=_l("Your introductions, newest first: asked about your needs, or asked by you"),
          tag=TAG, roles=PARTIES, query=IntroQuerySchema, response=page_of(IntroSchema))
def list_intros() -> Any:
    query = load_query(IntroQuerySchema())
    page = intros.of_org(db.session, caller().organization_id, status=query.get("status"), after=after_id(query),
                         limit=query["limit"])
    body = page_body([], IntroSchema(), encode_cursor([page.next_after]) if page.next_after is not None else None)
    body["items"] = [_dump(intro) for intro in page.items]  # each with the caller's side and contacts
    return body


@endpoint("/intros/<int:intro_id>", "GET", summary=_l("An introduction you are a party to"), tag=TAG,
          roles=PARTIES, response=IntroSchema)
def get_intro(intro_id: int) -> Any:
    return _dump(intros.get(db.session, caller().organization_id, intro_id))


@endpoint("/intros/<int:intro_id>/accept", "POST",
          summary=_l("Accept an introduction asked about your need: both sides see each other's contacts"),
          tag=TAG, roles=(Role.STARTUP,), response=IntroSchema, errors=(409,))
def accept_intro(intro_id: int) -> Any:
    return _dump(intros.accept(db.session, _actor(), intro_id))


@endpoint("/intros/<int:intro_id>/decline", "POST", summary=_l("Decline an introduction asked about your need"),
          tag=TAG, roles=(Role.STARTUP,), response=IntroSchema, errors=(409,))
def decline_intro(intro_id: int) -> Any:
    return _dump(intros.decline(db.session, _actor(), intro_id))


@endpoint("/intros/<int:intro_id>/withdraw", "POST",
          summary=_l("Withdraw a requested or accepted introduction (either side)"), tag=TAG, roles=PARTIES,
          response=IntroSchema, errors=(409,))
def withdraw_intro(intro_id: int) -> Any:
    return _dump(intros.withdraw(db.session, _actor(), intro_id))


@endpoint("/intros/<int:intro_id>/messages", "GET",
          summary=_l("The messages of an accepted introduction, oldest first"), tag=TAG, roles=PARTIES,
          query=MessageQuerySchema, response=page_of(MessageSchema), errors=(409,))
def list_messages(intro_id: int) -> Any:
    query = load_query(MessageQuerySchema())
    page = intros.messages(db.session, caller().organization_id, intro_id, after=after_id(query),
                           limit=query["limit"])
    return page_response(page, MessageSchema())


@endpoint("/intros/<int:intro_id>/messages", "POST",
          summary=_l("Send a message to the other side of an accepted introduction"), tag=TAG, roles=PARTIES,
          body=MessageInputSchema, response=MessageSchema, status=201, errors=(409,))
def post_message(intro_id: int) -> Any:
    message = intros.post(db.session, _actor(), intro_id, load(MessageInputSchema())["body"])
    return MessageSchema().dump(message), 201
