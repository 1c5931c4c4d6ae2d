"""Small synthetic histories for the recommender's tests (no app, no database)."""
from __future__ import annotations

import pytest

from recommender.model import LearnedRanker
from recommender.records import add_years
from recommender.synthetic import make_dataset


@pytest.fixture(scope="session")
def data():
    """About 4,000 investments over eight years (2005-2012)."""
    return make_dataset(4_000, seed=7)


@pytest.fixture(scope="session")
def cut(data):
    """The split: a year before the data ends."""
    return add_years(data.as_of, -1)


@pytest.fixture(scope="session")
def history(data, cut):
    return data.before(cut)


@pytest.fixture(scope="session")
def ranker(history):
    """A small learned ranker, fitted once."""
    return LearnedRanker(n_folds=2, trees=8, negatives=8, shortlist=20, max_bins=15).fit(history)
