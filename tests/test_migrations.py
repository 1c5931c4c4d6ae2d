"""One migration chain builds everything, on SQLite and PostgreSQL, and matches the models."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from marketplace.models import Base, Park, Sector, Stage
from marketplace.models.enums import SectorGroup
from tests import databases
from tests.conftest import postgres_base_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield databases.sqlite_url(tmp_path)
    else:
        url = databases.fresh_postgres(postgres_base_url(), f"migrations_{databases.worker_id()}")
        yield url
        databases.drop_postgres(url)


def test_the_chain_builds_an_empty_database_that_autogenerate_finds_identical_to_the_models(empty_database):
    databases.migrate_to_head(empty_database)
    engine = sa.create_engine(empty_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_sector_taxonomy_is_2_3_6_4_5_in_both_languages(session):
    sectors = session.scalars(sa.select(Sector).order_by(Sector.position)).all()
    sizes = {group: sum(1 for s in sectors if s.group == group) for group in SectorGroup}
    assert sizes == {SectorGroup.TRANSFORMATION: 2, SectorGroup.LEADING: 3, SectorGroup.KEY: 6,
                     SectorGroup.NEW_TRACK: 4, SectorGroup.FUTURE: 5}
    assert {s.name_en for s in sectors if s.group == SectorGroup.LEADING} == {
        "Integrated circuits", "Biomedicine", "Artificial intelligence"}
    assert {s.name_zh for s in sectors if s.group == SectorGroup.LEADING} == {"集成电路", "生物医药", "人工智能"}
    assert all(s.version.code == "2023" and s.version.is_current for s in sectors)


def test_the_stage_ladder_is_ordered_from_concept_to_pre_ipo(session):
    codes = session.scalars(sa.select(Stage.code).order_by(Stage.ordinal)).all()
    assert codes == ["concept", "seed", "pre_a", "series_a", "series_b", "series_c_plus", "pre_ipo"]


def test_the_zone_has_22_parks_each_with_one_to_three_leading_industries(session):
    parks = session.scalars(sa.select(Park)).all()
    assert len(parks) == 22
    assert all(1 <= len(p.leading_industries) <= 3 for p in parks)
    core = next(p for p in parks if p.code == "zhangjiang_core")
    assert core.name_zh == "张江核心园" and [s.code for s in core.leading_industries] == [
        "integrated_circuits", "biomedicine", "artificial_intelligence"]


def test_the_database_refuses_a_fourth_leading_industry(session):
    from marketplace.models.reference import park_leading_industries

    core = session.scalar(sa.select(Park).where(Park.code == "zhangjiang_core"))
    other = session.scalar(sa.select(Sector).where(Sector.code == "metaverse"))
    with pytest.raises(IntegrityError):
        session.execute(sa.insert(park_leading_industries).values(park_id=core.id, sector_id=other.id, position=4))
        session.flush()
