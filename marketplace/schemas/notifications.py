"""The bell at the API edge: each notification's text in the caller's language, and its link."""
from __future__ import annotations

from marshmallow import fields, validate

from marketplace.models.enums import NotificationKind
from marketplace.schemas.base import Schema


class NotificationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.Enum(NotificationKind, by_value=True, dump_only=True)
    text = fields.String(dump_only=True, metadata={"description": "in the language of Accept-Language"})
    link = fields.String(dump_only=True, metadata={"description": "the page it is about"})
    created_at = fields.DateTime(dump_only=True)
    read_at = fields.DateTime(dump_only=True, allow_none=True)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), dump_only=True)
    unread = fields.Integer(dump_only=True, metadata={"description": "your unread notifications, on every page"})
    next = fields.String(dump_only=True, allow_none=True, metadata={"description": "The cursor of the next page."})


class NotificationQuerySchema(Schema):
    after = fields.String(validate=validate.Length(1, 200), metadata={"description": "The cursor of the next page."})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
