"""Every write route is tried as someone else by some authorization test.

Each slice's authorization tests list the routes they cover in ``WRITE_ROUTES``; a write
route that no list names fails here, so a new route cannot slip in untested.
"""
from __future__ import annotations

import importlib
import pkgutil

import tests
from tests.conftest import make_app

# Routes that act only on the caller's own session or account, or make an account; their
# tests live in test_auth.py, test_invitations.py and test_api.py.
OWN_ACCOUNT = {
    "/signup", "/login", "/logout", "/language", "/invite/<token>", "/api/v1/auth/token",
    "/account/password", "/account/email", "/account/invitations", "/account/tokens",
}
WRITE_ROUTES = [  # tried as another organization in test_invitations.py and test_api.py
    "/account/invitations/<int:invitation_id>/revoke",
    "/account/tokens/<int:token_id>/revoke",
]


def covered_routes() -> set[str]:
    routes: set[str] = set()
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("test_"):
            routes.update(getattr(importlib.import_module(f"tests.{module.name}"), "WRITE_ROUTES", []))
    return routes


def test_every_write_route_is_tried_as_someone_else():
    app = make_app("sqlite://")
    writes = {rule.rule for rule in app.url_map.iter_rules()
              if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    assert sorted(writes - OWN_ACCOUNT - covered_routes()) == []
