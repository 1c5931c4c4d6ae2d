"""The bank's loan products: list, publish, change, withdraw and put back."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import role_required
from marketplace.banks.forms import ProductForm
from marketplace.banks.routes import bp
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import locale_code, localized
from marketplace.models.enums import Role
from marketplace.services import loan_products
from marketplace.services.listing_common import all_stages, current_sectors
from marketplace.services.loan_products import LoanTerms


def _form(**kwargs: Any) -> ProductForm:
    form = ProductForm(**kwargs)
    form.set_choices([(s.code, localized(s)) for s in current_sectors(db.session)],
                     [(s.code, localized(s)) for s in all_stages(db.session)])
    return form


def _form_page(form: ProductForm, listing: Any = None) -> Any:
    return render_template("banks/product_form.html", form=form, listing=listing), 422 if form.errors else 200


@bp.get("/products")
@role_required(Role.BANK)
def products() -> Any:
    return render_template("banks/products.html",
                           products=loan_products.of_bank(db.session, current_user.organization_id))


@bp.route("/products/new", methods=["GET", "POST"])
@role_required(Role.BANK)
def new_product() -> Any:
    form = _form()
    bank_id = current_user.organization_id
    if form.validate_with(lambda: loan_products.check(db.session, bank_id, form.changes())):
        try:
            listing = loan_products.create(db.session, bank_id, LoanTerms(**form.changes()))
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("%(name)s is published.", name=listing.display_name(locale_code())), "success")
            return redirect(url_for(".products"))
    return _form_page(form)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@role_required(Role.BANK)
def edit_product(product_id: int) -> Any:
    bank_id = current_user.organization_id
    listing = loan_products.own(db.session, bank_id, product_id)
    form = _form(data=ProductForm.data_of(listing)) if request.method == "GET" else _form()
    if form.validate_with(lambda: loan_products.check(db.session, bank_id, form.changes(), product_id=product_id)):
        try:
            listing = loan_products.update(db.session, bank_id, product_id, form.changes())
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("%(name)s is saved.", name=listing.display_name(locale_code())), "success")
            return redirect(url_for(".products"))
    return _form_page(form, listing)


@bp.post("/products/<int:product_id>/withdraw", defaults={"active": False})
@bp.post("/products/<int:product_id>/reactivate", defaults={"active": True})
@role_required(Role.BANK)
def set_product_active(product_id: int, active: bool) -> Any:
    listing = loan_products.set_active(db.session, current_user.organization_id, product_id, active)
    name = listing.display_name(locale_code())
    if active:
        flash(_("%(name)s is published again.", name=name), "success")
    else:
        flash(_("%(name)s is withdrawn: startups no longer see it.", name=name), "info")
    return redirect(url_for(".products"))
