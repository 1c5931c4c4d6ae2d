"""The investor's pipeline at the API edge: the board by stage, a card put on it, moved or noted,
and the commitments (term sheets, closes) a move records, which the startup confirms or rejects."""
from __future__ import annotations

from marshmallow import fields, validate

from marketplace.models.enums import CommitmentKind, PipelineStage
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import OrgRefSchema
from marketplace.services.pipeline import MAX_YUAN, NOTE_LENGTH


class CardInputSchema(Schema):
    need_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, 2**31 - 1),
                             metadata={"description": "an open funding need"})


class CardMoveSchema(Schema):
    stage = fields.Enum(PipelineStage, by_value=True, required=True)
    amount = fields.Integer(strict=True, allow_none=True, metadata={  # its range: pipeline.amount_error
        "description": f"yuan committed (1 to {MAX_YUAN:,}); required to move an equity need's card to "
                       "term_sheet or closed"})
    is_lead = fields.Boolean(load_default=False, metadata={"description": "you lead the round"})


class CardNeedSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    instrument = fields.Function(lambda need: need.instrument.value, dump_only=True, metadata={"type": "string"})
    amount_min = fields.Integer(dump_only=True)
    amount_max = fields.Integer(dump_only=True)


class CardSchema(Schema):
    id = fields.Integer(dump_only=True)
    stage = fields.Enum(PipelineStage, by_value=True, dump_only=True)
    need = fields.Nested(CardNeedSchema, dump_only=True)
    startup = fields.Function(lambda card: OrgRefSchema().dump(card.need.startup), dump_only=True,
                              metadata={"type": "object", "description": "the need's startup"})
    updated_at = fields.DateTime(dump_only=True)


class ColumnSchema(Schema):
    stage = fields.Enum(PipelineStage, by_value=True, dump_only=True)
    count = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True, metadata={"description": "the sum of the needs' largest amounts, yuan"})
    cards = fields.List(fields.Nested(CardSchema), dump_only=True)


class BoardSchema(Schema):
    columns = fields.List(fields.Nested(ColumnSchema), dump_only=True)


class CommitmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    need = fields.Nested(CardNeedSchema, dump_only=True)
    investor = fields.Nested(OrgRefSchema, dump_only=True)
    kind = fields.Enum(CommitmentKind, by_value=True, dump_only=True)
    amount = fields.Integer(dump_only=True, metadata={"description": "yuan"})
    is_lead = fields.Boolean(dump_only=True)
    confirmed_at = fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "when the startup confirmed it; null while it waits"})
    updated_at = fields.DateTime(dump_only=True)


class MovedCardSchema(CardSchema):
    commitment = fields.Nested(CommitmentSchema, dump_only=True, allow_none=True, metadata={
        "description": "your commitment on the need, if you recorded one"})


class NoteInputSchema(Schema):
    body = fields.String(required=True, metadata={  # its length: pipeline.add_note
        "description": f"the note, up to {NOTE_LENGTH:,} characters; only your organization reads it"})


class NoteSchema(Schema):
    id = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class CardDetailSchema(MovedCardSchema):
    notes = fields.List(fields.Nested(NoteSchema), dump_only=True, metadata={
        "description": "newest first; only your organization reads them"})


class CommitmentListSchema(Schema):
    items = fields.List(fields.Nested(CommitmentSchema), dump_only=True)
