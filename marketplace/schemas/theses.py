"""An investor's thesis at the API edge: the body of ``PUT /theses/me`` is what ``GET`` returns."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.models import User
from marketplace.models.enums import SectorGroup
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import Code
from marketplace.schemas.needs import text, yuan
from marketplace.services.theses import MAX_SUMMARY, Thesis

MAX_LISTED = 50  # codes or ids in one list
MAX_ID = 2**31 - 1


class Flag(fields.Boolean):
    """A JSON true or false, and nothing that merely looks like one (1, "yes")."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def codes(description: str) -> fields.List:
    """Sectors, stages or parks, read and written as their codes."""
    return fields.List(Code(), validate=validate.Length(max=MAX_LISTED), load_default=list,
                       metadata={"description": description})


class ThesisSchema(Schema):
    investor_id = fields.Integer(dump_only=True)
    summary = text(MAX_SUMMARY, load_default="")
    sectors = codes("sector codes, see /taxonomy")
    sector_groups = fields.List(fields.Enum(SectorGroup, by_value=True), validate=validate.Length(max=MAX_LISTED),
                                load_default=list,
                                metadata={"description": "whole sector groups: every sector in them"})
    stages = codes("stage codes, see /taxonomy")
    parks = codes("park codes, see /taxonomy; empty: every park")
    partner_incubators = fields.List(fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
                                     validate=validate.Length(max=MAX_LISTED), load_default=list,
                                     metadata={"description": "organization ids of incubators (孵投联动)"})
    ticket_min = yuan(required=True)
    ticket_max = yuan(required=True)
    fund_size = yuan(allow_none=True, load_default=None)
    invests_early = Flag(load_default=False)
    invests_small = Flag(load_default=False)
    invests_hard_tech = Flag(load_default=False)
    invests_long_term = Flag(load_default=False)
    updated_at = fields.DateTime(dump_only=True)

    # What each viewer sees. An angel's "fund" is its own money: only the owner sees its size.
    VIEWS = {
        "owner": ("investor_id", "summary", "sectors", "sector_groups", "stages", "parks", "partner_incubators",
                  "ticket_min", "ticket_max", "fund_size", "invests_early", "invests_small", "invests_hard_tech",
                  "invests_long_term", "updated_at"),
    }
    VIEWS["public"] = tuple(name for name in VIEWS["owner"] if name != "fund_size")

    @ma.pre_dump
    def _flatten(self, thesis: Thesis, **_: Any) -> dict[str, Any]:
        row = thesis.row
        return {
            **{name: getattr(row, name) for name in self.VIEWS["owner"] if hasattr(row, name)},
            "sectors": sorted(row.sectors, key=lambda s: s.position),
            "sector_groups": thesis.sector_groups,
            "parks": sorted(row.parks, key=lambda p: p.id),
            "partner_incubators": sorted(i.id for i in row.partner_incubators),
        }


def thesis_schema(viewer: User, thesis: Thesis) -> ThesisSchema:
    """The schema of the view ``viewer`` may see of ``thesis``."""
    view = "owner" if viewer.organization_id == thesis.row.investor_id else "public"
    return ThesisSchema(only=ThesisSchema.VIEWS[view])
