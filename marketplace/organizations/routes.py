from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import login_required

from marketplace.extensions import db
from marketplace.services import profiles

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("/<int:org_id>")
@login_required
def profile(org_id: int) -> Any:
    return render_template("organizations/profile.html", profile=profiles.public_profile(db.session, org_id))
