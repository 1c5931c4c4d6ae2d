"""Background work on RQ: the queue, and the jobs a worker (``flask worker``) runs.

Jobs build their own app from the settings they are given (the database and the model's
folder), so a worker on another machine trains what the command that queued it meant.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask, current_app
from redis import Redis
from rq import Queue, get_current_job

QUEUE = "zjmatch"
TRAIN_TIMEOUT_SECONDS = 3600


def queue(app: Flask | None = None) -> Queue:
    """The app's queue; RQ needs Redis (``REDIS_URL``)."""
    url = (app or current_app).config.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set: background jobs need Redis")
    return Queue(QUEUE, connection=Redis.from_url(url))


def train_model(database_url: str, model_path: str, today: str, redis_url: str | None) -> str:
    """The job of ``flask recs train --async``; its progress is in the job's meta ("step")."""
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.services import training

    job = get_current_job()

    def progress(step: str) -> None:
        if job is not None:
            job.meta["step"] = step
            job.save_meta()

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
                      "RECS_MODEL_PATH": model_path})
    with app.app_context():
        report = training.train(db.session, date.fromisoformat(today), Path(model_path), progress=progress)
        return report.describe()


def enqueue_training(app: Flask, today: date, model_path: Path) -> str:
    job = queue(app).enqueue(train_model, app.config["SQLALCHEMY_DATABASE_URI"], str(model_path), today.isoformat(),
                             app.config.get("REDIS_URL"), job_timeout=TRAIN_TIMEOUT_SECONDS,
                             description="flask recs train")
    return job.id
