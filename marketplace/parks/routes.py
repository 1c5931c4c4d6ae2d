from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace.access import role_required
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.services import homes

bp = Blueprint("parks", __name__, url_prefix="/park")


@bp.get("/")
@role_required(Role.OPERATOR, Role.ADMIN)
def home() -> Any:
    figures = homes.park_figures(db.session, current_user.organization.park_id, date.today())
    return render_template("parks/home.html", figures=figures)
