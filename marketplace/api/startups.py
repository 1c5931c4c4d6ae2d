"""``PATCH /organizations/<id>``: a startup edits its own profile."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.startups import StartupProfileSchema, StartupProfileUpdateSchema
from marketplace.services import startup_profile


@endpoint("/organizations/<int:org_id>", "PATCH", summary=_l("Change your startup's profile"),
          tag="organizations", roles=(Role.STARTUP,), body=StartupProfileUpdateSchema,
          response=StartupProfileSchema)
def update_organization(org_id: int) -> Any:
    startup = startup_profile.update(db.session, caller().organization_id, org_id,
                                     load(StartupProfileUpdateSchema()))
    return StartupProfileSchema().dump(startup)
