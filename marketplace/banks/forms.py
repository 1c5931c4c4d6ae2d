"""The loan product form: amounts in 万元 (10,000 CNY), rates and shares in percent, as bankers
write them; the service receives yuan, basis points and fractions."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from marketplace.auth.forms import REQUIRED
from marketplace.forms import Form
from marketplace.models.enums import EnterpriseTier, InvestorKind, IPKind, LoanKind
from marketplace.services import loan_products as rules
from marketplace.services.listing_common import plain
from marketplace.services.loan_products import ProductListing
from marketplace.wan import WAN, to_wan, to_yuan


def finite(form: Any, field: Any) -> None:
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter a number."))


def at_most_places(places: int) -> Any:
    def check(form: Any, field: Any) -> None:
        if field.data is not None and field.data.normalize().as_tuple().exponent < -places:
            raise ValidationError(_l("At most %(places)d decimal places.", places=places))
    return check


def number(label: Any, *, low: Any, high: Any, places: int, required: bool = False, description: Any = "") -> Any:
    return DecimalField(label, places=None, description=description, validators=[
        InputRequired(REQUIRED) if required else Optional(), finite, NumberRange(low, high), at_most_places(places)])


def count(label: Any, *, low: int, high: int, required: bool = False, description: Any = "") -> Any:
    return IntegerField(label, description=description, validators=[
        InputRequired(REQUIRED) if required else Optional(), NumberRange(low, high)])


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / 100


def _as_percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else plain(value * 100)


class ProductForm(Form):
    kind = RadioField(_l("Kind of loan"), choices=LoanKind.choices(),
                      validators=[DataRequired(_l("Choose the kind of loan."))])
    name = StringField(_l("Product name"), validators=[DataRequired(REQUIRED), Length(max=rules.NAME_LENGTH)])
    name_en = StringField(_l("Product name in English"), validators=[Length(max=rules.NAME_LENGTH)],
                          description=_l("Shown on English pages; left empty, they show the name above."))
    description = TextAreaField(_l("Description"), validators=[Length(max=rules.DESCRIPTION_LENGTH)])
    description_en = TextAreaField(
        _l("Product description in English"), validators=[Length(max=rules.DESCRIPTION_LENGTH)],
        description=_l("Shown on English pages; left empty, they show the description above."))
    amount_min = number(_l("Smallest loan (10,000 CNY)"), low=Decimal("0.0001"),
                        high=rules.MAX_AMOUNT // WAN, places=4, required=True)
    amount_max = number(_l("Largest loan (10,000 CNY)"), low=Decimal("0.0001"),
                        high=rules.MAX_AMOUNT // WAN, places=4, required=True)
    rate_min = number(_l("Lowest yearly rate (%)"), low=0, high=rules.MAX_RATE_BPS // 100, places=2, required=True,
                      description=_l("For example 3.85"))
    rate_max = number(_l("Highest yearly rate (%)"), low=0, high=rules.MAX_RATE_BPS // 100, places=2, required=True)
    term_months = count(_l("Term (months)"), low=1, high=rules.MAX_TERM_MONTHS, required=True)
    sectors = SelectMultipleField(_l("Sectors served"), choices=[],
                                  description=_l("None chosen: every sector."))
    stages = SelectMultipleField(_l("Stages served"), choices=[], description=_l("None chosen: every stage."))
    tiers = SelectMultipleField(
        _l("Enterprise tier labels required"), choices=EnterpriseTier.choices(),
        description=_l("The borrower must hold one of those chosen; none chosen: no label needed."))
    min_months_operating = count(_l("Months in operation, at least"), low=0, high=rules.MAX_MONTHS_OPERATING)
    # Linked loans (投贷联动)
    loan_to_equity_ratio = number(_l("Loan as a share of the equity round (%)"), low=Decimal("0.1"),
                                  high=rules.MAX_RATIO * 100, places=1,
                                  description=_l("30 means the loan is at most 30 percent of the qualifying round."))
    warrant_coverage = number(_l("Warrant coverage (%)"), low=0, high=100, places=1,
                              description=_l("Leave empty when the loan comes without warrants."))
    investor_kinds = SelectMultipleField(_l("Qualifying investors"), choices=InvestorKind.choices())
    # IP-pledge loans
    min_remaining_life_months = count(_l("Remaining life of the IP, at least (months)"), low=0,
                                      high=rules.MAX_REMAINING_LIFE_MONTHS)

    # Where a service's refusal of a stored value is shown on this form.
    ERROR_FIELDS = {"rate_min_bps": "rate_min", "rate_max_bps": "rate_max",
                    "pledge_rates": f"pledge_rate_{IPKind.INVENTION.value}"}

    def attach(self, errors: dict[str, list[Any]], *, beside_own: bool = False) -> None:
        super().attach({self.ERROR_FIELDS.get(name, name): messages for name, messages in errors.items()},
                       beside_own=beside_own)

    def set_choices(self, sectors: list[tuple[str, str]], stages: list[tuple[str, str]]) -> None:
        self.sectors.choices = sectors
        self.stages.choices = stages

    def pledge_rate_fields(self) -> list[tuple[IPKind, Any]]:
        return [(kind, self[f"pledge_rate_{kind.value}"]) for kind in IPKind]

    def changes(self) -> dict[str, Any]:
        """The product's terms as the service takes them (a field the form refused: None)."""
        value = self.passed
        kind, rates = value("kind"), {name: value(name) for name in ("rate_min", "rate_max")}
        return {
            "kind": kind and LoanKind(kind), "name": value("name"), "name_en": value("name_en"),
            "description": value("description") or "", "description_en": value("description_en"),
            "amount_min": to_yuan(value("amount_min")), "amount_max": to_yuan(value("amount_max")),
            **{f"{name}_bps": None if rate is None else int(rate * 100) for name, rate in rates.items()},
            "term_months": value("term_months"), "sectors": list(value("sectors") or []),
            "stages": list(value("stages") or []), "tiers": [EnterpriseTier(v) for v in value("tiers") or []],
            "min_months_operating": value("min_months_operating"),
            "loan_to_equity_ratio": _percent(value("loan_to_equity_ratio")),
            "warrant_coverage": _percent(value("warrant_coverage")),
            "investor_kinds": [InvestorKind(v) for v in value("investor_kinds") or []],
            "pledge_rates": {kind: _percent(f.data) for kind, f in self.pledge_rate_fields()
                             if value(f.name) is not None},
            "min_remaining_life_months": value("min_remaining_life_months"),
        }

    @staticmethod
    def data_of(listing: ProductListing) -> dict[str, Any]:
        """A stored product as the form shows it."""
        rates = {r.ip_kind: r.rate for r in listing.pledge_rates}
        return {
            "kind": listing.kind.value, "name": listing.name, "name_en": listing.name_en,
            "description": listing.description, "description_en": listing.description_en,
            "amount_min": to_wan(listing.amount_min), "amount_max": to_wan(listing.amount_max),
            "rate_min": Decimal(listing.rate_min_bps) / 100, "rate_max": Decimal(listing.rate_max_bps) / 100,
            "term_months": listing.term_months, "sectors": [s.code for s in listing.sectors],
            "stages": [s.code for s in listing.stages], "tiers": [t.value for t in listing.tiers],
            "min_months_operating": listing.min_months_operating,
            "loan_to_equity_ratio": _as_percent(listing.loan_to_equity_ratio),
            "warrant_coverage": _as_percent(listing.warrant_coverage),
            "investor_kinds": [k.value for k in listing.investor_kinds],
            **{f"pledge_rate_{kind.value}": _as_percent(rates.get(kind)) for kind in IPKind},
            "min_remaining_life_months": listing.min_remaining_life_months,
        }


for _kind in IPKind:  # one pledge rate per kind of IP; empty: that kind is not accepted
    setattr(ProductForm, f"pledge_rate_{_kind.value}",
            number(_kind.label, low=Decimal("0.1"), high=100, places=1))
