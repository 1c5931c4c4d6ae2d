"""Relay-incubation capacity offers at the API edge: a public and an owner's field set."""
from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import fields, validate

from marketplace.models.enums import IncubatorTier
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import Code, OrgRefSchema, PageQuerySchema
from marketplace.services.capacities import CONDITIONS_LENGTH, MAX_SEATS, TITLE_LENGTH

CODES = "Codes from /api/v1/taxonomy."


class IncubatorRefSchema(OrgRefSchema):
    tier = fields.Enum(IncubatorTier, by_value=True, dump_only=True)


class CapacitySchema(Schema):
    id = fields.Integer(dump_only=True)
    incubator = fields.Nested(IncubatorRefSchema, dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, TITLE_LENGTH))
    title_en = fields.String(allow_none=True, validate=validate.Length(max=TITLE_LENGTH), metadata={
        "description": "The title on English pages; null or empty: the title."})
    sectors = fields.List(Code(), validate=validate.Length(max=40),
                          metadata={"description": f"Sectors the seats are for; empty: every sector. {CODES}"})
    stage_min = Code(required=True, metadata={
        "description": f"The earliest stage admitted. {CODES}"})
    stage_max = Code(required=True, metadata={
        "description": f"The latest stage admitted; not before stage_min. {CODES}"})
    seats_total = fields.Integer(required=True, validate=validate.Range(1, MAX_SEATS), metadata={
        "description": "Seats offered; never below seats_taken."})
    seats_taken = fields.Integer(dump_only=True)
    seats_left = fields.Integer(dump_only=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "Not before starts_on."})
    conditions = fields.String(validate=validate.Length(max=CONDITIONS_LENGTH))
    conditions_en = fields.String(allow_none=True, validate=validate.Length(max=CONDITIONS_LENGTH), metadata={
        "description": "The conditions on English pages; null or empty: the conditions."})
    is_open = fields.Boolean(metadata={"description": "False: closed, seen by its own incubator only."})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CapacityChangesSchema(CapacitySchema):
    """The fields of a PATCH: each one optional, only those named change."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


PUBLIC = ("id", "incubator", "title", "title_en", "sectors", "stage_min", "stage_max", "seats_total", "seats_taken",
          "seats_left", "starts_on", "ends_on", "conditions", "conditions_en", "updated_at")
VIEWS = {"public": PUBLIC, "owner": (*PUBLIC, "is_open", "created_at")}


def view_for(viewer_org_id: int, incubator_id: int) -> str:
    """The owning incubator sees whether the offer is closed; everyone else what is published."""
    return "owner" if viewer_org_id == incubator_id else "public"


@cache
def schema(view: str) -> CapacitySchema:
    return CapacitySchema(only=VIEWS[view])


class CapacityQuerySchema(PageQuerySchema):
    sector = Code(metadata={
        "description": "A sector code: offers open to it, including those open to every sector."})
    stage = Code(metadata={
        "description": "A stage code: offers whose stage band includes it."})
    has_seats = fields.Boolean(metadata={"description": "True: offers with seats left; false: full ones."})
    mine = fields.Boolean(metadata={"description": "Incubators: all of your own offers, closed ones too."})
