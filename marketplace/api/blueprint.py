"""The ``/api/v1`` blueprint and what every endpoint shares: bearer tokens, roles, bodies,
errors, pagination, and the registry the OpenAPI document is built from."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import marshmallow as ma
from flask import Blueprint, abort, g, request, url_for

from marketplace.errors import render_error
from marketplace.extensions import db
from marketplace.models import User
from marketplace.models.enums import Role
from marketplace.schemas.base import translate
from marketplace.services import tokens

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@dataclass
class Operation:
    """One documented endpoint: what it takes and what it gives."""

    path: str
    method: str
    endpoint: str
    summary: Any  # a lazy string: documented in the reader's language
    tag: str
    auth: bool = True
    roles: tuple[Role, ...] = ()
    body: type[ma.Schema] | ma.Schema | None = None
    query: type[ma.Schema] | None = None
    response: type[ma.Schema] | ma.Schema | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    consumes: str = "application/json"
    produces: str = "application/json"


OPERATIONS: list[Operation] = []


def endpoint(rule: str, method: str, *, summary: Any, tag: str, auth: bool = True, roles: Iterable[Role] = (),
             body: Any = None, query: Any = None, response: Any = None, status: int = 200,
             errors: Iterable[int] = (), consumes: str = "application/json",
             produces: str = "application/json") -> Callable:
    """Route a view under /api/v1 and document it; with ``auth`` the caller needs a token
    (401 without), with ``roles`` one of those roles (403 otherwise)."""
    roles = tuple(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if auth and g.api_user is None:
                abort(401)
            if roles and g.api_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        bp.add_url_rule(rule, view.__name__, guarded, methods=[method])
        implied = {401} if auth else set()
        if roles:
            implied.add(403)
        if body is not None:
            implied |= {400, 422}
        if query is not None or "<" in rule:
            implied |= {400} if query is not None else set()
        if "<" in rule:
            implied.add(404)
        OPERATIONS.append(Operation(
            path=rule, method=method.lower(), endpoint=f"api.{view.__name__}", summary=summary, tag=tag,
            auth=auth, roles=roles, body=body, query=query, response=response, status=status,
            errors=tuple(sorted(implied | set(errors))), consumes=consumes, produces=produces,
        ))
        return guarded

    return decorator


@bp.before_request
def authenticate() -> Any:
    """Bearer tokens only: the API never reads the session cookie, so it needs no CSRF token."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, raw = header.partition(" ")
    user = tokens.authenticate(db.session, raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
    if user is None:
        return render_error(401)
    g.api_user = user
    return None


def caller() -> User:
    return g.api_user


def load(schema: ma.Schema, *, partial: bool = False) -> dict[str, Any]:
    """The request's JSON body through ``schema``: 400 when it is not a JSON object."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return schema.load(data, partial=partial)


def load_query(schema: ma.Schema) -> dict[str, Any]:
    try:
        return schema.load(request.args.to_dict(flat=False) if _has_lists(schema) else request.args.to_dict())
    except ma.ValidationError as error:
        raise QueryError(error.messages) from None


def _has_lists(schema: ma.Schema) -> bool:
    return any(isinstance(f, ma.fields.List) for f in schema.fields.values())


class QueryError(Exception):
    def __init__(self, messages: Any):
        super().__init__(messages)
        self.messages = messages


@bp.errorhandler(ma.ValidationError)
def validation_error(error: ma.ValidationError) -> Any:
    db.session.rollback()
    return render_error(422, translate(error.messages))


@bp.errorhandler(QueryError)
def query_error(error: QueryError) -> Any:
    return render_error(400, translate(error.messages))


# --- Pagination: keyset cursors, so page 1,000 costs what page 1 does ---------------------

def encode_cursor(values: Iterable[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise QueryError({"after": ["Invalid value."]}) from None
    if not isinstance(values, list):
        raise QueryError({"after": ["Invalid value."]})
    return values


def page_body(items: list[Any], schema: ma.Schema, next_cursor: str | None) -> dict[str, Any]:
    """``{"items": [...], "next": url or null}``; ``next`` keeps the request's own filters."""
    next_url = None
    if next_cursor is not None:
        args = request.args.to_dict(flat=False)
        args["after"] = [next_cursor]
        next_url = url_for(request.endpoint, **request.view_args, **args, _external=True)
    return {"items": schema.dump(items, many=True), "next": next_url}
