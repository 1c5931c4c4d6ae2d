"""What anyone logged in may see of an organization: its public profile, one field set per kind."""
from __future__ import annotations

from marshmallow import fields

from marketplace.models.enums import EnterpriseTier, IncubatorTier, InvestorKind, OrgKind
from marketplace.schemas.base import Schema


class TierLabelSchema(Schema):
    tier = fields.Enum(EnterpriseTier, by_value=True, dump_only=True)
    valid_until = fields.Date(dump_only=True, allow_none=True)


class OrganizationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.Enum(OrgKind, by_value=True, dump_only=True)
    name = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True, allow_none=True)
    website = fields.String(dump_only=True, allow_none=True)
    park = fields.Function(lambda org: org.park.code if org.park else None, dump_only=True,
                           metadata={"type": "string", "nullable": True, "description": "park code"})
    region = fields.String(dump_only=True, allow_none=True)
    summary_zh = fields.String(dump_only=True, allow_none=True)
    summary_en = fields.String(dump_only=True, allow_none=True)
    description_zh = fields.String(dump_only=True, allow_none=True)
    description_en = fields.String(dump_only=True, allow_none=True)
    source = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Where an imported organization comes from, e.g. 'crunchbase' (CC-BY)."})
    # Startups
    sectors = fields.Function(lambda org: [s.code for s in getattr(org, "sectors", [])], dump_only=True,
                              metadata={"type": "array", "items": {"type": "string"}})
    stage = fields.Function(lambda org: org.stage.code if getattr(org, "stage", None) else None, dump_only=True,
                            metadata={"type": "string", "nullable": True})
    founded_on = fields.Date(dump_only=True, allow_none=True)
    team_size = fields.Integer(dump_only=True, allow_none=True)
    tiers = fields.List(fields.Nested(TierLabelSchema), dump_only=True)
    seeking_incubation = fields.Boolean(dump_only=True)
    # Investors
    investor_kind = fields.Enum(InvestorKind, by_value=True, dump_only=True)
    # Incubators
    tier = fields.Enum(IncubatorTier, by_value=True, dump_only=True)
