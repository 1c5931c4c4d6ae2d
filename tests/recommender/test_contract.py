"""The contract every ranker keeps: scikit-learn shape, determinism, shapes, newcomers."""
from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from recommender.base import BaseRanker
from recommender.baselines import PopularityRanker, ProfileRanker, RandomRanker, SectorStageRanker
from recommender.model import LearnedRanker
from recommender.rank import rank_investors, rank_rounds
from recommender.records import Round, RoundTable, add_years
from recommender.synthetic import make_dataset

ROOT = Path(__file__).resolve().parents[2]

RANKERS = [
    RandomRanker(random_state=3),
    PopularityRanker(),
    SectorStageRanker(),
    SectorStageRanker(earlier_first=True),
    ProfileRanker(),
    LearnedRanker(n_folds=2, trees=8, negatives=8, shortlist=20, max_bins=15, random_state=3),
]


def name(ranker: BaseRanker) -> str:
    return type(ranker).__name__ + ("+earlier" if getattr(ranker, "earlier_first", False) else "")


@pytest.fixture(scope="module", params=RANKERS, ids=name)
def fitted(request, history):
    ranker = clone(request.param)
    returned = ranker.fit(history)
    return request.param, ranker, returned


@pytest.fixture(scope="module")
def test_rounds(data, cut):
    return data.rounds.take(np.flatnonzero(data.rounds.day >= cut)[:40])


@pytest.fixture(scope="module")
def candidates(history):
    ids, _ = history.investor_rounds(3)
    return ids


def test_fit_returns_self(fitted):
    _, ranker, returned = fitted
    assert returned is ranker


@pytest.mark.parametrize("ranker", RANKERS, ids=name)
def test_init_only_stores_parameters(ranker):
    copy = clone(ranker)
    assert copy.get_params() == ranker.get_params()
    assert not [k for k in vars(copy) if k.endswith("_")]


def test_learned_attributes_end_in_an_underscore(fitted):
    template, ranker, _ = fitted
    added = set(vars(ranker)) - set(vars(clone(template)))
    assert added and all(k.endswith("_") for k in added), added


def test_scores_have_one_row_per_round_and_one_column_per_investor(fitted, test_rounds, candidates):
    _, ranker, _ = fitted
    scores = ranker.score(test_rounds, candidates)
    assert scores.shape == (len(test_rounds), len(candidates))
    assert np.isfinite(scores).all()
    assert ranker.score(test_rounds.take([]), candidates).shape == (0, len(candidates))
    assert ranker.score(test_rounds, []).shape == (len(test_rounds), 0)


def test_fitting_twice_gives_the_same_scores(fitted, history, test_rounds, candidates):
    template, ranker, _ = fitted
    again = clone(template).fit(history)
    np.testing.assert_array_equal(ranker.score(test_rounds, candidates), again.score(test_rounds, candidates))


def test_an_unseen_company_and_an_unseen_investor_get_finite_scores(fitted, candidates):
    _, ranker, _ = fitted
    newcomer = RoundTable.from_records([Round(key="new|seed|2012-06-01", company="never-seen", date="2012-06-01",
                                              sector="s0", stage="seed", stage_rank=1.0, region="r0", amount=1e6),
                                        Round(key="odd|x|2012-06-02", company="odd", date="2012-06-02")])
    ids = np.append(candidates[:5], "nobody-knows-me")
    scores = ranker.score(newcomer, ids)
    assert scores.shape == (2, 6) and np.isfinite(scores).all()


def test_only_the_given_candidates_are_ranked(fitted, test_rounds, candidates):
    _, ranker, _ = fitted
    some = candidates[::3]
    lists = rank_investors(ranker, test_rounds.take(np.arange(3)), some, k=10)
    assert len(lists) == 3
    for matches in lists:
        assert 0 < len(matches) <= 10 and {m.id for m in matches} <= set(some)
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    per_investor = rank_rounds(ranker, some[:2], test_rounds, k=5)
    assert all({m.id for m in matches} <= set(test_rounds.key) for matches in per_investor)


def test_scoring_before_fitting_is_refused(test_rounds, candidates):
    for ranker in RANKERS:
        with pytest.raises(NotFittedError):
            clone(ranker).score(test_rounds, candidates)


@pytest.mark.parametrize("ranker", RANKERS, ids=name)
def test_a_small_marketplace_fits_without_warnings(ranker):
    """A park's first weeks: a few hundred interactions. `flask recs train` should print its figures,
    not scikit-learn's complaints about batch sizes or empty folds."""
    small = make_dataset(300, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone(ranker).fit(small.before(add_years(small.as_of, -1)))


def test_no_ranker_pulls_in_the_web_app():
    code = ("import sys, json, pkgutil, recommender\n"
            "for m in pkgutil.walk_packages(recommender.__path__, 'recommender.'): __import__(m.name)\n"
            "print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in "
            "('flask', 'sqlalchemy', 'marketplace', 'pickle_not_used_here'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
