"""``/loan-products``: banks publish loan products; every member browses the active ones."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.common import page_of
from marketplace.schemas.loan_products import (
    LoanProductChangesSchema,
    LoanProductQuerySchema,
    LoanProductSchema,
    schema,
    view_for,
)
from marketplace.services import loan_products
from marketplace.services.loan_products import LoanTerms

TAG = "loan products"


@endpoint("/loan-products", "GET", summary=_l("Active loan products of every bank, newest first"), tag=TAG,
          query=LoanProductQuerySchema, response=page_of(LoanProductSchema))
def list_loan_products() -> Any:
    query = load_query(LoanProductQuerySchema())
    page = loan_products.browse(
        db.session, caller().organization_id, mine=query.get("mine", False), kind=query.get("kind"),
        bank_id=query.get("bank"), sector=query.get("sector"), after=after_id(query), limit=query["limit"])
    return page_response(page, schema("owner" if query.get("mine") else "public"))


@endpoint("/loan-products", "POST", summary=_l("Publish a loan product"), tag=TAG, roles=(Role.BANK,),
          body=LoanProductSchema, response=LoanProductSchema, status=201)
def create_loan_product() -> Any:
    terms = LoanTerms(**load(LoanProductSchema()))
    return schema("owner").dump(loan_products.create(db.session, caller().organization_id, terms)), 201


@endpoint("/loan-products/<int:product_id>", "GET", summary=_l("A loan product"), tag=TAG,
          response=LoanProductSchema)
def get_loan_product(product_id: int) -> Any:
    viewer = caller().organization_id
    listing = loan_products.visible(db.session, viewer, product_id)
    return schema(view_for(viewer, listing.bank_id)).dump(listing)


@endpoint("/loan-products/<int:product_id>", "PATCH",
          summary=_l("Change your loan product; is_active false withdraws it, true puts it back"), tag=TAG,
          roles=(Role.BANK,), body=LoanProductChangesSchema, response=LoanProductSchema)
def update_loan_product(product_id: int) -> Any:
    changes = load(LoanProductChangesSchema(), partial=True)
    return schema("owner").dump(loan_products.update(db.session, caller().organization_id, product_id, changes))
