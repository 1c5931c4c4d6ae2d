"""``/marks/<list>/...``: save and dismiss a match of one of the caller's ranked lists, as the
pages' buttons do (``services.interactions``); a dismissed match leaves that list in the pages and
in ``/recommendations``."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models.enums import InteractionAction, Role
from marketplace.schemas.marks import MarkBodySchema, MarkPageSchema, MarkQuerySchema, MarkSchema
from marketplace.services import interactions

TAG = "marks"
MARKING = (Role.INVESTOR, Role.BANK, Role.STARTUP, Role.INCUBATOR)


def _own_list(list_name: str) -> int:
    """The caller's organization, when its side holds the list: 404 for no such list, 403 for another
    side's."""
    if list_name not in interactions.LISTS:
        abort(404)
    user = caller()
    if not interactions.holds(user.organization.kind, list_name):
        abort(403)
    return user.organization_id


@endpoint("/marks/<list_name>", "GET", summary=_l("What you saved, or dismissed, in one of your ranked lists"),
          tag=TAG, roles=MARKING, query=MarkQuerySchema, response=MarkPageSchema)
def list_marks(list_name: str) -> Any:
    org_id = _own_list(list_name)
    query = load_query(MarkQuerySchema())
    page = interactions.marks_page(db.session, org_id, list_name, InteractionAction(query["mark"]),
                                   after=after_id(query), limit=query["limit"])
    return page_response(page, MarkSchema())


@endpoint("/marks/<list_name>/<int:item_id>", "PUT", summary=_l("Save or dismiss a match of one of your ranked lists"),
          tag=TAG, roles=MARKING, body=MarkBodySchema, response=MarkSchema)
def put_mark(list_name: str, item_id: int) -> Any:
    org_id = _own_list(list_name)
    data = load(MarkBodySchema())
    row = interactions.mark(db.session, org_id, caller().id, list_name, item_id, InteractionAction(data["mark"]))
    return MarkSchema().dump(row)


@endpoint("/marks/<list_name>/<int:item_id>", "DELETE", summary=_l("Take back your mark on a match"), tag=TAG,
          roles=MARKING, status=204)
def delete_mark(list_name: str, item_id: int) -> Any:
    interactions.clear(db.session, _own_list(list_name), list_name, item_id)
    return "", 204
