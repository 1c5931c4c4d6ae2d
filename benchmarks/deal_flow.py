"""How fast the deal flow pages at 100,000 open needs: median and p95 of ``deal_flow.browse()``.

    .venv/bin/python benchmarks/deal_flow.py                      # a SQLite file in a temp folder
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zj_bench .venv/bin/python benchmarks/deal_flow.py

The database is migrated to head and filled once with synthetic startups and needs (bulk
inserts); a second run on the same DATABASE_URL reuses them. Each scenario times page 1, and
page 50 reached by following the cursors, in-process. Printed figures only, no assertions.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade

from marketplace import clock, create_app
from marketplace.extensions import db
from marketplace.models import FundingNeed, Organization, Park, Sector, Stage, Startup, StartupTier
from marketplace.models.enums import EnterpriseTier, Instrument, NeedStatus, SectorGroup
from marketplace.models.listings import need_sectors
from marketplace.services import deal_flow
from marketplace.services.deal_flow import NeedFilters, NeedSort

SOURCE = "benchmark"  # marks the synthetic startups, so that a second run finds them
PAGE = 20
BATCH = 5_000
WORDS = [("芯片", "chip"), ("激光雷达", "lidar"), ("抗体", "antibody"), ("机器人", "robot"), ("储能", "storage"),
         ("传感器", "sensor"), ("大模型", "model"), ("疫苗", "vaccine"), ("卫星", "satellite"), ("电池", "battery")]
INSTRUMENTS = [Instrument.EQUITY] * 7 + [Instrument.LINKED_LOAN, Instrument.IP_PLEDGE_LOAN, Instrument.CREDIT_LOAN]

SCENARIOS: list[tuple[str, NeedSort, NeedFilters]] = [
    ("no filter", NeedSort.NEWEST, NeedFilters()),
    ("no filter", NeedSort.AMOUNT, NeedFilters()),
    ("no filter", NeedSort.DEADLINE, NeedFilters()),
    ("equity, leading group, A-B, 10M-100M", NeedSort.NEWEST,
     NeedFilters(sector_groups=(SectorGroup.LEADING,), stages=("series_a", "series_b"),
                 instruments=(Instrument.EQUITY,), amount_min=10_000_000, amount_max=100_000_000)),
    ("equity, leading group, A-B, 10M-100M", NeedSort.AMOUNT,
     NeedFilters(sector_groups=(SectorGroup.LEADING,), stages=("series_a", "series_b"),
                 instruments=(Instrument.EQUITY,), amount_min=10_000_000, amount_max=100_000_000)),
    ("two parks, specialised tier", NeedSort.NEWEST,
     NeedFilters(parks=("zhangjiang_core", "lingang"), tiers=(EnterpriseTier.SPECIALISED,))),
    ("keyword 芯片", NeedSort.NEWEST, NeedFilters(keyword="芯片")),
    ("keyword 'lidar robot'", NeedSort.NEWEST, NeedFilters(keyword="lidar robot")),
    ("keyword found nowhere (a full scan)", NeedSort.NEWEST, NeedFilters(keyword="量子")),
    ("keyword 芯片 + IC sector + equity", NeedSort.AMOUNT,
     NeedFilters(keyword="芯片", sectors=("integrated_circuits",), instruments=(Instrument.EQUITY,))),
]


def fill(session: sa.orm.Session, needs: int, rng: random.Random) -> None:
    """Startups of every park and sector, then ``needs`` open needs (and 10% drafts and closed)."""
    have = session.scalar(
        sa.select(sa.func.count()).select_from(FundingNeed)
        .join(Organization, Organization.id == FundingNeed.startup_id)
        .where(Organization.source == SOURCE, FundingNeed.status == NeedStatus.OPEN))
    if have >= needs:
        print(f"reusing {have:,} open needs")
        return
    parks = list(session.scalars(sa.select(Park)))
    stages = list(session.scalars(sa.select(Stage).order_by(Stage.ordinal)))
    sectors = list(session.scalars(sa.select(Sector)))
    started = time.perf_counter()
    companies = []
    for i in range(max(needs // 50, 10)):
        word = rng.choice(WORDS)
        company = Startup(name=f"上海{word[0]}科技{i}号有限公司", name_en=f"Shanghai {word[1].title()} Tech {i}",
                          park=rng.choice(parks), source=SOURCE, external_id=f"bench-{i}")
        if rng.random() < 0.25:
            company.tiers = [StartupTier(tier=rng.choice(list(EnterpriseTier)),
                                         valid_until=rng.choice([None, date(2030, 1, 1), date(2020, 1, 1)]))]
        companies.append(company)
    session.add_all(companies)
    session.flush()
    next_id = (session.scalar(sa.select(sa.func.max(FundingNeed.id))) or 0) + 1
    total = needs - have + (needs - have) // 10
    newest = datetime.now(UTC)
    for start in range(0, total, BATCH):
        rows, links = [], []
        for need_id in range(next_id + start, next_id + min(start + BATCH, total)):
            rows.append(_need(rng, need_id, rng.choice(companies), rng.choice(stages), newest, rng.choice(sectors),
                              is_open=need_id - next_id < needs - have))
            links += [{"need_id": need_id, "sector_id": s.id} for s in rng.sample(sectors, rng.randint(1, 3))]
        session.execute(sa.insert(FundingNeed.__table__), rows)
        session.execute(sa.insert(need_sectors), links)
    if db.engine.dialect.name == "postgresql":
        session.execute(sa.text("SELECT setval(pg_get_serial_sequence('funding_needs', 'id'), "
                                "(SELECT max(id) FROM funding_needs))"))
    session.commit()
    session.execute(sa.text("ANALYZE"))
    session.commit()
    print(f"inserted {total:,} needs of {len(companies):,} startups in {time.perf_counter() - started:.1f} s")


def _need(rng: random.Random, need_id: int, company: Startup, stage: Stage, newest: datetime, sector: Sector,
          *, is_open: bool) -> dict[str, Any]:
    low = round(10 ** rng.uniform(5.5, 8.5), -4)
    word = rng.choice(WORDS)
    title = f"{word[0]}{stage.name_zh}融资 {word[1]} round {need_id}"
    summary = f"{company.name}：{sector.name_zh}方向，{word[0]}量产。{company.name_en}, {sector.name_en}."
    return {
        "id": need_id, "startup_id": company.id, "instrument": rng.choice(INSTRUMENTS), "title": title,
        "summary": summary, "amount_min": int(low), "amount_max": int(low * rng.uniform(1, 3)),
        "stage_id": stage.id, "use_of_funds": "", "status": NeedStatus.OPEN if is_open else rng.choice(
            [NeedStatus.DRAFT, NeedStatus.CLOSED, NeedStatus.FUNDED]),
        "deadline": clock.today() + timedelta(days=rng.randint(1, 700)) if rng.random() < 0.6 else None,
        "created_at": newest - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
        "updated_at": newest, "search_text": f"{title} {summary}".lower(),
    }


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median and p95 in milliseconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        db.session.remove()  # a fresh session each time, as each request has
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, math.ceil(0.95 * len(times)) - 1)], result


def run(repeat: int) -> None:
    print(f"{'scenario':40} {'sort':9} {'page':>4} {'median ms':>10} {'p95 ms':>8} {'rows':>5}")
    for name, sort, filters in SCENARIOS:
        def page(after: list[Any] | None) -> tuple[list[FundingNeed], list[Any] | None]:
            return deal_flow.browse(db.session, filters, sort=sort, after=after, limit=PAGE)

        median, p95, (needs, cursor) = timed(lambda: page(None), repeat)
        print(f"{name:40} {sort.value:9} {1:>4} {median:>10.1f} {p95:>8.1f} {len(needs):>5}")
        for _ in range(48):  # follow the cursors to the one page 50 starts after
            if cursor is None:
                break
            _, cursor = page(cursor)
        if cursor is None:
            print(f"{name:40} {sort.value:9} {50:>4} {'(fewer than 50 pages)':>25}")
            continue
        median, p95, (needs, _) = timed(lambda: page(cursor), repeat)
        print(f"{name:40} {sort.value:9} {50:>4} {median:>10.1f} {p95:>8.1f} {len(needs):>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000, help="open needs to browse")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:  # the SQLite file, when DATABASE_URL names no database
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'deal_flow.db'}"
        measure(url, args.needs, args.repeat)


def measure(url: str, needs: int, repeat: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        fill(db.session, needs, random.Random(2023))
        print(f"{db.engine.dialect.name}: {needs:,} open needs, {repeat} calls per page, {PAGE} per page")
        run(repeat)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
