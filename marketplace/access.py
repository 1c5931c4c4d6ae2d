"""Who is logged in, and which side's pages they may open."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask import Flask, abort, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required

from marketplace.extensions import db
from marketplace.models import User
from marketplace.models.enums import Role

HOME_ENDPOINTS = {
    Role.STARTUP: "startups.home",
    Role.INVESTOR: "investors.home",
    Role.BANK: "banks.home",
    Role.INCUBATOR: "incubators.home",
    Role.OPERATOR: "parks.home",
    Role.ADMIN: "parks.home",
}


class NavLink(NamedTuple):
    """A link of the navigation bar; it stays lit on the pages of ``also`` (a need's form under
    "Funding needs")."""

    endpoint: str
    label: Any
    also: tuple[str, ...] = ()

    @property
    def endpoints(self) -> tuple[str, ...]:
        return (self.endpoint, *self.also)


class NavGroup(NamedTuple):
    """A dropdown of the navigation bar, so that every side's bar fits one line."""

    label: Any
    links: tuple[NavLink, ...]

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(endpoint for link in self.links for endpoint in link.endpoints)


DEALS = _l("Deals")
INTRODUCTIONS = NavLink("deals.intro_list", _l("Introductions"))
PARTNERSHIPS = NavLink("relay.partnership_list", _l("Partnerships"))
RELAY = NavLink("relay.index", _l("Relay incubation"))
LINKED_LOANS = _l("Linked-loan offers")

# The navigation bar of each side, after its home.
SIDE_NAV: dict[Role, tuple[NavLink | NavGroup, ...]] = {
    Role.STARTUP: (NavLink("matches.startup_matches", _l("Matches"), ("matches.marked_matches",)),
                   NavLink("startups.need_list", _l("Funding needs"),
                           ("startups.new_need", "startups.edit_need", "startups.need_page")),
                   NavGroup(DEALS, (INTRODUCTIONS, NavLink("pipeline.commitments", _l("Commitments")),
                                    NavLink("pipeline.offers", LINKED_LOANS), RELAY)),
                   NavGroup(_l("Company"), (NavLink("startups.profile", _l("Profile")),
                                            NavLink("startups.ip_portfolio", _l("IP portfolio"),
                                                    ("startups.new_ip_asset", "startups.edit_ip_asset"))))),
    Role.INVESTOR: (NavLink("investors.deal_flow_page", _l("Deal flow"), ("matches.marked",)),
                    NavLink("pipeline.board", _l("Pipeline")),
                    NavGroup(DEALS, (INTRODUCTIONS, PARTNERSHIPS)), NavLink("investors.thesis", _l("Thesis"))),
    Role.BANK: (NavLink("banks.products", _l("Loan products")),
                NavLink("banks.needs", _l("Loan needs"), ("matches.marked",)),
                NavGroup(DEALS, (INTRODUCTIONS, NavLink("pipeline.bank_offers", LINKED_LOANS)))),
    Role.INCUBATOR: (NavLink("incubators.capacity_list", _l("Capacity")),
                     NavLink("incubators.startups", _l("Startups"), ("matches.marked_matches",)),
                     NavGroup(DEALS, (INTRODUCTIONS, RELAY, PARTNERSHIPS)),
                     NavLink("incubators.profile", _l("Profile"))),
    Role.OPERATOR: (),
    Role.ADMIN: (),
}


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to open that page.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(load_user)
    app.jinja_env.globals["home_endpoint"] = home_endpoint
    app.jinja_env.globals["side_nav"] = lambda user: SIDE_NAV[user.role]


def load_user(user_id: str) -> User | None:
    """Accept a session only while it names the user's current session version."""
    user_part, _, version_part = user_id.partition(":")
    if not (user_part.isdigit() and version_part.isdigit()):
        return None
    user = db.session.get(User, int(user_part))
    if user is None or user.session_version != int(version_part):
        return None
    return user


def safe_next(target: str | None, default: str) -> str:
    """A redirect target only when it stays on this site (a path, not //host or a scheme)."""
    parts = urlsplit(target or "")
    if target and target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and not parts.scheme and "\\" not in target:
        return target
    return default


def home_endpoint(user: User) -> str:
    return HOME_ENDPOINTS[user.role]


def home_url(user: User) -> str:
    return url_for(home_endpoint(user))


def role_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Anonymous visitors go to log-in (and come back); other sides get 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
