"""An incubator's profile, and the startups looking for incubation as incubators see them."""
from __future__ import annotations

from marshmallow import fields, validate

from marketplace.models.enums import IncubatorService, IncubatorTier, InvestorKind
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import Code, OrgRefSchema, PageQuerySchema
from marketplace.schemas.organizations import TierLabelSchema
from marketplace.services.incubator_profile import DESCRIPTION_LENGTH, SUMMARY_LENGTH

CODES = "Codes from /api/v1/taxonomy."


class PartnerInvestorSchema(OrgRefSchema):
    investor_kind = fields.Enum(InvestorKind, by_value=True, dump_only=True)


class IncubatorProfileSchema(Schema):
    """The same for every viewer; a PATCH by the incubator itself changes only the fields it names."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True, allow_none=True)
    tier = fields.Enum(IncubatorTier, by_value=True)
    services = fields.List(fields.Enum(IncubatorService, by_value=True), validate=validate.Length(max=20))
    park = Code(allow_none=True, metadata={"description": f"A park code. {CODES}"})
    website = fields.String(allow_none=True, validate=validate.Length(max=300), metadata={
        "description": "An http:// or https:// address."})
    summary_zh = fields.String(allow_none=True, validate=validate.Length(max=SUMMARY_LENGTH))
    summary_en = fields.String(allow_none=True, validate=validate.Length(max=SUMMARY_LENGTH))
    description_zh = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_LENGTH))
    description_en = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_LENGTH))
    partner_investors = fields.List(fields.Nested(PartnerInvestorSchema), dump_only=True, metadata={
        "description": "Investors that name this incubator as a partner in their thesis (孵投联动)."})


class SeekingStartupSchema(Schema):
    """A startup's public profile, as an incubator browsing for incubatees sees it."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True, allow_none=True)
    website = fields.String(dump_only=True, allow_none=True)
    park = Code(dump_only=True, allow_none=True)
    sectors = fields.List(Code(), dump_only=True)
    stage = Code(dump_only=True, allow_none=True)
    founded_on = fields.Date(dump_only=True, allow_none=True)
    team_size = fields.Integer(dump_only=True, allow_none=True)
    summary_zh = fields.String(dump_only=True, allow_none=True)
    summary_en = fields.String(dump_only=True, allow_none=True)
    tiers = fields.List(fields.Nested(TierLabelSchema), dump_only=True)


class SeekingStartupQuerySchema(PageQuerySchema):
    sector = Code(metadata={"description": "A sector code."})
    stage = Code(metadata={"description": "A stage code."})
    park = Code(metadata={"description": "A park code."})
