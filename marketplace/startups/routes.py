from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace.access import role_required
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.services import homes

bp = Blueprint("startups", __name__, url_prefix="/startup")


@bp.get("/")
@role_required(Role.STARTUP)
def home() -> Any:
    return render_template("startups/home.html", home=homes.startup_home(db.session, current_user.organization_id))
