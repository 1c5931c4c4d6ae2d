from __future__ import annotations

from marshmallow import fields

from marketplace.schemas.base import Schema
from marketplace.schemas.common import NamedSchema, SectorSchema


class StageSchema(NamedSchema):
    ordinal = fields.Integer(dump_only=True)


class ParkSchema(NamedSchema):
    leading_industries = fields.Pluck(SectorSchema, "code", many=True, dump_only=True)


class TaxonomySchema(Schema):
    version = fields.String(dump_only=True)
    sectors = fields.List(fields.Nested(SectorSchema), dump_only=True)
    stages = fields.List(fields.Nested(StageSchema), dump_only=True)
    parks = fields.List(fields.Nested(ParkSchema), dump_only=True)
