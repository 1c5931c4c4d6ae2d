"""Schemas shared by every resource: errors, pages, and the bilingual reference rows."""
from __future__ import annotations

from functools import cache

import marshmallow as ma
from marshmallow import fields

from marketplace.models.enums import SectorGroup
from marketplace.schemas.base import Schema


class ErrorSchema(Schema):
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    retry_after = fields.Integer()


class NamedSchema(Schema):
    """A sector, stage or park: its code and its names in both languages."""

    code = fields.String(dump_only=True)
    name_zh = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)


class SectorSchema(NamedSchema):
    group = fields.Enum(SectorGroup, by_value=True, dump_only=True)


@cache
def page_of(item: type[ma.Schema]) -> type[ma.Schema]:
    """The schema of one page of ``item``: ``{"items": [...], "next": url or null}``."""
    return type(f"{item.__name__.removesuffix('Schema')}PageSchema", (Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "next": fields.Url(allow_none=True, required=True),
    })
