"""The base of every form: CSRF from Flask-WTF, no NUL character in any field, and a way to show
a service's refusal."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from marketplace.services.listing_common import NUL_REFUSED

# WTForms' own refusal of a value no multiple choice offers has no Chinese in its catalog.
NOT_A_CHOICE = _l("Not among the choices offered: %(value)s")


def holds_nul(value: Any) -> bool:
    """Whether a field's data (text, or lists and dicts of it) holds a NUL, which PostgreSQL
    cannot store and no person types."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(v) for v in value)
    return False


class Form(FlaskForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field, SelectMultipleField) and field.invalid_choice_message is None:
                field.invalid_choice_message = NOT_A_CHOICE

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if holds_nul(field.data):
                field.errors = [*field.errors, NUL_REFUSED]
                valid = False
        return valid

    def attach(self, errors: dict[str, list[Any]]) -> None:
        """Put a DomainError's messages on the fields they name ("_" goes above the form)."""
        for name, messages in errors.items():
            field = self._fields.get(name)
            if field is None:
                self.form_errors.extend(messages)
            else:
                field.errors = [*field.errors, *messages]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)
