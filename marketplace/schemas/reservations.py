"""Relay-incubation reservations and 孵投联动 partnerships at the API edge."""
from __future__ import annotations

from marshmallow import fields, validate

from marketplace.services.listing_common import MAX_ID
from marketplace.models.enums import PartnershipStatus, ReservationStatus
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import OrgRefSchema, PageQuerySchema
from marketplace.services.relay import MESSAGE_LENGTH


class ReservationInputSchema(Schema):
    startup_id = fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "Incubators: the resident startup you refer. Startups leave it out (or give their own id)."})
    message = fields.String(load_default="", validate=validate.Length(max=MESSAGE_LENGTH))
    waitlist = fields.Boolean(load_default=False, metadata={
        "description": "When the offer is full, join its waitlist instead of being refused (409)."})


class CapacityRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    incubator = fields.Nested(OrgRefSchema, dump_only=True)
    seats_total = fields.Integer(dump_only=True)
    seats_left = fields.Integer(dump_only=True)


class ReservationSchema(Schema):
    id = fields.Integer(dump_only=True)
    capacity = fields.Nested(CapacityRefSchema, dump_only=True)
    startup = fields.Nested(OrgRefSchema, dump_only=True)
    referred_by = fields.Nested(OrgRefSchema, dump_only=True, allow_none=True, metadata={
        "description": "The incubator that referred the startup; null when it applied itself."})
    message = fields.String(dump_only=True)
    status = fields.Enum(ReservationStatus, by_value=True, dump_only=True, metadata={
        "description": "pending and accepted hold a seat; waitlisted waits for one."})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ReservationQuerySchema(PageQuerySchema):
    pass


class PartnershipInputSchema(Schema):
    partner_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "Investors: the incubator; incubators: the investor."})


class PartnershipSchema(Schema):
    id = fields.Integer(dump_only=True)
    investor = fields.Nested(OrgRefSchema, dump_only=True)
    incubator = fields.Nested(OrgRefSchema, dump_only=True)
    requested_by_id = fields.Integer(dump_only=True)
    status = fields.Enum(PartnershipStatus, by_value=True, dump_only=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
