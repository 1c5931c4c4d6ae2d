"""The prior ranker: what ranks before any training, from the hand-set weights alone."""
from __future__ import annotations

import numpy as np

from recommender.prior import prior_ranker


def test_the_prior_ranker_scores_with_its_weights_alone(history, data, cut):
    ranker = prior_ranker(history)
    assert not ranker.reranks  # neither trees nor a net re-score its shortlist
    rounds = data.rounds.take(np.flatnonzero(data.rounds.day >= cut)[:5])
    ids = ranker.investors_[:40]
    x = ranker.featurizer_.transform(rounds, np.repeat(np.arange(5), 40),
                                     np.tile(ranker.featurizer_.investor_index(ids), 5))
    np.testing.assert_array_equal(ranker.decision(x), ranker.linear_.decision_function(x))
    np.testing.assert_allclose(ranker.score(rounds, ids).ravel(), ranker.linear_.decision_function(x))
