"""What the offer and profile schemas share: reference rows as codes, exact decimals as
JSON numbers, the paging part of a list's query, the organization an offer belongs to."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from marketplace.schemas.base import Schema


class Code(fields.String):
    """A sector, stage or park: read as its code (see /taxonomy), written from the row's code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Regexp(r"^[a-z0-9_]{1,40}$"), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.code


class Fraction(fields.Decimal):
    """A ratio or share: read exactly from a JSON number or string, written as a JSON number."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> float | None:
        return None if value is None else float(value)


class PageQuerySchema(Schema):
    """The query of a paged list: where to continue, and how many to give."""

    after = fields.String(validate=validate.Length(1, 200), metadata={"description": "The cursor of the next page."})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class WholeNested(fields.Nested):
    """A nested object that is always read whole, even inside a PATCH's partial body."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, partial: Any = None, **kwargs: Any) -> Any:
        return super()._deserialize(value, attr, data, partial=False, **kwargs)


class OrgRefSchema(Schema):
    """The organization an offer or link points at: enough to name it and look it up."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True, allow_none=True)
