"""The startup's forms: its profile, its IP portfolio, its funding needs and their decks.

Each form checks the shape of what was typed; ``values()`` hands the service plain values
under the service's own field names, so a service's refusal lands on the right field. Money is
typed in 万元, as on every other side of the marketplace (``marketplace.wan``).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms import Form as SubForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, AnyOf, DataRequired, Length, NumberRange, Optional

from marketplace.auth.forms import REQUIRED
from marketplace.forms import Form
from marketplace.i18n import localized
from marketplace.models import Park, Sector, Stage, Startup
from marketplace.models.enums import EnterpriseTier, Instrument, IPKind, IPStatus, NeedStatus, RevenueBand
from marketplace.services.needs import MOST_SECTORS
from marketplace.wan import ONE_YUAN, to_wan, to_yuan, wan_field

NONE = SelectChoice("", "—")
MONEY = ("amount_min", "amount_max", "revenue_last_year", "monthly_burn", "appraised_value")  # in 万元 on the form


def text(label: Any, max_length: int, *, required: bool = False, area: bool = False,
         description: Any = "") -> StringField:
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    field = TextAreaField if area else StringField
    return field(label, validators=[*validators, Length(max=max_length)], description=description)


def in_yuan(values: dict[str, Any]) -> dict[str, Any]:
    """A form's values with its amounts (``MONEY``) turned from 万元 into the services' whole yuan."""
    return values | {name: to_yuan(values[name]) for name in MONEY if name in values}


def in_wan(data: dict[str, Any]) -> dict[str, Any]:
    """A row's data with its amounts in 万元, as the form shows them."""
    return data | {name: to_wan(data[name]) for name in MONEY if name in data}


def optional_date(label: Any) -> DateField:
    return DateField(label, validators=[Optional()])


def row_choices(rows: Sequence[Sector | Stage | Park], *, blank: bool = False) -> list[SelectChoice]:
    return [NONE] * blank + [SelectChoice(row.code, localized(row)) for row in rows]


class NeedForm(Form):
    instrument = SelectField(_l("Instrument"), choices=Instrument.choices())
    title = text(_l("Title"), 200, required=True)
    title_en = text(_l("Title in English"), 200,
                    description=_l("Shown on English pages; left empty, they show the title above."))
    summary = text(_l("Public summary"), 5000, area=True)
    summary_en = text(_l("Public summary in English"), 5000, area=True,
                      description=_l("Shown on English pages; left empty, they show the summary above."))
    amount_min = wan_field(_l("Smallest amount (10,000 CNY)"), required=True, low=ONE_YUAN,
                           description=_l("In 10,000 CNY: 500 for CNY 5 million."))
    amount_max = wan_field(_l("Largest amount (10,000 CNY)"), required=True, low=ONE_YUAN)
    stage = SelectField(_l("Stage"), validators=[DataRequired(REQUIRED)])
    sectors = SelectMultipleField(
        _l("Sectors"), validators=[DataRequired(_l("Choose 1 to %(most)d sectors.", most=MOST_SECTORS))],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())
    use_of_funds = text(_l("Use of funds"), 5000, area=True)
    use_of_funds_en = text(_l("Use of funds in English"), 5000, area=True,
                           description=_l("Shown on English pages; left empty, they show the use of funds above."))
    deadline = optional_date(_l("Deadline"))
    revenue_last_year = wan_field(_l("Revenue last year (10,000 CNY)"))
    monthly_burn = wan_field(_l("Monthly burn (10,000 CNY)"))
    runway_months = IntegerField(_l("Runway (months)"), validators=[
        Optional(), NumberRange(0, 600, _l("Between 0 and 600 months."))])
    publish = SubmitField(_l("Save and publish"))

    FIELDS = ("instrument", "title", "title_en", "summary", "summary_en", "amount_min", "amount_max", "stage",
              "sectors", "use_of_funds", "use_of_funds_en", "deadline", "revenue_last_year", "monthly_burn",
              "runway_months")

    def set_choices(self, stages: Sequence[Stage], sectors: Sequence[Sector]) -> None:
        self.stage.choices = row_choices(stages, blank=True)
        self.sectors.choices = row_choices(sectors)

    def values(self) -> dict[str, Any]:
        values = in_yuan({name: self.passed(name) for name in self.FIELDS})
        values["instrument"] = Instrument(values["instrument"]) if values["instrument"] else None
        return values

    @staticmethod
    def data_of(need: Any) -> dict[str, Any]:
        data = in_wan({name: getattr(need, name) for name in NeedForm.FIELDS})
        return data | {"instrument": need.instrument.value, "stage": need.stage.code,
                       "sectors": [s.code for s in need.sectors]}


class StatusForm(Form):
    status = SelectField(choices=NeedStatus.choices(), validators=[DataRequired(REQUIRED)])


class DeckForm(Form):
    deck = FileField(_l("Pitch deck (PDF, at most 10 MB)"), validators=[FileRequired(_l("Choose a PDF file."))])


