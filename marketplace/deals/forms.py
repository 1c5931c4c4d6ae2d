"""The forms of introductions: the request's note, and a message of the thread."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from marketplace.auth.forms import REQUIRED
from marketplace.forms import Form
from marketplace.services.intros import BODY_LENGTH, MESSAGE_LENGTH


class IntroRequestForm(Form):
    message = TextAreaField(_l("Your message to the startup"), validators=[DataRequired(REQUIRED),
                                                                           Length(max=MESSAGE_LENGTH)],
                            render_kw={"rows": 4})


class MessageForm(Form):
    body = TextAreaField(_l("Message"), validators=[DataRequired(REQUIRED), Length(max=BODY_LENGTH)],
                         render_kw={"rows": 3})
