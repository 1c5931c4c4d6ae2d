"""The pipeline's forms: a move (with the commitment a term sheet or a close records), a note.

Amounts are in 万元 (10,000 CNY), as in the thesis form; the services take whole yuan.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from marketplace.auth.forms import REQUIRED
from marketplace.forms import Form
from marketplace.models.enums import PipelineStage
from marketplace.services.pipeline import NOTE_LENGTH
from marketplace.wan import ONE_YUAN, to_yuan, wan_field


class MoveForm(Form):
    stage = SelectField(_l("Stage"), choices=[SelectChoice(s.value, s.label) for s in PipelineStage],
                        validators=[InputRequired(REQUIRED)])
    amount = wan_field(_l("Amount you commit (10,000 CNY)"), low=ONE_YUAN)
    is_lead = BooleanField(_l("We lead the round"))

    def input(self) -> tuple[PipelineStage, int | None, bool]:
        return PipelineStage(self.stage.data), to_yuan(self.amount.data), bool(self.is_lead.data)


class NoteForm(Form):
    body = TextAreaField(_l("Note"), validators=[
        InputRequired(REQUIRED), Length(max=NOTE_LENGTH, message=_l("At most %(max)d characters."))])
