"""Reference data every listing points at: the sector taxonomy, the stage ladder, the parks.

Rows are written by migrations (a new taxonomy is a new migration and a new version),
so every database, empty or not, speaks the same vocabulary.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, enum_column
from marketplace.models.enums import SectorGroup
from marketplace.models.links import ranked_link_table


class Bilingual:
    """A row named in both languages; ``name_in(locale)`` picks one."""

    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))

    def name_in(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


class TaxonomyVersion(Base):
    __tablename__ = "taxonomy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    published_on: Mapped[date]
    is_current: Mapped[bool] = mapped_column(default=False)

    sectors: Mapped[list["Sector"]] = relationship(back_populates="version", order_by="Sector.position")


class Sector(Bilingual, Base):
    __tablename__ = "sectors"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("taxonomy_versions.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(sa.String(40))
    group: Mapped[SectorGroup] = mapped_column(enum_column(SectorGroup))
    position: Mapped[int] = mapped_column(sa.SmallInteger)

    version: Mapped[TaxonomyVersion] = relationship(back_populates="sectors")

    def __repr__(self) -> str:
        return f"<Sector {self.code}>"


class Stage(Bilingual, Base):
    """A rung of the one ladder that needs, theses, loans and incubation seats share."""

    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    ordinal: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)

    def __repr__(self) -> str:
        return f"<Stage {self.code}>"


park_leading_industries = ranked_link_table(
    "park_leading_industries", ("park_id", "parks.id"), ("sector_id", "sectors.id"), most=3
)


class Park(Bilingual, Base):
    __tablename__ = "parks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)

    leading_industries: Mapped[list[Sector]] = relationship(
        secondary=park_leading_industries, order_by=park_leading_industries.c.position, viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Park {self.code}>"


class Tag(Base):
    """A free tag beside the taxonomy, written as users type it (trimmed, lower-cased)."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
