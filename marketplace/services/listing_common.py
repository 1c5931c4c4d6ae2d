"""What the services that write offers and profiles share: field errors collected in one
pass, taxonomy codes turned into rows, checked text, decimals written plainly, and newest-first
keyset pages."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import DomainError
from marketplace.models import Park, Sector, Stage, TaxonomyVersion

T = TypeVar("T")


class FieldErrors:
    """Every refusal of one input at once, so a form shows all its problems together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.errors

    def check_range(self, field: str, value: int | Decimal | None, low: Any, high: Any) -> None:
        if value is None:
            return
        if isinstance(value, Decimal) and not value.is_finite():
            self.add(field, _l("Enter a number."))
        elif not low <= value <= high:
            self.add(field, _l("Enter a number from %(low)s to %(high)s.", low=low, high=high))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(self.errors)


NUL_REFUSED = _l("Remove the invisible control characters.")  # PostgreSQL cannot store a NUL


def text(errors: FieldErrors, field: str, value: str | None, *, max_length: int, required: bool = False) -> str:
    """``value`` trimmed; refused when missing (if required), too long, or holding NUL."""
    value = (value or "").strip()
    if "\x00" in value:
        errors.add(field, NUL_REFUSED)
    elif required and not value:
        errors.add(field, _l("This field is required."))
    elif len(value) > max_length:
        errors.add(field, _l("At most %(count)d characters.", count=max_length))
    return value


def web_address(errors: FieldErrors, field: str, value: str | None, *, max_length: int = 300) -> str | None:
    value = text(errors, field, value, max_length=max_length)
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        errors.add(field, _l("Enter a web address starting with http:// or https://."))
    return value


def sectors_by_code(session: Session, errors: FieldErrors, field: str, codes: Iterable[str]) -> list[Sector]:
    """Sectors of the current taxonomy, in the order given, each once."""
    codes = list(dict.fromkeys(codes))
    found = {s.code: s for s in session.scalars(
        sa.select(Sector).join(TaxonomyVersion).where(TaxonomyVersion.is_current, Sector.code.in_(codes))
    )} if codes else {}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors.add(field, _l("Unknown sector: %(codes)s.", codes=", ".join(unknown)))
    return [found[c] for c in codes if c in found]


def stages_by_code(session: Session, errors: FieldErrors, field: str, codes: Iterable[str]) -> list[Stage]:
    """Stages in ladder order, each once."""
    codes = list(dict.fromkeys(codes))
    found = {s.code: s for s in session.scalars(sa.select(Stage).where(Stage.code.in_(codes)))} if codes else {}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors.add(field, _l("Unknown stage: %(codes)s.", codes=", ".join(unknown)))
    return sorted(found.values(), key=lambda s: s.ordinal)


def stage_by_code(session: Session, errors: FieldErrors, field: str, code: str) -> Stage | None:
    stages = stages_by_code(session, errors, field, [code])
    return stages[0] if stages else None


def park_by_code(session: Session, errors: FieldErrors, field: str, code: str | None) -> Park | None:
    if not code:
        return None
    park = session.scalar(sa.select(Park).where(Park.code == code))
    if park is None:
        errors.add(field, _l("Unknown park: %(code)s.", code=code))
    return park


def current_sectors(session: Session) -> list[Sector]:
    return list(session.scalars(
        sa.select(Sector).join(TaxonomyVersion).where(TaxonomyVersion.is_current).order_by(Sector.position)
    ))


def all_stages(session: Session) -> list[Stage]:
    return list(session.scalars(sa.select(Stage).order_by(Stage.ordinal)))


def all_parks(session: Session) -> list[Park]:
    return list(session.scalars(sa.select(Park).order_by(Park.id)))


@dataclass
class Page(Generic[T]):
    """One page of a newest-first list; ``next_after`` is the id to continue after, if any."""

    items: list[T]
    next_after: int | None


def plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and without an exponent: 30, not 30.000 or 3E+1."""
    return Decimal(format(value.normalize(), "f"))


MAX_ID = 2**31 - 1


def possible_id(value: int) -> bool:
    """Whether ``value`` fits an id column at all; a larger one would break the query."""
    return 1 <= value <= MAX_ID


def newest_first(session: Session, query: sa.Select, id_column: Any, *, after: int | None, limit: int) -> Page[Any]:
    if after is not None:
        query = query.where(id_column <= max(0, min(after - 1, MAX_ID)))  # within an INTEGER
    rows = list(session.scalars(query.order_by(id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None)
