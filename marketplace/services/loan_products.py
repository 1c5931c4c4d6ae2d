"""Banks' loan products: 投贷联动 linked loans, IP-pledge loans and credit loans.

Each kind has its own terms (a loan-to-equity ratio and qualifying investors; pledge rates
per kind of IP and a minimum remaining life); a product states only its own kind's terms.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace.errors import NotFound
from marketplace.models import Bank, LoanProduct, PledgeRate, Sector, Stage
from marketplace.models.enums import EnterpriseTier, InvestorKind, IPKind, LoanKind
from marketplace.models.listings import product_investor_kinds, product_tiers
from marketplace.services import offer_revisions
from marketplace.services.listing_common import (
    FieldErrors,
    Page,
    newest_first,
    possible_id,
    sectors_by_code,
    stages_by_code,
    text,
)

MAX_AMOUNT = 100_000_000_000  # 1,000 亿元: far above any single loan
MAX_RATE_BPS = 3_600  # 36% a year, the ceiling of lawful lending
MAX_TERM_MONTHS = 360
MAX_MONTHS_OPERATING = 600
MAX_RATIO = Decimal(10)
MAX_REMAINING_LIFE_MONTHS = 240  # an invention patent lives 20 years
FRACTION_STEP = Decimal("0.001")  # ratios, coverages and pledge rates are stored with 3 decimals
NAME_LENGTH, DESCRIPTION_LENGTH = 200, 5_000
REQUIRED = ("kind", "amount_min", "amount_max", "rate_min_bps", "rate_max_bps", "term_months")  # the name: ``text``

# The terms only one kind of product has; the others must leave them empty.
KIND_FIELDS: dict[LoanKind, tuple[str, ...]] = {
    LoanKind.LINKED: ("loan_to_equity_ratio", "warrant_coverage", "investor_kinds"),
    LoanKind.IP_PLEDGE: ("pledge_rates", "min_remaining_life_months"),
    LoanKind.CREDIT: (),
}


@dataclass
class LoanTerms:
    """Everything a bank states about a product; sectors and stages are taxonomy codes."""

    kind: LoanKind
    name: str
    amount_min: int
    amount_max: int
    rate_min_bps: int
    rate_max_bps: int
    term_months: int
    name_en: str | None = None  # the name on English pages; None: the name
    description: str = ""
    description_en: str | None = None  # the description on English pages; None: the description
    sectors: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    tiers: list[EnterpriseTier] = field(default_factory=list)
    min_months_operating: int | None = None
    loan_to_equity_ratio: Decimal | None = None
    warrant_coverage: Decimal | None = None
    investor_kinds: list[InvestorKind] = field(default_factory=list)
    pledge_rates: dict[IPKind, Decimal] = field(default_factory=dict)
    min_remaining_life_months: int | None = None
    is_active: bool = True


@dataclass
class ProductListing:
    """A product together with the eligibility sets kept in plain value tables; reads
    anything else from the product itself."""

    product: LoanProduct
    tiers: list[EnterpriseTier]
    investor_kinds: list[InvestorKind]

    def __getattr__(self, name: str) -> Any:
        return getattr(vars(self)["product"], name)

    @property
    def accepted_ip_kinds(self) -> list[IPKind]:
        return [r.ip_kind for r in self.pledge_rates]


def terms_of(listing: ProductListing) -> LoanTerms:
    p = listing.product
    return LoanTerms(
        kind=p.kind, name=p.name, name_en=p.name_en, description=p.description, description_en=p.description_en,
        amount_min=p.amount_min, amount_max=p.amount_max, rate_min_bps=p.rate_min_bps, rate_max_bps=p.rate_max_bps,
        term_months=p.term_months, sectors=[s.code for s in p.sectors], stages=[s.code for s in p.stages],
        tiers=list(listing.tiers), min_months_operating=p.min_months_operating,
        loan_to_equity_ratio=p.loan_to_equity_ratio, warrant_coverage=p.warrant_coverage,
        investor_kinds=list(listing.investor_kinds),
        pledge_rates={r.ip_kind: r.rate for r in p.pledge_rates},
        min_remaining_life_months=p.min_remaining_life_months, is_active=p.is_active,
    )


# --- Checks -----------------------------------------------------------------------------------

def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _fraction(errors: FieldErrors, name: str, value: Decimal | None, low: Decimal, high: Decimal,
              *, low_included: bool = True) -> None:
    if value is None:
        return
    errors.check_range(name, value, low, high)
    if errors.has(name):
        return
    if not low_included and value == low:
        errors.add(name, _l("Enter a number above %(low)s.", low=low))
    elif value != value.quantize(FRACTION_STEP):
        errors.add(name, _l("At most three decimal places."))


def _check_kind_terms(errors: FieldErrors, terms: LoanTerms) -> None:
    own = KIND_FIELDS[terms.kind]
    for kind_fields in KIND_FIELDS.values():
        for name in kind_fields:
            if name not in own and not _is_empty(getattr(terms, name)):
                errors.add(name, _l("This kind of loan does not use this term: leave it empty."))
    if terms.kind == LoanKind.LINKED:
        if terms.loan_to_equity_ratio is None:
            errors.add("loan_to_equity_ratio", _l("A linked loan needs its loan-to-equity ratio."))
        _fraction(errors, "loan_to_equity_ratio", terms.loan_to_equity_ratio, Decimal(0), MAX_RATIO,
                  low_included=False)
        _fraction(errors, "warrant_coverage", terms.warrant_coverage, Decimal(0), Decimal(1))
        if not terms.investor_kinds:
            errors.add("investor_kinds", _l("Choose at least one kind of qualifying investor."))
    elif terms.kind == LoanKind.IP_PLEDGE:
        if not terms.pledge_rates:
            errors.add("pledge_rates", _l("Give a pledge rate for at least one kind of IP."))
        for rate in terms.pledge_rates.values():
            _fraction(errors, "pledge_rates", rate, Decimal(0), Decimal(1), low_included=False)
        if terms.min_remaining_life_months is None:
            errors.add("min_remaining_life_months", _l("An IP-pledge loan needs the minimum remaining life of the IP."))
        errors.check_range("min_remaining_life_months", terms.min_remaining_life_months, 0, MAX_REMAINING_LIFE_MONTHS)


def _check(session: Session, terms: LoanTerms) -> tuple[LoanTerms, list[Sector], list[Stage]]:
    """The terms cleaned, with their sectors and stages as rows; every refusal at once."""
    errors = FieldErrors()
    terms = replace(terms, name=text(errors, "name", terms.name, max_length=NAME_LENGTH, required=True),
                    name_en=text(errors, "name_en", terms.name_en, max_length=NAME_LENGTH) or None,
                    description=text(errors, "description", terms.description, max_length=DESCRIPTION_LENGTH),
                    description_en=text(errors, "description_en", terms.description_en,
                                        max_length=DESCRIPTION_LENGTH) or None,
                    tiers=list(dict.fromkeys(terms.tiers)), investor_kinds=list(dict.fromkeys(terms.investor_kinds)))
    for name in REQUIRED:
        if getattr(terms, name) is None:
            errors.add(name, _l("This field is required."))
    errors.check_range("amount_min", terms.amount_min, 1, MAX_AMOUNT)
    errors.check_range("amount_max", terms.amount_max, 1, MAX_AMOUNT)
    if not errors.has("amount_min") and not errors.has("amount_max") and terms.amount_min > terms.amount_max:
        errors.add("amount_max", _l("The largest amount cannot be below the smallest."))
    errors.check_range("rate_min_bps", terms.rate_min_bps, 0, MAX_RATE_BPS)
    errors.check_range("rate_max_bps", terms.rate_max_bps, 0, MAX_RATE_BPS)
    if not errors.has("rate_min_bps") and not errors.has("rate_max_bps") and terms.rate_min_bps > terms.rate_max_bps:
        errors.add("rate_max_bps", _l("The highest rate cannot be below the lowest."))
    errors.check_range("term_months", terms.term_months, 1, MAX_TERM_MONTHS)
    errors.check_range("min_months_operating", terms.min_months_operating, 0, MAX_MONTHS_OPERATING)
    if terms.kind is not None:
        _check_kind_terms(errors, terms)
    sectors = sectors_by_code(session, errors, "sectors", terms.sectors)
    stages = stages_by_code(session, errors, "stages", terms.stages)
    errors.raise_if_any()
    return terms, sectors, stages


# --- Writes -------------------------------------------------------------------------------------

def _replace_values(session: Session, table: sa.Table, product_id: int, column: str, values: Iterable[Any]) -> None:
    session.execute(sa.delete(table).where(table.c.product_id == product_id))
    rows = [{"product_id": product_id, column: value} for value in values]
    if rows:
        session.execute(sa.insert(table), rows)


def _write(session: Session, product: LoanProduct, terms: LoanTerms, sectors: list[Sector],
           stages: list[Stage], before: LoanTerms | None = None) -> ProductListing:
    for name in ("kind", "name", "name_en", "description", "description_en", "amount_min", "amount_max",
                 "rate_min_bps", "rate_max_bps", "term_months", "min_months_operating", "loan_to_equity_ratio",
                 "warrant_coverage", "min_remaining_life_months", "is_active"):
        setattr(product, name, getattr(terms, name))
    product.sectors = sectors
    product.stages = stages
    # Rows are updated in place: replacing them would insert a kind before deleting it.
    kept = {r.ip_kind: r for r in product.pledge_rates}
    product.pledge_rates = [kept.get(kind) or PledgeRate(ip_kind=kind) for kind in terms.pledge_rates]
    for row in product.pledge_rates:
        row.rate = terms.pledge_rates[row.ip_kind]
    session.add(product)
    session.flush()
    _replace_values(session, product_tiers, product.id, "tier", terms.tiers)
    _replace_values(session, product_investor_kinds, product.id, "investor_kind", terms.investor_kinds)
    listing = _listings(session, [product])[0]
    if before is not None:
        offer_revisions.keep(session, product, before, terms_of(listing))
    session.commit()
    return listing


def create(session: Session, bank_id: int, terms: LoanTerms) -> ProductListing:
    if session.get(Bank, bank_id) is None:
        raise NotFound.on("_", _l("No such bank."))
    terms, sectors, stages = _check(session, terms)
    return _write(session, LoanProduct(bank_id=bank_id), terms, sectors, stages)


def check(session: Session, bank_id: int, changes: Mapping[str, Any], *, product_id: int | None = None) -> None:
    """The rules of ``create`` (with ``product_id``: of ``update``) on these terms, writing nothing: a
    DomainError names every field at fault."""
    if product_id is None:
        _check(session, LoanTerms(**changes))
    else:
        _check(session, replace(terms_of(own(session, bank_id, product_id)), **changes))


def update(session: Session, bank_id: int, product_id: int, changes: Mapping[str, Any]) -> ProductListing:
    """Change the named terms of the bank's own product; the result is checked as a whole."""
    listing = own(session, bank_id, product_id, lock=True)
    before = terms_of(listing)
    terms, sectors, stages = _check(session, replace(before, **changes))
    return _write(session, listing.product, terms, sectors, stages, before)


