"""``/ip-assets``: the calling startup's own patents and software copyrights."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.common import page_of
from marketplace.schemas.ip_assets import IPAssetInputSchema, IPAssetSchema, IPAssetUpdateSchema
from marketplace.schemas.listing_fields import PageQuerySchema
from marketplace.services import ip_assets

STARTUPS = (Role.STARTUP,)


@endpoint("/ip-assets", "GET", summary=_l("Your IP portfolio, newest entry first"), tag="ip-assets",
          roles=STARTUPS, query=PageQuerySchema, response=page_of(IPAssetSchema))
def list_ip_assets() -> Any:
    query = load_query(PageQuerySchema())
    page = ip_assets.page(db.session, caller().organization_id, after_id=after_id(query), limit=query["limit"])
    return page_response(page, IPAssetSchema())


@endpoint("/ip-assets", "POST", summary=_l("Add a patent or software copyright to your portfolio"),
          tag="ip-assets", roles=STARTUPS, body=IPAssetInputSchema, response=IPAssetSchema, status=201,
          errors=(409,))
def create_ip_asset() -> Any:
    asset = ip_assets.create(db.session, caller().organization_id, load(IPAssetInputSchema()))
    return IPAssetSchema().dump(asset), 201


@endpoint("/ip-assets/<int:asset_id>", "GET", summary=_l("One asset of your IP portfolio"), tag="ip-assets",
          roles=STARTUPS, response=IPAssetSchema)
def ip_asset_detail(asset_id: int) -> Any:
    return IPAssetSchema().dump(ip_assets.owned(db.session, caller().organization_id, asset_id))


@endpoint("/ip-assets/<int:asset_id>", "PATCH", summary=_l("Change an asset of your IP portfolio"),
          tag="ip-assets", roles=STARTUPS, body=IPAssetUpdateSchema, response=IPAssetSchema, errors=(409,))
def update_ip_asset(asset_id: int) -> Any:
    changes = load(IPAssetUpdateSchema(), partial=True)
    return IPAssetSchema().dump(ip_assets.update(db.session, caller().organization_id, asset_id, changes))


@endpoint("/ip-assets/<int:asset_id>", "DELETE", summary=_l("Remove an asset from your IP portfolio"),
          tag="ip-assets", roles=STARTUPS, status=204)
def delete_ip_asset(asset_id: int) -> Any:
    ip_assets.delete(db.session, caller().organization_id, asset_id)
    return "", 204