class IPAssetForm(Form):
    kind = SelectField(_l("Kind"), choices=IPKind.choices())
    number = text(_l("Number"), 40, required=True)
    title = text(_l("Title"), 300, required=True)
    status = SelectField(_l("Status"), choices=IPStatus.choices())
    filed_on = optional_date(_l("Filing date"))
    granted_on = optional_date(_l("Grant date"))
    expires_on = optional_date(_l("Expiry date"))
    appraised_value = wan_field(_l("Appraised value (10,000 CNY)"))
    appraised_on = optional_date(_l("Appraisal date"))

    FIELDS = ("kind", "number", "title", "status", "filed_on", "granted_on", "expires_on", "appraised_value",
              "appraised_on")

    def values(self) -> dict[str, Any]:
        values = in_yuan({name: self.passed(name) for name in self.FIELDS})
        return values | {"kind": values["kind"] and IPKind(values["kind"]),
                         "status": values["status"] and IPStatus(values["status"])}

    @staticmethod
    def data_of(asset: Any) -> dict[str, Any]:
        data = in_wan({name: getattr(asset, name) for name in IPAssetForm.FIELDS})
        return data | {"kind": asset.kind.value, "status": asset.status.value}


class TierEntryForm(SubForm):
    """One enterprise-tier label: held or not, and until when."""

    tier = HiddenField(validators=[AnyOf([t.value for t in EnterpriseTier])])
    held = BooleanField()
    valid_until = optional_date(_l("Valid until"))


class ProfileForm(Form):
    name = text(_l("Registered name"), 200, required=True)
    name_en = text(_l("English name"), 200)
    website = URLField(_l("Website"), validators=[
        Optional(), Length(max=300), URL(message=_l("Enter a web address starting with http:// or https://."))])
    park = SelectField(_l("Park"))
    stage = SelectField(_l("Stage"))
    sectors = FieldList(SelectField(), min_entries=MOST_SECTORS, max_entries=MOST_SECTORS)
    team_size = IntegerField(_l("Team size"), validators=[
        Optional(), NumberRange(0, 1_000_000, _l("Enter a whole number, zero or more."))])
    founded_on = optional_date(_l("Founded on"))
    revenue_band = SelectField(_l("Revenue"), choices=[NONE, *RevenueBand.choices()])
    seeking_incubation = BooleanField(_l("We are looking for an incubator"))
    summary_zh = text(_l("Short description in Chinese"), 300)
    summary_en = text(_l("Short description in English"), 300)
    description_zh = text(_l("Long description in Chinese"), 10_000, area=True)
    description_en = text(_l("Long description in English"), 10_000, area=True)
    tiers = FieldList(FormField(TierEntryForm), min_entries=len(EnterpriseTier), max_entries=len(EnterpriseTier))

    def attach(self, errors: dict[str, list[Any]], *, beside_own: bool = False) -> None:
        """As the base form does; the messages as plain strings, which the page tells apart from
        the lists of errors of the list fields' entries."""
        super().attach({name: [str(m) for m in messages] for name, messages in errors.items()},
                       beside_own=beside_own)

    TEXTS = ("name", "name_en", "website", "summary_zh", "summary_en", "description_zh", "description_en",
             "team_size", "founded_on", "seeking_incubation")

    def set_choices(self, parks: Sequence[Park], stages: Sequence[Stage], sectors: Sequence[Sector]) -> None:
        self.park.choices = row_choices(parks, blank=True)
        self.stage.choices = row_choices(stages, blank=True)
        for entry in self.sectors:
            entry.choices = row_choices(sectors, blank=True)

    def values(self) -> dict[str, Any]:
        """The profile as the service takes it (a field the form refused: None)."""
        value = self.passed
        values = {name: value(name) for name in self.TEXTS}
        return values | {
            "park": value("park") or None,
            "stage": value("stage") or None,
            "sectors": None if self.sectors.errors else [entry.data for entry in self.sectors if entry.data],
            "revenue_band": RevenueBand(value("revenue_band")) if value("revenue_band") else None,
            "tiers": None if self.tiers.errors else [
                {"tier": EnterpriseTier(entry.tier.data), "valid_until": entry.valid_until.data}
                for entry in self.tiers if entry.held.data],
        }

    @staticmethod
    def data_of(startup: Startup) -> dict[str, Any]:
        held = {t.tier: t.valid_until for t in startup.tiers}
        data = {name: getattr(startup, name) for name in ProfileForm.TEXTS}
        return data | {
            "park": startup.park.code if startup.park else "",
            "stage": startup.stage.code if startup.stage else "",
            "sectors": [s.code for s in startup.sectors],
            "revenue_band": startup.revenue_band.value if startup.revenue_band else "",
            "tiers": [{"tier": tier.value, "held": tier in held, "valid_until": held.get(tier)}
                      for tier in EnterpriseTier],
        }
