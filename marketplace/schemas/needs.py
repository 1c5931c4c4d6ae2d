"""Funding needs at the API edge: what a startup sends, and what each viewer gets back.

``NeedSchema.VIEWS`` names the field set of each kind of viewer; ``services.needs.view_for``
says which kind a viewer is. The confidential figures and the deck are in the owner's set, and in
the set of a counterpart whose introduction the startup accepted.
"""
from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import fields, validate

from marketplace.i18n import N_
from marketplace.models import FundingNeed
from marketplace.models.enums import Instrument, NeedStatus
from marketplace.schemas.base import Schema
from marketplace.schemas.listing_fields import Code, OrgRefSchema
from marketplace.services.needs import MAX_YUAN, MOST_SECTORS, TEXT_LENGTHS

TAXONOMY = "from /api/v1/taxonomy"


def text(max_length: int, *, required: bool = False, allow_none: bool = False, **kwargs: Any) -> fields.String:
    """A string of at most ``max_length`` characters, without the NUL character PostgreSQL refuses."""
    return fields.String(required=required, allow_none=allow_none, validate=[
        validate.Length(min=1 if required else 0, max=max_length),
        validate.Regexp(r"^[^\x00]*$", error=N_("Invalid value.")),
    ], **kwargs)


def code(**kwargs: Any) -> Code:
    """A sector, stage or park code (see /api/v1/taxonomy)."""
    return Code(**kwargs)


def yuan(*, least: int = 0, description: str = "whole yuan (CNY)", **kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=least, max=MAX_YUAN),
                          metadata={"description": description}, **kwargs)


class NeedInputSchema(Schema):
    instrument = fields.Enum(Instrument, by_value=True, required=True)
    title = text(TEXT_LENGTHS["title"], required=True)
    title_en = text(TEXT_LENGTHS["title_en"], allow_none=True,
                    metadata={"description": "the title on English pages; null or empty: the title"})
    summary = text(TEXT_LENGTHS["summary"])
    summary_en = text(TEXT_LENGTHS["summary_en"], allow_none=True,
                      metadata={"description": "the summary on English pages; null or empty: the summary"})
    amount_min = yuan(required=True, least=1)
    amount_max = yuan(required=True, least=1, description="whole yuan (CNY); not below amount_min")
    stage = Code(required=True, metadata={"description": f"a stage code {TAXONOMY}"})
    sectors = fields.List(Code(), required=True, validate=validate.Length(min=1, max=MOST_SECTORS),
                          metadata={"description": f"one to three sector codes {TAXONOMY}"})
    use_of_funds = text(TEXT_LENGTHS["use_of_funds"])
    use_of_funds_en = text(TEXT_LENGTHS["use_of_funds_en"], allow_none=True, metadata={
        "description": "the use of funds on English pages; null or empty: the use of funds"})
    deadline = fields.Date(allow_none=True, metadata={"description": "not in the past when set or published"})
    status = fields.Enum(NeedStatus, by_value=True, metadata={
        "description": "draft (the default) or open when creating; draft->open, open->closed|funded "
                       "and closed->open when changing"})
    revenue_last_year = yuan(allow_none=True)
    monthly_burn = yuan(allow_none=True)
    runway_months = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=600))


class NeedUpdateSchema(NeedInputSchema):
    """The same fields, each optional: only those sent change."""

    def __init__(self, **kwargs: Any):
        super().__init__(partial=True, **kwargs)


def _deck(need: FundingNeed) -> dict[str, str] | None:
    if not need.deck_path:
        return None
    return {"filename": need.deck_filename or "deck.pdf",
            "url": url_for("api.download_need_deck", need_id=need.id, _external=True)}


class NeedSchema(Schema):
    id = fields.Integer(dump_only=True)
    startup = fields.Nested(OrgRefSchema, dump_only=True)
    instrument = fields.Enum(Instrument, by_value=True, dump_only=True)
    title = fields.String(dump_only=True)
    title_en = fields.String(dump_only=True, allow_none=True)
    summary = fields.String(dump_only=True)
    summary_en = fields.String(dump_only=True, allow_none=True)
    amount_min = fields.Integer(dump_only=True)
    amount_max = fields.Integer(dump_only=True)
    stage = Code(dump_only=True)
    sectors = fields.List(Code(), dump_only=True)
    use_of_funds = fields.String(dump_only=True)
    use_of_funds_en = fields.String(dump_only=True, allow_none=True)
    deadline = fields.Date(dump_only=True, allow_none=True)
    status = fields.Enum(NeedStatus, by_value=True, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    # Confidential: only in the owner's view.
    revenue_last_year = fields.Integer(dump_only=True, allow_none=True)
    monthly_burn = fields.Integer(dump_only=True, allow_none=True)
    runway_months = fields.Integer(dump_only=True, allow_none=True)
    deck = fields.Function(_deck, dump_only=True, metadata={
        "type": "object", "nullable": True, "description": "the uploaded PDF deck, if any",
        "properties": {"filename": {"type": "string"}, "url": {"type": "string", "format": "uri"}}})

    PUBLIC = ("id", "startup", "instrument", "title", "title_en", "summary", "summary_en", "amount_min",
              "amount_max", "stage", "sectors", "use_of_funds", "use_of_funds_en", "deadline", "status", "created_at",
              "updated_at")
    CONFIDENTIAL = ("revenue_last_year", "monthly_burn", "runway_months", "deck")
    # "counterpart": a requester whose introduction the startup accepted (services.intros.reveals).
    VIEWS: dict[str, tuple[str, ...]] = {"public": PUBLIC, "owner": PUBLIC + CONFIDENTIAL,
                                         "counterpart": PUBLIC + CONFIDENTIAL}


def dump_need(need: FundingNeed, view: str) -> dict[str, Any]:
    """The need as the named view shows it (see ``NeedSchema.VIEWS``)."""
    return NeedSchema(only=NeedSchema.VIEWS[view]).dump(need)


class FileField(fields.Field):
    """An uploaded file of a multipart body."""

    default_error_messages = {"invalid": N_("Not a valid file.")}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not (hasattr(value, "stream") and hasattr(value, "filename")):
            raise self.make_error("invalid")
        return value


class DeckUploadSchema(Schema):
    deck = FileField(required=True, metadata={"type": "string", "format": "binary",
                                              "description": "a PDF file of at most 10 MB"})
