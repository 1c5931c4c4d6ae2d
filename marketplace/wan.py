"""Money as people type it: in 万元 (units of 10,000 CNY), as the zone speaks of rounds, tickets,
loans and valuations. Every form's amount is typed in 万元 (a ``wan_field``, or a loan product's
range, which also limits its decimals to whole yuan); the services and the API take and give whole
yuan, so a form converts on the way in (``to_yuan``) and out (``to_wan``)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation

from marketplace.auth.forms import REQUIRED
from marketplace.services.needs import MAX_YUAN

WAN = 10_000  # yuan in one 万元
ONE_YUAN = Decimal(1) / WAN


def a_number(form: Any, field: Any) -> None:
    """Stop at an unreadable amount (the field already says why), and at "NaN" or "Infinity",
    which Decimal reads but no amount is."""
    if field.data is None:
        raise StopValidation()
    if not field.data.is_finite():
        raise StopValidation(_l("Enter a number."))


def wan_field(label: Any, *, required: bool = False, low: Decimal = Decimal(0), description: Any = "") -> DecimalField:
    """An amount in 万元 from ``low`` (0, or ``ONE_YUAN`` for an amount that must be above zero)."""
    return DecimalField(label, places=None, description=description, validators=[
        InputRequired(REQUIRED) if required else Optional(), a_number,
        NumberRange(low, MAX_YUAN // WAN, _l("Enter an amount from %(min)s to %(max)s (in 10,000 CNY).")),
    ])


def to_yuan(wan: Decimal | None) -> int | None:
    return None if wan is None else int((wan * WAN).to_integral_value())


def to_wan(yuan: int | None) -> Decimal | None:
    return None if yuan is None else Decimal(yuan) / WAN
