"""The incubator's forms: its profile, a capacity offer, and the filters of startup browsing."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from marketplace.auth.forms import REQUIRED
from marketplace.forms import Form
from marketplace.models import IncubationCapacity
from marketplace.models.enums import IncubatorService, IncubatorTier
from marketplace.services import capacities as capacity_rules
from marketplace.services import incubator_profile as profile_rules
from marketplace.services.incubator_profile import IncubatorProfile

Choices = list[tuple[str, str]]


class ProfileForm(Form):
    tier = SelectField(_l("Tier"), choices=IncubatorTier.choices(), validators=[DataRequired(REQUIRED)])
    services = SelectMultipleField(_l("Services"), choices=IncubatorService.choices())
    park = SelectField(_l("Park"), choices=[])
    website = StringField(_l("Website"), validators=[Length(max=300)],
                          description=_l("Starting with http:// or https://"))
    summary_zh = StringField(_l("Summary in Chinese"), validators=[Length(max=profile_rules.SUMMARY_LENGTH)])
    summary_en = StringField(_l("Summary in English"), validators=[Length(max=profile_rules.SUMMARY_LENGTH)])
    description_zh = TextAreaField(_l("Description in Chinese"),
                                   validators=[Length(max=profile_rules.DESCRIPTION_LENGTH)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Length(max=profile_rules.DESCRIPTION_LENGTH)])

    def set_choices(self, parks: Choices) -> None:
        self.park.choices = [("", _l("No park"))] + parks

    def changes(self) -> dict[str, Any]:
        return {"tier": IncubatorTier(self.tier.data),
                "services": [IncubatorService(v) for v in self.services.data or []],
                "park": self.park.data or None, "website": self.website.data,
                **{name: self[name].data for name in ("summary_zh", "summary_en", "description_zh", "description_en")}}

    @staticmethod
    def data_of(profile: IncubatorProfile) -> dict[str, Any]:
        return {"tier": profile.tier.value, "services": [s.value for s in profile.services],
                "park": profile.park.code if profile.park else "", "website": profile.website,
                "summary_zh": profile.summary_zh, "summary_en": profile.summary_en,
                "description_zh": profile.description_zh, "description_en": profile.description_en}


class CapacityForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=capacity_rules.TITLE_LENGTH)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=capacity_rules.TITLE_LENGTH)],
                           description=_l("Shown on English pages; left empty, they show the title above."))
    sectors = SelectMultipleField(_l("Sectors"), choices=[], description=_l("None chosen: every sector."))
    stage_min = SelectField(_l("From stage"), choices=[], validators=[DataRequired(REQUIRED)])
    stage_max = SelectField(_l("To stage"), choices=[], validators=[DataRequired(REQUIRED)])
    seats_total = IntegerField(_l("Seats offered"), validators=[InputRequired(REQUIRED),
                                                                NumberRange(1, capacity_rules.MAX_SEATS)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(REQUIRED)])
    conditions = TextAreaField(_l("Conditions"), validators=[Length(max=capacity_rules.CONDITIONS_LENGTH)],
                               description=_l("What a startup must bring or meet, e.g. a team on site."))
    conditions_en = TextAreaField(
        _l("Conditions in English"), validators=[Length(max=capacity_rules.CONDITIONS_LENGTH)],
        description=_l("Shown on English pages; left empty, they show the conditions above."))

    def set_choices(self, sectors: Choices, stages: Choices) -> None:
        self.sectors.choices = sectors
        self.stage_min.choices = self.stage_max.choices = stages

    def changes(self) -> dict[str, Any]:
        names = ("title", "title_en", "stage_min", "stage_max", "seats_total", "starts_on", "ends_on", "conditions",
                 "conditions_en")
        return {name: self.passed(name) for name in names} | {"sectors": list(self.passed("sectors") or [])}

    @staticmethod
    def data_of(capacity: IncubationCapacity) -> dict[str, Any]:
        return {"title": capacity.title, "title_en": capacity.title_en, "sectors": [s.code for s in capacity.sectors],
                "stage_min": capacity.stage_min.code, "stage_max": capacity.stage_max.code,
                "seats_total": capacity.seats_total, "starts_on": capacity.starts_on, "ends_on": capacity.ends_on,
                "conditions": capacity.conditions, "conditions_en": capacity.conditions_en}


class StartupFilterForm(Form):
    """Read from the query string; a GET changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    sector = SelectField(_l("Sector"), choices=[], validators=[Optional()])
    stage = SelectField(_l("Stage"), choices=[], validators=[Optional()])
    park = SelectField(_l("Park"), choices=[], validators=[Optional()])

    def set_choices(self, sectors: Choices, stages: Choices, parks: Choices) -> None:
        for field, choices in ((self.sector, sectors), (self.stage, stages), (self.park, parks)):
            field.choices = [("", _l("Any"))] + choices

    def filters(self) -> dict[str, str | None]:
        """The chosen filters; one that is not among the choices is left out."""
        return {name: None if self[name].errors else self[name].data or None
                for name in ("sector", "stage", "park")}
