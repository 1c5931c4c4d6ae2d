from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from marketplace.forms import Form
from marketplace.models.enums import SIGNUP_KINDS, InvestorKind, OrgKind

REQUIRED = _l("This field is required.")


class EmailPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=256)])


class LoginForm(EmailPasswordForm):
    remember = BooleanField(_l("Keep me logged in on this device"))


class NewAccountForm(EmailPasswordForm):
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class SignupForm(NewAccountForm):
    kind = RadioField(_l("Your side of the marketplace"), choices=OrgKind.choices(SIGNUP_KINDS),
                      validators=[DataRequired(_l("Choose your side of the marketplace."))])
    org_name = StringField(_l("Organization name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    investor_kind = SelectField(_l("Kind of investor"), choices=InvestorKind.choices(),
                                default=InvestorKind.VC.value)
