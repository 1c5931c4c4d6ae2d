"""Builders for the many-to-many link tables, so every link is declared the same way.

Each side is given as ``(column name, "table.id")``; deleting the owner removes its links.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.models.base import Base

Side = tuple[str, str]


def link_table(name: str, owner: Side, target: Side, *, target_on_delete: str = "CASCADE") -> sa.Table:
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(owner[0], sa.ForeignKey(owner[1], ondelete="CASCADE"), primary_key=True),
        sa.Column(target[0], sa.ForeignKey(target[1], ondelete=target_on_delete), primary_key=True, index=True),
    )


def ranked_link_table(name: str, owner: Side, target: Side, *, most: int) -> sa.Table:
    """A link with a position 1..most, so the database itself caps how many an owner has."""
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(owner[0], sa.ForeignKey(owner[1], ondelete="CASCADE"), primary_key=True),
        sa.Column(target[0], sa.ForeignKey(target[1], ondelete="RESTRICT"), primary_key=True, index=True),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.UniqueConstraint(owner[0], "position"),
        sa.CheckConstraint(f"position BETWEEN 1 AND {most}", name="position_range"),
    )


def value_table(name: str, owner: Side, column: str, type_: sa.types.TypeEngine) -> sa.Table:
    """A set of enum values per owner, e.g. the sector groups an investor thesis covers."""
    return sa.Table(
        name,
        Base.metadata,
        sa.Column(owner[0], sa.ForeignKey(owner[1], ondelete="CASCADE"), primary_key=True),
        sa.Column(column, type_, primary_key=True),
    )
