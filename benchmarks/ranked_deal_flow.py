"""The ranked deal-flow page at 100,000 open needs and 10,000 investors: p50 and p95 of the whole page.

    .venv/bin/python benchmarks/ranked_deal_flow.py                  # a SQLite file in a temp folder
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zj_bench .venv/bin/python benchmarks/ranked_deal_flow.py

Fills the database as ``benchmarks/deal_flow.py`` does (100,000 open needs), adds 10,000
investors with theses, trains a ranker on a synthetic history (the weights; the features come
from the database, as in production), then requests ``GET /investor/deal-flow`` (best match
first, reasons drawn) through the Flask test client as logged-in investors: each investor's
first page (its list ranked and cached), filtered views (ranked anew under the filters), and
pages of lists it already has (from the cache). The target (issue 4, section 6): the page answers in p50 <= 150 ms.
Printed figures only, no assertions.
"""
from __future__ import annotations

import argparse
import gc
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.deal_flow import fill  # noqa: E402
from marketplace import clock, create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import Investor, InvestorThesis, Organization, Sector, Stage  # noqa: E402
from marketplace.models.enums import InvestorKind, OrgKind, Role  # noqa: E402
from marketplace.models.listings import thesis_sectors, thesis_stages  # noqa: E402
from marketplace.services import accounts, matching  # noqa: E402
from recommender import io as model_io  # noqa: E402
from recommender.model import LearnedRanker  # noqa: E402
from recommender.synthetic import make_dataset  # noqa: E402

SOURCE = "benchmark"
PASSWORD = "benchmark-password-1"
TARGET_MS = 150


def add_investors(session: sa.orm.Session, count: int, rng: random.Random) -> None:
    """``count`` investor organizations, each with a thesis of 1-4 sectors and a band of stages."""
    have = session.scalar(sa.select(sa.func.count(Investor.id)).where(Investor.source == SOURCE))
    if have >= count:
        print(f"reusing {have:,} investors")
        return
    sectors = list(session.scalars(sa.select(Sector.id)))
    stages = list(session.scalars(sa.select(Stage.id).order_by(Stage.ordinal)))
    started = time.perf_counter()
    first = (session.scalar(sa.select(sa.func.max(Organization.id))) or 0) + 1
    ids = range(first, first + count - have)
    kinds = list(InvestorKind)
    session.execute(sa.insert(Organization.__table__), [
        {"id": i, "kind": OrgKind.INVESTOR, "name": f"基准投资{i}号", "name_en": f"Benchmark Capital {i}",
         "source": SOURCE, "external_id": f"bench-investor-{i}"} for i in ids])
    session.execute(sa.insert(Investor.__table__), [{"id": i, "investor_kind": rng.choice(kinds)} for i in ids])
    session.execute(sa.insert(InvestorThesis.__table__), [
        {"id": i, "investor_id": i, "summary": "", "ticket_min": (low := int(10 ** rng.uniform(5.5, 7.5))),
         "ticket_max": low * rng.randint(2, 10), "invests_early": False, "invests_small": False,
         "invests_hard_tech": False, "invests_long_term": False} for i in ids])
    session.execute(sa.insert(thesis_sectors), [{"thesis_id": i, "sector_id": s} for i in ids
                                                for s in rng.sample(sectors, rng.randint(1, 4))])
    links = []
    for i in ids:
        start = rng.randrange(len(stages) - 1)
        links += [{"thesis_id": i, "stage_id": s} for s in stages[start:start + rng.randint(1, 3)]]
    session.execute(sa.insert(thesis_stages), links)
    if db.engine.dialect.name == "postgresql":
        for table in ("organizations", "investor_theses"):
            session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    session.commit()
    print(f"inserted {count - have:,} investors with theses in {time.perf_counter() - started:.1f} s")


def logins(session: sa.orm.Session, count: int) -> list[str]:
    """One user for each of ``count`` benchmark investors."""
    emails = []
    names = session.scalars(sa.select(Organization.name).where(
        Organization.source == SOURCE, Organization.kind == OrgKind.INVESTOR).order_by(Organization.id).limit(count))
    for k, name in enumerate(names):
        email = f"bench-investor-{k}@example.org"
        if accounts.find_by_email(session, email) is None:
            accounts.create_user(session, role=Role.INVESTOR, email=email, password=PASSWORD, org_name=name)
        emails.append(email)
    return emails


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--investors", type=int, default=10_000)
    parser.add_argument("--viewers", type=int, default=20, help="investors who log in and browse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'ranked.db'}"
        model = Path(folder) / "model"
        started = time.perf_counter()
        model_io.save(LearnedRanker().fit(make_dataset(20_000, seed=0)), model)
        print(f"trained the weights on 20,000 synthetic interactions in {time.perf_counter() - started:.1f} s")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "REDIS_URL": None,
                          "RECS_MODEL_PATH": str(model), "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            fill(db.session, args.needs, random.Random(2023))
            add_investors(db.session, args.investors, random.Random(7))
            emails = logins(db.session, args.viewers)
            started = time.perf_counter()
            matching.engine(db.session, clock.today())
            print(f"serving state built (features of {args.needs:,} needs, {args.investors:,} investors) in "
                  f"{time.perf_counter() - started:.1f} s")
            db.session.remove()
        gc.freeze()  # as each gunicorn worker does once the app is loaded (gunicorn.conf.py)
        measure(app, emails)


VIEWS = (  # (what the request is, path): in this order for each viewer
    ("first page (its list ranked)", "/investor/deal-flow"),
    ("a filtered view (ranked anew)", "/investor/deal-flow?sectors=integrated_circuits"),
    ("a filtered view (ranked anew)", "/investor/deal-flow?stages=series_a&instruments=equity"),
    ("a page of a list it has (cached)", "/investor/deal-flow?page=2"),
    ("a page of a list it has (cached)", "/investor/deal-flow?sectors=integrated_circuits&page=3"),
    ("a page of a list it has (cached)", "/investor/deal-flow"),
)


def measure(app, emails: list[str]) -> None:
    times: dict[str, list[float]] = {}
    client = app.test_client()
    for email in emails:
        client.post("/login", data={"email": email, "password": PASSWORD})
        for name, path in VIEWS:
            started = time.perf_counter()
            response = client.get(path, headers={"Accept-Language": "zh-CN"})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            times.setdefault(name, []).append(elapsed)
        client.post("/logout")
    every = [t for ts in times.values() for t in ts]
    print(f"{'requests':34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for name, ts in [*times.items(), ("all", every)]:
        print(f"{name:34} {len(ts):>4} {statistics.median(ts):>8.1f} {percentile(ts, 0.95):>8.1f}")
    verdict = "met" if statistics.median(every) <= TARGET_MS else "NOT met"
    print(f"target: p50 <= {TARGET_MS} ms over all requests: {verdict}")


if __name__ == "__main__":
    main()
