"""IP-pledge sizing (知识产权质押): what a startup's portfolio can borrow under one product.

The one implementation both the sizing page and the eligibility of loan products use. An
asset counts when it is

* granted (not only filed, not expired, not invalidated),
* of a kind the product has a pledge rate for,
* alive long enough: its expiry date on or after today plus the product's minimum remaining
  life (calendar months; the boundary day itself counts),
* appraised recently: an appraisal older than ``STALE_AFTER_MONTHS`` months, or none, does
  not count (a bank re-appraises before it lends).

Each counted asset lends the product's rate of its appraised value (rounded down to the yuan);
the sum is capped at the product's maximum, and below the product's minimum nothing is lent.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import NotFound
from marketplace.models import IPAsset
from marketplace.models.enums import IPStatus, LoanKind
from marketplace.services import loan_products
from marketplace.services.loan_products import ProductListing

# An appraisal made more than this many months before today is stale, and so is no appraisal.
STALE_AFTER_MONTHS = 12

NOT_GRANTED = {
    IPStatus.FILED: _l("Only filed, not granted."),
    IPStatus.EXPIRED: _l("Expired."),
    IPStatus.INVALIDATED: _l("Invalidated."),
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier), on the month's last day when
    the month is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass
class Line:
    """One asset of the portfolio on one product: counted with its contribution, or why not."""

    asset: IPAsset
    rate: Decimal | None  # the product's rate for the asset's kind, when it has one
    reason: Any = None  # why the asset is left out (a translated message); None when counted
    contribution: int = 0  # yuan

    @property
    def included(self) -> bool:
        return self.reason is None

    @property
    def value(self) -> int | None:
        return self.asset.appraised_value


@dataclass
class Sizing:
    """The calculation for one product, line by line, and its result."""

    listing: ProductListing
    today: date
    life_cutoff: date  # an asset must not expire before this day
    stale_before: date  # an appraisal before this day is stale
    lines: list[Line] = field(default_factory=list)
    total: int = 0  # the sum of the contributions, before the cap
    amount: int = 0  # what can be borrowed: 0 when not eligible
    capped: bool = False  # the sum was above the product's maximum
    reason: Any = None  # why nothing can be borrowed; None when eligible

    @property
    def eligible(self) -> bool:
        return self.reason is None

    @property
    def counted(self) -> list[IPAsset]:
        return [line.asset for line in self.lines if line.included]


def _exclusion(asset: IPAsset, rates: dict[Any, Decimal], sizing: Sizing, life_months: int) -> Any:
    if asset.status != IPStatus.GRANTED:
        return NOT_GRANTED[asset.status]
    if asset.kind not in rates:
        return _l("The product takes no %(kind)s.", kind=asset.kind.label)
    if asset.expires_on is None:
        if life_months:
            return _l("No expiry date is recorded: its remaining life is unknown.")
    elif asset.expires_on <= sizing.today:
        return _l("Expired on %(date)s.", date=asset.expires_on.isoformat())
    elif asset.expires_on < sizing.life_cutoff:
        return _l("Expires on %(date)s: the product asks for a life until %(cutoff)s at least.",
                  date=asset.expires_on.isoformat(), cutoff=sizing.life_cutoff.isoformat())
    if asset.appraised_value is None:
        return _l("Not appraised.")
    if asset.appraised_on is None or asset.appraised_on < sizing.stale_before:
        return _l("The appraisal is stale: appraised more than %(months)d months ago.", months=STALE_AFTER_MONTHS)
    return None


def size(listing: ProductListing, assets: list[IPAsset], today: date) -> Sizing:
    """What ``assets`` can borrow under the IP-pledge product ``listing`` on ``today``."""
    product = listing.product
    if product.kind != LoanKind.IP_PLEDGE:
        raise ValueError(f"product {product.id} is not an IP-pledge loan")
    life_months = product.min_remaining_life_months or 0
    sizing = Sizing(listing, today, life_cutoff=add_months(today, life_months),
                    stale_before=add_months(today, -STALE_AFTER_MONTHS))
    rates = {r.ip_kind: Decimal(r.rate) for r in product.pledge_rates}
    for asset in sorted(assets, key=lambda a: (a.kind.value, a.number)):
        reason = _exclusion(asset, rates, sizing, life_months)
        line = Line(asset, rates.get(asset.kind), reason)
        if reason is None:
            line.contribution = int((Decimal(asset.appraised_value) * rates[asset.kind])
                                    .to_integral_value(rounding=ROUND_FLOOR))
        sizing.lines.append(line)
    sizing.total = sum(line.contribution for line in sizing.lines)
    sizing.capped = sizing.total > product.amount_max
    amount = min(sizing.total, product.amount_max)
    if not sizing.counted:
        sizing.reason = _l("No asset of your portfolio qualifies for this product.")
    elif amount <= 0 or amount < product.amount_min:
        sizing.reason = _l("What your assets back is below the product's minimum.")
    else:
        sizing.amount = amount
    return sizing


def _portfolio(session: Session, startup_id: int) -> list[IPAsset]:
    return list(session.scalars(sa.select(IPAsset).where(IPAsset.startup_id == startup_id).order_by(IPAsset.id)))


def for_product(session: Session, startup_id: int, product_id: int, today: date) -> Sizing:
    """The startup's portfolio on one active IP-pledge product (any other product: not found)."""
    listing = loan_products.visible(session, startup_id, product_id)
    if listing.product.kind != LoanKind.IP_PLEDGE or not listing.product.is_active:
        raise NotFound.on("_", _l("No such loan product."))
    return size(listing, _portfolio(session, startup_id), today)


def _pledge_products(listings: list[ProductListing]) -> list[ProductListing]:
    return [listing for listing in listings if listing.product.kind == LoanKind.IP_PLEDGE and listing.product.is_active]


def _sized(assets: list[IPAsset], listings: list[ProductListing], today: date) -> list[Sizing]:
    return [size(listing, assets, today) for listing in _pledge_products(listings)]


def for_portfolio(session: Session, startup_id: int, today: date) -> list[Sizing]:
    """The startup's portfolio on every active IP-pledge product, the largest amount first."""
    sizings = _sized(_portfolio(session, startup_id), loan_products.active(session), today)
    return sorted(sizings, key=lambda s: (-s.amount, -s.total, s.listing.product.id))


@dataclass
class Collateral:
    """What a bank reads of an IP-pledge need's collateral: how many of the startup's recorded
    assets are granted (public facts), and, once the startup has accepted the bank's introduction
    (the appraisals are its confidential part), the sizing under each of the bank's active
    IP-pledge products (``products`` of them); ``sizings`` is None before."""

    granted: int
    recorded: int
    products: int
    sizings: list[Sizing] | None


def collateral(session: Session, startup_id: int, bank_id: int, revealed: bool, today: date) -> Collateral:
    assets = _portfolio(session, startup_id)
    products = _pledge_products(loan_products.of_bank(session, bank_id))
    return Collateral(sum(a.status == IPStatus.GRANTED for a in assets), len(assets), len(products),
                      _sized(assets, products, today) if revealed else None)
