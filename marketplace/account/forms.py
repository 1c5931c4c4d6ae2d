from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from marketplace.auth.forms import REQUIRED
from marketplace.forms import Form


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("The two passwords differ."))],
    )


class EmailChangeForm(Form):
    new_email = EmailField(_l("New email"), validators=[DataRequired(REQUIRED), Length(max=254)])
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])



class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    ttl_days = IntegerField(_l("Expires after (days)"), validators=[
        Optional(), NumberRange(1, 3650, _l("Between 1 and 3650 days, or empty for never."))])
