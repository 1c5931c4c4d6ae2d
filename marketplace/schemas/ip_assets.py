"""IP assets at the API edge. Only their owner ever sees them, so there is one view."""
from __future__ import annotations

from typing import Any

from marshmallow import fields

from marketplace.models.enums import IPKind, IPStatus
from marketplace.schemas.base import Schema
from marketplace.schemas.needs import text, yuan
from marketplace.services.ip_assets import TEXT_LENGTHS


class IPAssetInputSchema(Schema):
    kind = fields.Enum(IPKind, by_value=True, required=True)
    number = text(TEXT_LENGTHS["number"], required=True, metadata={
        "description": "a patent number such as ZL202310123456.6 (type digit matching the kind, valid "
                       "check digit) or a software copyright number such as 2023SR0123456"})
    title = text(TEXT_LENGTHS["title"], required=True)
    status = fields.Enum(IPStatus, by_value=True, required=True)
    filed_on = fields.Date(allow_none=True)
    granted_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    appraised_value = yuan(allow_none=True)
    appraised_on = fields.Date(allow_none=True)


class IPAssetUpdateSchema(IPAssetInputSchema):
    """The same fields, each optional: only those sent change."""

    def __init__(self, **kwargs: Any):
        super().__init__(partial=True, **kwargs)


class IPAssetSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.Enum(IPKind, by_value=True, dump_only=True)
    number = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    status = fields.Enum(IPStatus, by_value=True, dump_only=True)
    filed_on = fields.Date(dump_only=True, allow_none=True)
    granted_on = fields.Date(dump_only=True, allow_none=True)
    expires_on = fields.Date(dump_only=True, allow_none=True)
    appraised_value = fields.Integer(dump_only=True, allow_none=True)
    appraised_on = fields.Date(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
