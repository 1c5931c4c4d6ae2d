"""Save and dismiss at the API edge: a mark on a match of one of the caller's ranked lists."""
from __future__ import annotations

from marshmallow import fields, validate

from marketplace.models.enums import InteractionAction
from marketplace.schemas.base import Schema

MARK_VALUES = [action.value for action in (InteractionAction.SAVE, InteractionAction.DISMISS)]
LISTS_DOC = ("needs (investors, banks); investors, loan-products, capacities (startups); "
             "startups (incubators)")


class MarkBodySchema(Schema):
    mark = fields.String(required=True, validate=validate.OneOf(MARK_VALUES),
                         metadata={"description": "save: starred and listed under your marks; dismiss: left out "
                                                  "of that ranked list until the mark is taken back"})


class MarkSchema(Schema):
    id = fields.Integer(attribute="target_id", dump_only=True, metadata={"description": "the match's id"})
    mark = fields.Function(lambda row: row.action.value, dump_only=True)
    marked_at = fields.DateTime(attribute="created_at", dump_only=True)


class MarkPageSchema(Schema):
    items = fields.List(fields.Nested(MarkSchema), dump_only=True)
    next = fields.String(dump_only=True, allow_none=True, metadata={"description": "The cursor of the next page."})


class MarkQuerySchema(Schema):
    mark = fields.String(load_default=InteractionAction.SAVE.value, validate=validate.OneOf(MARK_VALUES))
    after = fields.String(validate=validate.Length(1, 200), metadata={"description": "The cursor of the next page."})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
