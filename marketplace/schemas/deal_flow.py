"""Browsing open needs through the API: the query a client sends and the public need it gets."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.models.enums import EnterpriseTier, Instrument, SectorGroup
from marketplace.schemas.listing_fields import Code, OrgRefSchema, PageQuerySchema
from marketplace.schemas.needs import NeedSchema
from marketplace.schemas.organizations import TierLabelSchema
from marketplace.schemas.theses import MAX_LISTED, codes
from marketplace.services.deal_flow import NeedFilters, NeedSort
from marketplace.services.needs import MAX_YUAN


def _enums(enum: type, description: str) -> fields.List:
    return fields.List(fields.Enum(enum, by_value=True), validate=validate.Length(max=MAX_LISTED), load_default=list,
                       metadata={"description": description})


class NeedQuerySchema(PageQuerySchema):
    """``GET /needs``: list filters repeat (``?sectors=a&sectors=b``); empty filters keep everything."""

    q = fields.String(validate=validate.Length(max=100), load_default="",
                      metadata={"description": "words in the title, summary, company or sectors, Chinese or English"})
    sectors = codes("sector codes, see /taxonomy")
    sector_groups = _enums(SectorGroup, "whole sector groups; add up with sectors")
    stages = codes("stage codes, see /taxonomy")
    instruments = _enums(Instrument, "equity or a kind of loan")
    amount_min = fields.Integer(validate=validate.Range(0, MAX_YUAN),
                                metadata={"description": "whole yuan; needs whose range reaches up to it"})
    amount_max = fields.Integer(validate=validate.Range(0, MAX_YUAN),
                                metadata={"description": "whole yuan; needs whose range starts at or below it"})
    parks = codes("park codes of the startups, see /taxonomy")
    tiers = _enums(EnterpriseTier, "enterprise tier labels still valid")
    sort = fields.Enum(NeedSort, by_value=True, load_default=NeedSort.NEWEST)

    @ma.pre_load
    def _one_value_each(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """A repeated query string gives lists; a field of one value takes its single value."""
        return {name: value[0] if isinstance(value, list) and len(value) == 1 and not isinstance(
                    self.fields.get(name), fields.List) else value
                for name, value in data.items()}

    @ma.post_load
    def _as_filters(self, query: dict[str, Any], **_: Any) -> dict[str, Any]:
        """``{"filters": NeedFilters, "sort", "after", "limit"}``: what ``deal_flow.browse`` takes."""
        filters = NeedFilters(
            sectors=tuple(query["sectors"]), sector_groups=tuple(query["sector_groups"]),
            stages=tuple(query["stages"]), instruments=tuple(query["instruments"]),
            amount_min=query.get("amount_min"), amount_max=query.get("amount_max"), parks=tuple(query["parks"]),
            tiers=tuple(query["tiers"]), keyword=query["q"],
        )
        return {"filters": filters, "sort": query.get("sort"), "after": query.get("after"), "limit": query["limit"]}


class StartupCardSchema(OrgRefSchema):
    """What a list of needs shows of each need's startup: the park and tier labels it filters on."""

    park = Code(dump_only=True, allow_none=True)
    tiers = fields.List(fields.Nested(TierLabelSchema), dump_only=True)


class NeedCardSchema(NeedSchema):
    """A need in a list: the public view of a need, its startup with the park and tier labels the
    list filters on. Never the confidential figures or the deck."""

    class Meta(NeedSchema.Meta):
        exclude = tuple(name for name in NeedSchema.VIEWS["owner"] if name not in NeedSchema.VIEWS["public"])

    startup = fields.Nested(StartupCardSchema, dump_only=True)
