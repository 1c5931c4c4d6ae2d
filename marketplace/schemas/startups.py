"""A startup's own profile: what it may change, and what it gets back."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from marketplace.models.enums import EnterpriseTier, RevenueBand
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import Code
from marketplace.schemas.needs import text
from marketplace.schemas.organizations import OrganizationSchema
from marketplace.services.needs import MOST_SECTORS
from marketplace.services.startup_profile import MAX_TEAM, TEXT_LENGTHS


def profile_text(name: str, **kwargs: Any) -> fields.String:
    return text(TEXT_LENGTHS[name], **kwargs)


class TierInputSchema(Schema):
    tier = fields.Enum(EnterpriseTier, by_value=True, required=True)
    valid_until = fields.Date(allow_none=True)


class StartupProfileUpdateSchema(Schema):
    """Every field optional: only those sent change; null clears an optional one."""

    name = profile_text("name", metadata={"description": "the registered (Chinese) name"})
    name_en = profile_text("name_en", allow_none=True)
    website = fields.Url(schemes={"http", "https"}, allow_none=True, validate=validate.Length(max=300))
    park = Code(allow_none=True, metadata={"description": "a park code from /api/v1/taxonomy"})
    stage = Code(allow_none=True, metadata={"description": "a stage code from /api/v1/taxonomy"})
    sectors = fields.List(Code(), validate=validate.Length(max=MOST_SECTORS), metadata={
        "description": "up to three sector codes from /api/v1/taxonomy, the main one first"})
    team_size = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=MAX_TEAM))
    founded_on = fields.Date(allow_none=True)
    revenue_band = fields.Enum(RevenueBand, by_value=True, allow_none=True)
    seeking_incubation = fields.Boolean()
    summary_zh = profile_text("summary_zh", allow_none=True, metadata={"description": "one line in Chinese"})
    summary_en = profile_text("summary_en", allow_none=True, metadata={"description": "one line in English"})
    description_zh = profile_text("description_zh", allow_none=True)
    description_en = profile_text("description_en", allow_none=True)
    tiers = fields.List(fields.Nested(TierInputSchema), validate=validate.Length(max=len(EnterpriseTier)),
                        metadata={"description": "the enterprise-tier labels held; replaces the list"})


class StartupProfileSchema(OrganizationSchema):
    """The public profile, and what only the startup itself sees of it."""

    revenue_band = fields.Enum(RevenueBand, by_value=True, dump_only=True, allow_none=True)
