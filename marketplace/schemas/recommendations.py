"""Ranked recommendations through the API: each item its score, its reasons in the caller's
language, and the thing recommended (in the public view other lists give of it)."""
from __future__ import annotations

from marshmallow import fields

from marketplace.models.enums import InvestorKind
from marketplace.schemas import capacities, loan_products
from marketplace.schemas.base import Schema
from marketplace.schemas.deal_flow import NeedCardSchema, NeedQuerySchema
from marketplace.schemas.incubators import SeekingStartupSchema
from marketplace.schemas.listing_fields import OrgRefSchema, PageQuerySchema


class ReasonSchema(Schema):
    code = fields.String(dump_only=True, metadata={"description": "A stable reason code, e.g. earlier_investor."})
    text = fields.String(dump_only=True, metadata={"description": "The reason in the caller's language."})


class _Ranked(Schema):
    rank = fields.Integer(dump_only=True, metadata={
        "description": "The place in the whole ranked list, 1 the best match."})
    score = fields.Float(dump_only=True, metadata={
        "description": "The model's log-odds of a match: higher ranks first; comparable within one list only."})
    strength = fields.Float(dump_only=True, metadata={
        "description": "The bar the pages draw, 0.1 to 1: 1 for the list's first, 0.1 for the weakest of its "
                       "first 100 and below; every page of a list shares the scale."})
    reasons = fields.List(fields.Nested(ReasonSchema), dump_only=True, metadata={
        "description": "Up to three, the strongest first."})


class RecommendedNeedSchema(_Ranked):
    need = fields.Nested(NeedCardSchema, dump_only=True)


class InvestorCardSchema(OrgRefSchema):
    investor_kind = fields.Enum(InvestorKind, by_value=True, dump_only=True)
    park = fields.Function(lambda org: org.park.code if org.park else None, dump_only=True,
                           metadata={"type": "string", "nullable": True, "description": "park code"})
    ticket_min = fields.Function(lambda org: org.thesis.ticket_min if org.thesis else None, dump_only=True,
                                 metadata={"type": "integer", "nullable": True, "description": "yuan, from its thesis"})
    ticket_max = fields.Function(lambda org: org.thesis.ticket_max if org.thesis else None, dump_only=True,
                                 metadata={"type": "integer", "nullable": True, "description": "yuan, from its thesis"})


class RecommendedInvestorSchema(_Ranked):
    investor = fields.Nested(InvestorCardSchema, dump_only=True)


def _public(schema: type, views: dict) -> type:
    """``schema`` limited to its public view, as a class of its own (the OpenAPI names it)."""
    hidden = tuple(f for f in schema._declared_fields if f not in views["public"])
    meta = type("Meta", (schema.Meta,), {"exclude": hidden})
    return type(f"Public{schema.__name__}", (schema,), {"Meta": meta})


PublicLoanProductSchema = _public(loan_products.LoanProductSchema, loan_products.VIEWS)
PublicCapacitySchema = _public(capacities.CapacitySchema, capacities.VIEWS)


class RecommendedLoanProductSchema(_Ranked):
    product = fields.Nested(PublicLoanProductSchema, dump_only=True)
    borrowable = fields.Integer(dump_only=True, metadata={
        "description": "Yuan the startup could borrow under the product today (pledged IP, linked round, range)."})


class RecommendedCapacitySchema(_Ranked):
    capacity = fields.Nested(PublicCapacitySchema, dump_only=True)


class RecommendedStartupSchema(_Ranked):
    startup = fields.Nested(SeekingStartupSchema, dump_only=True)


class RecommendedNeedQuerySchema(NeedQuerySchema):
    """The deal-flow filters, applied on top of the ranking (no sort: the ranking is the order)."""

    class Meta(NeedQuerySchema.Meta):
        exclude = ("sort",)


class RecommendationQuerySchema(PageQuerySchema):
    """Where to continue a startup's ranked matches, and how many to give."""
