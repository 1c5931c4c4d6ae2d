"""``POST /api/v1/auth/token``: an email and password give a bearer token."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import endpoint, load
from marketplace.extensions import db
from marketplace.rate_limits import auth_limits
from marketplace.schemas.auth import TokenRequestSchema, TokenSchema
from marketplace.services import accounts, tokens

TOKEN_DAYS = 90


@endpoint("/auth/token", "POST", summary=_l("Exchange an email and password for a bearer token"), tag="auth",
          auth=False, body=TokenRequestSchema, response=TokenSchema, status=201, errors=(401, 429))
@auth_limits
def issue_token() -> Any:
    data = load(TokenRequestSchema())
    user = accounts.authenticate(db.session, data["email"], data["password"])
    if user is None:
        abort(401)
    token, raw = tokens.create(db.session, user, name=data["name"], ttl_days=TOKEN_DAYS)
    return TokenSchema().dump({"token": raw, "prefix": token.prefix, "name": token.name,
                               "expires_at": token.expires_at}), 201
