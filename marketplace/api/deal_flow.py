"""``GET /needs``: the deal flow, open needs only, filtered and sorted, a keyset page at a time."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, decode_cursor, encode_cursor, endpoint, load_query, page_body
from marketplace.extensions import db
from marketplace.schemas.common import page_of
from marketplace.schemas.deal_flow import NeedCardSchema, NeedQuerySchema
from marketplace.services import deal_flow


@endpoint("/needs", "GET", summary=_l("Browse open funding needs: filters, keyword search, sort"), tag="needs",
          query=NeedQuerySchema, response=page_of(NeedCardSchema))
def browse_needs() -> Any:
    query = load_query(NeedQuerySchema())
    after = decode_cursor(query["after"]) if query["after"] else None
    needs, next_values = deal_flow.browse(db.session, query["filters"], sort=query["sort"], after=after,
                                          limit=query["limit"], viewer_org_id=caller().organization_id)
    return page_body(needs, NeedCardSchema(), encode_cursor(next_values) if next_values else None)
