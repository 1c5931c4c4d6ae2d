from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace.access import role_required
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.services import homes

bp = Blueprint("incubators", __name__, url_prefix="/incubator")


@bp.get("/")
@role_required(Role.INCUBATOR)
def home() -> Any:
    home = homes.incubator_home(db.session, current_user.organization_id, date.today())
    return render_template("incubators/home.html", home=home, today=date.today())
