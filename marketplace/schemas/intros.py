"""Introductions at the API edge: the request, a message, and what each party reads back.

``contacts`` is the other side's (its users' emails and website), and is null unless the
introduction is accepted right now (``services.intros.counterpart_contacts``).
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from marketplace.models import Introduction
from marketplace.models.enums import IntroStatus
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import OrgRefSchema
from marketplace.schemas.needs import text
from marketplace.services.intros import BODY_LENGTH, MESSAGE_LENGTH, Contacts


class IntroRequestSchema(Schema):
    message = text(MESSAGE_LENGTH, required=True, metadata={
        "description": "who you are and why the need interests you; the startup reads it before answering"})


class MessageInputSchema(Schema):
    body = text(BODY_LENGTH, required=True)


class NeedRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)


class ContactsSchema(Schema):
    organization = fields.Nested(OrgRefSchema, dump_only=True)
    website = fields.String(dump_only=True, allow_none=True)
    emails = fields.List(fields.String(), dump_only=True)


class IntroSchema(Schema):
    id = fields.Integer(dump_only=True)
    need = fields.Nested(NeedRefSchema, dump_only=True)
    startup = fields.Function(lambda intro: OrgRefSchema().dump(intro.need.startup), dump_only=True,
                              metadata={"type": "object", "description": "the need's startup"})
    requester = fields.Nested(OrgRefSchema, dump_only=True)
    side = fields.String(dump_only=True, validate=validate.OneOf(["startup", "requester"]), metadata={
        "description": "startup: asked about your need; requester: you asked"})
    status = fields.Enum(IntroStatus, by_value=True, dump_only=True)
    message = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    contacts = fields.Nested(ContactsSchema, dump_only=True, allow_none=True, metadata={
        "description": "the other side's contacts while the introduction is accepted; null otherwise"})


def dump_intro(intro: Introduction, side: str, contacts: Contacts | None) -> dict[str, Any]:
    body = IntroSchema(exclude=("side", "contacts")).dump(intro)
    body["side"] = side
    body["contacts"] = ContactsSchema().dump(contacts) if contacts is not None else None
    return body


class MessageSchema(Schema):
    id = fields.Integer(dump_only=True)
    author = fields.Nested(OrgRefSchema, dump_only=True, attribute="author_org")
    body = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class IntroQuerySchema(Schema):
    status = fields.Enum(IntroStatus, by_value=True)
    after = fields.String(validate=validate.Length(1, 200), metadata={"description": "The cursor of the next page."})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class MessageQuerySchema(Schema):
    after = fields.String(validate=validate.Length(1, 200), metadata={"description": "The cursor of the next page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 100))
