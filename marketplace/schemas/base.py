"""The base every API schema shares: unknown fields are refused, messages translated."""
from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask_babel import gettext

from marketplace.i18n import N_

# marshmallow's own messages, marked here so that they reach the catalog and are shown in
# the requester's language (see ``translate``).
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Invalid value."),
    N_("Invalid input."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be one of: {choices}."),
    N_("Number too large."),
    N_("String does not match expected pattern."),
)


# Messages with values filled in ("Longer than maximum length 200.") are matched back to
# their template so the translated template can be filled in the same way.
_TEMPLATES = [
    (re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(m)) + "$"), m)
    for m in MARSHMALLOW_MESSAGES if "{" in m
]


def _translated(message: str) -> str:
    translated = gettext(message)
    if translated != message:
        return translated
    for pattern, template in _TEMPLATES:
        match = pattern.match(message)
        if match:
            return gettext(template).format(**match.groupdict())
    return message


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


def translate(messages: Any) -> dict[str, list[str]]:
    """A marshmallow error dict as ``{"field": [messages]}`` in the current language.

    Nested fields become dotted names ("sectors.0"); each message goes through the catalog.
    """
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_", []).extend(_translated(v) for v in value)
        elif isinstance(value, list | tuple):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            flat.setdefault(prefix or "_", []).append(_translated(str(value)))

    walk("", messages)
    return flat
