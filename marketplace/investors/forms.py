"""The investor's thesis form and the deal-flow filters (banks reuse the filters); money in 万元
(``marketplace.wan``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SearchField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation

from marketplace.forms import Form
from marketplace.models import Incubator, Park, Sector, Stage
from marketplace.models.enums import EnterpriseTier, Instrument, SectorGroup
from marketplace.services.deal_flow import NeedFilters, NeedSort
from marketplace.services.matching import BEST_MATCH
from marketplace.services.theses import FLAGS, MAX_SUMMARY, Thesis, ThesisInput
from marketplace.wan import to_wan, to_yuan, wan_field


@dataclass(frozen=True)
class Reference:
    """The vocabulary both forms choose from."""

    sectors: list[Sector]  # of the current taxonomy, in its order
    stages: list[Stage]
    parks: list[Park]

    def offer(self, form: ThesisForm | NeedFilterForm, locale: str) -> None:
        form.sectors.choices = [(s.code, s.name_in(locale)) for s in self.sectors]
        form.stages.choices = [(s.code, s.name_in(locale)) for s in self.stages]
        form.parks.choices = [(p.code, p.name_in(locale)) for p in self.parks]


class ThesisForm(Form):
    sectors = SelectMultipleField(_l("Sectors"))
    sector_groups = SelectMultipleField(_l("Whole sector groups"), choices=SectorGroup.choices())
    stages = SelectMultipleField(_l("Stages"))
    parks = SelectMultipleField(_l("Parks"))
    partner_incubators = SelectMultipleField(_l("Partner incubators (incubation-investment linkage)"), coerce=int)
    ticket_min = wan_field(_l("Smallest ticket (10,000 CNY)"), required=True)
    ticket_max = wan_field(_l("Largest ticket (10,000 CNY)"), required=True)
    fund_size = wan_field(_l("Fund size (10,000 CNY)"))
    invests_early = BooleanField(_l("Invests early"))
    invests_small = BooleanField(_l("Invests small"))
    invests_hard_tech = BooleanField(_l("Invests in hard tech"))
    invests_long_term = BooleanField(_l("Invests for the long term"))
    summary = TextAreaField(_l("In a few sentences"), validators=[Length(max=MAX_SUMMARY)])

    def offer(self, reference: Reference, incubators: list[Incubator], locale: str) -> None:
        reference.offer(self, locale)
        self.partner_incubators.choices = [(i.id, i.display_name(locale)) for i in incubators]

    @staticmethod
    def saved(thesis: Thesis) -> dict[str, Any]:
        """The form's data for a saved thesis."""
        row = thesis.row
        return {
            "sectors": [s.code for s in row.sectors], "sector_groups": [g.value for g in thesis.sector_groups],
            "stages": [s.code for s in row.stages], "parks": [p.code for p in row.parks],
            "partner_incubators": [i.id for i in row.partner_incubators],
            "ticket_min": to_wan(row.ticket_min), "ticket_max": to_wan(row.ticket_max),
            "fund_size": to_wan(row.fund_size), "summary": row.summary,
            **{flag: getattr(row, flag) for flag in FLAGS},
        }

    def input(self) -> ThesisInput:
        """The thesis as the service takes it (a field the form refused: None, or none chosen)."""
        value = self.passed
        return ThesisInput(
            ticket_min=to_yuan(value("ticket_min")), ticket_max=to_yuan(value("ticket_max")),
            fund_size=to_yuan(value("fund_size")), summary=value("summary") or "",
            sectors=value("sectors") or [], sector_groups=[SectorGroup(g) for g in value("sector_groups") or []],
            stages=value("stages") or [], parks=value("parks") or [],
            partner_incubators=value("partner_incubators") or [], **{flag: bool(value(flag)) for flag in FLAGS},
        )


class NeedFilterForm(Form):
    """The deal-flow filters, read from the query string so that a filtered list can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(_l("Keywords"), validators=[Length(max=100)])
    sectors = SelectMultipleField(_l("Sectors"))
    sector_groups = SelectMultipleField(_l("Whole sector groups"), choices=SectorGroup.choices())
    stages = SelectMultipleField(_l("Stages"))
    instruments = SelectMultipleField(_l("Instrument"), choices=Instrument.choices())
    amount_min = wan_field(_l("From (10,000 CNY)"))
    amount_max = wan_field(_l("To (10,000 CNY)"))
    parks = SelectMultipleField(_l("Parks"))
    tiers = SelectMultipleField(_l("Enterprise tiers"), choices=EnterpriseTier.choices())
    sort = SelectField(_l("Sort"), choices=[SelectChoice(BEST_MATCH, _l("Best match first")), *NeedSort.choices()],
                       default=BEST_MATCH)

    def validate_amount_max(self, field: DecimalField) -> None:
        low = self.amount_min.data
        if field.data is not None and low is not None and low.is_finite() and field.data < low:
            raise StopValidation(_l("The largest amount must not be below the smallest."))

    def filters(self) -> NeedFilters:
        return NeedFilters(
            sectors=tuple(self.sectors.data), sector_groups=tuple(map(SectorGroup, self.sector_groups.data)),
            stages=tuple(self.stages.data), instruments=tuple(map(Instrument, self.instruments.data)),
            amount_min=to_yuan(self.amount_min.data), amount_max=to_yuan(self.amount_max.data),
            parks=tuple(self.parks.data), tiers=tuple(map(EnterpriseTier, self.tiers.data)),
            keyword=self.q.data or "",
        )


def thesis_query(thesis: Thesis) -> dict[str, Any]:
    """The deal-flow query string of a thesis: its sectors, stages, parks and ticket range, equity rounds."""
    row = thesis.row
    return {
        "sectors": [s.code for s in row.sectors], "sector_groups": [g.value for g in thesis.sector_groups],
        "stages": [s.code for s in row.stages], "parks": [p.code for p in row.parks],
        "instruments": [Instrument.EQUITY.value],
        "amount_min": to_wan(row.ticket_min), "amount_max": to_wan(row.ticket_max),
    }