def set_active(session: Session, bank_id: int, product_id: int, active: bool) -> ProductListing:
    """Withdraw a product from the marketplace, or put it back, as its terms stand."""
    listing = own(session, bank_id, product_id, lock=True)
    before = terms_of(listing)
    listing.product.is_active = active
    offer_revisions.keep(session, listing.product, before, terms_of(listing))
    session.commit()
    return listing


# --- Reads --------------------------------------------------------------------------------------

def _values_by_product(session: Session, table: sa.Table, column: str, ids: list[int],
                       order: type[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for product_id, value in session.execute(sa.select(table.c.product_id, table.c[column])
                                             .where(table.c.product_id.in_(ids))):
        found[product_id].append(value)
    members = list(order)
    return {i: sorted(values, key=members.index) for i, values in found.items()}


def _listings(session: Session, products: list[LoanProduct]) -> list[ProductListing]:
    ids = [p.id for p in products]
    tiers = _values_by_product(session, product_tiers, "tier", ids, EnterpriseTier)
    kinds = _values_by_product(session, product_investor_kinds, "investor_kind", ids, InvestorKind)
    return [ProductListing(p, tiers.get(p.id, []), kinds.get(p.id, [])) for p in products]


def _query() -> sa.Select:
    return sa.select(LoanProduct).options(
        selectinload(LoanProduct.bank), selectinload(LoanProduct.sectors), selectinload(LoanProduct.stages),
        selectinload(LoanProduct.pledge_rates),
    )


def own(session: Session, bank_id: int, product_id: int, *, lock: bool = False) -> ProductListing:
    """The bank's own product; anyone else's is as missing as one that never existed."""
    query = _query().where(LoanProduct.id == product_id, LoanProduct.bank_id == bank_id)
    product = session.scalar(query.with_for_update(of=LoanProduct) if lock else query) \
        if possible_id(product_id) else None
    if product is None:
        raise NotFound.on("_", _l("No such loan product."))
    return _listings(session, [product])[0]


def visible(session: Session, viewer_org_id: int, product_id: int) -> ProductListing:
    """An active product, or a withdrawn one to its own bank only."""
    product = session.scalar(_query().where(
        LoanProduct.id == product_id, sa.or_(LoanProduct.is_active, LoanProduct.bank_id == viewer_org_id))
    ) if possible_id(product_id) else None
    if product is None:
        raise NotFound.on("_", _l("No such loan product."))
    return _listings(session, [product])[0]


def of_bank(session: Session, bank_id: int) -> list[ProductListing]:
    """All the bank's products, active ones first."""
    products = session.scalars(_query().where(LoanProduct.bank_id == bank_id)
                               .order_by(LoanProduct.is_active.desc(), LoanProduct.name, LoanProduct.id))
    return _listings(session, list(products))


def active(session: Session) -> list[ProductListing]:
    """Every bank's active products, oldest first."""
    return _listings(session, list(session.scalars(_query().where(LoanProduct.is_active).order_by(LoanProduct.id))))


def browse(session: Session, viewer_org_id: int, *, mine: bool = False, kind: LoanKind | None = None,
           bank_id: int | None = None, sector: str | None = None, after: int | None = None,
           limit: int = 20) -> Page[ProductListing]:
    """Active products of every bank, newest first; with ``mine``, all of the viewer's own.

    ``sector`` keeps the products open to that sector, including those open to every sector.
    """
    query = _query().where(LoanProduct.bank_id == viewer_org_id if mine else LoanProduct.is_active)
    if kind is not None:
        query = query.where(LoanProduct.kind == kind)
    if bank_id is not None:
        query = query.where(LoanProduct.bank_id == bank_id)
    if sector is not None:
        query = query.where(sa.or_(~LoanProduct.sectors.any(), LoanProduct.sectors.any(Sector.code == sector)))
    page = newest_first(session, query, LoanProduct.id, after=after, limit=limit)
    return Page(_listings(session, page.items), page.next_after)
