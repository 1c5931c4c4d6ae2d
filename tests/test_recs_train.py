"""``flask recs train``: learn from the marketplace's history, print the validation, serve the model;
``--async`` queues it on RQ and ``flask worker`` runs it."""
from __future__ import annotations

import shutil

import pytest
import rq

from marketplace import clock
from marketplace.extensions import db
from marketplace.services import matching, recommendations
from marketplace.services.deal_flow import NeedFilters
from tests import databases
from tests.conftest import make_app, redis_url


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A SQLite file holding the demo marketplace (with its deal history), loaded once."""
    folder = tmp_path_factory.mktemp("demo")
    url = databases.sqlite_url(folder)
    databases.migrate_to_head(url)
    result = make_app(url).test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return folder / "marketplace.db"


@pytest.fixture
def demo_app(demo_database, tmp_path):
    """An app over a copy of the demo database, its model folder in the test's own folder."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_database, copy)
    return make_app(f"sqlite:///{copy}", RECS_MODEL_PATH=str(tmp_path / "model"))


def test_training_prints_the_validation_and_the_pages_serve_the_model(demo_app, tmp_path):
    result = demo_app.test_cli_runner().invoke(args=["recs", "train"])
    assert result.exit_code == 0, result.output
    assert "Validation (trained on what was known a year ago" in result.output
    for method in ("learned ranker", "most active investors", "most active in the sector and stage"):
        assert method in result.output
    assert (tmp_path / "model" / "model.json").exists()
    again = demo_app.test_cli_runner().invoke(args=["recs", "train", "--if-missing"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    with demo_app.app_context():
        engine = matching.engine(db.session, clock.today())
        assert engine.trained
        investor = db.session.execute(db.text(
            "SELECT organization_id FROM users WHERE email = 'investor@demo.zjmatch.cn'")).scalar()
        page = recommendations.needs(db.session, investor, NeedFilters(), today=clock.today(), offset=0, limit=10)
        assert len(page.items) == 10 and all(item.reasons for item in page.items)


def test_too_little_history_is_said_plainly_and_saves_nothing(tmp_path):
    url = databases.sqlite_url(tmp_path)
    databases.migrate_to_head(url)
    app = make_app(url, RECS_MODEL_PATH=str(tmp_path / "model"))
    result = app.test_cli_runner().invoke(args=["recs", "train"])
    assert result.exit_code == 1
    assert "There is too little deal history to learn from yet" in result.output
    assert not (tmp_path / "model").exists()


def test_async_training_runs_on_the_worker(demo_database, tmp_path, redis_server):
    copy = tmp_path / "demo.db"
    shutil.copy(demo_database, copy)
    app = make_app(f"sqlite:///{copy}", RECS_MODEL_PATH=str(tmp_path / "model"), REDIS_URL=redis_url())
    queued = app.test_cli_runner().invoke(args=["recs", "train", "--async"])
    assert queued.exit_code == 0 and "Queued as job" in queued.output
    job_id = queued.output.split("Queued as job ")[1].split(";")[0]
    assert not (tmp_path / "model").exists()
    worked = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert worked.exit_code == 0, worked.output
    job = rq.job.Job.fetch(job_id, connection=redis_server)
    assert job.get_status() == "finished" and job.meta["step"] == "save"
    assert "Validation" in job.return_value()
    assert (tmp_path / "model" / "model.json").exists()


def test_async_without_redis_is_refused(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["recs", "train", "--async"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output
