"""Saving a fitted ranker as arrays + JSON, and reading it back, without pickle."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from recommender import io
from recommender.model import LearnedRanker, NeuralNet


def test_a_saved_ranker_scores_as_the_original(ranker, data, cut, tmp_path):
    folder = io.save(ranker, tmp_path / "model", figures={"validation": {"recall@10": 0.5}})
    loaded = io.load(folder)
    rounds = data.rounds.take(np.flatnonzero(data.rounds.day >= cut)[:30])
    ids = ranker.investors_[:200]
    np.testing.assert_allclose(loaded.score(rounds, ids), ranker.score(rounds, ids), rtol=1e-6, atol=1e-6)
    with np.load(folder / io.ARRAYS, allow_pickle=False) as arrays:  # plain arrays only
        assert all(arrays[k].dtype != object for k in arrays.files)
    meta = io.describe(folder)
    assert meta["version"] == io.VERSION and meta["figures"]["validation"]["recall@10"] == 0.5
    assert meta["trained_on"]["interactions"] == ranker.training_info_["interactions"]
    assert meta["params"]["trees"] == 8 and "state" not in meta
    assert meta["net"] == {"layers": len(ranker.net_.coefs)} and loaded.net_ is not None


def test_an_unknown_format_is_refused(ranker, tmp_path):
    folder = io.save(ranker, tmp_path / "model")
    meta = json.loads((folder / io.META).read_text())
    meta["version"] = io.VERSION + 1
    (folder / io.META).write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="not a model"):
        io.load(folder)


def test_a_version_1_model_without_a_net_is_still_read(ranker, data, cut, tmp_path):
    folder = io.save(ranker, tmp_path / "model")
    meta = json.loads((folder / io.META).read_text())
    meta["version"] = 1
    del meta["net"]
    (folder / io.META).write_text(json.dumps(meta))
    loaded = io.load(folder)
    assert loaded.net_ is None
    rounds = data.rounds.take(np.flatnonzero(data.rounds.day >= cut)[:5])
    idx = ranker.featurizer_.investor_index(ranker.investors_[:40])
    x = ranker.featurizer_.transform(rounds, np.repeat(np.arange(5), 40), np.tile(idx, 5))
    linear = ranker.linear_.decision_function(x)
    two_models = (1 - ranker.tree_weight) * linear + ranker.tree_weight * ranker.trees_.decision_function(x)
    np.testing.assert_allclose(loaded.decision(x), two_models, rtol=1e-9, atol=1e-9)


def test_an_unfitted_ranker_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError):
        io.save(LearnedRanker(), tmp_path / "m")


def test_the_numpy_tree_walker_agrees_with_scikit_learns(ranker, data, cut):
    rounds = data.rounds.take(np.flatnonzero(data.rounds.day >= cut)[:10])
    idx = ranker.featurizer_.investor_index(ranker.investors_[:50])
    x = ranker.featurizer_.transform(rounds, np.repeat(np.arange(10), 50), np.tile(idx, 10))
    trees = ranker.trees_
    compiled = trees.decision_function(x)
    walked = trees.baseline + trees._numpy_predict(np.asarray(x, dtype=np.float64)[:, trees.columns])
    np.testing.assert_allclose(walked, compiled, rtol=1e-9, atol=1e-9)


def test_the_nets_plain_arrays_give_scikit_learns_log_odds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6))
    y = (X[:, 0] * X[:, 1] + rng.normal(scale=0.3, size=400) > 0).astype(int)
    mlp = MLPClassifier(hidden_layer_sizes=(8, 4), max_iter=2000, random_state=0).fit(X, y)
    p = mlp.predict_proba(X)[:, 1]
    np.testing.assert_allclose(NeuralNet.from_estimator(mlp).decision_function(X), np.log(p / (1 - p)),
                               rtol=1e-4, atol=1e-4)
