from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

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

