"""Newest-first pages at the API edge: the cursor carries the last id given."""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from marketplace.api.blueprint import QueryError, decode_cursor, encode_cursor, page_body
from marketplace.services.listing_common import MAX_ID, Page


def after_id(query: dict[str, Any]) -> int | None:
    """The id a page continues after, from the query's ``after`` cursor."""
    if query.get("after") is None:
        return None
    values = decode_cursor(query["after"])
    if len(values) != 1 or type(values[0]) is not int or not 1 <= values[0] <= MAX_ID:
        raise QueryError({"after": ["Invalid value."]})
    return values[0]


def page_response(page: Page[Any], schema: ma.Schema) -> dict[str, Any]:
    return page_body(page.items, schema, encode_cursor([page.next_after]) if page.next_after is not None else None)
