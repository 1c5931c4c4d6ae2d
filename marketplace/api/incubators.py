"""``/incubators/<id>``: an incubator's profile; ``/startups/seeking-incubation``: the startups
that look for incubation, as incubators browse them."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.common import page_of
from marketplace.schemas.incubators import IncubatorProfileSchema, SeekingStartupQuerySchema, SeekingStartupSchema
from marketplace.services import incubator_profile

TAG = "incubators"


@endpoint("/incubators/<int:org_id>", "GET", summary=_l("An incubator's profile, services and partner investors"),
          tag=TAG, response=IncubatorProfileSchema)
def get_incubator(org_id: int) -> Any:
    return IncubatorProfileSchema().dump(incubator_profile.profile(db.session, org_id))


@endpoint("/incubators/<int:org_id>", "PATCH", summary=_l("Change your incubator's profile"), tag=TAG,
          roles=(Role.INCUBATOR,), body=IncubatorProfileSchema, response=IncubatorProfileSchema)
def update_incubator(org_id: int) -> Any:
    changes = load(IncubatorProfileSchema())
    return IncubatorProfileSchema().dump(
        incubator_profile.update(db.session, caller().organization_id, org_id, changes))


@endpoint("/startups/seeking-incubation", "GET", summary=_l("Startups looking for incubation, newest first"),
          tag=TAG, roles=(Role.INCUBATOR,), query=SeekingStartupQuerySchema, response=page_of(SeekingStartupSchema))
def seeking_incubation() -> Any:
    query = load_query(SeekingStartupQuerySchema())
    page = incubator_profile.seeking_startups(db.session, sector=query.get("sector"), stage=query.get("stage"),
                                              park=query.get("park"), after=after_id(query), limit=query["limit"])
    return page_response(page, SeekingStartupSchema())
