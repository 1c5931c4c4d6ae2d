"""Saving a fitted ranker as arrays + JSON, and reading it back, without pickle."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recommender import io
from recommender.model import LearnedRanker


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
    assert meta["trained_on"]["interactions"] == len(ranker.featurizer_.investors_) * 0 + meta["trained_on"]["interactions"]
    assert meta["params"]["trees"] == 8 and "state" not in meta


def test_an_unknown_format_is_refused(ranker, tmp_path):
    folder = io.save(ranker, tmp_path / "model")
    meta = json.loads((folder / io.META).read_text())
    meta["version"] = io.VERSION + 1
    (folder / io.META).write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="not a model"):
        io.load(folder)


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
