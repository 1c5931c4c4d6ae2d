from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from marketplace.access import home_url, safe_next
from marketplace.extensions import db
from marketplace.i18n import LANGUAGE_NAMES
from marketplace.services import accounts

bp = Blueprint("public", __name__)


@bp.get("/")
def landing() -> Any:
    home = home_url(current_user) if current_user.is_authenticated else None
    return render_template("public/landing.html", home=home)


@bp.post("/language")
def set_language() -> Any:
    """The switcher on every page: the account keeps the choice, a visitor's session too."""
    locale = request.form.get("locale", "")
    if locale not in LANGUAGE_NAMES:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        accounts.set_locale(db.session, current_user._get_current_object(), locale)
    return redirect(safe_next(request.form.get("next"), url_for(".landing")))


@bp.get("/favicon.ico")
def favicon() -> Any:
    return current_app.send_static_file("favicon.ico")
