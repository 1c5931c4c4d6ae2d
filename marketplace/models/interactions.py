"""The interaction log: who did what to which listing, when. The recommender learns from it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, enum_column, utcnow
from marketplace.models.enums import InteractionAction, TargetKind


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        sa.Index("ix_interactions_target", "target_kind", "target_id"),
        sa.Index("ix_interactions_org_time", "organization_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    target_kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind))
    target_id: Mapped[int]
    action: Mapped[InteractionAction] = mapped_column(enum_column(InteractionAction))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
