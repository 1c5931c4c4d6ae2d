"""``flask`` commands, a group per area."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models.enums import InvestorKind, Role

users = AppGroup("users", help="Accounts of every role, for operators and scripts.")
demo = AppGroup("demo", help="The demo marketplace.")
importing = AppGroup("import", help="Data from elsewhere: the deal history the recommender learns from.")
recs = AppGroup("recs", help="The recommender: training and its offline evaluation.")


def _fail(error: DomainError) -> None:
    """The command line speaks English, like its options and help."""
    with force_locale("en"):
        messages = "; ".join(f"{field}: {', '.join(map(str, msgs))}" for field, msgs in error.errors.items())
        raise click.ClickException(messages)


@users.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--org", "org_name", help="The organization; made when none of that name exists.")
@click.option("--park", "park_code", help="Park code, for park operators (empty: the whole zone).")
@click.option("--investor-kind", type=click.Choice([k.value for k in InvestorKind]))
def create_user(role: str, email: str, password: str, org_name: str | None, park_code: str | None,
                investor_kind: str | None) -> None:
    """Create an account of any role, park operators and admins included."""
    from marketplace.services import accounts

    try:
        user = accounts.create_user(db.session, role=Role(role), email=email, password=password,
                                    org_name=org_name, park_code=park_code,
                                    investor_kind=InvestorKind(investor_kind) if investor_kind else None)
    except DomainError as error:
        _fail(error)
    click.echo(f"created {user.role.value} {user.email} in {user.organization.name}")


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the marketplace has no organization yet.")
@click.option("--seed", default=2023, show_default=True, help="The random seed: same seed, same marketplace.")
def load_demo(if_empty: bool, seed: int) -> None:
    """Load a realistic, repeatable demo marketplace; running it again adds nothing."""
    from marketplace.services import demo as demo_data

    if if_empty and not demo_data.is_empty(db.session):
        click.echo("The database already has organizations; no demo data loaded.")
    else:
        with click.progressbar(length=demo_data.STEPS, label="Loading the demo marketplace") as bar:
            summary = demo_data.load(db.session, seed=seed, password=current_app.config["DEMO_PASSWORD"],
                                     progress=bar.update)
        click.echo(summary.describe())
    _print_logins()


@demo.command("logins")
def demo_logins() -> None:
    """Print one demo login per side."""
    _print_logins()


def _print_logins() -> None:
    from marketplace.services import demo as demo_data

    logins = demo_data.logins(db.session)
    if not logins:
        return
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email in logins:
        click.echo(f"  {role:<10} {email}")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(importing)
    app.cli.add_command(recs)
    app.cli.add_command(worker)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then stop.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run background jobs (RQ) from Redis: model training queued with `flask recs train --async`."""
    from rq import Worker

    from marketplace import tasks

    try:
        queue = tasks.queue()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    Worker([queue], connection=queue.connection).work(burst=burst)


@importing.command("crunchbase")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
def import_crunchbase(directory: str) -> None:
    """Import a Crunchbase-format export (companies, rounds, investments); running it again adds nothing.

    The data is Crunchbase's, under CC-BY: every page showing it credits Crunchbase.
    """
    from marketplace.services import crunchbase

    try:
        with click.progressbar(length=crunchbase.rows_to_read(directory), label="Importing Crunchbase rows") as bar:
            report = crunchbase.import_export(db.session, directory, progress=bar.update)
    except DomainError as error:
        _fail(error)
    click.echo(report.describe())


@recs.command("train")
@click.option("--async", "in_background", is_flag=True,
              help="Queue it on RQ (needs REDIS_URL); `flask worker` runs it.")
@click.option("--if-missing", is_flag=True, help="Only when no model has been trained yet.")
def train(in_background: bool, if_missing: bool) -> None:
    """Retrain the ranker on the marketplace's history, print its validation figures, and serve it."""

    from marketplace import tasks
    from marketplace.services import matching, training

    path = matching.model_path()
    if if_missing and matching.has_model(path):
        click.echo(f"A model is already trained in {path}: nothing to do.")
        return
    if in_background:
        try:
            job_id = tasks.enqueue_training(current_app._get_current_object(), clock.today(), path)
        except RuntimeError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Queued as job {job_id}; `flask worker` runs it.")
        return
    try:
        with click.progressbar(length=len(training.STEPS), label="Training the ranker",
                               item_show_func=lambda step: step) as bar:
            report = training.train(db.session, clock.today(), path, progress=lambda step: bar.update(1, step))
    except DomainError as error:
        _fail(error)
    click.echo(report.describe())


@recs.command("evaluate-crunchbase")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--train-until", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="YYYY-MM-DD: train on rounds dated before it.")
@click.option("--test-until", type=click.DateTime(["%Y-%m-%d"]),
              help="YYYY-MM-DD: test on rounds dated before it (default: a year on).")
@click.option("--min-train-rounds", default=5, show_default=True, type=click.IntRange(min=1),
              help="Rounds before the split a candidate needs.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Write the learned ranker's top 50 per query as JSON lines.")
@click.option("--score", type=click.Path(exists=True, dir_okay=False),
              help="Print the figures of a rankings file in the --out format instead of running the methods.")
@click.option("--chart", type=click.Path(dir_okay=False, writable=True),
              help="Also draw the figures as an SVG bar chart.")
def evaluate_crunchbase(directory: str, train_until: datetime, test_until: datetime | None, min_train_rounds: int,
                        out: str | None, score: str | None, chart: str | None) -> None:
    """The offline benchmark of shared/data/crunchbase-2013/README.md, with the baselines measured alongside."""
    from recommender import evaluate

    try:
        results = evaluate.run(directory, train_until.date(), test_until and test_until.date(), min_train_rounds,
                               out, score, write=lambda line: click.echo(line, err=True))
    except evaluate.BenchmarkError as error:
        raise click.ClickException(str(error)) from None
    if chart:
        Path(chart).write_text(evaluate.chart(results), encoding="utf-8")
    click.echo(evaluate.report(results))
