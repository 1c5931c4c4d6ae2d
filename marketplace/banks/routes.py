from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace import clock
from marketplace.access import role_required
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.services import deal_flow, desk, homes, reasons, recommendations
from marketplace.services.deal_flow import NeedFilters

bp = Blueprint("banks", __name__, url_prefix="/bank")


@bp.get("/")
@role_required(Role.BANK)
def home() -> Any:
    org_id = current_user.organization_id
    best = recommendations.needs(db.session, org_id, deal_flow.for_banks(NeedFilters()), today=clock.today(),
                                 offset=0, limit=recommendations.HIGHLIGHTS)
    return render_template("banks/home.html", home=homes.bank_home(db.session, org_id),
                           waiting=desk.waiting(db.session, org_id, Role.BANK),
                           best=reasons.explained(db.session, best.items, offer=True, own=True))


# The bank's product pages and its browsing of needs register on this blueprint.
from marketplace.banks import needs, products  # noqa: E402,F401
