"""``/bank/needs``: the open loan needs a bank could serve, by hand or through one of its products."""
from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, SelectMultipleField

from marketplace.access import role_required
from marketplace.banks.routes import bp
from marketplace.extensions import db
from marketplace.i18n import locale_code
from marketplace.investors.forms import NeedFilterForm
from marketplace.investors.routes import need_page, reference
from marketplace.models.enums import LOAN_INSTRUMENTS, Instrument, Role
from marketplace.services import deal_flow, loan_products


class BankNeedFilterForm(NeedFilterForm):
    product = SelectField(_l("Loan product"), default="")
    instruments = SelectMultipleField(_l("Loan"), choices=Instrument.choices(LOAN_INSTRUMENTS))


@bp.get("/needs")
@role_required(Role.BANK)
def needs() -> Any:
    products = [p for p in loan_products.of_bank(db.session, current_user.organization_id) if p.is_active]
    words = reference()
    form = BankNeedFilterForm(formdata=request.args)
    words.offer(form, locale_code())
    form.product.choices = [("", _l("Any of my products, or none"))] + [
        (str(p.id), p.display_name(locale_code())) for p in products]
    chosen = next((p for p in products if str(p.id) == form.product.data), None)
    page = need_page(form, lambda filters: deal_flow.product_filters(chosen, filters) if chosen
                     else deal_flow.for_banks(filters))
    return render_template("banks/needs.html", form=form, reference=words, page=page, product=chosen), \
        200 if page is not None else 400
