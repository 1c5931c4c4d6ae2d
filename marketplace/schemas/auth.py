from __future__ import annotations

from marshmallow import fields, validate

from marketplace.schemas.base import Schema


class TokenRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)
    name = fields.String(validate=validate.Length(min=1, max=100), load_default="API")


class TokenSchema(Schema):
    token = fields.String(dump_only=True, metadata={
        "description": "Shown once; send it as 'Authorization: Bearer <token>'."})
    prefix = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
