from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace import clock
from marketplace.access import role_required
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.services import homes, linked_loans

bp = Blueprint("parks", __name__, url_prefix="/park")


@bp.get("/")
@role_required(Role.OPERATOR, Role.ADMIN)
def home() -> Any:
    park_id = current_user.organization.park_id
    figures = homes.park_figures(db.session, park_id, clock.today())
    deals = {"confirmed_equity": linked_loans.confirmed_equity_total(db.session, park_id),
             "linked_disbursed": linked_loans.disbursed_total(db.session, park_id)}
    return render_template("parks/home.html", figures=figures, deals=deals)
