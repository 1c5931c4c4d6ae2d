"""Linked-loan offers (投贷联动) at the API edge: what the startup and the bank each read.

The bank reads the round its loan rides on (its confirmed equity and leads), never the need's
confidential figures; ``actions`` lists the moves the caller's side may make now.
"""
from __future__ import annotations

from marshmallow import fields, validate

from marketplace.models.enums import OfferStatus
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import OrgRefSchema
from marketplace.schemas.pipeline import CardNeedSchema


class ProductRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    bank = fields.Nested(OrgRefSchema, dump_only=True)


class LoanOfferSchema(Schema):
    id = fields.Integer(dump_only=True)
    product = fields.Nested(ProductRefSchema, dump_only=True)
    need = fields.Nested(CardNeedSchema, dump_only=True)
    startup = fields.Function(lambda offer: OrgRefSchema().dump(offer.need.startup), dump_only=True,
                              metadata={"type": "object", "description": "the borrowing startup"})
    amount = fields.Integer(dump_only=True, metadata={"description": "yuan offered"})
    status = fields.Enum(OfferStatus, by_value=True, dump_only=True)
    confirmed_equity = fields.Integer(dump_only=True, metadata={
        "description": "yuan of the round's confirmed commitments, which the loan is sized against"})
    side = fields.String(dump_only=True, validate=validate.OneOf(["startup", "bank"]))
    actions = fields.List(fields.String(), dump_only=True, metadata={
        "description": "what your side may do now: apply or decline (startup); approve, decline or disburse (bank)"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class LoanOfferListSchema(Schema):
    items = fields.List(fields.Nested(LoanOfferSchema), dump_only=True)
