"""The versions of a loan product or an incubation capacity that its owner replaced.

The services that write offers call ``keep`` with the terms before and after a change; the
recommender's replay (``marketplace.recs``) reads the versions back, so that a day before a bank
launched or withdrew a product is replayed with the products the bank had then.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.models import IncubationCapacity, LoanProduct, OfferRevision
from marketplace.models.base import utcnow
from marketplace.services.listing_common import plain


def _plain(value: Any) -> Any:
    """Terms as JSON: codes and numbers as text where JSON has no type for them, sets sorted."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(plain(value))  # 0.300 as stored and 0.3 as typed are one rate
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(_plain(kv[0])))}
    if isinstance(value, list | tuple):
        return sorted(_plain(v) for v in value)
    return value


def keep(session: Session, offer: LoanProduct | IncubationCapacity, before: Any, after: Any) -> None:
    """Add the version ``before`` (a terms dataclass) if ``after`` differs from it; the caller commits."""
    was = _plain(asdict(before))
    if was == _plain(asdict(after)):
        return
    owner = {"product_id": offer.id} if isinstance(offer, LoanProduct) else {"capacity_id": offer.id}
    column = OfferRevision.product_id if isinstance(offer, LoanProduct) else OfferRevision.capacity_id
    last = session.scalar(sa.select(sa.func.max(OfferRevision.replaced_at)).where(column == offer.id))
    session.add(OfferRevision(**owner, declared_at=last or offer.created_at, replaced_at=utcnow(), terms=was))
