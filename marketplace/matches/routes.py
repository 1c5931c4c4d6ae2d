"""``/matches``: the startup's ranked matches, one tab per side, and the save / dismiss buttons of
every ranked list (an investor's or a bank's needs, a startup's tabs, an incubator's startups), with
the pages where the marked matches are found again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace import clock
from marketplace.access import role_required, safe_next
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models.enums import InteractionAction, Role
from marketplace.paging import Page
from marketplace.services import eligibility, interactions, ip_pledge, reasons, recommendations, startup_profile
from marketplace.services.matching import CAPACITIES, INVESTORS, NEEDS, PRODUCTS, STARTUPS

bp = Blueprint("matches", __name__, url_prefix="/matches")

PAGE_SIZE = 30
TABS = {INVESTORS: _l("Investors"), PRODUCTS: _l("Loan products"), CAPACITIES: _l("Incubation seats")}
MARK_TABS = {InteractionAction.SAVE: _l("Saved"), InteractionAction.DISMISS: _l("Not for us")}
# the lists as a route's choices: every list's matches take marks; needs have their own marked page
ALL_LISTS = ", ".join(f"'{name}'" for name in interactions.LISTS)
OTHER_LISTS = ", ".join(f"'{name}'" for name in interactions.LISTS if name != NEEDS)
# what a new mark says, on a need and on any other match
NEED_MARKED = {InteractionAction.SAVE: _l("Saved. The need is starred in your ranked list and found again under "
                                          "“Marked needs”."),
               InteractionAction.DISMISS: _l("Dismissed: this need will not be shown in your ranked list again. "
                                             "Bring it back from “Marked needs”.")}
MATCH_MARKED = {InteractionAction.SAVE: _l("Saved. Find it again under “Marked”."),
                InteractionAction.DISMISS: _l("Set aside: it will not be shown in this ranked list again. "
                                              "Bring it back from “Marked”.")}
TAKEN_BACK = _l("The mark is taken back.")


@bp.get("/")
@role_required(Role.STARTUP)
def startup_matches() -> Any:
    tab = request.args.get("tab", INVESTORS)
    if tab not in TABS:
        abort(404)
    page = Page.requested(PAGE_SIZE)
    ranked = recommendations.for_startup(db.session, current_user.organization_id, tab, today=clock.today(),
                                         offset=page.offset, limit=page.size)
    items = reasons.explained(db.session, ranked.items, offer=tab != INVESTORS)
    startup = startup_profile.own_startup(db.session, current_user.organization_id)
    return render_template("matches/startup.html", tab=tab, tabs=TABS, items=items, startup=startup,
                           tab_urls={key: url_for(".startup_matches", tab=key) for key in TABS},
                           marks=interactions.marks_of(db.session, current_user.organization_id, tab,
                                                       [item.item.id for item in items]),
                           first_rank=page.first_rank, next_url=page.next_url(ranked.total),
                           first_url=page.first_url())


@bp.get("/loan-products/sizing")
@role_required(Role.STARTUP)
def sizing_overview() -> Any:
    """What the startup's IP portfolio can borrow under each active IP-pledge product."""
    sizings = ip_pledge.for_portfolio(db.session, current_user.organization_id, clock.today())
    return render_template("matches/sizing_overview.html", sizings=sizings)


@bp.get("/loan-products/<int:product_id>/sizing")
@role_required(Role.STARTUP)
def sizing(product_id: int) -> Any:
    """One IP-pledge product's calculation, asset by asset."""
    today = clock.today()
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
    tab = _mark_tab()
    page = Page.requested(PAGE_SIZE)
    every = interactions.marked(db.session, current_user.organization_id, tab)
    needs = page.of(every)
    return render_template("matches/marked.html", tab=tab, tabs=MARK_TABS, tab_urls=_mark_tab_urls(), needs=needs,
                           today=clock.today(), marks={need.id: tab for need in needs},
                           back_url=_ranked_list_url(NEEDS), next_url=page.next_url(len(every)),
                           first_url=page.first_url())


@bp.get(f"/<any({OTHER_LISTS}):list_name>/marked")
@role_required(Role.STARTUP, Role.INCUBATOR)
def marked_matches(list_name: str) -> Any:
    """A startup's saved investors, loan products or seats, or an incubator's saved startups; or
    those set aside as not for it, to bring back."""
    _may_mark(list_name)
    tab = _mark_tab()
    page = Page.requested(PAGE_SIZE)
    every = interactions.marked_rows(db.session, current_user.organization_id, list_name, tab)
    items = page.of(every)
    return render_template("matches/marked_matches.html", list_name=list_name, tab=tab, tabs=MARK_TABS,
                           tab_urls=_mark_tab_urls(), items=items, marks={item.id: tab for item in items},
                           back_url=_ranked_list_url(list_name), next_url=page.next_url(len(every)),
                           first_url=page.first_url())


def _mark_tab() -> InteractionAction:
    try:
        tab = InteractionAction(request.args.get("mark", InteractionAction.SAVE.value))
    except ValueError:
        abort(404)
    if tab not in MARK_TABS:
        abort(404)
    return tab


def _mark_tab_urls() -> dict[InteractionAction, str]:
    """This marked page's address for each tab."""
    return {key: url_for(request.endpoint, **request.view_args, mark=key.value) for key in MARK_TABS}


def _may_mark(list_name: str) -> None:
    """Another side's list is not the viewer's to mark or to read."""
    if not interactions.holds(current_user.organization.kind, list_name):
        abort(403)


def _mark(list_name: str, item_id: int, action: InteractionAction | None) -> Any:
    """Save, dismiss or take back a mark."""
    _may_mark(list_name)
    org_id = current_user.organization_id
    try:
        if action is None:
            interactions.clear(db.session, org_id, list_name, item_id)
        else:
            interactions.mark(db.session, org_id, current_user.id, list_name, item_id, action)
    except DomainError as error:
        return _back(list_name, str(next(iter(error.errors.values()))[0]), "danger")
    said = TAKEN_BACK if action is None else (NEED_MARKED if list_name == NEEDS else MATCH_MARKED)[action]
    return _back(list_name, str(said), "success")


def _back(list_name: str, message: str, category: str) -> Any:
    """To the page the button was on, with the outcome said."""
    flash(message, category)
    return redirect(safe_next(request.form.get("next"), _ranked_list_url(list_name)))


def _ranked_list_url(list_name: str) -> str:
    """The viewer's ranked list: a bank's loan needs, an investor's deal flow, a startup's tab of
    matches, an incubator's startups."""
    if list_name == NEEDS:
        return url_for("banks.needs") if current_user.role == Role.BANK else url_for("investors.deal_flow_page")
    if list_name == STARTUPS:
        return url_for("incubators.startups")
    return url_for(".startup_matches", tab=list_name)


MARKING = (Role.INVESTOR, Role.BANK, Role.STARTUP, Role.INCUBATOR)


@bp.post(f"/<any({ALL_LISTS}):list_name>/<int:item_id>/save")
@role_required(*MARKING)
def save(list_name: str, item_id: int) -> Any:
    return _mark(list_name, item_id, InteractionAction.SAVE)


@bp.post(f"/<any({ALL_LISTS}):list_name>/<int:item_id>/dismiss")
@role_required(*MARKING)
def dismiss(list_name: str, item_id: int) -> Any:
    return _mark(list_name, item_id, InteractionAction.DISMISS)


@bp.post(f"/<any({ALL_LISTS}):list_name>/<int:item_id>/clear")
@role_required(*MARKING)
def clear(list_name: str, item_id: int) -> Any:
    return _mark(list_name, item_id, None)
