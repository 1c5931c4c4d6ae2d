"""``/theses/me``: the calling investor's own thesis."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.theses import ThesisSchema, thesis_schema
from marketplace.services import theses


@endpoint("/theses/me", "GET", summary=_l("Your investment thesis (404 until you state one)"), tag="theses",
          roles=[Role.INVESTOR], response=ThesisSchema, errors=(404,))
def my_thesis() -> Any:
    thesis = theses.get(db.session, caller().organization_id)
    if thesis is None:
        abort(404)
    return thesis_schema(caller(), thesis).dump(thesis)


@endpoint("/theses/me", "PUT", summary=_l("State or replace your investment thesis"), tag="theses",
          roles=[Role.INVESTOR], body=ThesisSchema, response=ThesisSchema)
def put_my_thesis() -> Any:
    data = load(ThesisSchema())
    thesis = theses.upsert(db.session, caller().organization_id, theses.ThesisInput(**data))
    return thesis_schema(caller(), thesis).dump(thesis)
