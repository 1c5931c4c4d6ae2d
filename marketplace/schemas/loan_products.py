"""Loan products at the API edge: one schema, a public and an owner's field set."""
from __future__ import annotations

from functools import cache
from typing import Any

import marshmallow as ma
from marshmallow import fields, post_load, validate

from marketplace.i18n import N_
from marketplace.models.enums import EnterpriseTier, InvestorKind, IPKind, LoanKind
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import Code, Fraction, OrgRefSchema, PageQuerySchema, WholeNested
from marketplace.services.loan_products import (
    DESCRIPTION_LENGTH,
    MAX_AMOUNT,
    MAX_MONTHS_OPERATING,
    MAX_RATE_BPS,
    MAX_RATIO,
    MAX_REMAINING_LIFE_MONTHS,
    MAX_TERM_MONTHS,
    NAME_LENGTH,
)

CODES = "Codes from /api/v1/taxonomy."


class BankRefSchema(OrgRefSchema):
    is_sci_tech_branch = fields.Boolean(dump_only=True)


class PledgeRateSchema(Schema):
    ip_kind = fields.Enum(IPKind, by_value=True, required=True)
    rate = Fraction(required=True, validate=validate.Range(0, 1, min_inclusive=False), metadata={
        "exclusiveMinimum": True, "description": "The share of the IP's appraised value lent against, e.g. 0.5."})


class LoanProductSchema(Schema):
    id = fields.Integer(dump_only=True)
    bank = fields.Nested(BankRefSchema, dump_only=True)
    kind = fields.Enum(LoanKind, by_value=True, required=True)
    name = fields.String(required=True, validate=validate.Length(1, NAME_LENGTH))
    name_en = fields.String(allow_none=True, validate=validate.Length(max=NAME_LENGTH), metadata={
        "description": "The name on English pages; null or empty: the name."})
    description = fields.String(validate=validate.Length(max=DESCRIPTION_LENGTH))
    description_en = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_LENGTH), metadata={
        "description": "The description on English pages; null or empty: the description."})
    amount_min = fields.Integer(required=True, validate=validate.Range(1, MAX_AMOUNT), metadata={
        "description": "Smallest loan, in yuan (CNY)."})
    amount_max = fields.Integer(required=True, validate=validate.Range(1, MAX_AMOUNT), metadata={
        "description": "Largest loan, in yuan (CNY); not below amount_min."})
    rate_min_bps = fields.Integer(required=True, validate=validate.Range(0, MAX_RATE_BPS), metadata={
        "description": "Lowest yearly rate in basis points: 385 is 3.85%."})
    rate_max_bps = fields.Integer(required=True, validate=validate.Range(0, MAX_RATE_BPS), metadata={
        "description": "Highest yearly rate in basis points; not below rate_min_bps."})
    term_months = fields.Integer(required=True, validate=validate.Range(1, MAX_TERM_MONTHS))
    # Eligibility; an empty list admits every sector, stage or company.
    sectors = fields.List(Code(), validate=validate.Length(max=40),
                          metadata={"description": f"Sectors served; empty: every sector. {CODES}"})
    stages = fields.List(Code(), validate=validate.Length(max=20),
                         metadata={"description": f"Stages served; empty: every stage. {CODES}"})
    tiers = fields.List(fields.Enum(EnterpriseTier, by_value=True), validate=validate.Length(max=20), metadata={
        "description": "Enterprise tier labels the borrower must hold one of; empty: none needed."})
    min_months_operating = fields.Integer(allow_none=True, validate=validate.Range(0, MAX_MONTHS_OPERATING))
    # Linked loans (投贷联动) only.
    loan_to_equity_ratio = Fraction(allow_none=True, validate=validate.Range(0, MAX_RATIO, min_inclusive=False),
                                    metadata={"exclusiveMinimum": True,
                                              "description": "Linked loans: the loan as a multiple of the "
                                                             "qualifying equity round, e.g. 0.3."})
    warrant_coverage = Fraction(allow_none=True, validate=validate.Range(0, 1), metadata={
        "description": "Linked loans: warrants as a share of the loan, e.g. 0.1; null: no warrants."})
    investor_kinds = fields.List(fields.Enum(InvestorKind, by_value=True), validate=validate.Length(max=20),
                                 metadata={"description": "Linked loans: who may lead the qualifying round."})
    # IP-pledge loans only.
    pledge_rates = fields.List(WholeNested(PledgeRateSchema), validate=validate.Length(max=len(IPKind)),
                               metadata={"description": "IP-pledge loans: the kinds of IP accepted, "
                                                        "each with its pledge rate."})
    min_remaining_life_months = fields.Integer(allow_none=True, validate=validate.Range(0, MAX_REMAINING_LIFE_MONTHS))
    is_active = fields.Boolean(metadata={"description": "False: withdrawn, seen by its own bank only."})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @post_load
    def pledge_rates_by_kind(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The service takes ``{ip_kind: rate}``; each kind may be named once."""
        if "pledge_rates" in data:
            kinds = [r["ip_kind"] for r in data["pledge_rates"]]
            if len(set(kinds)) != len(kinds):
                raise ma.ValidationError(N_("Name each kind of IP once."), "pledge_rates")
            data["pledge_rates"] = {r["ip_kind"]: r["rate"] for r in data["pledge_rates"]}
        return data


class LoanProductChangesSchema(LoanProductSchema):
    """The fields of a PATCH: each one optional, only those named change."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


PUBLIC = ("id", "bank", "kind", "name", "name_en", "description", "description_en", "amount_min", "amount_max",
          "rate_min_bps", "rate_max_bps", "term_months", "sectors", "stages", "tiers", "min_months_operating",
          "loan_to_equity_ratio", "warrant_coverage", "investor_kinds", "pledge_rates", "min_remaining_life_months",
          "updated_at")
VIEWS = {"public": PUBLIC, "owner": (*PUBLIC, "is_active", "created_at")}


def view_for(viewer_org_id: int, bank_id: int) -> str:
    """The owning bank sees whether it is withdrawn; everyone else only what is published."""
    return "owner" if viewer_org_id == bank_id else "public"


@cache
def schema(view: str) -> LoanProductSchema:
    return LoanProductSchema(only=VIEWS[view])


class LoanProductQuerySchema(PageQuerySchema):
    kind = fields.Enum(LoanKind, by_value=True)
    bank = fields.Integer(validate=validate.Range(1, 2**31 - 1), metadata={"description": "A bank's id."})
    sector = Code(metadata={
        "description": "A sector code: products open to it, including those open to every sector."})
    mine = fields.Boolean(metadata={"description": "Banks: all of your own products, withdrawn ones too."})
