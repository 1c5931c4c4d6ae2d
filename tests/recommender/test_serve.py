"""Serving: the index's lists are the exhaustive ranking's, for any investor, mask and size."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from recommender.features import CONTENT_COLUMNS, FEATURE_NAMES
from recommender.model import LearnedRanker
from recommender.rank import REASON_CODES, rank_investors, rank_rounds
from recommender.records import RoundTable
from recommender.serve import RoundIndex, top_investors
from recommender.synthetic import make_marketplace


@pytest.fixture(scope="module")
def market():
    """1,500 open needs (a third follow-ons, most with texts), 300 investors, 120 of them newcomers."""
    return make_marketplace(1_500, 300, seed=3)


@pytest.fixture(scope="module")
def ranker(market):
    return LearnedRanker(n_folds=2, trees=8, negatives=8, shortlist=20, max_bins=15).fit(market.history)


@pytest.fixture(scope="module")
def index(ranker, market):
    return RoundIndex(ranker, market.needs)


def investors(market, ranker):
    """Investors with much history, some, none (newcomers with a thesis), and one nobody knows."""
    known = set(ranker.featurizer_.investors_[ranker.featurizer_.rounds_[:-1] > 0])
    ids = np.asarray(market.history.investors.id, dtype=str)
    active = ids[np.argsort(-ranker.featurizer_.rounds_[ranker.featurizer_.investor_index(ids)])[:3]]
    newcomers = [i for i in ids if i not in known][:3]
    assert len(newcomers) == 3
    return [*active, ids[len(ids) // 3], *newcomers, "nobody"]


def same(a, b):
    assert [m.id for m in a] == [m.id for m in b]
    assert [m.reasons for m in a] == [m.reasons for m in b]
    np.testing.assert_allclose([m.score for m in a], [m.score for m in b], rtol=0, atol=1e-9)


@pytest.mark.parametrize("k", [10, 35])  # within the shortlist (20) and beyond it
def test_the_top_rounds_are_the_exhaustive_ranking(index, ranker, market, k):
    for investor in investors(market, ranker):
        [full] = rank_rounds(ranker, [investor], market.needs, k=k)
        top = index.top_rounds(investor, k=k)
        assert len(top) == k
        same(top, full)


def test_the_summed_score_is_the_log_linear_score_from_the_same_feature_rows(index, ranker, market):
    feat = ranker.featurizer_
    n = len(market.needs)
    for investor in investors(market, ranker):
        i = feat.investor_index([investor])[0]
        x = feat.transform(market.needs, np.arange(n), np.full(n, i))
        content = index.parts["content"].decision_function(x[:, [FEATURE_NAMES.index(c) for c in CONTENT_COLUMNS]])
        score, read = index._scores_but_content(i)
        np.testing.assert_allclose(score + content, ranker.linear_.decision_function(x), rtol=0, atol=1e-6)
        rows = np.random.default_rng(0).choice(n, 300, replace=False)
        weighed = feat.content_columns(index.side, rows, np.full(len(rows), i), index.content_weighed)
        np.testing.assert_array_equal(index._feature_rows(i, rows, read, weighed), x[rows])
        low, high = index._content_bounds(i)
        assert low - 1e-6 <= content.min() and content.max() <= high + 1e-6


def test_only_rounds_in_the_mask_are_ranked(index, ranker, market):
    mask = np.random.default_rng(0).random(len(market.needs)) < 0.3
    allowed = set(market.needs.key[mask])
    for investor in investors(market, ranker)[:4]:
        top = index.top_rounds(investor, k=25, mask=mask)
        assert {m.id for m in top} <= allowed
        [full] = rank_rounds(ranker, [investor], market.needs.take(np.flatnonzero(mask)), k=25)
        assert [m.id for m in top] == [m.id for m in full]
    assert index.top_rounds(investors(market, ranker)[0], mask=np.zeros(len(market.needs), bool)) == []


def test_matches_have_reasons_the_app_can_translate(index, ranker, market):
    top = index.top_rounds(investors(market, ranker)[0], k=20, reasons=3)
    assert all(len(m.reasons) <= 3 for m in top) and any(m.reasons for m in top)
    assert {code for m in top for code, _ in m.reasons} <= set(REASON_CODES)
    assert all(m.reasons == [] for m in index.top_rounds(investors(market, ranker)[0], k=5, reasons=0))


def test_few_or_no_rounds(ranker, market):
    assert RoundIndex(ranker, RoundTable.empty()).top_rounds("i000001") == []
    few = market.needs.take([0, 1, 2])
    top = RoundIndex(ranker, few).top_rounds("i000001", k=50)
    assert sorted(m.id for m in top) == sorted(few.key)


def test_a_needs_top_investors_are_the_exhaustive_ranking(ranker, market):
    ids = np.asarray(market.history.investors.id, dtype=str)
    for row in (0, 7, 700):
        same(top_investors(ranker, market.needs, row, ids, k=15),
             rank_investors(ranker, market.needs.take([row]), ids, k=15)[0])


def test_an_index_refuses_features_fitted_again(ranker, market):
    again = copy.copy(ranker)
    index = RoundIndex(again, market.needs.take([0, 1]))
    again.featurizer_ = copy.copy(ranker.featurizer_)  # what refit_features does: a new featurizer
    with pytest.raises(RuntimeError, match="build a new one"):
        index.top_rounds("i000001")
