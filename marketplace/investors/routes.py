"""The investor's side: its thesis and deal flow."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import clock
from marketplace.access import role_required
from marketplace.api.blueprint import QueryError, decode_cursor, encode_cursor
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import locale_code
from marketplace.investors.forms import NeedFilterForm, Reference, ThesisForm, thesis_query
from marketplace.models import FundingNeed
from marketplace.models.enums import InteractionAction, Role
from marketplace.paging import Page
from marketplace.services import deal_flow, desk, homes, interactions, matching, reasons, recommendations, theses
from marketplace.services.deal_flow import NeedFilters
from marketplace.services.listing_common import all_parks, all_stages, current_sectors

bp = Blueprint("investors", __name__, url_prefix="/investor")

PAGE_SIZE = 20


@bp.get("/")
@role_required(Role.INVESTOR)
def home() -> Any:
    org_id = current_user.organization_id
    best = recommendations.needs(db.session, org_id, NeedFilters(), today=clock.today(), offset=0,
                                 limit=recommendations.HIGHLIGHTS)
    return render_template("investors/home.html", home=homes.investor_home(db.session, org_id),
                           thesis=theses.get(db.session, org_id),
                           waiting=desk.waiting(db.session, org_id, Role.INVESTOR),
                           best=reasons.explained(db.session, best.items, own=True))


def reference() -> Reference:
    return Reference(current_sectors(db.session), all_stages(db.session), all_parks(db.session))


@bp.route("/thesis", methods=["GET", "POST"])
@role_required(Role.INVESTOR)
def thesis() -> Any:
    saved = theses.get(db.session, current_user.organization_id)
    form = ThesisForm(data=ThesisForm.saved(saved) if saved and request.method == "GET" else None)
    words = reference()
    form.offer(words, theses.partner_choices(db.session), locale_code())
    if form.validate_with(lambda: theses.check(db.session, form.input())):
        try:
            theses.upsert(db.session, current_user.organization_id, form.input())
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("Your thesis is saved."), "success")
            return redirect(url_for("investors.home"))
    return render_template("investors/thesis.html", form=form, reference=words, is_new=saved is None), \
        422 if form.errors else 200


@dataclass
class NeedPage:
    """One page of the deal flow as a page shows it: the needs and where to go from here; a
    ranked page also has each need's reasons and bar, and the viewer's marks (saved, dismissed)."""

    needs: list[FundingNeed]
    next_url: str | None
    first_url: str | None  # None on the first page
    today: date
    matches: dict[int, reasons.Explained] | None = None  # a ranked page: each need's reasons and bar
    marks: dict[int, InteractionAction] = field(default_factory=dict)
    first_rank: int | None = None  # a ranked page: the rank of its first need


def need_page(form: NeedFilterForm, narrow: Callable[[NeedFilters], NeedFilters]) -> NeedPage | None:
    """Browse with the filters of ``form`` (read from the query string), narrowed by ``narrow``;
    None when the filters are refused, their messages then on the form."""
    if not form.validate():
        return None
    if form.sort.data == matching.BEST_MATCH:
        return _ranked_page(form, narrow)
    try:
        after = decode_cursor(request.args["after"]) if request.args.get("after") else None
        today = clock.today()
        needs, next_values = deal_flow.browse(db.session, narrow(form.filters()), sort=form.sort.data, after=after,
                                              limit=PAGE_SIZE, today=today,
                                              viewer_org_id=current_user.organization_id)
    except QueryError:
        form.form_errors.append(deal_flow.BROKEN_CURSOR)
        return None
    except DomainError as error:
        form.attach(error.errors)
        return None
    args = {key: values for key, values in request.args.lists() if key != "after"}
    return NeedPage(
        needs,
        next_url=url_for(request.endpoint, **args, after=encode_cursor(next_values)) if next_values else None,
        first_url=url_for(request.endpoint, **args) if after is not None else None,
        today=today,
    )


def _ranked_page(form: NeedFilterForm, narrow: Callable[[NeedFilters], NeedFilters]) -> NeedPage | None:
    """The needs the filters keep, best match first for the viewer's organization, with reasons."""
    page = Page.requested(PAGE_SIZE)
    today = clock.today()
    org_id = current_user.organization_id
    try:
        ranked = recommendations.needs(db.session, org_id, narrow(form.filters()), today=today,
                                       offset=page.offset, limit=page.size)
    except DomainError as error:
        form.attach(error.errors)
        return None
    return NeedPage(
        [item.item for item in ranked.items],
        next_url=page.next_url(ranked.total),
        first_url=page.first_url(),
        today=today,
        matches={e.item.id: e for e in reasons.explained(db.session, ranked.items,
                                                         offer=current_user.role == Role.BANK, own=True)},
        marks=interactions.marks_of(db.session, org_id, interactions.NEEDS, [item.item.id for item in ranked.items]),
        first_rank=page.first_rank,
    )


@bp.get("/deal-flow")
@role_required(Role.INVESTOR)
def deal_flow_page() -> Any:
    words = reference()
    form = NeedFilterForm(formdata=request.args)
    words.offer(form, locale_code())
    page = need_page(form, lambda filters: filters)
    saved = theses.get(db.session, current_user.organization_id)
    return render_template(
        "investors/deal_flow.html", form=form, reference=words, page=page,
        thesis_url=url_for("investors.deal_flow_page", **thesis_query(saved)) if saved else None,
    ), 200 if page is not None else 400
