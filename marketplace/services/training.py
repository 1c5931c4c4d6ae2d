"""Training the marketplace's ranker: validate on the last year, then learn from everything.

``train`` reads what the database holds (``marketplace.recs.dataset``), measures a ranker
trained on what was known a year ago against the year since (the protocol of
``recommender.evaluate``, next to the most-active and sector-and-stage baselines), then trains
on the whole history and saves the model with those figures. Serving picks the new model up
at the next request (``services.matching.engine`` watches the file).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace import cache, recs
from marketplace.errors import DomainError
from recommender import evaluate
from recommender import io as model_io
from recommender.baselines import PopularityRanker, SectorStageRanker
from recommender.model import LearnedRanker
from recommender.records import add_years, to_day

STEPS = ("read", "validate", "train", "save")
VALIDATION_MIN_ROUNDS = 3  # what makes an investor a candidate in the validation year


@dataclass
class TrainingReport:
    path: Path
    summary: dict  # what the model learned from
    figures: dict | None  # the validation, or None when the last year had nothing to test on

    def describe(self) -> str:
        lines = [f"Trained on {self.summary['rounds']:,} rounds, {self.summary['interactions']:,} interactions "
                 f"of {self.summary['investors']:,} investors; saved to {self.path}."]
        if self.figures is None:
            lines.append("No validation: the last year holds no round a candidate investor joined.")
        else:
            lines.append("Validation (trained on what was known a year ago, tested on the year since):")
            lines.append(evaluate.report(self.figures))
        return "\n".join(lines)


def _validate(data, today: date, say: Callable[[str], None]) -> dict | None:
    cut = add_years(to_day(today), -1)
    methods = {"learned": LearnedRanker(), "most_active": PopularityRanker(), "sector_stage": SectorStageRanker()}
    try:
        return evaluate.evaluate(data, cut, to_day(today + timedelta(days=1)), VALIDATION_MIN_ROUNDS,
                                 methods=methods, progress=say)
    except ValueError as error:  # too little history before the cut to replay
        say(f"no validation: {error}")
        return None


def train(session: Session, today: date, path: Path, progress: Callable[[str], None] = lambda step: None,
          say: Callable[[str], None] = lambda message: None) -> TrainingReport:
    """Validate, train and save; ``progress`` hears each of ``STEPS`` as it is done."""
    data = recs.dataset(session, today)
    progress("read")
    figures = _validate(data, today, say)
    progress("validate")
    try:
        ranker = LearnedRanker().fit(data)
    except ValueError as error:
        raise DomainError.on("_", _l("There is too little deal history to learn from yet (%(detail)s). Import "
                                     "past rounds first, for example with: flask import crunchbase DIR",
                                     detail=str(error))) from None
    progress("train")
    model_io.save(ranker, path, figures)
    cache.store().bump()
    progress("save")
    return TrainingReport(path, data.summary(), figures if figures and figures["split"]["test_rounds"] else None)
