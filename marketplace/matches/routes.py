"""``/matches``: the startup's ranked matches, one tab per side, and the save / dismiss buttons
of the investors' and banks' ranked deal flow."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.access import role_required, safe_next
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models.enums import InteractionAction, Role
from marketplace.paging import Page
from marketplace.services import eligibility, interactions, ip_pledge, reasons, recommendations, startup_profile
from marketplace.services.matching import CAPACITIES, INVESTORS, PRODUCTS

bp = Blueprint("matches", __name__, url_prefix="/matches")

PAGE_SIZE = 30
TABS = {INVESTORS: _l("Investors"), PRODUCTS: _l("Loan products"), CAPACITIES: _l("Incubation seats")}
MARK_TABS = {InteractionAction.SAVE: _l("Saved"), InteractionAction.DISMISS: _l("Not for us")}


@bp.get("/")
@role_required(Role.STARTUP)
def startup_matches() -> Any:
    tab = request.args.get("tab", INVESTORS)
    if tab not in TABS:
        abort(404)
    page = Page.requested(PAGE_SIZE)
    ranked = recommendations.for_startup(db.session, current_user.organization_id, tab, today=date.today(),
                                         offset=page.offset, limit=page.size)
    items = reasons.explained(db.session, ranked.items, offer=tab != INVESTORS)
    startup = startup_profile.own_startup(db.session, current_user.organization_id)
    return render_template("matches/startup.html", tab=tab, tabs=TABS, items=items, startup=startup,
                           first_rank=page.first_rank, next_url=page.next_url(ranked.total),
                           first_url=page.first_url())


@bp.get("/loan-products/sizing")
@role_required(Role.STARTUP)
def sizing_overview() -> Any:
    """What the startup's IP portfolio can borrow under each active IP-pledge product."""
    sizings = ip_pledge.for_portfolio(db.session, current_user.organization_id, date.today())
    return render_template("matches/sizing_overview.html", sizings=sizings)


@bp.get("/loan-products/<int:product_id>/sizing")
@role_required(Role.STARTUP)
def sizing(product_id: int) -> Any:
    """One IP-pledge product's calculation, asset by asset."""
    today = date.today()
    org_id = current_user.organization_id
    result = ip_pledge.for_product(db.session, org_id, product_id, today)
    startup = startup_profile.own_startup(db.session, org_id)
    return render_template("matches/sizing.html", sizing=result, stale_months=ip_pledge.STALE_AFTER_MONTHS,
                           admitted=eligibility.admits(result.listing, startup, today))


@bp.get("/needs/marked")
@role_required(Role.INVESTOR, Role.BANK)
def marked() -> Any:
    """The needs the viewer's organization saved (closed and funded ones too), or set aside as not for it
    (open ones, to bring back)."""
    try:
        tab = InteractionAction(request.args.get("mark", InteractionAction.SAVE.value))
    except ValueError:
        abort(404)
    if tab not in MARK_TABS:
        abort(404)
    org_id = current_user.organization_id
    needs = interactions.marked(db.session, org_id, tab)
    return render_template("matches/marked.html", tab=tab, tabs=MARK_TABS, needs=needs, today=date.today(),
                           marks={need.id: tab for need in needs}, back_url=_ranked_list_url())


def _mark(need_id: int, action: InteractionAction | None) -> Any:
    org_id = current_user.organization_id
    try:
        if action is None:
            interactions.clear(db.session, org_id, need_id)
        else:
            interactions.mark(db.session, org_id, current_user.id, need_id, action)
    except DomainError as error:
        return _back(str(next(iter(error.errors.values()))[0]), "danger")
    messages = {InteractionAction.SAVE: _("Saved. The need is marked with a star in your deal flow."),
                InteractionAction.DISMISS: _("Dismissed: this need will not be shown in your ranked deal flow again. "
                                             "Bring it back from “Marked needs”."),
                None: _("The mark is taken back.")}
    return _back(messages[action], "success")


def _back(message: str, category: str) -> Any:
    """To the page the button was on, with the outcome said."""
    flash(message, category)
    return redirect(safe_next(request.form.get("next"), _ranked_list_url()))


def _ranked_list_url() -> str:
    """The viewer's ranked list of needs: a bank's loan needs, an investor's deal flow."""
    return url_for("banks.needs") if current_user.role == Role.BANK else url_for("investors.deal_flow_page")


@bp.post("/needs/<int:need_id>/save")
@role_required(Role.INVESTOR, Role.BANK)
def save(need_id: int) -> Any:
    return _mark(need_id, InteractionAction.SAVE)


@bp.post("/needs/<int:need_id>/dismiss")
@role_required(Role.INVESTOR, Role.BANK)
def dismiss(need_id: int) -> Any:
    return _mark(need_id, InteractionAction.DISMISS)


@bp.post("/needs/<int:need_id>/clear")
@role_required(Role.INVESTOR, Role.BANK)
def clear(need_id: int) -> Any:
    return _mark(need_id, None)
