"""``/capacities``: incubators offer relay-incubation seats; every member browses the open offers."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace import clock
from marketplace.api.blueprint import caller, endpoint, load, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.capacities import (
    CapacityChangesSchema,
    CapacityQuerySchema,
    CapacitySchema,
    schema,
    view_for,
)
from marketplace.schemas.common import page_of
from marketplace.services import capacities
from marketplace.services.capacities import CapacityTerms

TAG = "incubation capacity"


@endpoint("/capacities", "GET", summary=_l("Open relay-incubation offers of every incubator, newest first"),
          tag=TAG, query=CapacityQuerySchema, response=page_of(CapacitySchema))
def list_capacities() -> Any:
    query = load_query(CapacityQuerySchema())
    page = capacities.browse(
        db.session, caller().organization_id, today=clock.today(), mine=query.get("mine", False),
        sector=query.get("sector"), stage=query.get("stage"), has_seats=query.get("has_seats"),
        after=after_id(query), limit=query["limit"])
    return page_response(page, schema("owner" if query.get("mine") else "public"))


@endpoint("/capacities", "POST", summary=_l("Offer relay-incubation seats"), tag=TAG, roles=(Role.INCUBATOR,),
          body=CapacitySchema, response=CapacitySchema, status=201)
def create_capacity() -> Any:
    terms = CapacityTerms(**load(CapacitySchema()))
    capacity = capacities.create(db.session, caller().organization_id, terms, today=clock.today())
    return schema("owner").dump(capacity), 201


@endpoint("/capacities/<int:capacity_id>", "GET", summary=_l("A relay-incubation offer"), tag=TAG,
          response=CapacitySchema)
def get_capacity(capacity_id: int) -> Any:
    viewer = caller().organization_id
    capacity = capacities.visible(db.session, viewer, capacity_id)
    return schema(view_for(viewer, capacity.incubator_id)).dump(capacity)


@endpoint("/capacities/<int:capacity_id>", "PATCH",
          summary=_l("Change your relay-incubation offer; is_open false closes it"), tag=TAG,
          roles=(Role.INCUBATOR,), body=CapacityChangesSchema, response=CapacitySchema)
def update_capacity(capacity_id: int) -> Any:
    changes = load(CapacityChangesSchema(), partial=True)
    return schema("owner").dump(capacities.update(db.session, caller().organization_id, capacity_id, changes))
